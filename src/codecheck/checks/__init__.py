"""Record rules: small functions over a batch of cases, one module per Code section.

Where a rule lives follows from its id: ``CR`` + section + provision (a letter after it for a
second rule on one provision).

| ids           | module          | Code section                        |
|---------------|-----------------|-------------------------------------|
| CR201-CR204   | exclusions.py   | 2 Exclusions                        |
| CR502-CR511   | process.py      | 5 The complaint handling process    |
| CR602-CR616   | stages.py       | 6 Complaint stages (timescales)     |
| CR703, CR703B | remedies.py     | 7 Putting things right              |
| CD001-CD005   | data.py         | the records themselves (no provision) |
"""

from __future__ import annotations

from codecheck.rules import Rule


def record_rules() -> list[Rule]:
    from codecheck.checks import data, exclusions, process, remedies, stages

    found: list[Rule] = []
    for module in (data, exclusions, process, stages, remedies):
        found.extend(v for v in vars(module).values() if isinstance(v, Rule))
    return sorted(found, key=lambda r: r.id)
