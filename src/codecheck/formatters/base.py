"""What an output format is."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Protocol, TextIO

if TYPE_CHECKING:
    from codecheck.results import Results


class Formatter(Protocol):
    """An output format of `codecheck check`: the run's results as text (the board report has
    its own formats, :mod:`codecheck.report.formats`)."""

    name: str
    description: str

    def render(self, results: "Results") -> str: ...


class StreamingFormatter:
    """A format that writes its findings to the output as they stream from the run
    (``results.iter_findings()``), holding none of them (issue 16): ``write`` is the format,
    ``render`` the same text as a string (plugins and the web app call it)."""

    def write(self, results: "Results", out: TextIO) -> None:
        raise NotImplementedError

    def render(self, results: "Results") -> str:
        buffer = io.StringIO(newline="")
        self.write(results, buffer)
        return buffer.getvalue()


# C0 and C1 control characters but tab, and DEL: a newline in a case id or file name would start a
# new output line (in a CI log, "::error ..." is a workflow command); ESC drives the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """`text` safe to print on one line: each control character written as an escape (\\n, \\x1b)."""
    if not _CONTROL.search(text):
        return text
    named = {"\n": "\\n", "\r": "\\r"}
    return _CONTROL.sub(lambda m: named.get(m.group(0), f"\\x{ord(m.group(0)):02x}" if ord(m.group(0)) < 256
                                            else f"\\u{ord(m.group(0)):04x}"), text)
