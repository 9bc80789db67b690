"""The annual complaints performance and service improvement report (Code 8.1, 8.2),
drafted from the board report's own figures (issue 14, item 5).

:func:`build_annual` turns a built :class:`~codecheck.report.model.Report` into a plain
:class:`Annual`: a part for each of 8.1 (a)-(f) and one for the governing body (8.2),
each made of paragraphs and tables. The renderers (:mod:`~codecheck.report.annual_docx`
for Word, :mod:`~codecheck.report.annual_html` for a web page) only lay it out, so the two
formats carry the same words and figures. Nothing is counted here: every number is a
figure or headline of the board report for the same period.

What the records cannot give (the landlord's narrative) is a placeholder in the form the
letter rules' ``placeholder`` type recognises: an instruction in square brackets starting
with INSERT, or a label in capitals ("[DATE]"), each at most 120 characters. The fixed
words around the placeholders are chosen so that an unfilled draft still lacks what the
annual report rules (CA801A-F, CA802) look for: ``codecheck FILE --kind annual_report``
reports each unwritten element until the officers write it. Counts only: no case ids,
names, reasons or other free text from the records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from codecheck import __version__
from codecheck.checks.stages import STAGE1, STAGE2
from codecheck.report.model import Cell, Figure, Report
from codecheck.report.render_md import headline_value, pct_text
from codecheck.report.sections import in_time_definition, total_homes
from codecheck.report.tally import OTHER_CATEGORY

DEFAULT_TITLE = "Annual complaints performance and service improvement report"


@dataclass
class Para:
    """A paragraph. ``placeholder``: for the landlord to write (the whole text is the instruction).
    ``quote``: the Code's own words. ``note``: how a figure is counted, in smaller type."""
    text: str
    placeholder: bool = False
    quote: bool = False
    note: bool = False


@dataclass
class Table:
    head: list[str]
    rows: list[list[str]]
    numeric: tuple[int, ...] = ()
    """Columns aligned right (figures)."""
    sub: tuple[int, ...] = ()
    """Rows that break down the row above (indented)."""
    nowrap: bool = False
    """The first column is short labels that should not wrap (quarters)."""


@dataclass
class Part:
    code: str
    """The Code provision ("8.1(a)"), or "" for the introduction."""
    title: str
    blocks: list[Para | Table | tuple[str, list]] = field(default_factory=list)
    """Paragraphs and tables; ``("sub", [...])`` is a subheading with its blocks."""

    @property
    def heading(self) -> str:
        return f"{self.code} {self.title}" if self.code else self.title


@dataclass
class Annual:
    title: str
    period: str
    meta: list[str]
    notice: Para
    """The note to delete once the draft is finished (itself a placeholder)."""
    parts: list[Part]
    footer: str

    def placeholders(self) -> list[str]:
        """Every placeholder, in order."""
        out: list[str] = [self.notice.text]

        def walk(blocks):
            for b in blocks:
                if isinstance(b, Para) and b.placeholder:
                    out.append(b.text)
                elif isinstance(b, tuple):
                    walk(b[1])

        for part in self.parts:
            walk(part.blocks)
        return out


#: The Code's words for each element (8.1, 8.2), quoted under its heading.
CODE_WORDS = {
    "8.1(a)": "the annual self-assessment against this Code to ensure their complaint handling policy remains in line "
              "with its requirements.",
    "8.1(b)": "a qualitative and quantitative analysis of the landlord's complaint handling performance. This must "
              "also include a summary of the types of complaints the landlord has refused to accept.",
    "8.1(c)": "any findings of non-compliance with this Code by the Ombudsman.",
    "8.1(d)": "the service improvements made as a result of the learning from complaints.",
    "8.1(e)": "any annual report about the landlord's performance from the Ombudsman.",
    "8.1(f)": "any other relevant reports or publications produced by the Ombudsman in relation to the work of the "
              "landlord.",
    "8.2": "The annual complaints performance and service improvement report must be reported to the landlord's "
           "governing body (or equivalent) and published on the section of its website relating to complaints. The "
           "governing body's response to the report must be published alongside this.",
}


