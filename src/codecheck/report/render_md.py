"""The report as Markdown: the same sections and figures as the HTML, one table
per section, each figure's definition listed under its table. Also the plain-text
cell formatting that the HTML uses."""

from __future__ import annotations

from codecheck.report.model import Cell, Figure, Report, Section
from codecheck.report.summary import Headline, Summary, definitions

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
    files = ", ".join(f"{s['file']} ({s['rows']} case rows)" for s in report.sources)
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


def headline_value(h: Headline, cell: Cell | None) -> str:
    """``96.6% (56 of 58)``, ``59``, ``9.8 days (58)``; "not recorded" where a column is absent."""
    if h.missing:
        return "not recorded"
    if cell is None:
        return "–"
    if h.kind == "share":
        return f"{pct_text(cell)} ({cell.n} of {cell.of})"
    if h.kind == "average":
        return "n/a" if cell.value is None else f"{cell.value:.1f} days ({cell.n})"
    return str(cell.n)


def change_text(h: Headline, other: Cell | None) -> str:
    """``+1.2 pts``, ``-3``, ``+0.4 days``; a dash where the quarter is not covered or there is nothing to compare."""
    change = h.change(other)
    if change is None:
        return "–"
    unit = {"share": " pts", "average": " days"}.get(h.kind, "")
    if not change:
        return "no change"
    return f"{change:+.1f}{unit}" if h.kind != "count" else f"{change:+.0f}"


def target_text(h: Headline) -> str:
    if h.target is None:
        return "–"
    unit = "%" if h.kind == "share" else " days" if h.kind == "average" else ""
    return f"{'≤' if h.lower_is_better else '≥'} {h.target:g}{unit}"


STATUS_WORDS = {"met": "Met", "not met": "Not met", "no target": "No target set", "no data": "No data"}


def summary_heads(report: Report, summary: Summary) -> list[str]:
    prev = f"Change on {summary.previous.label}" if summary.previous else "Change on the previous quarter"
    year = f"Change on {summary.year_before.label}" if summary.year_before else "Change on a year before"
    return ["Measure", "Target", report.period.label, "Status", summary.latest.label, prev, year]


def summary_md(report: Report) -> list[str]:
    summary = report.summary
    if summary is None:
        return []
    heads = summary_heads(report, summary)
    lines = ["## Summary", "",
             f"Headline figures for {report.period.label} ({report.period.dates}), the latest quarter "
             f"{summary.latest.label} ({summary.latest.dates}) and its change on the quarter before and on the same "
             f"quarter a year before. Status compares the {report.period.label} figure with the board's target "
             f"(`targets:` in codecheck.yaml).", "",
             "| " + " | ".join(heads) + " |", "|---|---|---:|---|---:|---:|---:|"]
    for h in summary.headlines:
        lines.append("| " + " | ".join(_escape(t) for t in [
            h.label, target_text(h), headline_value(h, h.period), STATUS_WORDS[h.status], headline_value(h, h.latest),
            change_text(h, h.previous), change_text(h, h.year_before)]) + " |")
    lines += ["", "Definitions:", ""]
    lines += [f"- **{_escape('; '.join(labels))}**: {definition}" + (f" *({missing})*" if missing else "")
              for labels, definition, missing in definitions(summary)]
    lines += [f"- {note}" for note in summary.notes]
    lines += ["", "### The board is asked to note", "",
              summary.board_note or "*No note given: write it as `board_note:` in codecheck.yaml.*", ""]
    return lines


def trends_md(report: Report) -> list[str]:
    """Each quarter year over year: stage 1 complaints, and the share answered within the Code's
    timescale at each stage; a dash where the records do not cover the quarter."""
    trends = report.trends
    if trends is None:
        return []

    def share(cell) -> str:
        if cell is None:
            return "\u2013"
        n, of = cell
        return f"{100 * n / of:.1f}% ({n} of {of})" if of else "n/a"

    lines = ["## Trends", "", "Each quarter year over year, by financial year; a dash where the records do not "
             "cover the quarter.", ""]
    for title, rows, fmt in (("Stage 1 complaints", trends.stage1, lambda v: "\u2013" if v is None else str(v)),
                             ("Stage 1 answered within the Code's timescale (TSM CH02 (1))", trends.in_time, share),
                             ("Stage 2 answered within the Code's timescale (TSM CH02 (2))", trends.in_time2, share)):
        lines += [f"{title}:", "", "| Year | " + " | ".join(trends.quarter_names) + " |",
                  "|---|" + "---:|" * len(trends.quarter_names)]
        lines += [f"| {year} | " + " | ".join(fmt(v) for v in row) + " |" for year, row in zip(trends.years, rows)]
        lines.append("")
    return lines


def monthly_md(report: Report) -> list[str]:
    lines = ["## Complaints per month", "", "| Month | Stage 1 | Stage 2 |", "|---|---:|---:|"]
    for month, one, two in zip(report.months, report.monthly["stage1"], report.monthly["stage2"]):
        lines.append(f"| {month.label} | {one} | {two} |")
    return lines + [""]


def render_md(report: Report) -> str:
    lines = [f"# {report.title}", ""]
    lines += [line + "  " for line in intro_lines(report)] + [""]
    lines += summary_md(report)
    lines += tsm_md(report)
    lines += monthly_md(report)
    lines += trends_md(report)
    for section in report.sections:
        if section.key != "tsm":
            lines += section_md(report, section)
    lines += ["## Notes", ""] + [f"- {note}" for note in report.notes] + [""]
    return "\n".join(lines)
