"""Builders for test documents: made in tmp_path by code, never by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

LONG_SENTENCE = (
    "If you are unhappy with our stage two response you can refer your complaint to the "
    "Housing Ombudsman Service, which is free and independent, at any point during the "
    "complaints process, and we will cooperate fully with any investigation it makes."
)


def build_pdf(path: Path, pages: int = 3, *, user_password: str | None = None) -> Path:
    """A multi-page policy PDF: page N starts with 'Marker page N', then wrapped text."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.cell(text=f"Marker page {number}", new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 6, LONG_SENTENCE, new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 6, f"Stage {number} closing line.", new_x="LMARGIN", new_y="NEXT")
    if user_password is not None:
        pdf.set_encryption(owner_password="owner-secret", user_password=user_password)
    pdf.output(str(path))
    return path


def build_image_only_pdf(path: Path) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_fill_color(120, 120, 120)
    pdf.rect(20, 20, 150, 200, style="F")
    pdf.output(str(path))
    return path


def build_docx(path: Path, *, with_comment: bool = True) -> Path:
    """Title, headings, body paragraphs, an empty paragraph, a table, header/footer, a comment.

    Body paragraph numbers:
      1 Title "Complaints policy"      6 table (Stage / Time limit ...)
      2 "Introduction text."           7 Heading 1 "Stage 2"
      3 Heading 1 "Stage 1"            8 "We will respond ... «TenantName»."
      4 "We will acknowledge ..."      (comment anchored on 4)
      5 "" (empty)
    """
    import docx

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Acme Housing \u2013 Complaints Policy"
    section.footer.paragraphs[0].text = "Version 3, approved by the Board"
    document.add_heading("Complaints policy", level=0)
    document.add_paragraph("Introduction text.")
    document.add_heading("Stage 1", level=1)
    acknowledge = document.add_paragraph(
        "We will acknowledge your complaint within 5 working days, {{tenant_name}}."
    )
    if with_comment and hasattr(document, "add_comment"):  # python-docx >= 1.2
        document.add_comment(acknowledge.runs, text="codecheck: disable=6.9", author="Policy team")
    document.add_paragraph("")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Stage"
    table.cell(0, 1).text = "Time limit"
    table.cell(1, 0).text = "Stage 2"
    table.cell(1, 1).text = "20 working days"
    document.add_heading("Stage 2", level=1)
    document.add_paragraph("We will respond within 20 working days to \u00abTenantName\u00bb.")
    document.save(str(path))
    return path


@pytest.fixture
def policy_pdf(tmp_path: Path) -> Path:
    return build_pdf(tmp_path / "policy.pdf")


@pytest.fixture
def policy_docx(tmp_path: Path) -> Path:
    return build_docx(tmp_path / "policy.docx")