def _quote(code: str) -> Para:
    return Para(f"What {code} of the Code asks for: \u201c{CODE_WORDS[code]}\u201d", quote=True)


def _ph(text: str) -> Para:
    """A placeholder: ``[INSERT ...]`` or a label in capitals. Closed within 100 characters, so that the
    placeholder check sees one whole placeholder (an "[INSERT" left open longer counts as unclosed too)."""
    assert text.startswith("[") and text.endswith("]") and len(text) <= 100, text
    return Para(text, placeholder=True)


def _value(fig: Figure, cell: Cell | None = None) -> str:
    cell = fig.period if cell is None else cell
    if cell.n is None:
        return "not recorded"
    if fig.kind == "share":
        return f"{pct_text(cell)} ({cell.n} of {cell.of})"
    if fig.kind == "rate":
        return "not recorded" if cell.value is None else f"{cell.value:.1f} ({cell.n})"
    return str(cell.n)


def _figures_table(report: Report) -> Table:
    """The year's figures: the board report's, with how each is counted beside it."""
    s = report.summary
    rows: list[list[str]] = []
    sub: list[int] = []

    def fig(key: str, label: str | None = None, how: str = "", level: int = 0):
        f = report.figure(key)
        if level:
            sub.append(len(rows))
        rows.append([label or f.label, _value(f), f.missing or how])

    def head(key: str, label: str | None, how: str):
        if s is None:
            return
        h = s.headline(key)
        rows.append([label or h.label, headline_value(h, h.period), how if not h.missing else h.missing])

    fig("complaints", "Complaints received", "All complaints received in the year, accepted or not.")
    fig("stage1", "Stage 1 complaints", "Complaints received in the year and accepted.")
    fig("stage2", "Stage 2 complaints", "Complaints escalated to stage 2 and not refused, by the date stage 2 was "
        "requested.")
    for n, stage in ((1, STAGE1), (2, STAGE2)):
        fig(f"s{n}_ack", None, f"Of those acknowledged or whose {stage.ack_days} working days had passed.")
        fig(f"s{n}_response", f"Stage {n} answered within the Code's timescale (TSM CH02 ({n}))",
            f"The Code's timescale: {stage.response_days} working days from acknowledgement, plus an extension of up to "
            f"{stage.extension_days} more, or longer only with a reason recorded (see below).")
    head("s1_days", "Average working days to respond at stage 1", "From receipt to the stage 1 response.")
    head("s2_days", "Average working days to respond at stage 2", "From the escalation request to the stage 2 response.")
    head("escalation_rate", "Escalation rate", "Stage 1 complaints of the year since escalated to stage 2.")
    for n in (1, 2):
        f = report.figure(f"CH01_{n}")
        if not f.missing:
            rows.append([f"Stage {n} complaints per 1,000 homes (TSM CH01 ({n}))", _value(f),
                         f"Stage {n} complaints \u00f7 {total_homes(report.homes):,} homes \u00d7 1,000."])
    fig("referred", "Referred to the Ombudsman", "Complaints received in the year with an Ombudsman referral date.")
    satisfied = report.figure("satisfied")
    if not satisfied.missing:
        fig("satisfied", "Residents satisfied with how their complaint was handled",
            "Of those who answered yes or no.")
    return Table(["Measure", report.period.label, "How it is counted"], rows, numeric=(1,), sub=tuple(sub))


