"""The report as Markdown: the same sections and figures as the HTML, one table
per section, each figure's definition listed under its table. Also the plain-text
cell formatting that the HTML uses."""

from __future__ import annotations

from codecheck.report.figures import Cell, Figure, Report, Section


REGION_NAMES = {"england-and-wales": "England and Wales", "scotland": "Scotland", "northern-ireland": "Northern Ireland"}


def pct_text(cell: Cell) -> str:
    return "n/a" if cell.pct is None else f"{cell.pct:.1f}%"


def cell_text(fig: Figure, cell: Cell) -> str:
    """``97.3% (73 of 75)``, ``12``, ``15.0 (75)``; "not recorded" / "not evaluated" when a column is absent."""
    if cell.n is None:
        return "not evaluated" if fig.missing.startswith("not evaluated") else "not recorded"
    if fig.kind == "share":
        return f"{pct_text(cell)} ({cell.n} of {cell.of})"
    if fig.kind == "rate":
        return f"{cell.value:.1f} ({cell.n})" if cell.value is not None else f"not recorded ({cell.n})"
    return str(cell.n)


def column_heads(report: Report) -> list[str]:
    return [f"{q.label} ({q.dates})" for q in report.quarters] + ["Period"]


def intro_lines(report: Report) -> list[str]:
    files = ", ".join(f"{s['path']} ({s['rows']} case rows)" for s in report.sources)
    closures = f", less {len(report.closures)} configured closure day(s)" if report.closures else ""
    region = REGION_NAMES.get(report.region, report.region)
    return [
        f"Period: {report.period.label} ({report.period.dates}); quarters {report.quarters[0].label} to "
        f"{report.quarters[-1].label}. Open cases judged as of {report.as_of:%d %B %Y}.",
        f"Source: {files}. Working days: Monday to Friday less the {region} bank holidays{closures}.",
        "For the governing body and the Member Responsible for Complaints (Code 9.6, 9.7); figures for the annual "
        "complaints performance and service improvement report (8.1(b)). Counts only: no names, addresses or free text "
        "from the case records.",
    ]


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def section_md(report: Report, section: Section) -> list[str]:
    heads = ["Figure", "Code", *column_heads(report)]
    lines = [f"## {section.title} ({section.code})", "", section.intro, "",
             "| " + " | ".join(heads) + " |", "|" + "---|" * 2 + "---:|" * (len(heads) - 2)]
    for fig in section.figures:
        label = ("\u2013 " if fig.level else "") + fig.label
        lines.append("| " + " | ".join(_escape(t) for t in [label, fig.code, *(cell_text(fig, c) for c in fig.cells)]) + " |")
    lines += ["", "Definitions:", ""]
    last = None
    for fig in section.figures:
        if fig.definition != last:
            lines.append(f"- **{_escape(fig.label)}**: {fig.definition}" + (f" *({fig.missing})*" if fig.missing else ""))
        elif fig.missing:
            lines.append(f"- **{_escape(fig.label)}**: *{fig.missing}*")
        last = fig.definition
    return lines + [""]


def tsm_md(report: Report) -> list[str]:
    section = report.section("tsm")
    heads = ["Measure", *column_heads(report), "Definition"]
    lines = [f"## {section.title} ({section.code})", "", section.intro, "",
             "| " + " | ".join(heads) + " |", "|---|" + "---:|" * (len(heads) - 2) + "---|"]
    for fig in section.figures:
        definition = fig.definition + (f" ({fig.missing})" if fig.missing else "")
        lines.append("| " + " | ".join(_escape(t) for t in [fig.label, *(cell_text(fig, c) for c in fig.cells), definition]) + " |")
    return lines + [""]


def monthly_md(report: Report) -> list[str]:
    lines = ["## Complaints per month", "", "| Month | Stage 1 | Stage 2 |", "|---|---:|---:|"]
    for month, one, two in zip(report.months, report.monthly["stage1"], report.monthly["stage2"]):
        lines.append(f"| {month.label} | {one} | {two} |")
    return lines + [""]


def render_md(report: Report) -> str:
    lines = [f"# {report.title}", ""]
    lines += [line + "  " for line in intro_lines(report)] + [""]
    lines += tsm_md(report)
    lines += monthly_md(report)
    for section in report.sections:
        if section.key != "tsm":
            lines += section_md(report, section)
    lines += ["## Notes", ""] + [f"- {note}" for note in report.notes] + [""]
    return "\n".join(lines)
