"""Reading cell values: dates and yes/no, as case-record exports write them.

Dates: ISO ``2024-05-01``, UK day-first ``01/05/2024`` and ``1/5/24``, and
``1 May 2024`` (also ``01-May-2024``, ``1st May 2024``), optionally followed by
a midnight time as spreadsheets add (``01/05/2024 00:00``). A slash date is
never read month-first unless the configuration says ``date_order: mdy``.

Every distinct string is parsed once and cached: an export repeats the same
few thousand dates across a million cells.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np

YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0"})

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
    "apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_TIME = r"(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME + r"$")
_NUMERIC = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})" + _TIME + r"$")
_WORDS = re.compile(
    r"(?:[a-z]{3,9},?\s+)?(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([a-z]{3,9})\.?,?[\s\-]+(\d{4}|\d{2})" + _TIME + r"$"
)


class UnreadableValue(ValueError):
    """A cell that is not blank but cannot be read as the column's type."""


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def parse_date(text: str, month_first: bool = False) -> dt.date | None:
    """Read one cell as a date; None when blank; UnreadableValue otherwise."""
    s = text.strip().lower()
    if not s:
        return None
    try:
        if m := _ISO.match(s):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _NUMERIC.match(s):
            first, second = int(m[1]), int(m[3])
            day, month = (second, first) if month_first else (first, second)
            return dt.date(_year(m[4]), month, day)
        if (m := _WORDS.match(s)) and m[2] in _MONTHS:
            return dt.date(_year(m[3]), _MONTHS[m[2]], int(m[1]))
    except ValueError:
        raise UnreadableValue("is not a real date") from None
    raise UnreadableValue("is not a date in a recognised form (2024-05-01, 01/05/2024, 1 May 2024)")


def parse_yes_no(text: str) -> bool | None:
    s = text.strip().lower()
    if not s:
        return None
    if s in YES:
        return True
    if s in NO:
        return False
    raise UnreadableValue("is not yes or no")


_NAT = np.datetime64("NaT", "D")


class DateColumnParser:
    """Parses whole columns to datetime64[D] arrays with a per-string cache."""

    def __init__(self, month_first: bool = False):
        self.month_first = month_first
        self._cache: dict[str, np.datetime64 | str] = {"": _NAT}

    def _one(self, text: str) -> "np.datetime64 | str":
        try:
            value = parse_date(text, self.month_first)
        except UnreadableValue as exc:
            result: np.datetime64 | str = str(exc)
        else:
            result = _NAT if value is None else np.datetime64(value, "D")
        if len(self._cache) < 200_000:
            self._cache[text] = result
        return result

    def parse(self, values: list[str]) -> tuple[np.ndarray, list[tuple[int, str]]]:
        """Return the dates (NaT for blank or unreadable) and the unreadable cells as (index, why)."""
        cache = self._cache
        out = np.empty(len(values), dtype="datetime64[D]")
        bad: list[tuple[int, str]] = []
        for i, text in enumerate(values):
            hit = cache.get(text)
            if hit is None:
                hit = self._one(text)
            if isinstance(hit, str):
                bad.append((i, hit))
                out[i] = _NAT
            else:
                out[i] = hit
        return out, bad


def parse_yes_no_column(values: list[str]) -> tuple[np.ndarray, list[tuple[int, str]]]:
    """Return int8 flags (1 yes, 0 no, -1 blank or unreadable) and the unreadable cells."""
    out = np.full(len(values), -1, dtype=np.int8)
    bad: list[tuple[int, str]] = []
    for i, text in enumerate(values):
        if not text:
            continue
        s = text.strip().lower()
        if s in YES:
            out[i] = 1
        elif s in NO:
            out[i] = 0
        elif s:
            bad.append((i, "is not yes or no"))
    return out, bad


def format_date(day: "dt.date | np.datetime64") -> str:
    """UK day-first, as the Code's users write dates: 02/01/2025."""
    if isinstance(day, np.datetime64):
        day = day.astype(dt.date)
    return day.strftime("%d/%m/%Y")
