"""Reading cell values: dates and yes/no, as case-record exports write them.

Dates: ISO ``2024-05-01``, UK day-first ``01/05/2024`` and ``1/5/24``, and
``1 May 2024`` (also ``01-May-2024``, ``1st May 2024``), optionally followed by
a midnight time as spreadsheets add (``01/05/2024 00:00``). A slash date is
never read month-first unless the configuration says ``date_order: mdy``; with no
``date_order`` configured, a file whose slash dates can only be month-first is
stopped by the engine (:class:`SlashDateOrder` gathers the evidence).

Every distinct string is parsed once and cached: an export repeats the same
few thousand dates across a million cells.
"""

from __future__ import annotations

import datetime as dt
import re

from codecheck.lazy import numpy as np

YES = frozenset({"yes", "y", "true", "1", "\u2713", "\u2714", "\u2611", "\u2705",
                 "accepted", "given", "provided", "signposted", "disclosed", "satisfied"})
NO = frozenset({"no", "n", "false", "0", "\u2717", "\u2718", "\u2612", "\u274c",
                "not accepted", "rejected", "declined", "refused", "not given", "not provided", "not signposted",
                "not disclosed", "not satisfied", "dissatisfied", "unsatisfied"})
"""What a yes/no cell may hold (any case), as complaints systems and officers write it: the words,
ticks and crosses, and the column's own word ("Accepted" / "Not accepted", "Given" / "Not given").
A word followed by a note ("Yes - by phone", "No (outside 12 months)") is read by the word."""
_NOTE = re.compile(r"\s*(?:[-\u2013\u2014(:,;]|\.\s)")
"""Where a yes/no word's note starts: a dash, bracket, colon, comma or semicolon ("Yes/No" is not one)."""


def _yes_no_word(text: str) -> bool | None:
    """True or False for a yes/no cell's (stripped, lower-cased) text; None if it says neither."""
    if text in YES:
        return True
    if text in NO:
        return False
    if note := _NOTE.search(text):
        word = text[:note.start()]
        if word in YES:
            return True
        if word in NO:
            return False
    return None

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
    "apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
# A time of day as exports append it: "00:00", "09:15:00.000", "9:15 am", "T09:15:00Z", "+01:00".
_TIME = r"(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:am|pm)?(?:z|[+\-]\d{2}:?\d{2})?)?"
_ISO = re.compile(r"(\d{4})([\-/.])(\d{1,2})\2(\d{1,2})" + _TIME + r"$")
_NUMERIC = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})" + _TIME + r"$")
_WORDS = re.compile(
    r"(?:[a-z]{3,9},?\s+)?(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([a-z]{3,9})\.?,?[\s\-]+(\d{4}|\d{2})" + _TIME + r"$"
)


_ZONED = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})[ t](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(z|[+\-]\d{2}:?\d{2})$")
"""A timestamp with its zone: 2025-06-02T23:30:00Z, 2025-06-02 23:30+00:00 (as systems in UTC export)."""
_NOT_YET = frozenset({"n/a", "na", "n.a", "tbc", "tba", "tbd", "to follow", "none", "nil", "null", "not yet",
                      "not yet sent", "not yet issued", "not applicable", "pending", "awaiting", "outstanding",
                      "ongoing", "open", "not due", "not required"})
"""What a date cell holds for a step with no date (yet): read as blank, not as an unreadable date.
("see notes" or "unknown" are not here: the date may exist, so they stay unreadable, CD001.)"""


def _uk_day(m: re.Match) -> dt.date:
    """The day in the UK (Europe/London) of a zoned timestamp: 23:30 UTC on 2 June is 00:30
    on 3 June in British Summer Time, and that is the day the resident's complaint arrived."""
    zone = m[7]
    offset = dt.timezone.utc if zone == "z" else dt.timezone(
        (-1 if zone[0] == "-" else 1) * dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[-2:])))
    moment = dt.datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6] or 0), tzinfo=offset)
    return moment.astimezone(_london()).date()


