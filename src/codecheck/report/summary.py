"""The one-page summary that opens the board's report (issue 14, item 2): the
headline figures, each with the board's target and whether it was met, the latest
quarter beside the one before and the same quarter a year earlier, and the
officers' "The board is asked to note" paragraph.

Every figure here is one of the report's own, counted by the same tally:
"within the Code's timescale" is the one judgement of
:func:`codecheck.timeliness.code_deadlines` (the same numbers as TSM CH02). A
comparison quarter is shown only when it is a whole quarter and the records
begin by its first week (``periods.covers``); otherwise the change is left blank and the
reason given, never shown as a change from zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from codecheck.lazy import numpy as np

from codecheck.checks.stages import STAGE1, STAGE2
from codecheck.config import TARGETS
from codecheck.report.model import Cell
from codecheck.report.periods import Span, covers, is_whole_quarter, year_earlier
from codecheck.report.sections import Builder


@dataclass
class Headline:
    key: str
    label: str
    definition: str
    kind: str
    """share (per cent), count, or average (working days)."""
    period: Cell
    latest: Cell
    previous: Cell | None = None
    """The quarter before the latest; None where the records do not cover it."""
    year_before: Cell | None = None
    """The same quarter a year before; None where the records do not cover it."""
    target: float | None = None
    target_key: str = ""
    """The key of ``targets:`` in the configuration that sets it."""
    lower_is_better: bool = False
    missing: str = ""
    """Why the figure is not recorded ("" when it is)."""

    @staticmethod
    def value_of(kind: str, cell: Cell | None) -> float | None:
        if cell is None or cell.n is None:
            return None
        if kind == "share":
            return cell.pct
        if kind == "average":
            return cell.value
        return float(cell.n)

    @property
    def value(self) -> float | None:
        return self.value_of(self.kind, self.period)

    @property
    def status(self) -> str:
        """``met``, ``not met``, ``no target`` (none set), or ``no data`` (nothing to judge)."""
        if self.target is None:
            return "no target"
        value = self.value
        if value is None:
            return "no data"
        # the value as shown (one decimal place) is what the board compares with the target
        shown = round(value, 1)
        return "met" if (shown <= self.target if self.lower_is_better else shown >= self.target) else "not met"

    def extra_json(self) -> dict:
        """What JSON carries beside the fields: the status and the changes, as the pages show them."""
        def rounded(x):
            return None if x is None else round(x, 1)

        return {"value": rounded(self.value), "status": self.status, "change_on_previous": rounded(self.change(self.previous)),
                "change_on_year_before": rounded(self.change(self.year_before))}

    def change(self, other: Cell | None) -> float | None:
        """The latest quarter less the other: percentage points, a count, or working days."""
        now, then = self.value_of(self.kind, self.latest), self.value_of(self.kind, other)
        if now is None or then is None:
            return None
        # from the values as shown, so the page's own arithmetic checks out
        return round(round(now, 1) - round(then, 1), 1)


@dataclass
class Summary:
    latest: Span
    previous: Span | None
    year_before: Span | None
    headlines: list[Headline]
    board_note: str
    notes: list[str] = field(default_factory=list)
    """Why a comparison is not shown, and how the comparisons are made."""

    def headline(self, key: str) -> Headline:
        return next(h for h in self.headlines if h.key == key)


#: The one definition of "within the Code's timescale" (``timeliness.code_deadlines``), in words,
#: for both stages at once: the summary names it once beside both figures.
IN_TIME = ("Answered within the deadline the Code allows \u2014 10 working days (stage 2: 20) from acknowledgement, "
           "or from the day it was due where none is recorded, plus a recorded extension of up to 10 (stage 2: 20) "
           "more working days, or longer only with a reason recorded \u2014 \u00f7 complaints answered. The same "
           "figure as TSM CH02 and as \u2018Stage 1/2 responses within the Code's timescale\u2019 below. Complaints "
           "not yet answered, withdrawn, or with a date that cannot be read are not in it.")


def definitions(summary: Summary) -> list[tuple[list[str], str, str]]:
    """(labels, definition, why not recorded) with the figures that share a definition together."""
    out: list[tuple[list[str], str, str]] = []
    for h in summary.headlines:
        same = next((d for d in out if d[1] == h.definition and d[2] == h.missing), None)
        if same:
            same[0].append(h.label)
        else:
            out.append(([h.label], h.definition, h.missing))
    return out


#: The findings that count against the landlord.
ADVERSE = ("severe maladministration", "maladministration", "service failure")


def _share(n: np.ndarray, of: np.ndarray, i: int | slice) -> Cell:
    return Cell(n=int(n[i].sum()), of=int(of[i].sum()))


def _count(n: np.ndarray, i: int | slice) -> Cell:
    return Cell(n=int(n[i].sum()))


def _average(total: np.ndarray, n: np.ndarray, i: int | slice) -> Cell:
    count = int(n[i].sum())
    return Cell(n=count, value=round(float(total[i].sum()) / count, 1) if count else None)


def build_summary(b: Builder, targets: dict[str, float], board_note: str, year_start: int) -> Summary:
    """The summary from the tally's quarters (the period's, after any counted only for comparison)."""
    t = b.t
    latest_i = t.nq - 1
    latest = t.quarters[latest_i]
    notes: list[str] = []
    began = None if t.first_received is None else t.first_received.astype(dt.date)

    def covered(i: int | None, what: str) -> int | None:
        if i is None:
            return None
        span = t.quarters[i]
        if not is_whole_quarter(span, year_start) or not is_whole_quarter(latest, year_start):
            notes.append(f"No change from {what} is shown: {latest.label} or {span.label} is only part of a quarter.")
            return None
        if not covers(began, span):
            notes.append(f"No change from {what} ({span.label}) is shown: the records begin "
                         f"{'' if began is None else f'on {began:%d %B %Y}, '}after its first week.")
            return None
        return i

    for n, prefix in ((1, "s1"), (2, "s2")):
        left_out = max(t.in_period(t.counts[f"{prefix}_{step}.not_judged"]) for step in ("ack", "code"))
        if left_out:
            notes.append(f"{left_out:,} stage {n} complaint{'s are' if left_out != 1 else ' is'} not in the stage {n} "
                         "timescale figures: a cell the judgement needs (a date, or whether the complaint was "
                         "accepted) cannot be read. `codecheck check` on the same export names each cell (CD001).")
    previous_i = covered(latest_i - 1 if latest_i >= 1 else None, "the previous quarter")
    want = year_earlier(latest)
    year_i = next((i for i, q in enumerate(t.quarters) if (q.start, q.end) == want), None)
    year_i = covered(year_i, "the same quarter a year before")

    def headline(key, label, definition, kind, cells, needs=(), target_key="", lower=False) -> Headline:
        """``cells(i)`` gives the cell for quarter index or slice ``i``."""
        gap = b.missing(needs)
        blank = Cell()
        pick = (lambda i: blank) if gap else cells
        return Headline(
            key, label, definition, kind, pick(t.period), pick(latest_i),
            None if previous_i is None else pick(previous_i), None if year_i is None else pick(year_i),
            targets.get(target_key) if target_key else None, target_key, lower, gap)

    c = b.c
    out = [
        headline("stage1", "Stage 1 complaints", "Complaints received and accepted (by the date received).", "count",
                 lambda i: _count(c("stage1"), i)),
        headline("stage2", "Stage 2 complaints", "Complaints escalated to stage 2 and not refused (by the date stage 2 "
                 "was requested).", "count", lambda i: _count(c("stage2"), i), (STAGE2.start,)),
    ]
    for stage, p in ((STAGE1, "s1"), (STAGE2, "s2")):
        n = stage.number
        on_time, late = c(f"{p}_code.on_time"), c(f"{p}_code.late")
        needs = (stage.ack, stage.response) + ((stage.start,) if n == 2 else ())
        out.append(headline(f"{p}_in_time", f"Stage {n} answered within the Code's timescale (TSM CH02 ({n}))",
                            IN_TIME, "share", lambda i, a=on_time, z=late: _share(a, a + z, i),
                            needs, f"stage{n}_in_time"))
    for stage, p in ((STAGE1, "s1"), (STAGE2, "s2")):
        n = stage.number
        ack = {k: c(f"{p}_ack.{k}") for k in ("on_time", "late", "overdue")}
        out.append(headline(
            f"{p}_ack", f"Stage {n} acknowledged within {stage.ack_days} working days",
            "Acknowledged within 5 working days of receipt (stage 2: of the escalation request), out of those "
            "acknowledged or whose deadline has passed.", "share",
            lambda i, a=ack: _share(a["on_time"], a["on_time"] + a["late"] + a["overdue"], i),
            (stage.start, stage.ack), f"stage{n}_ack"))
    for stage, p in ((STAGE1, "s1"), (STAGE2, "s2")):
        n = stage.number
        out.append(headline(
            f"{p}_days", f"Average working days to respond at stage {n}",
            "Working days from receipt (stage 2: the escalation request) to the response, averaged over the "
            "responses in \u2018answered within the Code's timescale\u2019 (the Code allows 5 to acknowledge, then 10 "
            "at stage 1 and 20 at stage 2, more with an extension).", "average",
            lambda i, p=p: _average(c(f"{p}_days.sum"), c(f"{p}_days.n"), i),
            (stage.start, stage.response) + ((stage.ack,) if n == 2 else ()), f"stage{n}_days", lower=True))
    out.append(headline(
        "escalation_rate", "Escalation rate",
        "Stage 1 complaints received in the quarter that have since gone to stage 2 (escalated and not refused, by "
        "the as-of date) \u00f7 stage 1 complaints received in the quarter. Recent quarters have had less time to "
        "escalate.", "share", lambda i: _share(c("escalated_cohort"), c("stage1"), i), (STAGE2.start,),
        "escalation_rate", lower=True))
    out.append(headline(
        "referred", "Referred to the Ombudsman", "Complaints received in the quarter with an ombudsman_referral_date "
        "recorded.", "count", lambda i: _count(c("referred"), i), ("ombudsman_referral_date",)))
    if not b.missing(("ombudsman_determination_date",)):  # only where the records hold determinations
        determined = c("determined")
        out.append(headline(
            "determined", "Ombudsman determinations", "Complaints the Ombudsman determined in the quarter (by the date "
            "of the determination).", "count", lambda i: _count(determined, i), ("ombudsman_determination_date",)))
        if not b.missing(("ombudsman_finding",)):
            zero = np.zeros(t.nq, dtype=np.int64)
            adverse = sum((t.groups["finding"].get(k, zero) for k in ADVERSE), zero)
            out.append(headline(
                "adverse_findings", "Determinations finding maladministration or service failure",
                "Determinations whose ombudsman_finding reads (severe) maladministration or service failure \u00f7 "
                "determinations in the quarter.", "share", lambda i: _share(adverse, determined, i),
                ("ombudsman_determination_date", "ombudsman_finding")))
        if not b.missing(("ombudsman_order_complied_date",)):
            out.append(headline(
                "orders_complied", "Ombudsman orders complied with", "Determinations with "
                "ombudsman_order_complied_date recorded \u00f7 determinations in the quarter.", "share",
                lambda i: _share(c("orders_complied"), determined, i),
                ("ombudsman_determination_date", "ombudsman_order_complied_date")))
    return Summary(latest, None if previous_i is None else t.quarters[previous_i],
                   None if year_i is None else t.quarters[year_i], out, board_note.strip(), notes)


def unit(headline: Headline) -> str:
    """How the figure's change is counted, for words beside it."""
    return {"share": "percentage points", "average": "working days"}.get(headline.kind, "")


__all__ = ["IN_TIME", "TARGETS", "Headline", "Summary", "build_summary", "definitions", "unit"]
