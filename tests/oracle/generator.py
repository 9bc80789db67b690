"""A seeded, deterministic generator of edge-case complaint records.

Every run is one region, its closure days and one ``--as-of`` date. The rows put
each step exactly on its deadline, a day either side of it, on the first weekend
day or holiday after it, or leave it out; receipts fall on Fridays, weekends, bank
holidays (the region's and the other regions', which are working days here), the
day before Christmas and Good Friday, and closure days. Open cases are built
backwards from working days around ``as_of`` so that each deadline falls just
before, on and just after it.

The generator places steps with the oracle's calendar, but the oracle judges each
row only from its cells: how a row was made is never part of the expectation.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

from .workdays import ONE_DAY, SUBDIVISIONS, Workdays, bank_holidays

COLUMNS = (
    "case_id", "record_type", "received_date", "stage", "accepted", "refusal_reason",
    "stage1_ack_date", "stage1_extended_to", "stage1_extension_reason", "stage1_extension_ombudsman_details",
    "stage1_response_date", "stage1_outcome", "escalation_requested_date", "escalation_refused_reason",
    "stage2_ack_date", "stage2_extended_to", "stage2_extension_reason", "stage2_extension_ombudsman_details",
    "stage2_response_date", "stage2_outcome",
)


@dataclass(frozen=True)
class Run:
    """One codecheck run: the region, its closures and the date cases are judged as of."""
    name: str
    region: str
    closures: tuple[dt.date, ...]
    as_of: dt.date


D = dt.date
RUNS = (
    # Thursday after New Year's Day; Easter Saturday (Good Friday and Easter Monday either side).
    Run("eng-newyear", "england-and-wales", (D(2024, 12, 27), D(2024, 12, 30), D(2024, 12, 31)), D(2025, 1, 2)),
    Run("eng-easter", "england-and-wales", (D(2025, 4, 17),), D(2025, 4, 19)),
    # Friday after Scotland's 2 January; St Andrew's Day observed (Monday 2 December 2024).
    Run("sct-newyear", "scotland", (D(2024, 12, 24), D(2024, 12, 27)), D(2025, 1, 3)),
    Run("sct-standrew", "scotland", (D(2024, 11, 29),), D(2024, 12, 2)),
    # The day after St Patrick's Day; the Sunday after the 12th (observed Monday 14 July 2025).
    Run("nir-patrick", "northern-ireland", (D(2025, 3, 14),), D(2025, 3, 18)),
    Run("nir-twelfth", "northern-ireland", (D(2025, 7, 11), D(2025, 7, 15)), D(2025, 7, 13)),
)


def interesting_days(cal: Workdays, first: dt.date, last: dt.date, rng: random.Random) -> list[dt.date]:
    """Receipt dates worth testing between first and last."""
    days: set[dt.date] = set()
    off = set(cal.closures)
    for region in SUBDIVISIONS:  # the other regions' holidays are working days here
        off |= set(bank_holidays(region))
    for day in off:
        for near in (day - 3 * ONE_DAY, day - ONE_DAY, day, day + ONE_DAY):
            days.add(near)
    for year in range(first.year, last.year + 1):
        days.add(D(year, 12, 24))
    day = first
    while day <= last:
        if day.weekday() in (4, 5, 6) and rng.random() < 0.35 or rng.random() < 0.08:  # Fridays and weekends
            days.add(day)
        day += ONE_DAY
    return sorted(d for d in days if first <= d <= last)


# -- placing one step against its deadline ---------------------------------------------

PLACES = ("early", "same_day", "on", "day_before", "previous_working", "day_after", "next_working",
          "first_day_off_after", "late", "missing")
WEIGHTS = (3, 1, 4, 2, 3, 3, 3, 3, 2, 2)


def place(rng: random.Random, cal: Workdays, earliest: dt.date, deadline: dt.date, how: str | None = None) -> dt.date | None:
    """A date for a step that may not come before `earliest`, placed `how` against its deadline."""
    how = how or rng.choices(PLACES, WEIGHTS)[0]
    if how == "missing":
        return None
    if how == "early":
        span = (deadline - earliest).days
        day = earliest + dt.timedelta(days=rng.randint(0, max(span - 1, 0)))
    elif how == "same_day":
        day = earliest
    elif how == "on":
        day = deadline
    elif how == "day_before":
        day = deadline - ONE_DAY
    elif how == "previous_working":
        day = cal.previous_working(deadline)
    elif how == "day_after":
        day = deadline + ONE_DAY
    elif how == "next_working":
        day = cal.next_working(deadline)
    elif how == "first_day_off_after":
        day = deadline + ONE_DAY
        while cal.is_working(day):
            day += ONE_DAY
    else:  # late
        day = deadline + dt.timedelta(days=rng.randint(2, 40))
    return max(day, earliest)


def extension_date(rng: random.Random, cal: Workdays, code_deadline: dt.date, limit: int) -> dt.date:
    """An extended deadline: within, at, just beyond and well beyond the Code's limit, on a
    day off after the limit, or a date that extends nothing."""
    at_limit = cal.nth_after(code_deadline, limit)
    how = rng.choice(("within", "at_limit", "day_after_limit", "next_working_after_limit", "well_beyond",
                      "not_later"))
    if how == "within":
        return cal.nth_after(code_deadline, rng.randint(1, limit - 1))
    if how == "at_limit":
        return at_limit
    if how == "day_after_limit":
        return at_limit + ONE_DAY
    if how == "next_working_after_limit":
        return cal.next_working(at_limit)
    if how == "well_beyond":
        return cal.nth_after(code_deadline, rng.randint(limit + 2, 3 * limit))
    return code_deadline - dt.timedelta(days=rng.randint(0, 3))


# -- a case, stage by stage --------------------------------------------------------------


@dataclass
class Case:
    received: dt.date
    cells: dict[str, str] = field(default_factory=dict)

    def set(self, column: str, value: dt.date | str | None) -> None:
        if isinstance(value, dt.date):
            value = value.strftime("%d/%m/%Y") if value.toordinal() % 3 else value.isoformat()
        self.cells[column] = value or ""


def stage_steps(rng: random.Random, cal: Workdays, case: Case, number: int, start: dt.date,
                ack_how: str | None = None, response_how: str | None = None, extend: bool | None = None) -> dt.date | None:
    """Fill a stage's acknowledgement, extension and response; the last date recorded."""
    ack_days, response_days, limit = (5, 10, 10) if number == 1 else (5, 20, 20)
    prefix = f"stage{number}_"
    ack_due = cal.nth_after(start, ack_days)
    ack = place(rng, cal, start, ack_due, ack_how)
    code_deadline = cal.nth_after(ack or ack_due, response_days)
    deadline = code_deadline
    if extend if extend is not None else rng.random() < 0.3:
        extended = extension_date(rng, cal, code_deadline, limit)
        case.set(prefix + "extended_to", extended)
        case.set(prefix + "extension_reason", rng.choice(("", "", "Awaiting a contractor's report")))
        case.set(prefix + "extension_ombudsman_details", rng.choice(("Yes", "Yes", "No", "")))
        deadline = max(extended, code_deadline)
    response = place(rng, cal, ack or start, deadline, response_how)
    if ack is None and response is None and rng.random() < 0.5:
        response = place(rng, cal, start, deadline, "late")
    case.set(prefix + "ack_date", ack)
    case.set(prefix + "response_date", response)
    return response or ack


