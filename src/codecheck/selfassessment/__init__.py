"""Annual self-assessment forms against the Complaint Handling Code (8.1, 8.2).

``parse.parse_form(document)`` turns a read :class:`~codecheck.documents.Document`
into :class:`~codecheck.selfassessment.parse.Entry` s (provision number,
requirement text, answer, evidence, commentary, where it starts) and says
whether the form assesses the superseded 2022 Code. ``rules`` holds the
``SA`` rules run on documents of kind ``self_assessment``.
"""

from __future__ import annotations

from codecheck.rules import Rule


def self_assessment_rules() -> list[Rule]:
    """The self-assessment rules (SA000-SA007), sorted by id."""
    from codecheck.selfassessment import rules

    return sorted((v for v in vars(rules).values() if isinstance(v, Rule)), key=lambda r: r.id)
