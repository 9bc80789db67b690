"""The server's private temporary folder and what each browser session has uploaded to it.

No name or path from the browser is used on disk: each upload is written as ``<n>/upload<ext>``
under a folder the server made (``tempfile.mkdtemp``), where ``<n>`` is a counter and ``<ext>``
the upload's extension, checked to be short letters and digits. The browser's file name is kept
only as a sanitised display name (and to guess the kind, as the command line guesses it from a
file's name). The folder is removed when the server stops."""

from __future__ import annotations

import itertools
import re
import secrets
import shutil
import tempfile
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from codecheck.documents.kinds import infer_kind
from codecheck.rules import CASES

#: Extensions read as case records when the name says nothing (as the command line does).
CASE_EXTENSIONS = (".csv", ".tsv", ".xlsx", ".xlsm")
_SAFE = re.compile(r"[^A-Za-z0-9 ._()\-]+")


def display_name(raw: str | None) -> str:
    """The browser's file name, for showing only: the last path part, printable, at most 120 characters."""
    name = unicodedata.normalize("NFKC", str(raw or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = _SAFE.sub("_", name).strip(" .") or "upload"
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 110] + dot + ext[:8]) if dot and len(ext) <= 8 else name[:120]
    return name


def extension(name: str) -> str:
    """The display name's extension, lower case, or "" when it is not 1-8 letters and digits."""
    suffix = Path(name).suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ""


def guess_kind(name: str) -> str | None:
    """The kind the command line would give a file of this name: case records for a spreadsheet or
    CSV (the case readers take those whatever the name), else the kind its name points to, else
    None (the page asks)."""
    if extension(name) in CASE_EXTENSIONS:
        return CASES
    return infer_kind(name)


@dataclass
class Upload:
    id: str
    name: str
    """Sanitised display name (unique within the session)."""
    path: Path
    size: int
    guessed: str | None
    chosen: str | None = None
    columns: dict[str, str] | None = None
    """A mapping made on the page (canonical -> header), used when this file is checked."""
    date_order: str | None = None

    @property
    def kind(self) -> str | None:
        return self.chosen or self.guessed


@dataclass
class Session:
    id: str
    token: str
    folder: Path
    uploads: dict[str, Upload] = field(default_factory=dict)
    results: object | None = None
    """The last check's :class:`codecheck.results.Results`, paths renamed to display names."""
    as_of: str = ""
    counter: itertools.count = field(default_factory=lambda: itertools.count(1))

    def unique_name(self, name: str) -> str:
        taken = {u.name for u in self.uploads.values()}
        if name not in taken:
            return name
        stem, ext = Path(name).stem, Path(name).suffix
        for n in itertools.count(2):
            candidate = f"{stem} ({n}){ext}"
            if candidate not in taken:
                return candidate
        raise AssertionError("unreachable")

    def new_path(self, ext: str) -> tuple[str, Path]:
        number = next(self.counter)
        folder = self.folder / str(number)
        folder.mkdir(mode=0o700)
        return str(number), folder / f"upload{ext}"

    def remove(self, upload_id: str) -> None:
        upload = self.uploads.pop(upload_id, None)
        if upload is not None:
            shutil.rmtree(upload.path.parent, ignore_errors=True)
            self.results = None

    def clear(self) -> None:
        for upload_id in list(self.uploads):
            self.remove(upload_id)


class Workspace:
    """The sessions and the temporary folder holding their uploads."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="codecheck-serve-"))
        self.sessions: dict[str, Session] = {}
        self.lock = threading.Lock()

    def session(self, session_id: str | None) -> Session | None:
        return self.sessions.get(session_id or "")

    def new_session(self) -> Session:
        with self.lock:
            session_id = secrets.token_urlsafe(24)
            folder = self.root / secrets.token_hex(8)
            folder.mkdir(mode=0o700)
            session = Session(id=session_id, token=secrets.token_urlsafe(24), folder=folder)
            self.sessions[session_id] = session
            return session

    def close(self) -> None:
        self.sessions.clear()
        shutil.rmtree(self.root, ignore_errors=True)
