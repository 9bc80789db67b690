"""The report's sections: the tally turned into figures, each with its definition,
the Code provision it serves, and "not recorded" where a file lacks a column it needs."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from codecheck.lazy import numpy as np

from codecheck import timeliness as tl
from codecheck.checks.stages import STAGE1, STAGE2
from codecheck.readers.base import CASES
from codecheck.registry import Registry
from codecheck.report.model import Cell, Figure, Section
from codecheck.report.tally import (FINDINGS, NO_FINDING, NO_OUTCOME, NO_REFUSAL_REASON, OTHER_FINDING, OTHER_OUTCOME,
                                    OTHER_REFUSAL, OUTCOMES, REFUSAL_TYPES, TENURE_NAMES, TENURES, Tally)
from codecheck.results import Results

# -- building the figures ------------------------------------------------------------------


class Builder:
    """Turns the tally into figures, marking those whose columns a file lacks."""

    def __init__(self, tally: Tally, file_columns: dict[str, set[str]]):
        self.t = tally
        self.file_columns = file_columns

    def missing(self, columns: Iterable[str]) -> str:
        gaps = [f"{Path(path).name} has no {c} column" for c in columns for path, have in self.file_columns.items()
                if c not in have]
        return "not recorded: " + "; ".join(gaps) if gaps else ""

    def _cells(self, counts: np.ndarray, of: np.ndarray | None = None, parts: dict[str, np.ndarray] | None = None,
               missing: str = "") -> list[Cell]:
        if missing:
            return [Cell() for _ in range(self.t.nq - self.t.first + 1)]
        cols = [slice(i, i + 1) for i in range(self.t.first, self.t.nq)] + [self.t.period]
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


def in_time_label(n: int) -> str:
    return f"Stage {n} responses within the Code's timescale"


def in_time_definition(stage) -> str:
    """The one definition of "within the Code's timescale" (``timeliness.code_deadlines``),
    in words, so every figure that uses it names it the same way."""
    n = stage.number
    return (f"Stage {n} complaints answered within the deadline the Code allows \u2014 {stage.response_days} working days "
            f"from acknowledgement, plus a recorded extension of up to {stage.extension_days} more working days, or "
            f"longer only with a reason recorded \u2014 \u00f7 stage {n} complaints answered. Where no "
            f"acknowledgement is recorded the {stage.response_days} days run from the day it was due. Complaints not yet "
            f"answered, withdrawn, or with a date that cannot be read are not in the measure.")


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
    resp_answered = resp["on_time"] + resp["late"]
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
        b.share(f"{prefix}_response", in_time_label(n),
                in_time_definition(stage) + f" The same figure as TSM CH02 ({n}).",
                f"{resp_code}, {ext_code}", resp["on_time"], resp_answered, resp_needs, parts=resp),
        b.count(f"{prefix}_response_in_extension", "of which answered within an allowed extension",
                f"Answered after the {stage.response_days}-working-day deadline but within an extension the Code allows.",
                ext_code, resp["on_time_extended"], resp_needs + (stage.extended_to,), level=1),
        b.count(f"{prefix}_response_late", "late or overdue against the deadline on the record",
                f"Late plus overdue against the deadline in force on the record (the recorded extension where there "
                f"is one): the {resp_code} findings ({'CR603' if n == 1 else 'CR614'}) for these cases.",
                resp_code, recorded["late"] + recorded["overdue"], resp_needs, level=1),
        b.count(f"{prefix}_response_beyond_extension", "after the Code's limit, within a longer extension with no reason",
                f"Answered (or still open) more than {stage.extension_days} working days after the Code's deadline but "
                f"within a recorded extension longer than that with no reason recorded: out of the Code's timescale, "
                f"while on time against the record; `check` reports the extension ({'CR604' if n == 1 else 'CR615'}).",
                ext_code, resp["beyond_allowed_extension"], resp_needs + (stage.extended_to,), level=1),
        b.count(f"{prefix}_response_overdue", "not answered, and the deadline the Code allows has passed",
                f"Stage {n} complaints with no response recorded whose Code deadline passed before "
                f"the as-of date or before the case moved on: not in the share above.",
                resp_code, resp["overdue"], resp_needs, level=1),
        b.share(f"{prefix}_extended", f"Stage {n} responses extended",
                f"Stage {n} complaints with an extension recorded ({stage.extended_to}), out of all stage {n} complaints.",
                ext_code, b.c(f"{prefix}_extended"), b.c("stage1" if n == 1 else "stage2"), (stage.extended_to,)),
    ]


def _group_figures(b: Builder, name: str, order: Iterable[str], of: np.ndarray, definition: str, code: str,
                   needs: tuple[str, ...], keep_empty: bool = True, sort: bool = False) -> list[Figure]:
    group, labels = b.t.groups[name], b.t.labels[name]
    zero = np.zeros(b.t.nq, dtype=np.int64)
    keys = list(order)
    extra = [k for k in group if k not in keys and not (name.startswith("outcome") and k == NO_OUTCOME)
             and b.t.in_period(group[k])]
    if sort:
        extra.sort(key=lambda k: (-b.t.in_period(group[k]), labels[k].casefold()))
    out = []
    for key in keys + extra:
        if not b.t.in_period(group.get(key, zero)) and not keep_empty:
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
                        "Counted by the date the complaint was received; determinations by the date of the determination.", [
        b.count("referred", "Referred to the Ombudsman",
                "Complaints received in the quarter with an ombudsman_referral_date recorded (whenever the referral was made).",
                "8.1(b)", c("referred"), ("ombudsman_referral_date",)),
        b.count("cfo", "Complaint handling failure orders",
                "Complaints received in the quarter with complaint_failure_order yes.", "8.1(c), 9.7(c)", c("cfo"),
                ("complaint_failure_order",)),
        b.count("determined", "Ombudsman determinations",
                "Complaints the Ombudsman determined in the quarter (by ombudsman_determination_date, whenever the "
                "complaint was received).", "8.1(b)", c("determined"), ("ombudsman_determination_date",)),
    ] + [dataclasses.replace(f, level=1) for f in _group_figures(
        b, "finding", [name for name, _ in FINDINGS] + [OTHER_FINDING, NO_FINDING], c("determined"),
        "Determinations in the quarter whose ombudsman_finding names this finding (matched by key words; the text "
        "itself is not shown), out of all determinations in the quarter.", "8.1(b)",
        ("ombudsman_determination_date", "ombudsman_finding"), keep_empty=False)] + [
        b.share("orders_complied", "Ombudsman orders complied with",
                "Determinations in the quarter with ombudsman_order_complied_date recorded, out of all determinations in "
                "the quarter.", "8.1(b)",
                c("orders_complied"), c("determined"), ("ombudsman_determination_date", "ombudsman_order_complied_date")),
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


#: Where the measures are defined, named beside them in the report and docs/board-report.md.
TSM_SOURCE = ("Regulator of Social Housing, Tenant Satisfaction Measures: Technical Requirements (2023), "
              "measures CH01 and CH02, reported separately for low-cost rental accommodation (LCRA) and "
              "low-cost home ownership (LCHO)")


def total_homes(homes: int | dict[str, int] | None) -> int | None:
    """The homes for CH01 overall: the number given, or the sum of the homes per tenure."""
    if isinstance(homes, dict):
        return sum(homes.values()) or None
    return homes


def tsm_section(b: Builder, homes: int | dict[str, int] | None) -> Section:
    figs = _tsm_figures(b, total_homes(homes), "", "", b.c)
    if not b.missing(("tenure",)):
        for tenure in TENURES:
            per = homes.get(tenure) if isinstance(homes, dict) else None
            gap = "" if per else f"not recorded: give the {tenure} homes (homes: {{{tenure}: ...}} in codecheck.yaml or --homes {tenure}=N,...)"
            figs += [dataclasses.replace(f, level=1) for f in _tsm_figures(
                b, per, f"tenure.{tenure}.", f" {tenure}", lambda key, t=tenure: b.c(f"tenure.{t}.{key}"), gap,
                f" Only the complaints whose tenure column reads {tenure} ({TENURE_NAMES[tenure]}); a blank or other "
                f"tenure is in neither tenure's figure.")]
    return Section("tsm", "Tenant Satisfaction Measures", "TSM CH01, CH02",
                   "The two complaint-handling measures the Regulator of Social Housing asks for, computed as defined "
                   f"beside each. Source of the definitions: {TSM_SOURCE}.", figs)


def _tsm_figures(b: Builder, homes: int | None, key_prefix: str, label_suffix: str, c, rate_gap: str = "",
                 scope: str = "") -> list[Figure]:
    """CH01 (1), (2) and CH02 (1), (2), over all complaints or (with ``key_prefix``) one tenure's."""
    rate_gap = rate_gap or ("" if homes else "not recorded: give the number of homes (--homes)")
    figs = []
    for n, key, needs in ((1, "stage1", ()), (2, "stage2", (STAGE2.start,))):
        gap = rate_gap or b.missing(needs)
        cells = b._cells(c(key), missing=gap)
        for cell in cells:
            if cell.n is not None and homes:
                cell.value = round(1000.0 * cell.n / homes, 1)
        figs.append(Figure(f"{key_prefix}CH01_{n}", f"CH01 ({n}){label_suffix} stage {n} complaints per 1,000 homes",
                           f"Stage {n} complaints received (the \u2018Stage {n} complaints\u2019 figure) \u00f7 homes"
                           f"{f' ({homes:,})' if homes else ''} \u00d7 1,000. The period column is the measure; a quarter "
                           f"column is that quarter's complaints, not annualised.{scope}", "TSM CH01", "rate", cells, gap))
    for n, stage, prefix in ((1, STAGE1, "s1"), (2, STAGE2, "s2")):
        on_time, late = c(f"{prefix}_code.on_time"), c(f"{prefix}_code.late")
        needs = (stage.ack, stage.response) if n == 1 else (stage.start, stage.ack, stage.response)
        parts = {"on_time": on_time, "late": late}
        if not key_prefix:
            parts["unanswered_overdue"] = c(f"{prefix}_code.overdue")
        figs.append(b.share(
            f"{key_prefix}CH02_{n}", f"CH02 ({n}){label_suffix} stage {n} complaints responded to within the Code's timescales",
            in_time_definition(stage) + (f" The same figure as \u2018{in_time_label(n)}\u2019." if not scope else scope),
            "TSM CH02", on_time, on_time + late, needs + (("tenure",) if key_prefix else ()), parts=parts))
    return figs


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
