"""Complaints improvement plans (action plans) against the Complaint Handling Code.

``parse.parse_plan(document)`` reads a plan into :class:`~codecheck.improvement.parse.Item` s
(provisions, requirement, action, target date, status, owner, where the item starts);
``dates`` reads target dates as landlords write them; ``rules`` holds the ``IP`` rules
run on documents of kind ``improvement_plan``.
"""

from __future__ import annotations

from codecheck.rules import Rule


def improvement_plan_rules() -> list[Rule]:
    """The improvement plan rules (IP001-...), sorted by id."""
    from codecheck.improvement import rules

    return sorted((v for v in vars(rules).values() if isinstance(v, Rule)), key=lambda r: r.id)