def closed_case(rng: random.Random, cal: Workdays, received: dt.date) -> Case:
    """A case taken as far as the dice say: stage 1, perhaps stage 2."""
    case = Case(received)
    case.set("received_date", received)
    last = stage_steps(rng, cal, case, 1, received)
    if rng.random() < 0.45:
        if last is None or rng.random() < 0.15:
            # The resident asks for stage 2 with nothing recorded at stage 1: before or after its deadlines.
            ack_due = cal.nth_after(received, 5)
            requested = place(rng, cal, received, rng.choice((ack_due, cal.nth_after(ack_due, 10))))
            requested = requested or ack_due + dt.timedelta(days=rng.randint(1, 30))
            for column in ("stage1_ack_date", "stage1_response_date"):
                case.set(column, None)
        else:
            requested = last + dt.timedelta(days=rng.randint(0, 30))
        case.set("escalation_requested_date", requested)
        if rng.random() < 0.06:
            case.set("escalation_refused_reason", "Outside the policy's time limit")
        else:
            if rng.random() < 0.08:  # acknowledged, but the request date is not recorded
                stage_steps(rng, cal, case, 2, requested)
                case.set("escalation_requested_date", None)
            else:
                stage_steps(rng, cal, case, 2, requested)
    return case


def open_case(rng: random.Random, cal: Workdays, as_of: dt.date) -> Case | None:
    """A case whose missing step falls due just before, on or just after `as_of`."""
    target = as_of + dt.timedelta(days=rng.randint(-5, 5))
    while not cal.is_working(target):
        target += ONE_DAY if rng.random() < 0.5 else -ONE_DAY
    number = rng.choice((1, 2))
    # The step left open: the acknowledgement; the response after an acknowledgement; the response
    # with no acknowledgement recorded (due from the day the acknowledgement was); an extended response.
    kind = rng.choice(("ack", "response", "response_no_ack", "extended"))
    ack_days, response_days = (5, 10) if number == 1 else (5, 20)

    def starts(deadline_of) -> list[dt.date]:
        return [target - dt.timedelta(days=k) for k in range(1, 70)
                if deadline_of(target - dt.timedelta(days=k)) == target]

    if kind == "ack":
        candidates = starts(lambda s: cal.nth_after(s, ack_days))
    elif kind == "response_no_ack":
        candidates = starts(lambda s: cal.nth_after(cal.nth_after(s, ack_days), response_days))
    elif kind == "response":
        candidates = starts(lambda a: cal.nth_after(a, response_days))  # acknowledgement dates
    else:
        candidates = [target - dt.timedelta(days=k) for k in range(20, 70)]
    if not candidates:
        return None
    pick = rng.choice(candidates)

    # Stage 1 done on time before a stage 2 open case; its start is then the escalation request.
    if number == 1:
        received = pick if kind != "response" else pick - dt.timedelta(days=rng.randint(0, 9))
    else:
        received = pick - dt.timedelta(days=rng.randint(35, 60))
    case = Case(received)
    case.set("received_date", received)
    if number == 2:
        stage_steps(rng, cal, case, 1, received, "early", "early", extend=False)
        case.set("stage1_extended_to", None)
        requested = pick if kind != "response" else pick - dt.timedelta(days=rng.randint(0, 9))
        case.set("escalation_requested_date", requested)
        start = requested
    else:
        start = received
    prefix = f"stage{number}_"
    if kind in ("ack", "response_no_ack"):
        pass  # nothing recorded at this stage
    elif kind == "response":
        case.set(prefix + "ack_date", pick)
    else:  # extended: the deadline in force is the extension, on or around as_of
        ack = place(rng, cal, start, cal.nth_after(start, ack_days))
        case.set(prefix + "ack_date", ack)
        code_deadline = cal.nth_after(ack or cal.nth_after(start, ack_days), response_days)
        extended = as_of + dt.timedelta(days=rng.randint(-3, 3))
        if extended <= code_deadline:
            extended = code_deadline + dt.timedelta(days=rng.randint(1, 30))
        case.set(prefix + "extended_to", extended)
        case.set(prefix + "extension_reason", rng.choice(("", "Awaiting a contractor's report")))
        case.set(prefix + "extension_ombudsman_details", rng.choice(("Yes", "No", "")))
    if rng.random() < 0.08:
        case.set(prefix + "outcome", "Withdrawn by resident")
    return case