def _quarters_table(report: Report) -> Table:
    keys = [("stage1", "Stage 1 complaints"), ("s1_response", "Stage 1 within the Code's timescale"),
            ("stage2", "Stage 2 complaints"), ("s2_response", "Stage 2 within the Code's timescale")]
    head = ["Quarter"] + [label for _, label in keys]
    rows = []
    for i, q in enumerate(report.quarters):
        rows.append([f"{q.label} ({q.dates})"] + [_value(report.figure(k), report.figure(k).cells[i]) for k, _ in keys])
    rows.append([f"{report.period.label}"] + [_value(report.figure(k)) for k, _ in keys])
    return Table(head, rows, numeric=(1, 2, 3, 4), nowrap=True)


def _outcomes_table(report: Report) -> Table | None:
    rows = []
    for n in (1, 2):
        section = report.section(f"outcome{n}")
        figs = [f for f in section.figures if not f.key.endswith("no outcome recorded")]
        if all(f.missing for f in figs):
            continue
        for f in figs:
            if f.period.n:
                rows.append([f"Stage {n}: {f.label[:1].lower()}{f.label[1:]}", _value(f)])
    if not rows:
        return None
    return Table(["Outcome", report.period.label], rows, numeric=(1,))


def _subjects_table(report: Report) -> Table | None:
    """Stage 1 complaints by the subject recorded (only the configured names are shown)."""
    figs = [f for f in report.section("categories").figures if f.period.n and not f.missing]
    if not figs or all(f.label.lower() == OTHER_CATEGORY for f in figs):
        return None
    return Table(["Subject recorded", report.period.label], [[f.label, _value(f)] for f in figs], numeric=(1,))


def _refused(report: Report) -> list:
    """What the records say of the complaints not accepted, and the types of refusal."""
    section = report.section("refused")
    total = section.figures[0]
    if total.missing:
        return [Para(f"The case records do not say which complaints were not accepted ({total.missing})."),
                _ph("[INSERT the number turned down this year and the grounds, in a sentence for each kind]")]
    cell = total.period
    if not cell.n:
        return [Para(f"We did not refuse to accept any of the {cell.of} complaints received in "
                     f"{report.period.label}.")]
    out: list = [Para(f"We did not accept {cell.n} of the {cell.of} complaints received in {report.period.label} "
                      f"({pct_text(cell)}). By type of refusal, from the reason recorded for each:")]
    types = section.figures[1:]
    if types and not types[0].missing:
        rows = [[f.label, _value(f)] for f in types if f.period.n]
        out.append(Table(["Type of complaint not accepted", report.period.label], rows, numeric=(1,)))
    else:
        out.append(Para(f"The types cannot be given: {types[0].missing if types else 'no refusal_reason column'}.",
                        note=True))
    out.append(_ph("[INSERT a sentence on each type of refusal: the grounds in our complaints policy]"))
    return out


def _findings(report: Report) -> list:
    """8.1(c): what the records hold of the Ombudsman's findings, else a placeholder."""
    out: list = []
    determined = report.figure("determined")
    cfo = report.figure("cfo")
    if not determined.missing:
        n = determined.period.n
        out.append(Para(f"Cases of ours the Ombudsman determined in {report.period.label}, from the case records: {n}."))
        findings = [f for f in report.section("ombudsman").figures if f.key.startswith("finding.")]
        rows = [[f.label[:1].upper() + f.label[1:], _value(f)] for f in findings if f.period.n and not f.missing]
        if rows:
            out.append(Table(["Ombudsman's finding", report.period.label], rows, numeric=(1,)))
        orders = report.figure("orders_complied")
        if not orders.missing and n:
            out.append(Para(f"Determinations whose orders we have complied with (a compliance date recorded): "
                            f"{_value(orders)}."))
    if not cfo.missing:
        out.append(Para(f"Complaint handling failure orders recorded for complaints received in "
                        f"{report.period.label}: {cfo.period.n}."))
    if determined.missing and cfo.missing:
        out.append(Para("The case records hold nothing of what the Ombudsman decided (they have no "
                        "ombudsman_determination_date, ombudsman_finding or complaint_failure_order column): this part "
                        "is for the landlord to write.", note=True))
    out.append(_ph("[INSERT any findings of non-compliance with this Code by the Ombudsman; if none, say so]"))
    return out


