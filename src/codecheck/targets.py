"""Target dates as landlords write them in improvement plans and self-assessment forms.

A plan's "when" is rarely a day: ``30/06/2025`` and ``31 March 2025`` are, but
``June 2025``, ``end of March 2025``, ``Q2 2025/26`` and ``2025/26`` name a
period, and the target is the **last day** of that period (an action due "in
June 2025" is not late until July). Exact dates are read by
:func:`codecheck.values.parse_date` (day-first, as everywhere in codecheck).

* ``Q1``-``Q4`` with a financial year (``Q2 2025/26``, ``Q3 2024-25``) count
  from April (Q1 April-June ... Q4 January-March of the second year); with a plain
  year (``Q2 2025``) they are calendar quarters;
* a season (``Spring 2027``, ``autumn 2026``) ends on its last day (31 May, 30 November);
  ``winter 2026`` (or ``winter 2026/27``) on the last day of February 2027;
* a financial year alone (``2025/26``, ``by end of 2024/25``) ends on 31 March;
  a plain year with a lead-in (``by 2025``, ``end of 2025``) on 31 December;
* ``ongoing``, ``quarterly``, ``TBC`` and the like are not dates.

:func:`find_target` finds the first date in a longer text (a line holding the
action, the date and the status), :func:`find_targets` every date in it, in order,
:func:`read_target` reads a whole cell. None of them raises, whatever it is given.

:func:`is_record` tells a date that records something done ("reviewed in March 2025",
"updated on 16 September 2024") from a date to comply by ("by June 2025", "target
March 2025"): only the second is a commitment.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re
from dataclasses import dataclass

from codecheck.lazy import Regex
from codecheck.values import UnreadableValue, format_date, parse_date

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
    "apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_YEAR = r"(?:19|20)\d\d"
_FY = rf"(?P<fy>{_YEAR})\s*[/\-\u2013]\s*(?P<fy2>\d\d(?:\d\d)?)"

_PATTERNS = [
    # 30/06/2025, 30.06.25, 2025-06-30
    ("day", Regex(r"(?<![\d.,/])(?P<d>\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2})(?![\d/]|\.\d)")),
    # 31 March 2025, 1st of May 2025, Monday 31 March 2025, 31-Mar-25
    ("day", Regex(rf"(?<![\d£$])(?P<d>\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?[\s\-]+{_MONTH}\.?,?[\s\-]+(?:{_YEAR}|\d\d))(?![\d:])",
                       re.IGNORECASE)),
    # March 31, 2025 / March 31st 2025
    ("mdy", Regex(rf"\b(?P<m>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>{_YEAR})\b", re.IGNORECASE)),
    # Q2 2025/26, Q3 2024-25, Q1 of 2025
    ("quarter", Regex(rf"\b(?:q(?P<q>[1-4])|(?P<qw>first|second|third|fourth)\s+quarter)(?:\s+of)?\s+(?:the\s+)?"
                           rf"(?:(?:financial|fin|calendar)\.?\s+year\s+)?(?:{_FY}|(?P<y>{_YEAR})"
                           # Q4 26/27: the financial year in two digits each
                           rf"|(?P<fs>\d\d)\s*[/\-\u2013]\s*(?P<fs2>\d\d))\b(?![/.]\d)", re.IGNORECASE)),
    # June 2025, end of March 2025, Sept. 25, Nov-26 (a spreadsheet's mmm-yy)
    ("month", Regex(rf"\b(?P<m>{_MONTH})\.?,?(?:\s+|-)(?P<y>{_YEAR}|'?\d\d)\b(?!\s*(?:working\s+)?days)(?![/.\-]\d)",
                         re.IGNORECASE)),
    # Spring 2027, by autumn 2026, winter 2026/27 (the meteorological seasons)
    ("season", Regex(rf"\b(?P<s>spring|summer|autumn|fall|winter)(?:\s+of)?\s+(?:{_FY}|(?P<y>{_YEAR}))\b(?![/.]\d)",
                          re.IGNORECASE)),
    # 2025/26, end of 2024-25
    ("fy", Regex(rf"(?<![\d/.])(?:(?:financial|fin)\.?\s+year\s+)?{_FY}(?![\d/])", re.IGNORECASE)),
    # by 2025, end of 2025, during 2025 (a plain year needs a lead-in, or to stand alone)
    ("year", Regex(rf"(?:\b(?:by|in|during|before|until|end\s+of|throughout)\s+(?:the\s+)?(?:(?:calendar\s+)?year\s+)?|^\s*)"
                        rf"(?P<y>{_YEAR})\b(?![/.\-]\d)", re.IGNORECASE)),
]
_QUARTER_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_SEASON_END = {"spring": 5, "summer": 8, "autumn": 11, "fall": 11, "winter": 2}
"""The month each season ends in (spring March to May, ... winter December to February)."""


@dataclass(frozen=True)
class Target:
    """A target date read from a plan: the day it falls due and the words it was written in."""

    date: dt.date
    text: str
    """As written: "June 2025", "Q2 2025/26", "30/06/2025"."""
    start: int = 0
    end: int = 0
    """Where in the text it was found."""

    def label(self) -> str:
        """"30/06/2025", or "31/12/2024 (December 2024)" when it was written otherwise."""
        day = format_date(self.date)
        written = " ".join(self.text.split())
        return day if written == day else f"{day} ({written})"


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, _calendar.monthrange(year, month)[1])


def _year(text: str) -> int:
    text = text.lstrip("'")
    year = int(text)
    if len(text) == 2:
        year += 2000
    return year


def _second_year(first: int, text: str) -> int | None:
    second = int(text) if len(text) == 4 else (first // 100) * 100 + int(text)
    return first + 1 if second == first + 1 else None


def _date_of(kind: str, m: re.Match[str]) -> dt.date | None:
    groups = m.groupdict()
    if kind == "day":
        try:
            return parse_date(m.group("d"))
        except UnreadableValue:
            return None
    if kind == "mdy":
        try:
            return dt.date(int(m.group("y")), _MONTHS[m.group("m").lower().rstrip(".")], int(m.group("day")))
        except (KeyError, ValueError):
            return None
    if kind == "month":
        month = _MONTHS.get(m.group("m").lower().rstrip("."))
        return _month_end(_year(m.group("y")), month) if month else None
    if kind == "quarter":
        quarter = int(groups["q"]) if groups.get("q") else _QUARTER_WORDS[groups["qw"].lower()]
        if groups.get("fy") or groups.get("fs"):
            first = int(groups["fy"]) if groups.get("fy") else 2000 + int(groups["fs"])
            if _second_year(first, groups["fy2"] or groups["fs2"]) is None:
                return None
            month, year = (3 * quarter + 3, first) if quarter < 4 else (3, first + 1)
            return _month_end(year, month)
        return _month_end(int(groups["y"]), 3 * quarter)
    if kind == "season":
        # the season's last day; a winter runs December to February, so "winter 2026" is read as the
        # one that starts in December 2026 (the later reading: never late before its time)
        year = int(groups["fy"]) if groups.get("fy") else int(groups["y"])
        month = _SEASON_END[groups["s"].lower()]
        return _month_end(year + 1, 2) if month == 2 else _month_end(year, month)
    if kind == "fy":
        first = int(groups["fy"])
        return dt.date(first + 1, 3, 31) if _second_year(first, groups["fy2"]) is not None else None
    if kind == "year":
        return dt.date(int(groups["y"]), 12, 31)
    return None  # pragma: no cover


def find_target(text: str) -> Target | None:
    """The first date in `text` (the earliest in the text; at one place, the most precise)."""
    if not isinstance(text, str) or not text.strip():
        return None
    text = text[:20_000]
    best: Target | None = None
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            try:
                day = _date_of(kind, m)
            except (ValueError, OverflowError, KeyError):
                day = None
            if day is None:
                continue
            start = m.start("y") if kind == "year" else m.start()
            if best is None or start < best.start:
                best = Target(day, text[start:m.end()].strip(), start, m.end())
            break
    return best


def find_targets(text: str) -> list[Target]:
    """Every date in `text`, in order (where two readings overlap, the one found first)."""
    out: list[Target] = []
    if not isinstance(text, str):
        return out
    at = 0
    while at < len(text):
        found = find_target(text[at:])
        if found is None:
            break
        out.append(Target(found.date, found.text, at + found.start, at + found.end))
        at += max(found.end, found.start + 1)
    return out


# Words before a date that make it a record of something done, not a date to comply by.
_DONE = Regex(
    r"\b(?:reviewed|updated|approved|agreed|published|completed|introduced|implemented|launched|amended|"
    r"changed|written|adopted|signed\s+off|took\s+place|held|started|began|issued|carried\s+out|last|since|"
    r"has\s+been|have\s+been)\s+(?:(?:on|in|at|during|from)\s+)?(?:the\s+)?$",
    re.IGNORECASE,
)
_BY = Regex(r"\b(?:by|before|due|target|deadline|until|end\s+of|no\s+later\s+than|will|to\s+be|planned|scheduled|if|once|"
                 r"expected|aim|aiming)\b[^.;]{0,30}$", re.IGNORECASE)


def is_record(text: str, target: Target) -> bool:
    """Does the date record something done ("reviewed in March 2025") rather than set a date
    to comply ("by March 2025", "will be reviewed in March 2025")?"""
    before = text[max(0, target.start - 60) : target.start]
    return bool(_DONE.search(before)) and not _BY.search(before)


def read_target(text: str | None) -> Target | None:
    """A cell or field that should hold a target date: the date it gives, or None."""
    if text is None:
        return None
    return find_target(text)
