"""The annual report draft as a Word document (python-docx) for officers to finish in Word.

Headings use Word's built-in styles (Title, Heading 1, Heading 2), so the navigation pane
and a table of contents work; placeholders are highlighted yellow so that none is missed;
the Code's words are in italics; tables use the built-in "Table Grid" style.
"""

from __future__ import annotations

import io

from codecheck.report.annual import Annual, Para, Table

ACCENT = (0x1F, 0x4E, 0x79)


def _para(doc, block: Para) -> None:
    from docx.enum.text import WD_COLOR_INDEX
    from docx.shared import Pt, RGBColor

    p = doc.add_paragraph()
    run = p.add_run(block.text)
    if block.placeholder:
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        run.bold = True
    elif block.quote:
        run.italic = True
        run.font.color.rgb = RGBColor(0x44, 0x44, 0x44)
    elif block.note:
        run.font.size = Pt(8.5)
        run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)


def _table(doc, block: Table) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    table = doc.add_table(rows=1, cols=len(block.head))
    table.style = "Table Grid"
    for i, text in enumerate(block.head):
        cell = table.rows[0].cells[i]
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(9)
        shade = OxmlElement("w:shd")
        shade.set(qn("w:val"), "clear")
        shade.set(qn("w:fill"), "E8EEF5")
        cell._tc.get_or_add_tcPr().append(shade)
        if i in block.numeric:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    # the header row repeats on every page the table runs over
    trPr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trPr.append(header)
    for r, values in enumerate(block.rows):
        cells = table.add_row().cells
        for i, text in enumerate(values):
            cells[i].text = ""
            par = cells[i].paragraphs[0]
            run = par.add_run(("\u2003" if r in block.sub and i == 0 else "") + text)
            run.font.size = Pt(9)
            if i in block.numeric:
                par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph()


def _blocks(doc, blocks) -> None:
    for block in blocks:
        if isinstance(block, tuple):
            doc.add_heading(block[0], level=2)
            _blocks(doc, block[1])
        elif isinstance(block, Table):
            _table(doc, block)
        else:
            _para(doc, block)


def render_docx(annual: Annual) -> bytes:
    """The draft as the bytes of a .docx file."""
    import docx
    from docx.shared import Mm, Pt, RGBColor

    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)  # A4
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(20))
    section.top_margin = section.bottom_margin = Mm(18)
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10.5)
    for name in ("Title", "Heading 1", "Heading 2"):
        doc.styles[name].font.name = "Arial"
        doc.styles[name].font.color.rgb = RGBColor(*ACCENT)
    doc.core_properties.title = f"{annual.title} {annual.period}"
    doc.core_properties.author = "codecheck (draft)"
    doc.add_heading(f"{annual.title} {annual.period}", level=0)
    for line in annual.meta:
        p = doc.add_paragraph()
        run = p.add_run(line)
        run.font.size = Pt(9)
        run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    _para(doc, annual.notice)
    for part in annual.parts:
        doc.add_heading(part.heading, level=1)
        _blocks(doc, part.blocks)
    footer = section.footer.paragraphs[0]
    run = footer.add_run(annual.footer)
    run.font.size = Pt(7.5)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


__all__ = ["render_docx"]