def _flavour(rng: random.Random, case: Case) -> None:
    """Record types and acceptance that take a row out of the timescales, now and then."""
    roll = rng.random()
    if roll < 0.03:
        case.set("record_type", "Service request")
    elif roll < 0.06:
        case.set("accepted", "No")
        case.set("refusal_reason", "Outside the policy's time limit")
    elif roll < 0.5:
        case.set("record_type", rng.choice(("Complaint", "complaint")))
        case.set("accepted", rng.choice(("Yes", "Y", "")))


def _as_of_export(case: Case, as_of: dt.date) -> None:
    """An export made on `as_of` records nothing later: drop each later step and those after it."""
    order = ("stage1_ack_date", "stage1_response_date", "escalation_requested_date", "stage2_ack_date",
             "stage2_response_date")
    from .expected import parse_date

    for i, column in enumerate(order):
        day = parse_date(case.cells.get(column, ""))
        if day is not None and day > as_of:
            for later in order[i:]:
                case.set(later, None)
            break


UNREADABLE_DATES = ("31/02/2025", "30/02/2024", "next week", "2025-13-01")
UNREADABLE_FLAGS = ("maybe", "see notes")


def _unreadable(rng: random.Random, case: Case) -> None:
    """One cell that cannot be read, now and then: it should switch off only the
    findings that need it."""
    if rng.random() >= 0.06:
        return
    dates = [c for c in COLUMNS if c.endswith(("_date", "_to")) and c != "received_date"]
    recorded = [c for c in dates if case.cells.get(c)]
    column = rng.choice(recorded if recorded and rng.random() < 0.7 else dates + ["accepted",
                        "stage1_extension_ombudsman_details", "stage2_extension_ombudsman_details"])
    values = UNREADABLE_DATES if column in dates else UNREADABLE_FLAGS
    case.set(column, rng.choice(values))


def generate(run: Run, rows: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(f"{seed}-{run.name}")
    cal = Workdays(run.region, run.closures)
    receipts = interesting_days(cal, run.as_of - dt.timedelta(days=420), run.as_of - ONE_DAY, rng)
    out: list[dict[str, str]] = []
    while len(out) < rows:
        case = open_case(rng, cal, run.as_of) if rng.random() < 0.3 else closed_case(rng, cal, rng.choice(receipts))
        if case is None:
            continue
        _as_of_export(case, run.as_of)
        _flavour(rng, case)
        _unreadable(rng, case)
        case.cells["case_id"] = f"{run.name.upper()}-{len(out) + 1:05d}"
        out.append({c: case.cells.get(c, "") for c in COLUMNS})
    return out


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    return path
