"""The report as one self-contained HTML page: inline CSS (with print rules for
A4), inline SVG charts, no scripts, no fonts, no links to anything outside it."""

from __future__ import annotations

from html import escape

from codecheck import __version__
from codecheck.report import svg
from codecheck.report.model import Cell, Figure, Report, Section
from codecheck.report.render_md import (
    STATUS_WORDS,
    cell_text,
    change_text,
    headline_value,
    intro_lines,
    pct_text,
    summary_heads,
    target_text,
)
from codecheck.report.summary import definitions

CSS = """
:root { --ink: #222; --muted: #555; --rule: #c8c8c8; --band: #f2f5f9; --accent: #1f4e79; }
* { box-sizing: border-box; }
body { font-family: Arial, Helvetica, sans-serif; color: var(--ink); margin: 0 auto; padding: 24px;
       max-width: 1080px; font-size: 14px; line-height: 1.35; }
h1 { font-size: 24px; margin: 0 0 4px; color: var(--accent); }
h2 { font-size: 17px; margin: 26px 0 4px; color: var(--accent); border-bottom: 2px solid var(--accent); padding-bottom: 2px; }
h2 .code, th .code { font-weight: normal; color: var(--muted); font-size: 0.85em; }
p { margin: 4px 0; }
.meta { color: var(--muted); font-size: 12.5px; }
.intro { color: var(--muted); margin-bottom: 6px; }
.tiles { display: grid; grid-template-columns: repeat(3, 1fr); gap: 8px; margin: 14px 0 4px; }
.tile { border: 1px solid var(--rule); border-left: 4px solid var(--accent); padding: 6px 10px; background: var(--band); }
.tile .v { font-size: 22px; font-weight: bold; }
.tile .l { font-size: 12px; color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 4px 0 6px; font-size: 12.5px; }
thead { display: table-header-group; }
th, td { border-bottom: 1px solid var(--rule); padding: 4px 6px; vertical-align: top; text-align: right; }
th { background: var(--band); font-weight: bold; }
th.label, td.label { text-align: left; width: 38%; }
td.code, th.code-col { text-align: left; white-space: nowrap; color: var(--muted); width: 7%; }
td.def { text-align: left; font-size: 11.5px; color: var(--muted); width: 40%; }
tr.sub td.label { padding-left: 20px; }
tr.sub td { color: #333; font-size: 12px; }
td .of { display: block; font-size: 11px; color: var(--muted); }
td.label .def { display: block; font-size: 11px; color: var(--muted); font-weight: normal; margin-top: 1px; }
td.period, th.period { background: #eef2f7; font-weight: bold; }
.nr { color: #8a4b00; font-style: italic; font-weight: normal; }
.charts figure { margin: 10px 0 14px; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-weight: bold; font-size: 13px; margin-bottom: 2px; }
figcaption span { font-weight: normal; color: var(--muted); }
svg.chart { display: block; max-width: 100%; height: auto; }
section.summary { border: 1px solid var(--rule); padding: 4px 12px 10px; margin-top: 14px; }
section.summary h2 { margin-top: 8px; }
section.summary td { white-space: nowrap; }
section.summary td.label { white-space: normal; }
.status { display: inline-block; padding: 1px 6px; border-radius: 3px; font-weight: bold; font-size: 11.5px; white-space: nowrap; }
.status.met { background: #dcefdc; color: #1d5e20; border: 1px solid #1d5e20; }
.status.not-met { background: #fbe3d6; color: #8a2c00; border: 1px solid #8a2c00; }
.status.no-target, .status.no-data { color: var(--muted); border: 1px solid var(--rule); }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.pair figure { margin: 6px 0 0; }
.note { border-left: 4px solid var(--accent); background: var(--band); padding: 6px 10px; margin-top: 8px; }
.note h3 { margin: 0 0 4px; font-size: 14px; color: var(--accent); }
ul.defs { padding-left: 18px; color: var(--muted); font-size: 11.5px; margin: 4px 0; }
ul.notes { padding-left: 18px; color: var(--muted); font-size: 12.5px; }
footer { margin-top: 18px; font-size: 11.5px; color: var(--muted); border-top: 1px solid var(--rule); padding-top: 6px; }
@page { size: A4 portrait; margin: 12mm 11mm 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h1 { font-size: 17pt; }
  h2 { font-size: 12.5pt; break-after: avoid; page-break-after: avoid; }
  .intro { break-after: avoid; page-break-after: avoid; }
  table { font-size: 8.5pt; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  td.label .def, td.def { font-size: 7.5pt; }
  tr.sub td { font-size: 8pt; }
  td .of { font-size: 7.5pt; }
  .tiles { gap: 5px; }
  .tile .v { font-size: 15pt; }
  section { break-inside: auto; }
  section.compact { break-inside: avoid; page-break-inside: avoid; }
  section.summary { break-after: page; page-break-after: always; border: none; padding: 0; }
  section.summary table { font-size: 8pt; }
  section.summary td, section.summary th { padding: 2px 4px; }
  .pair svg.chart { max-height: 52mm; }
  .status { font-size: 8pt; }
  ul.defs { font-size: 7pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _code(code: str) -> str:
    return f"Code {code}" if code[:1].isdigit() else code


def _cell_html(fig: Figure, cell: Cell, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    if cell.n is None:
        return f'<td{attr}><span class="nr">{escape(cell_text(fig, cell))}</span></td>'
    if fig.kind == "share":
        return f'<td{attr}>{pct_text(cell)}<span class="of">{cell.n} of {cell.of}</span></td>'
    if fig.kind == "rate":
        return f'<td{attr}>{cell.value:.1f}<span class="of">{cell.n} complaints</span></td>'
    return f"<td{attr}>{cell.n}</td>"


def _heads(report: Report) -> str:
    heads = [f"{escape(q.label)}<br><span class=\"code\">{escape(q.dates)}</span>" for q in report.quarters]
    return "".join(f"<th>{h}</th>" for h in heads) + f'<th class="period">{escape(report.period.label)}<br><span class="code">period</span></th>'


def table_html(report: Report, figures: list[Figure]) -> str:
    """Figures down, quarters then the period across; each definition under its label."""
    rows, last = [], None
    for fig in figures:
        definition = fig.definition if fig.definition != last else ""
        last = fig.definition
        note = f' <span class="nr">({escape(fig.missing)})</span>' if fig.missing else ""
        label = f'{escape(fig.label)}{note}' + (f'<span class="def">{escape(definition)}</span>' if definition else "")
        cells = [_cell_html(fig, c) for c in fig.cells[:-1]] + [_cell_html(fig, fig.period, "period")]
        rows.append(f'<tr class="{"sub" if fig.level else "main"}"><td class="label">{label}</td>'
                    f'<td class="code">{escape(fig.code)}</td>{"".join(cells)}</tr>')
    return (f'<table><thead><tr><th class="label">Figure</th><th class="code-col">Code</th>{_heads(report)}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def section_html(report: Report, section: Section, title: str | None = None) -> str:
    compact = " compact" if len(section.figures) <= 12 else ""
    return (f'<section class="{section.key}{compact}"><h2>{escape(title or section.title)} <span class="code">'
            f'{escape(_code(section.code))}</span></h2><p class="intro">{escape(section.intro)}</p>'
            f'{table_html(report, section.figures)}</section>')


def tsm_html(report: Report) -> str:
    section = report.section("tsm")
    rows = []
    for fig in section.figures:
        note = f'<br><span class="nr">{escape(fig.missing)}</span>' if fig.missing else ""
        rows.append(f'<tr><td class="label"><b>{escape(fig.label)}</b>{note}</td>{_cell_html(fig, fig.period, "period")}'
                    f'<td class="def">{escape(fig.definition)}</td></tr>')
    return (f'<section class="tsm compact"><h2>{escape(section.title)} <span class="code">{escape(section.code)}</span></h2>'
            f'<p class="intro">{escape(section.intro)} Quarter by quarter figures are in the table at the end.</p>'
            f'<table><thead><tr><th class="label">Measure</th><th class="period">{escape(report.period.label)}</th>'
            f'<th class="label">Definition</th></tr></thead><tbody>{"".join(rows)}</tbody></table></section>')


def tiles_html(report: Report) -> str:
    def tile(key: str, words: str) -> str:
        fig = report.figure(key)
        cell = fig.period
        if cell.n is None:
            value = "not recorded"
        elif fig.kind == "share":
            value = pct_text(cell)
        elif fig.kind == "rate":
            value = f"{cell.value:.1f}"
        else:
            value = str(cell.n)
        return f'<div class="tile"><div class="v">{escape(value)}</div><div class="l">{escape(words)}</div></div>'

    return '<div class="tiles">' + "".join([
        tile("stage1", "stage 1 complaints"),
        tile("s1_ack", "stage 1 acknowledged within 5 working days"),
        tile("s1_response", "stage 1 answered within the Code's timescale (TSM CH02 (1))"),
        tile("stage2", "stage 2 complaints"),
        tile("s2_response", "stage 2 answered within the Code's timescale (TSM CH02 (2))"),
        tile("CH01_1", "CH01 (1): stage 1 complaints per 1,000 homes"),
    ]) + "</div>"


def summary_html(report: Report) -> str:
    """The first page: headline figures against their targets, the latest quarter and its changes,
    two charts of the share answered in time with the target drawn, and the note to the board."""
    summary = report.summary
    if summary is None:
        return ""
    heads = summary_heads(report, summary)
    head_cells = "".join(f'<th class="{"label" if i == 0 else ""}">{escape(h)}</th>' for i, h in enumerate(heads))
    rows = []
    for h in summary.headlines:
        status = f'<span class="status {h.status.replace(" ", "-")}">{escape(STATUS_WORDS[h.status])}</span>'
        rows.append(f'<tr><td class="label"><b>{escape(h.label)}</b></td><td>{escape(target_text(h))}</td>'
                    f'<td class="period">{escape(headline_value(h, h.period))}</td><td>{status}</td>'
                    f'<td>{escape(headline_value(h, h.latest))}</td><td>{escape(change_text(h, h.previous))}</td>'
                    f'<td>{escape(change_text(h, h.year_before))}</td></tr>')
    charts = []
    for n in (1, 2):
        fig = report.figure(f"s{n}_response")
        if fig.missing:
            continue
        h = summary.headline(f"s{n}_in_time")
        chart = svg.share_bars([q.label.split()[0] for q in report.quarters], [(c.n, c.of) for c in fig.cells[:-1]],
                               title=f"Stage {n} answered within the Code's timescale, per quarter", target=h.target)
        charts.append(f"<figure><figcaption>Stage {n} answered within the Code's timescale <span>(TSM CH02 ({n}), "
                      f"per quarter{'; target ' + format(h.target, 'g') + '%' if h.target is not None else ''})</span>"
                      f"</figcaption>{chart}</figure>")
    defs = "".join(f"<li><b>{escape('; '.join(labels))}</b>: {escape(definition)}"
                   + (f' <span class="nr">({escape(missing)})</span>' if missing else "") + "</li>"
                   for labels, definition, missing in definitions(summary))
    notes = "".join(f"<li>{escape(n)}</li>" for n in summary.notes)
    note = (escape(summary.board_note) if summary.board_note else
            '<span class="nr">No note given: write it as board_note: in codecheck.yaml.</span>')
    return (f'<section class="summary"><h2>Summary <span class="code">{escape(report.period.label)}; latest quarter '
            f'{escape(summary.latest.label)} ({escape(summary.latest.dates)})</span></h2>'
            f'<p class="intro">Status compares the {escape(report.period.label)} figure with the board\'s target '
            f'(targets: in codecheck.yaml); changes are the latest quarter\'s on the quarter before and on the same '
            f'quarter a year before.</p>'
            f'<table><thead><tr>{head_cells}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
            f'<div class="pair">{"".join(charts)}</div>'
            f'<div class="note"><h3>The board is asked to note</h3><p>{note}</p></div>'
            f'<ul class="defs">{defs}{notes}</ul></section>')


def trends_html(report: Report) -> str:
    """Quarters over years in one chart each: a bar per financial year within each quarter."""
    trends = report.trends
    if trends is None:
        return ""
    counts = svg.grouped_bars(trends.quarter_names, list(zip(trends.years, trends.stage1)),
                              title="Stage 1 complaints per quarter, year over year")
    parts = [("Stage 1 complaints per quarter, year over year", "by date received", counts)]
    for n, rows in ((1, trends.in_time), (2, trends.in_time2)):
        pcts = [[None if v is None or not v[1] else 100.0 * v[0] / v[1] for v in row] for row in rows]
        chart = svg.grouped_bars(trends.quarter_names, list(zip(trends.years, pcts)), unit="%", top=100,
                                 floor=svg.axis_floor([v for row in pcts for v in row]),
                                 title=f"Stage {n} answered within the Code's timescale, year over year")
        parts.append((f"Stage {n} answered within the Code's timescale, year over year",
                      f"TSM CH02 ({n}); n/a where the records do not cover the quarter", chart))
    out = [f"<figure><figcaption>{escape(t)} <span>({escape(sub)})</span></figcaption>{chart}</figure>"
           for t, sub, chart in parts]
    return f'<section class="charts"><h2>Trends</h2>{"".join(out)}</section>'


def charts_html(report: Report) -> str:
    month_labels = [m.label.split()[0] for m in report.months] if len(report.months) <= 12 else [
        f"{m.label[:3]} {m.start:%y}" for m in report.months]
    monthly = svg.grouped_bars(month_labels, [("Stage 1", report.monthly["stage1"]), ("Stage 2", report.monthly["stage2"])],
                               title="Complaints per month by stage")
    steps = [("s1_ack", "Stage 1 acknowledged"), ("s1_response", "Stage 1 answered"), ("s2_ack", "Stage 2 acknowledged"),
             ("s2_response", "Stage 2 answered")]
    on_time = [(words, [c.pct for c in report.figure(key).cells[:-1]]) for key, words in steps
               if not report.figure(key).missing]
    floor = svg.axis_floor([v for _, vs in on_time for v in vs])
    quarterly = svg.grouped_bars([q.label.split()[0] for q in report.quarters], on_time, unit="%", top=100, floor=floor,
                                 title="Per cent within the Code's timescale, per quarter")
    cats = [f for f in report.section("categories").figures if f.period.n]
    parts = [("Complaints per month by stage", "stage 1 by date received, stage 2 by date requested", monthly),
             ("Within the Code's timescale, per quarter", ("acknowledged within 5 working days, of those due; "
              "answered within the deadline the Code allows, of those answered (TSM CH02)"), quarterly)]
    if cats:
        total = report.figure("stage1").period.n
        parts.append(("Categories of dissatisfaction", f"stage 1 complaints in {report.period.label}",
                      svg.horizontal_bars([f.label for f in cats], [f.period.n for f in cats], total=total,
                                          title="Stage 1 complaints by category")))
    out = [f"<figure><figcaption>{escape(t)} <span>({escape(sub)})</span></figcaption>{chart}</figure>" for t, sub, chart in parts]
    return f'<section class="charts"><h2>Charts</h2>{"".join(out)}</section>'


def render_html(report: Report) -> str:
    intro = "".join(f'<p class="meta">{escape(line)}</p>' for line in intro_lines(report))
    notes = "".join(f"<li>{escape(n)}</li>" for n in report.notes)
    head = (f'<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(report.title)} {escape(report.period.label)}</title><style>{CSS}</style></head><body>")
    parts = [
        head,
        f"<header><h1>{escape(report.title)} \u2014 {escape(report.period.label)}</h1>{intro}</header>",
        summary_html(report), tiles_html(report), tsm_html(report), charts_html(report), trends_html(report),
        *(section_html(report, s) for s in report.sections if s.key != "tsm"),
        section_html(report, report.section("tsm"), "Tenant Satisfaction Measures by quarter"),
        f'<section class="compact"><h2>Notes</h2><ul class="notes">{notes}</ul></section>',
        f"<footer>Prepared with codecheck {escape(__version__)} from the case records named above. Counts only: no "
        f"names, addresses, reasons or other free text from the records appear in this report.</footer>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"
