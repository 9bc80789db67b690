"""The annual report draft as one self-contained HTML page: the same words and figures as
the Word document, inline CSS with print rules for A4, no scripts and no outside links.
Placeholders are marked (``<mark>``) so that none is missed."""

from __future__ import annotations

from html import escape

from codecheck.report.annual import Annual, Para, Table

CSS = """
:root { --ink: #222; --muted: #555; --rule: #c8c8c8; --band: #eef2f7; --accent: #1f4e79; }
* { box-sizing: border-box; }
body { font-family: Arial, Helvetica, sans-serif; color: var(--ink); margin: 0 auto; padding: 28px 32px;
       max-width: 900px; font-size: 14.5px; line-height: 1.45; }
h1 { font-size: 25px; margin: 0 0 8px; color: var(--accent); }
h2 { font-size: 18px; margin: 30px 0 6px; color: var(--accent); border-bottom: 2px solid var(--accent);
     padding-bottom: 3px; }
h2 .code { display: inline-block; min-width: 4.2em; color: var(--muted); font-weight: normal; }
h3 { font-size: 15px; margin: 18px 0 4px; color: var(--accent); }
p { margin: 6px 0; }
.meta { color: var(--muted); font-size: 12.5px; margin: 2px 0; }
blockquote { margin: 6px 0 10px; padding: 4px 12px; border-left: 4px solid var(--rule); color: #444;
             font-style: italic; }
mark.placeholder { background: #fff3a8; color: #222; font-weight: bold; padding: 1px 3px;
                   box-decoration-break: clone; -webkit-box-decoration-break: clone; }
p.note { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 13px; }
thead { display: table-header-group; }
th, td { border: 1px solid var(--rule); padding: 4px 7px; vertical-align: top; text-align: left; }
th { background: var(--band); }
td.num, th.num { text-align: right; }
td.num { white-space: nowrap; }
tr.sub td:first-child { padding-left: 22px; }
table.nowrap td:first-child { white-space: nowrap; }
footer { margin-top: 26px; font-size: 11.5px; color: var(--muted); border-top: 1px solid var(--rule); padding-top: 6px; }
@page { size: A4 portrait; margin: 16mm 15mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  table { font-size: 9pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _para(block: Para) -> str:
    if block.placeholder:
        return f'<p><mark class="placeholder">{escape(block.text)}</mark></p>'
    if block.quote:
        return f"<blockquote>{escape(block.text)}</blockquote>"
    if block.note:
        return f'<p class="note">{escape(block.text)}</p>'
    return f"<p>{escape(block.text)}</p>"


def _table(block: Table) -> str:
    def cls(i: int) -> str:
        return ' class="num"' if i in block.numeric else ""

    head = "".join(f"<th{cls(i)}>{escape(h)}</th>" for i, h in enumerate(block.head))
    sub = ' class="sub"'
    rows = "".join(
        f'<tr{sub if r in block.sub else ""}>'
        + "".join(f"<td{cls(i)}>{escape(v)}</td>" for i, v in enumerate(values)) + "</tr>"
        for r, values in enumerate(block.rows))
    table = ' class="nowrap"' if block.nowrap else ""
    return f"<table{table}><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _blocks(blocks) -> str:
    out = []
    for block in blocks:
        if isinstance(block, tuple):
            out.append(f"<h3>{escape(block[0])}</h3>{_blocks(block[1])}")
        elif isinstance(block, Table):
            out.append(_table(block))
        else:
            out.append(_para(block))
    return "".join(out)


def render_annual_html(annual: Annual) -> str:
    meta = "".join(f'<p class="meta">{escape(line)}</p>' for line in annual.meta)
    parts = []
    for part in annual.parts:
        code = f'<span class="code">{escape(part.code)}</span> ' if part.code else ""
        parts.append(f"<section><h2>{code}{escape(part.title)}</h2>{_blocks(part.blocks)}</section>")
    head = (f'<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(annual.title)} {escape(annual.period)}</title><style>{CSS}</style></head><body>")
    return "\n".join([
        head,
        f"<header><h1>{escape(annual.title)} {escape(annual.period)}</h1>{meta}{_para(annual.notice)}</header>",
        *parts,
        f"<footer>{escape(annual.footer)}</footer>",
        "</body></html>",
    ]) + "\n"


__all__ = ["render_annual_html"]