def build_annual(report: Report, title: str | None = None) -> Annual:
    """The annual report draft from the board report for the same period."""
    period = report.period.label
    files = ", ".join(f"{s['file']} ({s['rows']} case rows)" for s in report.sources)
    meta = [(f"Period: {period} ({report.period.dates}). Figures from the case records: {files}; open cases judged "
             f"as of {report.as_of:%d %B %Y}.")]
    notice = _ph("[DELETE THIS NOTE when every passage in square brackets is written: this is a draft]")
    intro = Part("", "About this report", [
        Para(f"This is our annual complaints performance and service improvement report for {period}, which paragraph "
             f"8.1 of the Housing Ombudsman's Complaint Handling Code asks every landlord to produce. Its parts follow "
             f"8.1 (a) to (f) and 8.2."),
        _ph("[INSERT an introduction: who we are, the homes we manage, how residents can complain]"),
    ])
    a = Part("8.1(a)", "Self-assessment", [
        _quote("8.1(a)"),
        _ph("[INSERT the outcome of this year's self-assessment, when it was done and where it is published]"),
    ])
    in_time = [Para(f"Within the Code's timescale, stage {n}: {in_time_definition(stage)} The same judgement as "
                    f"codecheck check and the board's quarterly report.", note=True)
               for n, stage in ((1, STAGE1), (2, STAGE2))]
    analysis: list = [
        ("Our figures for the year", [
            Para(f"From the case records for {period}. Each figure is counted as set out beside it, exactly as in the "
                 f"board's quarterly complaints performance report."),
            _figures_table(report), *in_time,
        ]),
        ("Quarter by quarter", [_quarters_table(report)]),
    ]
    outcomes = _outcomes_table(report)
    subjects = _subjects_table(report)
    qualitative: list = []
    if outcomes:
        qualitative.append(outcomes)
    if subjects:
        qualitative.append(subjects)
    qualitative.append(_ph("[INSERT the qualitative analysis: what the figures show, what residents told us, why]"))
    analysis.append(("What the figures tell us", qualitative))
    analysis.append(("Complaints we did not accept", _refused(report)))
    b = Part("8.1(b)", "Complaint handling performance", [_quote("8.1(b)"), *analysis])
    c = Part("8.1(c)", "Findings of non-compliance with the Code", [_quote("8.1(c)"), *_findings(report)])
    d = Part("8.1(d)", "Service improvements", [
        _quote("8.1(d)"),
        _ph("[INSERT the service improvements made as a result of the learning from complaints]"),
    ])
    e = Part("8.1(e)", "The Ombudsman on our performance this year", [
        _quote("8.1(e)"),
        _ph("[INSERT any annual report about the landlord's performance from the Ombudsman; if none, say so]"),
    ])
    f = Part("8.1(f)", "Other Ombudsman publications relevant to our work", [
        _quote("8.1(f)"),
        _ph("[INSERT any other relevant reports or publications produced by the Ombudsman; if none, say so]"),
    ])
    g = Part("8.2", "Scrutiny and challenge by the governing body", [
        _quote("8.2"),
        _ph("[DATE THE GOVERNING BODY CONSIDERED THIS REPORT]"),
        _ph("[INSERT what the governing body concluded and asked of us, in its own words]"),
        _ph("[INSERT the page of our website where this report is published]"),
    ])
    footer = (f"Drafted with codecheck {__version__} from the case records named above, with the figures of the "
              f"board's complaints performance report for {period}. Counts only: no names, addresses, case details or "
              f"other free text from the records.")
    return Annual(title or DEFAULT_TITLE, period, meta, notice, [intro, a, b, c, d, e, f, g], footer)


__all__ = ["CODE_WORDS", "DEFAULT_TITLE", "Annual", "Para", "Part", "Table", "build_annual"]
