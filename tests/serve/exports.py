"""A case export as a landlord's system might write it: its own header names, dates month first."""

from __future__ import annotations

import csv
import io
import re

from .conftest import FIXTURES

RENAMED = {"case_id": "Complaint Ref", "received_date": "Date Received", "stage1_ack_date": "Stage One Acknowledged",
           "stage1_response_date": "Stage One Response Sent", "stage": "Current Stage", "accepted": "Accepted?"}


def renamed_month_first() -> bytes:
    rows = list(csv.reader(open(FIXTURES / "cases.csv", encoding="utf-8-sig", newline="")))
    flip = lambda v: re.sub(r"^(\d\d)/(\d\d)/(\d{4})$", r"\2/\1/\3", v)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([RENAMED.get(h, h) for h in rows[0]])
    writer.writerows([flip(c) for c in r] for r in rows[1:])
    return out.getvalue().encode("utf-8")
