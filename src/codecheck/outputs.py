"""Writing codecheck's own output files without ever harming an input.

* :func:`refuse_overwriting_inputs` — an output path (``-o``, ``--write-baseline``)
  that is one of the inputs, or lies inside a folder being checked, is a usage error
  before anything runs: ``codecheck cases.csv -o cases.csv`` must never replace the
  case records with the report.
* :func:`write_text_atomic` — an output is written to a temporary file in the same
  folder and renamed into place only when complete, so a full disk, a crash or Ctrl-C
  never leaves a truncated report or an empty baseline behind; on failure the
  temporary file is removed and the old file is untouched.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable, Iterable

from codecheck.errors import UsageError


def _resolved(path: str | Path) -> Path:
    """The path with symlinks and ``..`` resolved (as far as it exists)."""
    try:
        return Path(path).expanduser().resolve()
    except (OSError, RuntimeError):  # a symlink loop: compare it as written
        return Path(os.path.abspath(path))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)  # also catches hard links
    except (OSError, ValueError):
        return False


def refuse_overwriting_inputs(
    outputs: Iterable[tuple[str, str | Path | None]],
    inputs: Iterable[str | Path | None],
    walked: Callable[[Path], bool] | None = None,
) -> None:
    """Raise UsageError when an output would overwrite an input.

    ``outputs`` are ``(option, path)`` pairs such as ``("-o", Path("cases.csv"))``;
    ``None`` paths are skipped. ``inputs`` are the files and folders being read.
    An output is refused when it resolves to an input file, or to a file inside an
    input folder that the folder walk would read: ``walked(path)``, with the path as the
    walk would find it (the folder as given / the file's place in it), says whether it
    would (default: every file in the folder, hidden ones excepted).
    """
    roots = [(Path(p), _resolved(p)) for p in inputs if p is not None and str(p) != ""]
    for option, out in outputs:
        if out is None:
            continue
        target = _resolved(out)
        for given, root in roots:
            if target == root or _same_file(target, root):
                raise UsageError(f"{option} {out} is one of the inputs; it would be overwritten")
            if root.is_dir():
                try:
                    inside = target.relative_to(root)
                except ValueError:
                    continue
                if any(part.startswith(".") for part in inside.parts):
                    continue  # the folder walk never reads hidden files and folders
                if walked is None or walked(given / inside):
                    raise UsageError(f"{option} {out} is inside {given.as_posix().rstrip('/')}/, a folder being checked; "
                                     "it would be read as an input or overwrite one")


def write_text_atomic(path: str | Path, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` all at once (see :func:`write_bytes_atomic`)."""
    write_bytes_atomic(path, text.encode(encoding))


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` all at once: a temporary file in the same folder,
    renamed over ``path`` only when complete (``os.replace``). Raises OSError (the old
    file untouched, the temporary file removed) when it cannot be written."""
    path = Path(path)
    if path.is_symlink():  # write through the link, as open() would, not over it
        path = _resolved(path)
    folder = path.parent if str(path.parent) else Path(".")
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temp, _mode_for(path))
        os.replace(temp, path)
    except BaseException:  # a full disk, a crash, Ctrl-C: nothing half-written is left
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def _mode_for(path: Path) -> int:
    """The permissions the file would have had if written in place: the old file's, else
    the usual 0o666 less the umask (mkstemp's own 0o600 would hide a report from colleagues)."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
