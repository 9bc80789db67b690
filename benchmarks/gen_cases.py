"""Write a large, realistic case export for benchmarks: N rows, all canonical
columns, a mix of compliant cases and breaches, and the quirks of real exports
(mixed date forms, blanks, a BOM, an unreadable cell now and then).

    python benchmarks/gen_cases.py 1000000 /tmp/cases-1m.csv [BREACHES]

BREACHES scales how often a case breaches a timescale (late acknowledgements and
responses, remedies overdue, refusals without signposting): 1 (the default) gives
about 1 finding in 6 rows; `benchmarks/bench_scale.py` uses 0.5 for an export with
about 1 finding in 10 rows and 12 for one with about 8 in 10.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys

from codecheck.columns import COLUMNS

FORMS = ("%d/%m/%Y", "%d/%m/%Y", "%d/%m/%Y", "%Y-%m-%d", "%-d/%-m/%y", "%-d %B %Y")
HANDLERS = [f"Officer {i}" for i in range(40)]
MANAGERS = [f"Manager {i}" for i in range(12)]
CATEGORIES = ["Repairs", "Damp and mould", "Anti-social behaviour", "Staff conduct", "Rent and charges", "Estate services"]
OUTCOMES = ["Upheld", "Partly upheld", "Not upheld", "Withdrawn"]


def write(n: int, path: str, seed: int = 7, breaches: float = 1.0) -> None:
    rng = random.Random(seed)

    def late(p: float) -> bool:
        """A breach that happens with probability `p` in a typical export, scaled by `breaches`."""
        return rng.random() < min(0.95, p * breaches)

    start = dt.date(2020, 1, 1)
    header = list(COLUMNS)
    # A few thousand distinct dates, as in a real export spanning some years.
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh, lineterminator="\r\n")
        out.writerow(header)
        for i in range(n):
            rec = dict.fromkeys(header, "")
            received = start + dt.timedelta(days=rng.randrange(0, 5 * 365))
            fmt = rng.choice(FORMS)
            f = lambda day: day.strftime(fmt)  # noqa: E731
            rec["case_id"] = f"CMP-{i:07d}"
            rec["received_date"] = f(received)
            rec["issue_date"] = f(received - dt.timedelta(days=rng.randrange(1, 500)))
            rec["category"] = rng.choice(CATEGORIES)
            if rng.random() < 0.06:
                rec["record_type"] = "service_request"
            if rng.random() < 0.03:
                rec["accepted"] = "No"
                rec["refusal_reason"] = rng.choice(["", "Out of time", "Legal proceedings", "Previously considered"])
                rec["refusal_ombudsman_signposted"] = rng.choice(["Yes", "No", ""])
                out.writerow(rec.values())
                continue
            rec["accepted"] = rng.choice(["Yes", "Y", ""])
            ack = received + dt.timedelta(days=(rng.choice([6, 8]) if late(0.04) else rng.choice([1, 2, 3, 4])))
            rec["stage1_ack_date"] = f(ack)
            rec["stage1_handler"] = rng.choice(HANDLERS)
            rec["stage"] = "Stage 1"
            if rng.random() < 0.1:
                rec["stage1_extended_to"] = f(ack + dt.timedelta(days=rng.choice([20, 25, 35])))
                rec["stage1_extension_reason"] = "" if rng.random() < 0.1 else "Survey"
                rec["stage1_extension_ombudsman_details"] = "No" if rng.random() < 0.1 else "Yes"
            rec["stage1_response_date"] = f(ack + dt.timedelta(days=(rng.choice([16, 20]) if late(0.05) else rng.choice([5, 8, 12, 13]))))
            rec["stage1_outcome"] = rng.choice(OUTCOMES)
            if rng.random() < 0.25:
                esc = ack + dt.timedelta(days=rng.randrange(20, 40))
                rec["stage"] = "Stage 2"
                rec["escalation_requested_date"] = f(esc)
                s2 = esc + dt.timedelta(days=(rng.choice([6, 9]) if late(0.05) else rng.choice([1, 3])))
                rec["stage2_ack_date"] = f(s2)
                rec["stage2_handler"] = rec["stage1_handler"] if rng.random() < 0.01 else rng.choice(MANAGERS)
                rec["stage2_response_date"] = f(s2 + dt.timedelta(days=(rng.choice([33, 40]) if late(0.05) else rng.choice([10, 20, 26]))))
                rec["stage2_outcome"] = rng.choice(OUTCOMES)
            if rng.random() < 0.2:
                rec["remedy"] = "Compensation"
                rec["remedy_due_date"] = f(ack + dt.timedelta(days=40))
                if rng.random() < 0.9:
                    rec["remedy_completed_date"] = f(ack + dt.timedelta(days=rng.randrange(20, 60)))
            if rng.random() < 0.05:
                rec["disability_disclosed"] = "Yes"
                rec["reasonable_adjustments"] = "Large print"
                if rng.random() < 0.7:
                    rec["adjustments_review_date"] = f(ack + dt.timedelta(days=90))
            if rng.random() < 0.002:
                rec["stage1_ack_date"] = rng.choice(["31/02/2023", "tbc", "next week"])
            rec["satisfied"] = rng.choice(["Yes", "No", "", "y", "n"])
            out.writerow(rec.values())


if __name__ == "__main__":
    write(int(sys.argv[1]), sys.argv[2], breaches=float(sys.argv[3]) if len(sys.argv) > 3 else 1.0)
