"""What an output format is."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from codecheck.report import Report


class Formatter(Protocol):
    name: str
    description: str

    def render(self, report: "Report") -> str: ...
