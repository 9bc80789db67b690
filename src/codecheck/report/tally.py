"""Counting: the words of the records read into classes (outcomes, refusal types,
categories), and the :class:`Tally` that counts every figure per quarter, batch by
batch, as the ``check`` engine reads the rows (:class:`ReportObserver`, an
``engine.CaseObserver``).

Membership: a case counts in the quarter (and the period) of its received_date;
stage 2 figures count in the quarter stage 2 was requested
(escalation_requested_date, or the stage 2 acknowledgement where the request
date is blank). Timeliness comes from :mod:`codecheck.timeliness`, which judges
each step exactly as the section 6 rules do.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from codecheck.lazy import numpy as np

from codecheck import timeliness as tl
from codecheck.checks.base import CheckContext
from codecheck.checks.exclusions import OUT_OF_TIME
from codecheck.checks.stages import STAGE1, STAGE2
from codecheck.records import CaseBatch
from codecheck.registry import Registry
from codecheck.report.periods import ONE_DAY, Span

if TYPE_CHECKING:
    from codecheck.readers.base import CaseSource

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
    ("legal proceedings", re.compile(r"legal|court|proceeding|solicitor|litigat|tribunal|injunction", re.IGNORECASE)),
    ("insurance claim", re.compile(r"insur", re.IGNORECASE)),
    ("already considered under the complaints procedure", re.compile(r"already|previous|duplicate|same (issue|matter)|considered", re.IGNORECASE)),
    ("not a complaint (e.g. a service request)", re.compile(r"service request|not a complaint|request for service|first report", re.IGNORECASE)),
)
OTHER_REFUSAL, NO_REFUSAL_REASON = "another reason (recorded)", "no reason recorded"


def _classify(text: str, table, other: str, blank: str) -> str:
    """The name of the first (name, pattern) in `table` whose pattern the free text matches; `other`
    when none does, `blank` when there is no text. The text itself is never returned."""
    if not text.strip():
        return blank
    return next((name for name, pattern in table if pattern.search(text)), other)


def refusal_type(reason: str) -> str:
    return _classify(reason, REFUSAL_TYPES, OTHER_REFUSAL, NO_REFUSAL_REASON)


#: The Regulator's two tenures for the TSMs (Tenant Satisfaction Measures Technical
#: Requirements, 2023): CH01 and CH02 are reported separately for each.
TENURES = ("LCRA", "LCHO")
TENURE_NAMES = {"LCRA": "low-cost rental accommodation", "LCHO": "low-cost home ownership"}


def tenure_class(text: str) -> str:
    """``LCRA``, ``LCHO``, ``other`` or ``""`` (blank): the Regulator's abbreviations or their words."""
    s = " ".join(text.casefold().replace("-", " ").split())
    if not s:
        return ""
    if s == "lcho" or "home ownership" in s or "shared ownership" in s:
        return "LCHO"
    if s == "lcra" or "rental" in s or "rented" in s or "general needs" in s:
        return "LCRA"
    return "other"


#: The Ombudsman's findings, in the order tried: the finding is named by these words; any
#: other recorded value is OTHER_FINDING. Never shown as recorded (it is free text).
FINDINGS = (
    ("severe maladministration", re.compile(r"severe maladmin", re.I)),
    ("no maladministration", re.compile(r"\bno maladmin", re.I)),
    ("maladministration", re.compile(r"maladmin", re.I)),
    ("service failure", re.compile(r"service failure", re.I)),
    ("outside jurisdiction", re.compile(r"jurisdiction|outside", re.I)),
)
OTHER_FINDING, NO_FINDING = "another finding (recorded)", "no finding recorded"