def _london():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/London")


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
    if not s or s in _NOT_YET or not any(c.isalnum() for c in s):
        return None
    try:
        if m := _ZONED.match(s):
            return _uk_day(m)
        if m := _ISO.match(s):
            return dt.date(int(m[1]), int(m[3]), int(m[4]))
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
    value = _yes_no_word(s)
    if value is None:
        raise UnreadableValue("is not yes or no")
    return value


NAT_INT = -(2**63)  # NaT as the integer behind datetime64[D] (numpy's int64 minimum; a literal, so importing
# this module does not load numpy)
_BAD_INT = NAT_INT + 1  # marks an unreadable cell until the array is built
_EPOCH = dt.date(1970, 1, 1).toordinal()


class DateColumnParser:
    """Parses whole columns to datetime64[D] arrays.

    Each distinct string is parsed once (a million-row export holds a few
    thousand distinct dates); a column is then mapped through the cache at C
    speed and viewed as datetime64 without a per-cell numpy assignment.
    """

    def __init__(self, month_first: bool = False):
        self.month_first = month_first
        self._days: dict[str, int] = {"": NAT_INT}
        self._bad: dict[str, str] = {}
        self.order = SlashDateOrder()
        """What the distinct slash dates seen so far say of their order (every column of the file)."""

    def _learn(self, text: str) -> int:
        self.order.add(text)
        try:
            value = parse_date(text, self.month_first)
        except UnreadableValue as exc:
            self._bad[text] = str(exc)
            days = _BAD_INT
        else:
            days = NAT_INT if value is None else value.toordinal() - _EPOCH
        if len(self._days) < 500_000:
            self._days[text] = days
        return days

    def parse(self, values: list[str]) -> tuple[np.ndarray, list[tuple[int, str]]]:
        """Return the dates (NaT for blank or unreadable) and the unreadable cells as (index, why)."""
        days = self._days
        ints = list(map(days.get, values))
        if None in ints:
            ints = [self._learn(v) if d is None else d for v, d in zip(values, ints)]
        out = np.array(ints, dtype=np.int64)
        bad: list[tuple[int, str]] = []
        if _BAD_INT in ints:
            where = np.flatnonzero(out == _BAD_INT)
            bad = [(int(i), self._bad[values[i]]) for i in where]
            out[where] = NAT_INT
        return out.view("datetime64[D]"), bad


_FLAG_SEEN: dict[str, int] = {"": -1}


def _flag(text: str) -> int:
    s = text.strip().lower()
    word = _yes_no_word(s) if s else None
    value = -1 if not s else -2 if word is None else int(word)
    if len(_FLAG_SEEN) < 10_000:
        _FLAG_SEEN[text] = value
    return value


def parse_yes_no_column(values: list[str]) -> tuple[np.ndarray, list[tuple[int, str]]]:
    """Return int8 flags (1 yes, 0 no, -1 blank or unreadable) and the unreadable cells."""
    flags = list(map(_FLAG_SEEN.get, values))
    if None in flags:
        flags = [_flag(v) if f is None else f for v, f in zip(values, flags)]
    out = np.array(flags, dtype=np.int8)
    bad: list[tuple[int, str]] = []
    if -2 in flags:
        bad = [(i, "is not yes or no") for i, f in enumerate(flags) if f == -2]
        out[out == -2] = -1
    return out, bad


_FORMATTED: dict[int, str] = {}
_FORMATTED_TEXT: dict[str, str] = {}
"""The same, keyed by the value's own text ('2025-01-02' for a day): ``str`` of a
datetime64 costs a fifth of ``astype``, and a finding message formats two or three dates."""


def format_date(day: "dt.date | np.datetime64") -> str:
    """UK day-first, as the Code's users write dates: 02/01/2025."""
    if isinstance(day, np.datetime64):
        iso = str(day)
        text = _FORMATTED_TEXT.get(iso)
        if text is not None:
            return text
        key = int(day.astype(np.int64))
        text = _FORMATTED.get(key)
        if text is None:
            text = _FORMATTED[key] = dt.date.fromordinal(key + _EPOCH).strftime("%d/%m/%Y")
        if len(_FORMATTED_TEXT) < 100_000:
            _FORMATTED_TEXT[iso] = text
        return text
    return day.strftime("%d/%m/%Y")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


