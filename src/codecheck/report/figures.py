"""The report's figures: read the case records once, count per quarter, and
build a plain model (dataclasses) that every renderer reads.

Membership: a case counts in the quarter (and the period) of its received_date;
stage 2 figures count in the quarter stage 2 was requested
(escalation_requested_date, or the stage 2 acknowledgement where the request
date is blank). Timeliness comes from :mod:`codecheck.timeliness`, which judges
each step exactly as the section 6 rules do; the findings per provision come from
running the ``check`` engine itself.

A figure whose column is absent from a file is "not recorded" (``Cell.n is
None``), never 0. Shares are over the cases where the step happened or fell due,
with the count beside.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np

from codecheck import timeliness as tl
from codecheck.values import Placeholders
from codecheck.checks.base import CheckContext
from codecheck.checks.exclusions import OUT_OF_TIME
from codecheck.checks.stages import STAGE1, STAGE2
from codecheck.config import Config
from codecheck.engine import Engine
from codecheck.errors import UsageError
from codecheck.readers.base import CASES
from codecheck.records import CaseBatch
from codecheck.registry import Registry, default_registry
from codecheck.results import Results

ONE_DAY = dt.timedelta(days=1)
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()

# -- the period and its quarters -----------------------------------------------------


@dataclass(frozen=True)
class Span:
    label: str
    start: dt.date
    end: dt.date
    """Inclusive."""

    @property
    def dates(self) -> str:
        """``Apr–Jun 2024``, or exact dates where the span is not whole months."""
        first, last = MONTHS[self.start.month - 1], MONTHS[self.end.month - 1]
        if self.start.day != 1 or (self.end + ONE_DAY).day != 1:
            return f"{self.start.day} {first} {self.start.year}\u2013{self.end.day} {last} {self.end.year}"
        if self.start.year != self.end.year:
            return f"{first} {self.start.year}\u2013{last} {self.end.year}"
        return f"{first}\u2013{last} {self.end.year}" if first != last else f"{first} {self.end.year}"


def parse_period(text: str, year_start: int = 4) -> tuple[dt.date, dt.date]:
    """``2024-04-01..2025-03-31`` (inclusive), or a financial year ``2024/25``."""
    value = text.strip()
    if ".." in value:
        first, last = (part.strip() for part in value.split("..", 1))
        try:
            start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
        except ValueError:
            raise UsageError(f"--period {text!r}: write the dates as YYYY-MM-DD..YYYY-MM-DD") from None
        if end < start:
            raise UsageError(f"--period {text!r} ends before it starts")
        return start, end
    m = re.fullmatch(r"(\d{4})[/-](\d{2}|\d{4})", value)
    if m and int(m[2]) in ((int(m[1]) + 1) % 100, int(m[1]) + 1):
        start = dt.date(int(m[1]), year_start, 1)
        return start, _add_months(start, 12) - ONE_DAY
    raise UsageError(f"--period {text!r}: give START..END (2024-04-01..2025-03-31) or a financial year (2024/25)")


def _add_months(day: dt.date, n: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def quarters(start: dt.date, end: dt.date, year_start: int = 4) -> list[Span]:
    """The financial-year quarters (Q1 begins in ``year_start``) that cover the period,
    clipped to it."""
    spans, cur = [], start
    while cur <= end:
        first = _add_months(cur.replace(day=1), -((cur.month - year_start) % 3))
        following = _add_months(first, 3)
        number = (first.month - year_start) % 12 // 3 + 1
        fy = first.year if first.month >= year_start else first.year - 1
        label = f"Q{number} {fy}" if year_start == 1 else f"Q{number} {fy}/{(fy + 1) % 100:02d}"
        spans.append(Span(label, max(start, first), min(end, following - ONE_DAY)))
        cur = following
    return spans


def months(start: dt.date, end: dt.date) -> list[Span]:
    spans, cur = [], start
    while cur <= end:
        following = _add_months(cur.replace(day=1), 1)
        spans.append(Span(f"{MONTHS[cur.month - 1]} {cur.year}", cur, min(end, following - ONE_DAY)))
        cur = following
    return spans


# -- the model -------------------------------------------------------------------------


@dataclass
class Cell:
    n: int | None = None
    """The count (for a share, the numerator). None: not recorded."""
    of: int | None = None
    """For a share: the cases it is out of."""
    value: float | None = None
    """For a rate: per 1,000 homes."""
    parts: dict[str, int] = field(default_factory=dict)
    """How the cases split (on time, late, overdue, pending, not judged...)."""

    @property
    def pct(self) -> float | None:
        if self.n is None or not self.of:
            return None
        return 100.0 * self.n / self.of


@dataclass
class Figure:
    key: str
    label: str
    definition: str
    code: str = ""
    """The Code provision(s), rule id or TSM the figure serves."""
    kind: str = "count"
    """count, share or rate."""
    cells: list[Cell] = field(default_factory=list)
    """One per quarter, then the whole period."""
    missing: str = ""
    """Why the figure is not recorded ("" when it is)."""
    level: int = 0
    """1: a breakdown line of the figure above."""

    @property
    def period(self) -> Cell:
        return self.cells[-1]


@dataclass
class Section:
    key: str
    title: str
    code: str
    intro: str
    figures: list[Figure]


@dataclass
class Report:
    title: str
    period: Span
    quarters: list[Span]
    months: list[Span]
    as_of: dt.date
    homes: int | None
    region: str
    closures: list[dt.date]
    sources: list[dict]
    """path and number of case rows of each file read."""
    sections: list[Section]
    monthly: dict[str, list[int]]
    """stage1 / stage2 complaints per month of the period."""
    notes: list[str]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def figure(self, key: str) -> Figure:
        return next(f for s in self.sections for f in s.figures if f.key == key)

    def to_dict(self) -> dict:
        def plain(value):
            if isinstance(value, (dt.date,)):
                return value.isoformat()
            if isinstance(value, Cell):
                return {**{k: plain(v) for k, v in dataclasses.asdict(value).items()},
                        "pct": None if value.pct is None else round(value.pct, 1)}
            if dataclasses.is_dataclass(value):
                out = {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
                if isinstance(value, Span):
                    out["dates"] = value.dates
                return out
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return [plain(v) for v in value]
            return value

        return plain(self)


# -- reading the words in the records ----------------------------------------------------

OUTCOMES = ("upheld", "partly upheld", "not upheld", "withdrawn")
OTHER_OUTCOME, NO_OUTCOME = "other (recorded, not one of these)", "no outcome recorded"


def outcome_class(text: str) -> str:
    """One of OUTCOMES, OTHER_OUTCOME or NO_OUTCOME; case, hyphens and spacing ignored."""
    s = " ".join(text.casefold().replace("-", " ").replace("_", " ").split())
    if not s:
        return NO_OUTCOME
    if "withdrawn" in s or "withdrew" in s:
        return "withdrawn"
    if re.search(r"\b(not|un) ?upheld\b", s):
        return "not upheld"
    if re.search(r"\b(partly|partially|part) upheld\b|\bupheld in part\b", s):
        return "partly upheld"
    if re.search(r"\bupheld\b", s):
        return "upheld"
    return OTHER_OUTCOME


#: The types of refusal reported under 8.1(b), in the order they are tried. The
#: reason itself is free text and is never shown: it may name a resident.
REFUSAL_TYPES = (
    ("out of time (more than 12 months after the issue)", OUT_OF_TIME),
    ("legal proceedings", re.compile(r"legal|court|proceeding|solicitor|litigat|tribunal|injunction", re.I)),
    ("insurance claim", re.compile(r"insur", re.I)),
    ("already considered under the complaints procedure", re.compile(r"already|previous|duplicate|same (issue|matter)|considered", re.I)),
    ("not a complaint (e.g. a service request)", re.compile(r"service request|not a complaint|request for service|first report", re.I)),
)
OTHER_REFUSAL, NO_REFUSAL_REASON = "another reason (recorded)", "no reason recorded"


def refusal_type(reason: str) -> str:
    if not reason.strip():
        return NO_REFUSAL_REASON
    return next((name for name, pattern in REFUSAL_TYPES if pattern.search(reason)), OTHER_REFUSAL)


NO_CATEGORY = "no category recorded"


def category_label(text: str) -> tuple[str, str]:
    """(grouping key, label shown): case and spacing ignored in grouping."""
    shown = " ".join(text.split())[:60]
    return (shown.casefold(), shown) if shown else ("", NO_CATEGORY)


OTHER_CATEGORY = "other (not in the configured list)"


def category_classifier(names: Iterable[str], show_values: bool = False):
    """``classify(text) -> (key, label)`` for the report's categories. A category is
    free text and may name a resident, so only the configured names (`categories:`
    in codecheck.yaml; case and spacing ignored) are shown, in their configured
    spelling; any other value is counted as OTHER_CATEGORY. With --show-values,
    every value is shown as recorded."""
    configured = {" ".join(n.split()).casefold(): " ".join(n.split()) for n in names if str(n).strip()}

    def classify(text: str) -> tuple[str, str]:
        key, label = category_label(text)
        if show_values or not key:
            return key, label
        if key in configured:
            return key, configured[key]
        return "\0other", OTHER_CATEGORY

    return classify


# -- counting ---------------------------------------------------------------------------

def _same(classify):
    return lambda text: (classify(text),) * 2


def _stage2_start(cases: CaseBatch) -> np.ndarray:
    requested, ack = cases.dates(STAGE2.start), cases.dates(STAGE2.ack)
    return np.where(np.isnat(requested), ack, requested)


class Tally:
    """Counts per quarter (and per month for the chart), added batch by batch."""

    def __init__(self, quarters: list[Span], months: list[Span], registry: Registry, ctx: CheckContext):
        self.nq = len(quarters)
        self.q_edges = np.array([q.start for q in quarters] + [quarters[-1].end + ONE_DAY], dtype="datetime64[D]")
        self.m_edges = np.array([m.start for m in months] + [months[-1].end + ONE_DAY], dtype="datetime64[D]")
        self.counts: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(self.nq, dtype=np.int64))
        self.monthly: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(len(months), dtype=np.int64))
        self.groups: dict[str, dict[str, np.ndarray]] = defaultdict(dict)
        self.labels: dict[str, dict[str, str]] = defaultdict(dict)
        self.row_quarters: dict[str, list[np.ndarray]] = defaultdict(list)
        """path -> per batch, rows x (file line, quarter by received_date, quarter by stage 2 start or -2): for the findings."""
        self._row_tables: dict[str, np.ndarray] = {}
        self.registry = registry
        self.ctx = ctx
        self.unchecked = 0
        self.categorise = category_classifier((), ctx.show_values)

    @staticmethod
    def _index(dates: np.ndarray, edges: np.ndarray) -> np.ndarray:
        i = np.searchsorted(edges, dates, side="right") - 1
        i[np.isnat(dates) | (i < 0) | (i >= len(edges) - 1)] = -1
        return i

    def quarters_of(self, path: str, row: int) -> tuple[int, int]:
        """(quarter by received_date, by stage 2 start); -1 outside the period, -2 no stage 2 date."""
        if path not in self._row_tables:  # file lines ascend, batch after batch
            self._row_tables[path] = np.concatenate(self.row_quarters.get(path) or [np.zeros((3, 0), dtype=np.int64)], axis=1)
        table = self._row_tables[path]
        i = int(np.searchsorted(table[0], row))
        if i == table.shape[1] or table[0, i] != row:
            return -1, -2
        return int(table[1, i]), int(table[2, i])

    def add(self, key: str, mask: np.ndarray, q: np.ndarray) -> None:
        self.counts[key] += np.bincount(q[mask & (q >= 0)], minlength=self.nq)

    def add_group(self, name: str, classify, texts: list[str], mask: np.ndarray, q: np.ndarray) -> None:
        """Count rows by ``classify(text) -> (key, label)``, each distinct text classified once."""
        rows = np.flatnonzero(mask & (q >= 0))
        if not len(rows):
            return
        distinct, first, inverse = np.unique(np.array(texts, dtype=object)[rows].astype(str), return_index=True,
                                             return_inverse=True)
        table = np.zeros((len(distinct), self.nq), dtype=np.int64)
        np.add.at(table, (inverse, q[rows]), 1)
        group, labels = self.groups[name], self.labels[name]
        for j in np.argsort(first, kind="stable"):  # in the order first seen: that spelling labels the group
            text, counts = distinct[j], table[j]
            key, label = classify(str(text))
            labels.setdefault(key, label)
            group[key] = group.get(key, np.zeros(self.nq, dtype=np.int64)) + counts

    def _step(self, key: str, times: tl.StepTimes, cases: CaseBatch, q: np.ndarray) -> np.ndarray:
        """Count a step's statuses; a row whose judgement relies on a cell that cannot be read is
        not judged, exactly as the rules leave it out (``StepTimes.reliance``)."""
        status = times.status.copy()
        if times.reliance is not None:
            status[times.reliance.blind(cases) & (status != tl.NOT_DUE)] = tl.NOT_JUDGED
        for code, name in enumerate(tl.STATUS_NAMES):
            self.add(f"{key}.{name}", status == code, q)
        return status

    def batch(self, cases: CaseBatch) -> None:
        ctx = self.ctx
        received = cases.dates("received_date")
        start2 = _stage2_start(cases)
        q1, q2 = self._index(received, self.q_edges), self._index(start2, self.q_edges)
        self.unchecked += int((~cases.checkable).sum())
        self.row_quarters[cases.path].append(np.stack([np.asarray(cases.rows, dtype=np.int64), q1,
                                                       np.where(np.isnat(start2), -2, q2)]))

        complaints, accepted = cases.complaints, cases.accepted
        refused = complaints & (cases.flags("accepted") == 0)
        stage2 = STAGE2.due(cases, ctx)
        self.add("complaints", complaints, q1)
        self.add("stage1", accepted, q1)
        self.add("not_accepted", refused, q1)
        self.add("service_requests", cases.checkable & (cases.record_types == 1), q1)
        self.add("unrecognised_type", cases.checkable & (cases.record_types == -1), q1)
        escalated = accepted & ~np.isnat(start2)
        self.add("escalations", escalated, q2)
        self.add("escalations_refused", escalated & ~cases.no_reason("escalation_refused_reason", self.ctx.placeholder), q2)
        self.add("stage2", stage2, q2)
        self.monthly["stage1"] += np.bincount(self._index(received, self.m_edges)[accepted & (q1 >= 0)],
                                              minlength=len(self.m_edges) - 1)
        self.monthly["stage2"] += np.bincount(self._index(start2, self.m_edges)[stage2 & (q2 >= 0)],
                                              minlength=len(self.m_edges) - 1)

        for stage, q, prefix in ((STAGE1, q1, "s1"), (STAGE2, q2, "s2")):
            self._step(f"{prefix}_ack", tl.acknowledgement(stage, cases, ctx), cases, q)
            recorded = self._step(f"{prefix}_response", tl.response(stage, cases, ctx), cases, q)
            code = self._step(f"{prefix}_code", tl.response(stage, cases, ctx, code_timescale=True), cases, q)
            base = ctx.calendar.deadlines(cases.dates(stage.ack), stage.response_days)
            self.add(f"{prefix}_code.on_time_extended", (code == tl.ON_TIME) & (cases.dates(stage.response) > base), q)
            beyond = np.isin(code, (tl.LATE, tl.OVERDUE)) & ~np.isin(recorded, (tl.LATE, tl.OVERDUE))
            self.add(f"{prefix}_code.beyond_allowed_extension", beyond, q)
            self.add(f"{prefix}_extended", stage.due(cases, ctx) & ~np.isnat(cases.dates(stage.extended_to)), q)

        self.add_group("outcome1", _same(outcome_class), cases.text("stage1_outcome"), accepted, q1)
        self.add_group("outcome2", _same(outcome_class), cases.text("stage2_outcome"), stage2, q2)
        self.add_group("category", self.categorise, cases.text("category"), accepted, q1)
        self.add_group("refusal", _same(refusal_type), cases.text("refusal_reason"), refused, q1)

        self.add("referred", complaints & ~np.isnat(cases.dates("ombudsman_referral_date")), q1)
        self.add("cfo", complaints & (cases.flags("complaint_failure_order") == 1), q1)
        satisfied = cases.flags("satisfied")
        self.add("satisfied.yes", complaints & (satisfied == 1), q1)
        self.add("satisfied.no", complaints & (satisfied == 0), q1)
        self.add("satisfied.unknown", complaints & (satisfied == -1), q1)


# -- building the figures ------------------------------------------------------------------


class Builder:
    """Turns the tally into figures, marking those whose columns a file lacks."""

    def __init__(self, tally: Tally, file_columns: dict[str, set[str]]):
        self.t = tally
        self.file_columns = file_columns

    def missing(self, columns: Iterable[str]) -> str:
        gaps = [f"{path} has no {c} column" for c in columns for path, have in self.file_columns.items() if c not in have]
        return "not recorded: " + "; ".join(gaps) if gaps else ""

    def _cells(self, counts: np.ndarray, of: np.ndarray | None = None, parts: dict[str, np.ndarray] | None = None,
               missing: str = "") -> list[Cell]:
        if missing:
            return [Cell() for _ in range(self.t.nq + 1)]
        cols = [slice(i, i + 1) for i in range(self.t.nq)] + [slice(0, self.t.nq)]
        return [Cell(n=int(counts[c].sum()), of=None if of is None else int(of[c].sum()),
                     parts={k: int(v[c].sum()) for k, v in (parts or {}).items()}) for c in cols]

    def count(self, key: str, label: str, definition: str, code: str, counts: np.ndarray, needs=(), level=0) -> Figure:
        gap = self.missing(needs)
        return Figure(key, label, definition, code, "count", self._cells(counts, missing=gap), gap, level)

    def share(self, key: str, label: str, definition: str, code: str, n: np.ndarray, of: np.ndarray, needs=(),
              parts: dict[str, np.ndarray] | None = None, level=0) -> Figure:
        gap = self.missing(needs)
        return Figure(key, label, definition, code, "share", self._cells(n, of, parts, gap), gap, level)

    def c(self, key: str) -> np.ndarray:
        return self.t.counts[key]

    def statuses(self, key: str) -> dict[str, np.ndarray]:
        return {name: self.c(f"{key}.{name}") for name in tl.STATUS_NAMES if name != "not_due"}


def _step_figures(b: Builder, stage, prefix: str, s_code: tuple[str, str, str]) -> list[Figure]:
    """Acknowledged on time, responded within timescale, and their breakdowns, for one stage."""
    n = stage.number
    ack_code, resp_code, ext_code = s_code
    ack = b.statuses(f"{prefix}_ack")
    ack_needs = (stage.start, stage.ack)
    judged = ack["on_time"] + ack["late"] + ack["overdue"]
    resp = b.statuses(f"{prefix}_code")
    resp["on_time_extended"] = b.c(f"{prefix}_code.on_time_extended")
    resp["beyond_allowed_extension"] = b.c(f"{prefix}_code.beyond_allowed_extension")
    recorded = b.statuses(f"{prefix}_response")
    resp_needs = (stage.ack, stage.response) if n == 1 else (stage.start, stage.ack, stage.response)
    resp_judged = resp["on_time"] + resp["late"] + resp["overdue"]
    start = "receipt" if n == 1 else "the escalation request"
    overdue_rule = "CR602" if n == 1 else "CR611 (late) and CR511 (not acknowledged)"
    return [
        b.share(f"{prefix}_ack", f"Stage {n} acknowledged within {stage.ack_days} working days",
                f"Stage {n} complaints acknowledged within {stage.ack_days} working days of {start}, out of those "
                f"acknowledged or whose deadline has passed (on time + late + not acknowledged by the deadline). Where "
                f"no acknowledgement date is recorded the stage {n} response counts as the acknowledgement. Cases still "
                f"inside the {stage.ack_days} days, withdrawn before it, or with a date that cannot be read are left out.",
                ack_code, ack["on_time"], judged, ack_needs, parts=ack),
        b.count(f"{prefix}_ack_late", "acknowledged late, or not acknowledged by the deadline",
                f"Late plus overdue acknowledgements: the {overdue_rule} findings for these cases.",
                ack_code, ack["late"] + ack["overdue"], ack_needs, level=1),
        b.share(f"{prefix}_response", f"Stage {n} responses within the Code's timescale",
                f"Stage {n} complaints answered within {stage.response_days} working days of acknowledgement, or within "
                f"an extension the Code allows (no more than {stage.extension_days} further working days, or longer with "
                f"a reason recorded), out of those answered or whose deadline has passed. Cases with no acknowledgement "
                f"date, still inside their deadline, withdrawn, or with a date that cannot be read are left out.",
                f"{resp_code}, {ext_code}", resp["on_time"], resp_judged, resp_needs, parts=resp),
        b.count(f"{prefix}_response_in_extension", "of which answered within an allowed extension",
                f"Answered after the {stage.response_days}-working-day deadline but within an extension the Code allows.",
                ext_code, resp["on_time_extended"], resp_needs + (stage.extended_to,), level=1),
        b.count(f"{prefix}_response_late", "answered late, or not answered by the deadline on the record",
                f"Late plus overdue against the deadline in force on the record (the recorded extension where there "
                f"is one): the {resp_code} findings ({'CR603' if n == 1 else 'CR614'}) for these cases.",
                resp_code, recorded["late"] + recorded["overdue"], resp_needs, level=1),
        b.count(f"{prefix}_response_beyond_extension", "relied on an extension the Code does not allow",
                f"Answered (or still open) after the Code's deadline but within a recorded extension of more than "
                f"{stage.extension_days} working days with no reason recorded ({'CR604' if n == 1 else 'CR615'}).",
                ext_code, resp["beyond_allowed_extension"], resp_needs + (stage.extended_to,), level=1),
        b.share(f"{prefix}_extended", f"Stage {n} responses extended",
                f"Stage {n} complaints with an extension recorded ({stage.extended_to}), out of all stage {n} complaints.",
                ext_code, b.c(f"{prefix}_extended"), b.c("stage1" if n == 1 else "stage2"), (stage.extended_to,)),
    ]


def _group_figures(b: Builder, name: str, order: Iterable[str], of: np.ndarray, definition: str, code: str,
                   needs: tuple[str, ...], keep_empty: bool = True, sort: bool = False) -> list[Figure]:
    group, labels = b.t.groups[name], b.t.labels[name]
    zero = np.zeros(b.t.nq, dtype=np.int64)
    keys = list(order)
    extra = [k for k in group if k not in keys and not (name.startswith("outcome") and k == NO_OUTCOME)]
    if sort:
        extra.sort(key=lambda k: (-int(group[k].sum()), labels[k].casefold()))
    out = []
    for key in keys + extra:
        if key not in group and not keep_empty:
            continue
        label = labels.get(key, key)
        label = label[:1].upper() + label[1:]
        out.append(b.share(f"{name}.{label}", label, definition, code, group.get(key, zero), of, needs))
    return out


def figures(b: Builder, homes: int | None) -> list[Section]:
    c = b.c
    s2_needs = (STAGE2.start,)
    outcome1_of = sum((v for k, v in b.t.groups["outcome1"].items() if k != NO_OUTCOME), np.zeros(b.t.nq, dtype=np.int64))
    outcome2_of = sum((v for k, v in b.t.groups["outcome2"].items() if k != NO_OUTCOME), np.zeros(b.t.nq, dtype=np.int64))
    volume = Section("volume", "Volume", "9.7(a)", "How many complaints and service requests the records hold.", [
        b.count("complaints", "Complaints received",
                "Rows recorded as complaints (record_type complaint or blank) received in the quarter, accepted or not.",
                "9.7(a)", c("complaints")),
        b.count("stage1", "Stage 1 complaints",
                "Complaints received in the quarter and accepted (accepted yes or blank): the complaints that entered stage 1.",
                "9.7(a)", c("stage1")),
        b.count("service_requests", "Service requests",
                "Rows recorded as service requests (record_type service_request), by date received. Not complaints (1.4).",
                "1.4", c("service_requests"), ("record_type",)),
        b.count("escalations", "Requests to escalate to stage 2",
                "Stage 1 complaints whose resident asked for stage 2 in the quarter (escalation_requested_date; the stage 2 "
                "acknowledgement date where the request date is blank).", "6.11", c("escalations"), s2_needs),
        b.count("escalations_refused", "escalation refused, with a reason",
                "Escalation requests with escalation_refused_reason recorded.", "5.11", c("escalations_refused"),
                s2_needs + ("escalation_refused_reason",), level=1),
        b.count("stage2", "Stage 2 complaints",
                "Accepted complaints escalated to stage 2 and not refused, by the date stage 2 was requested.",
                "9.7(a)", c("stage2"), s2_needs),
    ])
    stage1 = Section("stage1", "Stage 1 handling", "6.2\u20136.5",
                     "Acknowledgement and response times at stage 1, counted by the date the complaint was received.",
                     _step_figures(b, STAGE1, "s1", ("6.2", "6.3", "6.4")))
    stage2 = Section("stage2", "Stage 2 handling", "6.11\u20136.16",
                     "Acknowledgement and response times at stage 2, counted by the date stage 2 was requested.",
                     _step_figures(b, STAGE2, "s2", ("6.11", "6.14", "6.15")))
    outcomes = [outcome_section(b, 1, outcome1_of, ("stage1_outcome",)),
                outcome_section(b, 2, outcome2_of, ("stage2_outcome",) + s2_needs)]
    satisfied_of = c("satisfied.yes") + c("satisfied.no")
    ombudsman = Section("ombudsman", "Ombudsman and satisfaction", "8.1(b), 9.7(c)",
                        "Counted by the date the complaint was received.", [
        b.count("referred", "Referred to the Ombudsman",
                "Complaints received in the quarter with an ombudsman_referral_date recorded (whenever the referral was made).",
                "8.1(c)", c("referred"), ("ombudsman_referral_date",)),
        b.count("cfo", "Complaint handling failure orders",
                "Complaints received in the quarter with complaint_failure_order yes.", "8.1(c), 9.7(c)", c("cfo"),
                ("complaint_failure_order",)),
        b.share("satisfied", "Residents satisfied with complaint handling",
                "Complaints received in the quarter whose resident said they were satisfied (satisfied yes), out of those "
                "with a yes or no answer. Blank or unreadable answers are left out.", "8.1(b)", c("satisfied.yes"),
                satisfied_of, ("satisfied",), parts={"yes": c("satisfied.yes"), "no": c("satisfied.no"),
                                                     "no_answer": c("satisfied.unknown")}),
    ])
    refusal_def = ("Complaints not accepted whose refusal_reason names this type (matched by key words), out of all "
                   "complaints not accepted. The reason text itself is never shown: it may identify a resident.")
    refused = Section("refused", "Complaints not accepted", "8.1(b), 2.1",
                      "The types of complaint the landlord refused to accept, by the date received.", [
        b.share("not_accepted", "Complaints not accepted",
                "Complaints received in the quarter with accepted no, out of all complaints received.", "2.1",
                c("not_accepted"), c("complaints"), ("accepted",)),
    ] + [dataclasses.replace(f, level=1) for f in _group_figures(
        b, "refusal", [name for name, _ in REFUSAL_TYPES] + [OTHER_REFUSAL, NO_REFUSAL_REASON], c("not_accepted"),
        refusal_def, "8.1(b)", ("accepted", "refusal_reason"), keep_empty=False)])
    categories = Section("categories", "Categories of dissatisfaction", "9.7(a)",
                         "Stage 1 complaints by the category recorded, by the date received.",
                         _group_figures(b, "category", (), c("stage1"),
                                        "Stage 1 complaints with this category (case and spacing ignored), out of all stage 1 complaints.",
                                        "9.7(a)", ("category",), sort=True))
    sections = [volume, stage1, stage2, *outcomes, ombudsman, refused, categories]
    return [tsm_section(b, homes)] + sections


def outcome_section(b: Builder, n: int, of: np.ndarray, needs: tuple[str, ...]) -> Section:
    name = f"outcome{n}"
    definition = (f"Stage {n} complaints with this stage{n}_outcome (case, spacing and hyphens ignored; \u2018partially "
                  f"upheld\u2019 is partly upheld), out of those with an outcome recorded.")
    figs = _group_figures(b, name, OUTCOMES + (OTHER_OUTCOME,), of, definition, "9.7(a)", needs)
    blank = b.t.groups[name].get(NO_OUTCOME, np.zeros(b.t.nq, dtype=np.int64))
    figs.append(b.count(f"{name}.{NO_OUTCOME}", NO_OUTCOME.capitalize(), f"Stage {n} complaints with stage{n}_outcome blank: not yet "
                        f"answered, or a gap in the record. Not in the shares above.", "9.7(a)", blank, needs))
    by = "received" if n == 1 else "stage 2 was requested"
    return Section(name, f"Stage {n} outcomes", "9.7(a)", f"Outcomes as recorded, by the date {by}.", figs)


def tsm_section(b: Builder, homes: int | None) -> Section:
    c = b.c
    rate_gap = "" if homes else "not recorded: give the number of homes (--homes)"
    figs = []
    for n, key, needs in ((1, "stage1", ()), (2, "stage2", (STAGE2.start,))):
        gap = rate_gap or b.missing(needs)
        cells = b._cells(c(key), missing=gap)
        for cell in cells:
            if cell.n is not None and homes:
                cell.value = round(1000.0 * cell.n / homes, 1)
        figs.append(Figure(f"CH01_{n}", f"CH01 ({n}) stage {n} complaints per 1,000 homes",
                           f"Stage {n} complaints received (the \u2018Stage {n} complaints\u2019 figure) \u00f7 homes"
                           f"{f' ({homes:,})' if homes else ''} \u00d7 1,000. The period column is the measure; a quarter "
                           f"column is that quarter's complaints, not annualised.", "TSM CH01", "rate", cells, gap))
    for n, stage, prefix in ((1, STAGE1, "s1"), (2, STAGE2, "s2")):
        on_time, late = c(f"{prefix}_code.on_time"), c(f"{prefix}_code.late")
        needs = (stage.ack, stage.response) if n == 1 else (stage.start, stage.ack, stage.response)
        figs.append(b.share(
            f"CH02_{n}", f"CH02 ({n}) stage {n} complaints responded to within the Code's timescales",
            f"Stage {n} complaints answered within the Code's timescale ({stage.response_days} working days from "
            f"acknowledgement, or an extension the Code allows) \u00f7 stage {n} complaints answered. Complaints still "
            f"unanswered are not in this measure (they are in \u2018Stage {n} responses within the Code's timescale\u2019).",
            "TSM CH02", on_time, on_time + late, needs, parts={"on_time": on_time, "late": late,
                                                              "unanswered_overdue": c(f"{prefix}_code.overdue")}))
    return Section("tsm", "Tenant Satisfaction Measures", "TSM CH01, CH02",
                   "The two complaint-handling measures the Regulator of Social Housing asks for, computed as defined beside each.",
                   figs)


def findings_section(b: Builder, results: Results, registry: Registry) -> Section:
    """Findings per rule, counted in the quarter of the case they are about (stage 2
    rules by the date stage 2 was requested)."""
    counts: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(b.t.nq, dtype=np.int64))
    stage2_rules = {r.id for r in results.rules if any(c.startswith(("stage2_", "escalation_")) for c in r.columns)}
    for f in results.findings:
        if f.row is None:
            continue
        by_received, by_stage2 = b.t.quarters_of(f.path, f.row)
        q = by_stage2 if f.rule in stage2_rules and by_stage2 != -2 else by_received
        if q >= 0:
            counts[f.rule][q] += 1
    not_evaluated: dict[str, set[str]] = defaultdict(set)
    for ne in results.not_evaluated:
        not_evaluated[ne.rule].update(ne.missing)
    from codecheck.findings import provision_sort_key

    rules = sorted((r for r in results.rules if CASES in r.kinds), key=lambda r: (provision_sort_key(r.provision), r.id))
    figs = []
    for rule in rules:
        gap = f"not evaluated: no {', '.join(sorted(not_evaluated[rule.id]))} column" if rule.id in not_evaluated else ""
        by = "the date stage 2 was requested" if rule.id in stage2_rules else "the date received"
        figs.append(Figure(f"finding.{rule.id}", rule.summary[:1].upper() + rule.summary[1:], f"Findings of the rule for cases in the quarter (by {by}).",
                           f"{rule.provision or 'data'} {rule.id}", "count",
                           b._cells(counts[rule.id], missing=gap), gap))
    return Section("findings", "Findings by Code provision", "9.7(a), 8.1(b)",
                   "What `codecheck check` reports for these cases, per rule. A rule whose columns the records lack is "
                   "not evaluated, never counted as passed.", figs)


# -- the whole run ----------------------------------------------------------------------------


class _TallyingReader:
    """A case reader whose batches are counted for the report on their way to the rules,
    so the report sees exactly the rows the check engine sees, in one read."""

    def __init__(self, reader, tally: Tally, file_columns: dict[str, set[str]], sources: list[dict]):
        self.reader, self.tally, self.file_columns, self.sources = reader, tally, file_columns, sources
        self.family = reader.family

    def open(self, path: Path, config: Config):
        source = self.reader.open(path, config)
        self.file_columns[source.path] = set(source.columns)
        record = {"path": source.path, "rows": 0}
        self.sources.append(record)

        def batches():
            for batch in source.batches:
                self.tally.batch(batch)
                record["rows"] += len(batch)
                yield batch

        return dataclasses.replace(source, batches=batches())


class _ReportEngine(Engine):
    """The check engine, with every case file read through a :class:`_TallyingReader`."""

    wrap = staticmethod(lambda reader: reader)

    def check_cases(self, reader, path: Path, results: Results) -> None:
        super().check_cases(self.wrap(reader), path, results)


def build_report(paths: Iterable[str | Path], config: Config, period: tuple[dt.date, dt.date], as_of: dt.date,
                 homes: int | None = None, year_start: int = 4, title: str | None = None,
                 registry: Registry | None = None, show_values: bool = False) -> tuple[Report | None, Results]:
    """Run the check engine over the paths, counting the report's figures from the
    same batches. Returns (None, results) when an input cannot be read (see
    ``results.problems``); raises UsageError when there are no case records.
    Categories are named only when configured (`categories:`) or with ``show_values``."""
    registry = registry or default_registry()
    rules = registry.select(config.select, config.ignore, config.severity)
    qs, ms = quarters(*period, year_start), months(*period)
    file_columns: dict[str, set[str]] = {}
    sources: list[dict] = []
    engine = _ReportEngine(registry, config, rules, as_of, show_values=show_values)
    tally = Tally(qs, ms, registry, CheckContext(calendar=engine.calendar, as_of=as_of, show_values=show_values,
                                                     placeholder=Placeholders(config.placeholders)))
    tally.categorise = category_classifier(getattr(config, "categories", ()), show_values)
    engine.wrap = lambda reader: _TallyingReader(reader, tally, file_columns, sources)
    results = engine.run(paths)
    if results.problems:
        return None, results
    if not sources:
        raise UsageError("no case records found (the report reads case-record files such as .csv)")
    builder = Builder(tally, file_columns)
    sections = figures(builder, homes) + [findings_section(builder, results, registry)]
    report = Report(
        title=title or "Complaints performance report",
        period=_period_span(period, year_start), quarters=qs, months=ms, as_of=as_of,
        homes=homes, region=config.region, closures=list(config.closures), sources=sources, sections=sections,
        monthly={k: [int(x) for x in tally.monthly[k]] for k in ("stage1", "stage2")},
        notes=_notes(tally, results, as_of, period))
    return report, results


def _period_span(period: tuple[dt.date, dt.date], year_start: int) -> Span:
    start, end = period
    if year_start != 1 and start == dt.date(start.year, year_start, 1) and end == _add_months(start, 12) - ONE_DAY:
        return Span(f"{start.year}/{(start.year + 1) % 100:02d}", start, end)
    if start == dt.date(start.year, 1, 1) and end == dt.date(start.year, 12, 31):
        return Span(str(start.year), start, end)
    return Span(f"{start:%d %b %Y} to {end:%d %b %Y}", start, end)


def _notes(tally: Tally, results: Results, as_of: dt.date, period: tuple[dt.date, dt.date]) -> list[str]:
    notes = [f"Open cases are judged as of {as_of:%d %B %Y}: a step not taken by its deadline is counted as overdue."]
    if as_of < period[1]:
        notes.append(f"The period runs past {as_of:%d %B %Y}; later cases are not in the records yet.")
    if tally.unchecked:
        notes.append(f"{tally.unchecked} row(s) have no case id, no readable received date, or a broken row, and are in "
                     f"no figure (finding CD004).")
    odd = int(tally.counts["unrecognised_type"].sum())
    if odd:
        notes.append(f"{odd} row(s) in the period have a record_type that is neither complaint nor service request and "
                     f"are counted in no figure (finding CD005).")
    other = int(tally.groups["category"].get("\0other", np.zeros(1, dtype=np.int64)).sum())
    if other:
        notes.append(f"{other} stage 1 complaint(s) have a category not in the configured list (`categories:` in "
                     f"codecheck.yaml) and are counted as {OTHER_CATEGORY}: a category is free text and may name a "
                     f"resident, so it is not shown.")
    dupes = sum(1 for f in results.findings if f.rule == "CD003")
    if dupes:
        notes.append(f"{dupes} row(s) repeat a case id used by another row (CD003); each row is counted.")
    return notes