def finding_class(text: str) -> str:
    return _classify(text, FINDINGS, OTHER_FINDING, NO_FINDING)


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
    """Counts per quarter (and per month for the chart), added batch by batch.

    ``quarters`` may begin with quarters before the period (``first`` of them): the
    summary compares the latest quarter with the one before and the same quarter a
    year earlier, which a one-year period does not hold. Every figure of the period
    reads only ``period`` (a slice of each count)."""

    def __init__(self, quarters: list[Span], months: list[Span], registry: Registry, ctx: CheckContext, first: int = 0):
        self.nq = len(quarters)
        self.quarters = quarters
        self.first = first
        """How many of ``quarters`` come before the period (for comparison only)."""
        self.period = slice(first, self.nq)
        self.first_received: np.datetime64 | None = None
        """The earliest readable received date of any case row: where the records begin."""
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

    def add_sum(self, key: str, mask: np.ndarray, q: np.ndarray, values: np.ndarray) -> None:
        """Add ``values`` of the masked rows per quarter (for an average: with a count beside it)."""
        hit = mask & (q >= 0)
        self.counts[key] += np.bincount(q[hit], weights=values[hit], minlength=self.nq).astype(np.int64)

    def in_period(self, counts: np.ndarray) -> int:
        """The period's total of a per-quarter count."""
        return int(counts[self.period].sum())

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
        m1, m2 = self._index(received, self.m_edges), self._index(start2, self.m_edges)
        self.monthly["stage1"] += np.bincount(m1[accepted & (m1 >= 0)], minlength=len(self.m_edges) - 1)
        self.monthly["stage2"] += np.bincount(m2[stage2 & (m2 >= 0)], minlength=len(self.m_edges) - 1)
        known = received[cases.checkable & ~np.isnat(received)]
        if len(known):
            earliest = known.min()
            self.first_received = earliest if self.first_received is None else min(self.first_received, earliest)
        # the escalation rate, by cohort: stage 1 complaints of the quarter since escalated to stage 2
        self.add("escalated_cohort", accepted & stage2, q1)

        tenure = cases.per_value("tenure", tenure_class, object) if cases.has("tenure") else None
        if tenure is not None:
            for name in TENURES:
                self.add(f"tenure.{name}.stage1", accepted & (tenure == name), q1)
                self.add(f"tenure.{name}.stage2", stage2 & (tenure == name), q2)

        for stage, q, prefix in ((STAGE1, q1, "s1"), (STAGE2, q2, "s2")):
            self._step(f"{prefix}_ack", tl.acknowledgement(stage, cases, ctx), cases, q)
            recorded = self._step(f"{prefix}_response", tl.response(stage, cases, ctx), cases, q)
            code = self._step(f"{prefix}_code", tl.response(stage, cases, ctx, code_timescale=True), cases, q)
            base, _, _ = tl.response_deadlines(stage, cases, ctx)
            self.add(f"{prefix}_code.on_time_extended", (code == tl.ON_TIME) & (cases.dates(stage.response) > base), q)
            beyond = np.isin(code, (tl.LATE, tl.OVERDUE)) & ~np.isin(recorded, (tl.LATE, tl.OVERDUE))
            self.add(f"{prefix}_code.beyond_allowed_extension", beyond, q)
            self.add(f"{prefix}_extended", stage.due(cases, ctx) & ~np.isnat(cases.dates(stage.extended_to)), q)
            # working days from receipt (stage 2: the request) to the response, for the responses judged
            start, answered = cases.dates(stage.start), cases.dates(stage.response)
            if stage.number == 2:
                start = start2
            days = ctx.calendar.counts(start, answered)
            timed = np.isin(code, (tl.ON_TIME, tl.LATE)) & ~np.isnat(start) & (days >= 0)
            self.add(f"{prefix}_days.n", timed, q)
            if tenure is not None:
                for name in TENURES:
                    for status in ("on_time", "late"):
                        self.add(f"tenure.{name}.{prefix}_code.{status}",
                                 (code == tl.STATUS_NAMES.index(status)) & (tenure == name), q)
            self.add_sum(f"{prefix}_days.sum", timed, q, days)

        self.add_group("outcome1", _same(outcome_class), cases.text("stage1_outcome"), accepted, q1)
        self.add_group("outcome2", _same(outcome_class), cases.text("stage2_outcome"), stage2, q2)
        self.add_group("category", self.categorise, cases.text("category"), accepted, q1)
        self.add_group("refusal", _same(refusal_type), cases.text("refusal_reason"), refused, q1)

        self.add("referred", complaints & ~np.isnat(cases.dates("ombudsman_referral_date")), q1)
        self.add("cfo", complaints & (cases.flags("complaint_failure_order") == 1), q1)
        # the Ombudsman's determinations, counted in the quarter of the determination
        determined_on = cases.dates("ombudsman_determination_date")
        qd = self._index(determined_on, self.q_edges)
        determined = complaints & ~np.isnat(determined_on)
        self.add("determined", determined, qd)
        self.add("orders_complied", determined & ~np.isnat(cases.dates("ombudsman_order_complied_date")), qd)
        self.add_group("finding", _same(finding_class), cases.text("ombudsman_finding"), determined, qd)
        satisfied = cases.flags("satisfied")
        self.add("satisfied.yes", complaints & (satisfied == 1), q1)
        self.add("satisfied.no", complaints & (satisfied == 0), q1)
        self.add("satisfied.unknown", complaints & (satisfied == -1), q1)


class ReportObserver:
    """The report's view of the ``check`` engine's read (an ``engine.CaseObserver``): each
    case file opened, and each batch of its rows exactly as the rules see it, so every
    figure counts the rows the findings are about, from one read of the records.

    Keeps, per file, its name and the rows read (``sources``) and the canonical columns
    it has (``file_columns``: a figure whose column a file lacks is "not recorded")."""

    def __init__(self, tally: Tally):
        self.tally = tally
        self.file_columns: dict[str, set[str]] = {}
        """The engine's path for each file -> its canonical columns."""
        self.sources: list[dict] = []
        """{"file": the file's name, "rows": case rows read}: a name, never the local path it was read from."""
        self._current: dict | None = None

    def opened(self, source: CaseSource) -> None:
        from pathlib import Path

        self.file_columns[source.path] = set(source.columns)
        self._current = {"file": Path(source.path).name, "rows": 0}
        self.sources.append(self._current)

    def batch(self, batch: CaseBatch) -> None:
        self.tally.batch(batch)
        if self._current is not None:
            self._current["rows"] += len(batch)