_SEPARATORS = {" ": "spaces", "/": "slashes", "-": "hyphens", ".": "full stops", ",": "commas", ":": "colons",
               "'": "apostrophes", "(": "brackets", ")": "brackets", "+": "plus signs", "@": "@ signs"}


def describe_shape(text: str) -> str:
    """Describe a cell by its shape, never its content, for messages that must not
    quote a resident's details: ``07700 900123`` is "a value of 11 digits and
    spaces", ``Flat 3 Elm Road`` "a value of 4 words with letters and digits"."""
    s = " ".join(str(text).split())
    if not s:
        return "a blank value"
    words = s.split(" ")
    letters = any(c.isalpha() for c in s)
    digits = sum(c.isdigit() for c in s)
    if not letters and digits:
        seps = []
        for c in s:
            if not c.isdigit():
                name = _SEPARATORS.get(c, "other characters")
                if name not in seps:
                    seps.append(name)
        if not seps:
            return f"a value of {_plural(digits, 'digit')}"
        listed = seps[0] if len(seps) == 1 else ", ".join(seps[:-1]) + " and " + seps[-1]
        return f"a value of {_plural(digits, 'digit')} and {listed}"
    if len(words) > 1:
        kinds = "letters and digits" if digits else "letters" if letters else "other characters"
        return f"a value of {len(words)} words with {kinds}"
    if s.isalpha():
        return f"a value of one word of {_plural(len(s), 'letter')}"
    kinds = "letters and digits" if digits else "letters and other characters"
    return f"a value of one word of {len(s)} characters with {kinds}"


class SlashDateOrder:
    """What a column's slash dates (``10/23/2024``) say of their order, value by value.

    A first field above 12 can only be a day (day-first); a second field above 12
    only a day too (month-first). ``order`` is "mdy" when some value is month-first
    and none day-first, "dmy" when some value is day-first and none month-first,
    None when nothing tells (every value could be either) or the values disagree.
    """

    __slots__ = ("day_first", "month_first", "either", "example")

    def __init__(self) -> None:
        self.day_first = 0
        self.month_first = 0
        self.either = 0
        """Distinct values that read as a different date each way (03/04/2025; not 03/03/2025)."""
        self.example: str | None = None
        """A value only month-first reading makes a date (for the message)."""

    def add(self, text: str) -> None:
        m = _NUMERIC.match(text.strip().lower())
        if not m:
            return
        first, second = int(m[1]), int(m[3])
        if first > 12 and second <= 12:
            self.day_first += 1
        elif second > 12 and first <= 12:
            self.month_first += 1
            if self.example is None:
                self.example = text.strip()
        elif first != second and first <= 12 and second <= 12:
            self.either += 1

    @property
    def order(self) -> str | None:
        if self.month_first and not self.day_first:
            return "mdy"
        if self.day_first and not self.month_first:
            return "dmy"
        return None


def slash_date_order(values) -> str | None:
    """"mdy", "dmy" or None (see :class:`SlashDateOrder`) for some cells of one column."""
    seen = SlashDateOrder()
    for value in values:
        seen.add(str(value))
    return seen.order


PLACEHOLDERS = ("n/a", "na", "n.a", "-", "tbc", "tba", "tbd", "to follow", "none", "nil", "null", "unknown",
                "not known", "not applicable", "no reason", "no reason given", "not given", "not recorded",
                "not stated", "see notes", "see above", "x", "?")
"""What exports hold where a reason was not written: placeholders, not reasons (2.1, 5.11, 6.4,
6.15 ask for a reason). Configurable as ``placeholders:`` in codecheck.yaml."""


def _plain(text: str) -> str:
    return " ".join(text.lower().split()).strip(" .:;!")


class Placeholders:
    """Whether a cell holds only a placeholder: one of the configured words (ignoring case, spacing
    and a full stop at the end), or no letter or digit at all ('-', '?', '...')."""

    def __init__(self, words) -> None:
        self.words = frozenset(_plain(str(w)) for w in words)

    def __call__(self, text: str) -> bool:
        s = _plain(text)
        if not s and not text.strip():
            return False  # blank is blank, not a placeholder
        return s in self.words or not any(c.isalnum() for c in s)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Placeholders) and other.words == self.words

    def __hash__(self) -> int:
        return hash(self.words)
