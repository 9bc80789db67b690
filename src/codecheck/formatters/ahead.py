"""Rendering a format's findings ahead, in a helper process, while the rules still run (issue 16).

A run with a million findings spent a third of its time writing them as JSON after the
last batch was checked, on one core, while the machine's other core had little to do. Here
a helper process renders each batch's findings (a spooled run, :class:`codecheck.results.Spool`)
as soon as it is spooled, to a text file beside the spool; the format then copies that text
into its output in place of rendering it (``Results.iter_chunks(rendered=...)``).

Nothing depends on the helper: a run it did not render (not started yet, refused, the helper
gone) is rendered by the format as before, and the text is the same either way (the tests
compare them). It starts only once a run has many findings (:data:`START_AFTER`), so a small
run never pays for a process. The helper reads the spool files the main process writes (each
run is flushed before it is announced) and writes only its own files; it is told of runs by a
pipe and, when told there are no more, answers with where each run's text is.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import pickle
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

START_AFTER = 20_000
"""Findings spooled in the run before the helper is started (below, rendering takes less time
than starting a Python process)."""
ENV = "CODECHECK_RENDER_AHEAD"
"""Overrides :data:`START_AFTER`: a number of findings (0: from the first run), or ``off``."""


def start_after() -> int | None:
    """Findings after which the helper starts (None: never), from :data:`ENV` or the default."""
    value = os.environ.get(ENV, "").strip().lower()
    if value in ("off", "no", "false"):
        return None
    return int(value) if value.isdigit() else START_AFTER


@dataclass(frozen=True)
class RenderedRun:
    """One spooled run's findings as text: ``length`` bytes from ``start`` of ``file`` (UTF-8)."""

    file: str
    start: int
    length: int

    def write_to(self, out: TextIO) -> None:
        """Copy the text into `out`: by the kernel into a file, else decoded and written."""
        fd = _regular_file(out)
        with open(self.file, "rb") as source:
            if fd is not None:
                out.flush()
                if _copy(source.fileno(), fd, self.start, self.length):
                    return
            source.seek(self.start)
            out.write(source.read(self.length).decode("utf-8"))


def _regular_file(out: TextIO) -> int | None:
    try:
        fd = out.fileno()
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None
    try:
        return fd if stat.S_ISREG(os.fstat(fd).st_mode) else None
    except OSError:
        return None


def _copy(source: int, target: int, start: int, length: int) -> bool:
    """Copy by the kernel (``copy_file_range``, else ``sendfile``) to `target` at its position;
    False where neither is possible before anything is copied (then the caller copies)."""
    done = 0
    for call in ("copy_file_range", "sendfile"):
        copy = getattr(os, call, None)
        if copy is None:
            continue
        try:
            while done < length:
                if call == "copy_file_range":
                    n = copy(source, target, length - done, start + done)
                else:
                    n = copy(target, source, start + done, length - done)
                if n == 0:
                    raise OSError("copied nothing")
                done += n
            return True
        except OSError:
            if done:  # part copied: finish it by hand, from where it stopped
                os.lseek(source, start + done, os.SEEK_SET)
                while done < length:
                    data = os.read(source, min(length - done, 1 << 20))
                    if not data:
                        raise
                    os.write(target, data)
                    done += len(data)
                return True
    return False


class Ahead:
    """The main process's side: told of each spooled run, it starts the helper once enough
    findings have been spooled and passes the runs on; :meth:`finish` says what was rendered.

    `render` names the function that renders a run, ``module:function``, called as
    ``function(path, fields)`` (fields: a spooled run, seven lists) and returning its text."""

    def __init__(self, render: str):
        self.render = render
        self.start_after = start_after()
        self.spooled = 0
        self.waiting: list[tuple[str, int, str]] = []
        self.process: subprocess.Popen | None = None
        self.failed = False

    def __call__(self, spool, offset: int, findings: int) -> None:
        """A run of `findings` findings was spooled at `offset` of ``spool.file`` (and flushed)."""
        if self.failed or self.start_after is None:
            return
        self.waiting.append((spool.file, offset, spool.path))
        self.spooled += findings
        if self.process is None:
            if self.spooled < self.start_after:
                return
            self._start()
            if self.failed:
                return
        self._send()

    def _start(self) -> None:
        import codecheck

        # This codecheck, wherever it was imported from; put first only where the helper's own
        # path does not hold it already (a site-packages put first would shadow the stdlib).
        root = str(Path(codecheck.__file__).resolve().parent.parent)
        start = ("import os, sys; root, render = sys.argv[1:3]; "
                 "any(os.path.realpath(p or '.') == root for p in sys.path) or sys.path.insert(0, root); "
                 "from codecheck.formatters.ahead import serve; serve(render, sys.stdin.buffer, sys.stdout.buffer)")
        try:
            self.process = subprocess.Popen([sys.executable, "-c", start, root, self.render], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except OSError:
            self.failed = True

    def _send(self) -> None:
        assert self.process is not None and self.process.stdin is not None
        lines = "".join(json.dumps(run) + "\n" for run in self.waiting).encode("utf-8", "surrogatepass")
        self.waiting.clear()
        try:
            self.process.stdin.write(lines)
            self.process.stdin.flush()
        except OSError:  # the helper is gone: the format renders the rest
            self.failed = True

    def finish(self) -> dict[str, tuple[str, dict[int, RenderedRun]]]:
        """Wait for the helper: for each spool file, the path its findings were rendered under
        and the rendered runs (offset -> text). Empty where it was never started or failed."""
        process, self.process = self.process, None
        if process is None:
            return {}
        try:
            out, _ = process.communicate()
        except OSError:
            out = b""
        if self.failed or process.returncode != 0:
            return {}
        try:
            answer = json.loads(out)
        except ValueError:
            return {}
        return {spool: (path, {int(offset): RenderedRun(text, start, length) for offset, (start, length) in runs.items()})
                for spool, (text, path, runs) in answer.items()}

    def stop(self) -> None:
        """End the helper without waiting for what it renders (the run failed or was stopped)."""
        process, self.process = self.process, None
        if process is not None:
            process.kill()
            process.wait()


def serve(render: str, lines, answer) -> None:
    """The helper: for each line of `lines` (a JSON ``[spool file, offset, path]``), render that
    run to ``<spool file>.<format>``; at their end, write to `answer` where each run's text is
    (JSON: spool file -> [text file, path, {offset: [start, length]}]). A run it cannot render (text
    the output could not encode either) is left out: the format renders it, and fails as it would."""
    import importlib

    module, name = render.split(":")
    function = getattr(importlib.import_module(module), name)
    suffix = "." + module.rsplit(".", 1)[-1]
    done: dict[str, list] = {}
    sources: dict[str, object] = {}
    targets: dict[str, object] = {}
    with contextlib.ExitStack() as files:
        for line in lines:
            spool, offset, path = json.loads(line)
            if spool not in sources:
                sources[spool] = files.enter_context(open(spool, "rb"))
                targets[spool] = files.enter_context(open(spool + suffix, "wb"))
                done[spool] = [spool + suffix, path, {}]
            source, target = sources[spool], targets[spool]
            source.seek(offset)
            fields = pickle.load(source)
            try:
                data = function(path, fields).encode("utf-8")
            except UnicodeEncodeError:
                continue
            done[spool][2][offset] = [target.tell(), len(data)]
            target.write(data)
    answer.write(json.dumps(done).encode("utf-8"))
    answer.flush()


if __name__ == "__main__":  # the helper, by hand: python -m codecheck.formatters.ahead MODULE:FUNCTION
    serve(sys.argv[1], sys.stdin.buffer, sys.stdout.buffer)
