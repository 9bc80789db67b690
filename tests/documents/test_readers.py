"""The document readers: the text a person wrote, at locations a person can find."""

from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codecheck.documents import (
    EXTENSIONS,
    Block,
    Document,
    read_document,
    read_docx,
    read_html,
    read_markdown,
    read_pdf,
    read_text,
)
from codecheck.documents import docx as docx_reader
from codecheck.documents import readers
from codecheck.errors import InputError

from .conftest import LONG_SENTENCE, build_docx, build_image_only_pdf, build_pdf


def by_text(doc: Document, needle: str) -> Block:
    matches = [b for b in doc.blocks if needle in b.text]
    assert matches, f"{needle!r} not found in {[b.text for b in doc.blocks]}"
    return matches[0]


def assert_input_error(path: Path, *fragments: str) -> InputError:
    with pytest.raises(InputError) as info:
        read_document(path)
    message = str(info.value)
    assert path.name in message
    for fragment in fragments:
        assert fragment in message, message
    return info.value


# -- model --------------------------------------------------------------------
class TestLocation:
    def test_pdf_location(self):
        assert Block("x", line=12, page=3).location() == "page 3, line 12"

    def test_docx_paragraph_under_heading(self):
        assert Block("x", paragraph=14, heading="Stage 2").location() == "paragraph 14 (under 'Stage 2')"

    def test_table(self):
        assert Block("x", paragraph=9, part="table").location() == "table at paragraph 9"

    def test_header_and_footer(self):
        assert Block("x", part="header").location() == "header"
        assert Block("x", part="footer").location() == "footer"

    def test_line(self):
        assert Block("x", line=40).location() == "line 40"

    def test_heading_itself_is_not_under_itself(self):
        assert Block("Stage 2", line=5, heading="Stage 2").location() == "line 5"

    def test_document_text_joins_blocks(self):
        doc = Document("a.txt", "text", [Block("one", line=1), Block("two", part="footer")], [])
        assert doc.text() == "one\ntwo"

    def test_block_is_frozen(self):
        with pytest.raises(AttributeError):
            Block("x").text = "y"  # type: ignore[misc]


# -- plain text -----------------------------------------------------------------
class TestText:
    def test_lines_numbered_blank_lines_skipped(self, tmp_path):
        path = tmp_path / "letter.txt"
        path.write_text("Dear tenant,\n\n  We   received\tyour complaint.\r\nRegards\n", encoding="utf-8")
        doc = read_document(path)
        assert doc.format == "text"
        assert [(b.line, b.text) for b in doc.blocks] == [
            (1, "Dear tenant,"),
            (3, "We received your complaint."),
            (4, "Regards"),
        ]
        assert doc.comments == [] and doc.pages is None
        assert by_text(doc, "Regards").location() == "line 4"

    def test_utf8_bom(self, tmp_path):
        path = tmp_path / "bom.txt"
        path.write_bytes("\ufeffRent of £100 is \u201cdue\u201d\n".encode("utf-8"))
        doc = read_document(path)
        assert doc.blocks[0].text == "Rent of £100 is \u201cdue\u201d"

    def test_windows_1252(self, tmp_path):
        path = tmp_path / "cp1252.txt"
        path.write_bytes("Rent of £100 \u2013 the \u201cCode\u201d isn\u2019t optional\n".encode("cp1252"))
        doc = read_document(path)
        assert doc.blocks[0].text == "Rent of £100 \u2013 the \u201cCode\u201d isn\u2019t optional"

    def test_utf16_with_bom(self, tmp_path):
        path = tmp_path / "notepad.txt"
        path.write_bytes("line one\r\nCosts £5\r\n".encode("utf-16"))
        doc = read_document(path)
        assert [(b.line, b.text) for b in doc.blocks] == [(1, "line one"), (2, "Costs £5")]

    def test_undefined_cp1252_bytes_never_raise(self, tmp_path):
        path = tmp_path / "odd.txt"
        path.write_bytes(b"Complaint \x81\x8d\x90 text \xff\n")
        assert read_text(path).blocks[0].text.startswith("Complaint")

    def test_binary_is_not_text(self, tmp_path):
        path = tmp_path / "binary.txt"
        path.write_bytes(b"abc\x00\x01\x02def")
        assert_input_error(path, "is not a text file")

    def test_dot_text_extension_and_upper_case(self, tmp_path):
        (tmp_path / "A.TEXT").write_text("hello\n")
        (tmp_path / "B.TXT").write_text("hello\n")
        assert read_document(tmp_path / "A.TEXT").format == "text"
        assert read_document(tmp_path / "B.TXT").blocks[0].text == "hello"


# -- markdown -------------------------------------------------------------------
MARKDOWN = """\
---
title: Complaints policy
---
# Complaints *policy*

<!-- codecheck: disable=6.9 -->
Read **our** _full_ `policy` at [our website](https://example.org/complaints "Complaints").
Dear {{tenant_first_name}}, your reference is «CaseRef» ({{ case_ref }}).

Stage 1
-------

- We will acknowledge within **5 working days**.
> * A quoted bullet
1. A numbered item

| Stage | Time limit |
|-------|-----------:|
| Stage 2 | 20 working days |

<!--
multi-line
comment
-->
```
# not a heading
```
snake_case_word and 2 * 3 * 4 and <Tenant name> and &pound;5 <br>
Keep ~~old~~ text. <!-- inline note --> After.
"""


class TestMarkdown:
    @pytest.fixture
    def doc(self, tmp_path):
        path = tmp_path / "policy.md"
        path.write_text(MARKDOWN, encoding="utf-8")
        return read_document(path)

    def test_format(self, doc):
        assert doc.format == "markdown"

    def test_headings_and_lines(self, doc):
        title = [b for b in doc.blocks if b.text == "Complaints policy"][0]
        assert title.line == 4 and title.heading == "Complaints policy"
        intro = by_text(doc, "Read our full policy")
        assert intro.line == 7
        assert intro.heading == "Complaints policy"
        assert intro.location() == "line 7 (under 'Complaints policy')"

    def test_setext_heading(self, doc):
        stage = [b for b in doc.blocks if b.text == "Stage 1"][0]
        assert stage.line == 10 and stage.heading == "Stage 1"
        assert by_text(doc, "acknowledge").heading == "Stage 1"
        assert not any(set(b.text) <= {"-", " "} for b in doc.blocks)

    def test_markup_stripped(self, doc):
        assert by_text(doc, "Read our").text == (
            "Read our full policy at our website https://example.org/complaints."
        )
        assert by_text(doc, "acknowledge").text == "We will acknowledge within 5 working days."
        assert by_text(doc, "quoted").text == "A quoted bullet"
        assert by_text(doc, "numbered").text == "A numbered item"
        assert by_text(doc, "Keep").text == "Keep old text. After."

    def test_merge_fields_and_placeholders_survive(self, doc):
        assert by_text(doc, "Dear").text == (
            "Dear {{tenant_first_name}}, your reference is «CaseRef» ({{ case_ref }})."
        )
        assert by_text(doc, "snake").text == "snake_case_word and 2 * 3 * 4 and <Tenant name> and £5"

    def test_table(self, doc):
        row = by_text(doc, "20 working days")
        assert row.text == "Stage 2 20 working days" and row.part == "table" and row.line == 19
        assert not any("|" in b.text for b in doc.blocks)

    def test_code_block_kept_not_heading(self, doc):
        code = by_text(doc, "not a heading")
        assert code.text == "# not a heading" and code.heading == "Stage 1"

    def test_comments(self, doc):
        assert [(c.line, c.text) for c in doc.comments] == [
            (6, "codecheck: disable=6.9"),
            (21, "multi-line comment"),
            (29, "inline note"),
        ]
        assert not any("codecheck" in b.text or "multi-line" in b.text for b in doc.blocks)

    def test_front_matter_is_text_not_heading(self, doc):
        front = by_text(doc, "title:")
        assert front.line == 2 and front.heading is None


# -- html -----------------------------------------------------------------------
HTML = """\
<!DOCTYPE html>
<html><head><title>Subject: your complaint</title>
<style>p { color: red; } .secret-style {}</style>
<script>var secretScript = "do not read";</script>
</head>
<body>
<!-- codecheck: disable=6.9 -->
<!--[if mso]><table><tr><td>Outlook only</td></tr></table><![endif]-->
<h1>Complaints &amp; appeals</h1>
<p>Dear {{tenant_name}},<br>we received your complaint
about the &pound;50 charge on <b>1&nbsp;May</b>.</p>
<table><tr><td>Stage 1</td><td>10 working days</td></tr></table>
<h2>Stage 2</h2>
<div>
  Escalate to the Housing Ombudsman. &ldquo;Quoted&rdquo;
</div>
<ul><li>First item</li><li>Second <i>item</i></li></ul>
</body></html>
"""


class TestHtml:
    @pytest.fixture
    def doc(self, tmp_path):
        path = tmp_path / "letter.html"
        path.write_text(HTML, encoding="utf-8")
        return read_document(path)

    def test_scripts_styles_head_not_text(self, doc):
        text = doc.text()
        for hidden in ("secretScript", "secret-style", "color: red", "Subject: your complaint"):
            assert hidden not in text
        assert "Outlook only" not in text

    def test_blocks_lines_and_entities(self, doc):
        assert by_text(doc, "Complaints").text == "Complaints & appeals"
        assert by_text(doc, "Dear").text == "Dear {{tenant_name}},"
        wrapped = by_text(doc, "we received")
        assert wrapped.text == "we received your complaint about the £50 charge on 1 May."
        assert wrapped.line == 10
        escalate = by_text(doc, "Escalate")
        assert escalate.line == 15  # where the text starts, not where the <div> is
        assert escalate.text == "Escalate to the Housing Ombudsman. \u201cQuoted\u201d"
        assert [b.text for b in doc.blocks if "item" in b.text] == ["First item", "Second item"]

    def test_headings(self, doc):
        assert by_text(doc, "we received").heading == "Complaints & appeals"
        escalate = by_text(doc, "Escalate")
        assert escalate.heading == "Stage 2"
        assert escalate.location() == "line 15 (under 'Stage 2')"

    def test_table_cells(self, doc):
        cell = by_text(doc, "10 working days")
        assert cell.text == "10 working days" and cell.part == "table" and cell.line == 12

    def test_comments(self, doc):
        assert [(c.line, c.text) for c in doc.comments] == [(7, "codecheck: disable=6.9")]

    def test_htm_and_charset(self, tmp_path):
        path = tmp_path / "old.HTM"
        path.write_bytes(
            b'<html><head><meta charset="windows-1252"></head><body><p>\xa3100 \x93rent\x94</p></body></html>'
        )
        doc = read_document(path)
        assert doc.format == "html"
        assert doc.blocks[0].text == "£100 \u201crent\u201d"


# -- docx -----------------------------------------------------------------------
class TestDocx:
    def test_body_paragraphs_headings_and_numbers(self, policy_docx):
        doc = read_document(policy_docx)
        assert doc.format == "docx"
        title = by_text(doc, "Complaints policy")
        assert (title.paragraph, title.heading, title.part) == (1, "Complaints policy", "body")
        ack = by_text(doc, "acknowledge")
        assert ack.paragraph == 4 and ack.heading == "Stage 1"
        assert ack.location() == "paragraph 4 (under 'Stage 1')"
        respond = by_text(doc, "respond within")
        assert respond.paragraph == 8 and respond.heading == "Stage 2"

    def test_merge_fields_survive(self, policy_docx):
        doc = read_document(policy_docx)
        assert "{{tenant_name}}" in by_text(doc, "acknowledge").text
        assert by_text(doc, "respond within").text.endswith("«TenantName».")

    def test_table_in_place(self, policy_docx):
        doc = read_document(policy_docx)
        cells = [b for b in doc.blocks if b.part == "table"]
        assert [c.text for c in cells] == ["Stage", "Time limit", "Stage 2", "20 working days"]
        assert {c.paragraph for c in cells} == {6}
        assert cells[0].location() == "table at paragraph 6 (under 'Stage 1')"
        body = [b.text for b in doc.blocks if b.part in ("body", "table")]
        assert body.index("Time limit") < body.index("Stage 2", body.index("Time limit") - 1) < body.index(
            "We will respond within 20 working days to «TenantName»."
        )
        assert body.index("We will acknowledge your complaint within 5 working days, {{tenant_name}}.") < body.index("Stage")

    def test_header_and_footer(self, policy_docx):
        doc = read_document(policy_docx)
        assert [(b.part, b.text) for b in doc.blocks if b.part in ("header", "footer")] == [
            ("header", "Acme Housing \u2013 Complaints Policy"),
            ("footer", "Version 3, approved by the Board"),
        ]
        assert doc.blocks[0].location() == "header"
        assert "Version 3" in doc.text()

    def test_headers_of_every_section_deduplicated(self, tmp_path):
        import docx
        from docx.enum.section import WD_SECTION

        document = docx.Document()
        document.sections[0].header.paragraphs[0].text = "Same header"
        document.add_paragraph("First section")
        section = document.add_section(WD_SECTION.NEW_PAGE)
        section.header.is_linked_to_previous = False
        section.header.paragraphs[0].text = "Same header"
        section.header.add_paragraph("Second section header")
        document.add_paragraph("Second section")
        path = tmp_path / "sections.docx"
        document.save(str(path))
        doc = read_document(path)
        headers = [b.text for b in doc.blocks if b.part == "header"]
        assert headers == ["Same header", "Second section header"]

    def test_comment_anchored_to_paragraph(self, policy_docx):
        if not hasattr(__import__("docx").Document(), "add_comment"):
            pytest.skip("python-docx < 1.2 cannot write comments")
        doc = read_document(policy_docx)
        assert len(doc.comments) == 1
        comment = doc.comments[0]
        assert comment.text == "codecheck: disable=6.9"
        assert comment.paragraph == 4 and comment.heading == "Stage 1"
        assert "codecheck" not in doc.text()

    def test_no_comments_part(self, tmp_path):
        doc = read_docx(build_docx(tmp_path / "plain.docx", with_comment=False))
        assert doc.comments == []

    def test_content_control_and_textbox_free_paragraph_text(self, tmp_path):
        """Paragraph text includes hyperlinks, fields, tabs and text in content controls."""
        import docx
        from docx.oxml import parse_xml

        document = docx.Document()
        body = document.element.body
        w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        body.insert(
            0,
            parse_xml(
                f"<w:sdt {w}><w:sdtContent><w:p><w:r><w:t>Inside a content control</w:t></w:r></w:p>"
                "</w:sdtContent></w:sdt>"
            ),
        )
        body.insert(
            1,
            parse_xml(
                f"<w:p {w}><w:r><w:t>Call</w:t></w:r><w:r><w:tab/></w:r>"
                '<w:fldSimple w:instr=" MERGEFIELD Phone "><w:r><w:t>«Phone»</w:t></w:r></w:fldSimple>'
                "<w:r><w:instrText> HYPERLINK x </w:instrText></w:r>"
                "<w:del><w:r><w:delText>deleted</w:delText></w:r></w:del></w:p>"
            ),
        )
        path = tmp_path / "controls.docx"
        document.save(str(path))
        doc = read_document(path)
        assert [(b.paragraph, b.text) for b in doc.blocks] == [
            (1, "Inside a content control"),
            (2, "Call «Phone»"),
        ]


# -- pdf ------------------------------------------------------------------------
class TestPdf:
    def test_pages_and_lines(self, policy_pdf):
        doc = read_document(policy_pdf)
        assert doc.format == "pdf" and doc.pages == 3
        for page in (1, 2, 3):
            marker = by_text(doc, f"Marker page {page}")
            assert (marker.page, marker.line) == (page, 1)
            assert marker.location() == f"page {page}, line 1"
        closing = by_text(doc, "Stage 3 closing line.")
        assert closing.page == 3 and closing.line > 2
        assert all(b.heading is None and b.part == "body" for b in doc.blocks)

    def test_wrapped_text_present(self, policy_pdf):
        doc = read_document(policy_pdf)
        page_one = [b for b in doc.blocks if b.page == 1]
        assert len(page_one) >= 4, "the long sentence should wrap over several lines"
        joined = " ".join(b.text for b in page_one)
        assert LONG_SENTENCE in joined
        assert by_text(doc, "Housing Ombudsman").page == 1

    def test_owner_password_only_is_readable(self, tmp_path):
        doc = read_pdf(build_pdf(tmp_path / "restricted.pdf", pages=1, user_password=""))
        assert by_text(doc, "Marker page 1")

    def test_hundred_pages_under_a_second(self, tmp_path):
        path = build_pdf(tmp_path / "long.pdf", pages=100)
        start = time.perf_counter()
        doc = read_document(path)
        elapsed = time.perf_counter() - start
        assert doc.pages == 100 and by_text(doc, "Marker page 100").page == 100
        assert elapsed < 1.0, f"100 pages took {elapsed:.2f} s"


# -- failures: always InputError naming the file ---------------------------------------
ALL_EXTENSIONS = sorted(EXTENSIONS)


@pytest.mark.parametrize("ext", ALL_EXTENSIONS)
def test_empty_file(tmp_path, ext):
    path = tmp_path / f"empty{ext}"
    path.write_bytes(b"")
    assert_input_error(path, "empty")


@pytest.mark.parametrize("ext", ALL_EXTENSIONS)
def test_random_bytes(tmp_path, ext):
    path = tmp_path / f"random{ext}"
    path.write_bytes(os.urandom(1024) + b"\x00" + os.urandom(1024))
    assert_input_error(path)


def test_missing_file(tmp_path):
    assert_input_error(tmp_path / "nowhere.pdf", "does not exist")


def test_fifo_is_not_a_regular_file(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    assert_input_error(path, "not a regular file")


def test_directory(tmp_path):
    folder = tmp_path / "folder.docx"
    folder.mkdir()
    assert_input_error(folder, "is a directory")


def test_unknown_extension(tmp_path):
    path = tmp_path / "policy.odp"
    path.write_text("x")
    assert_input_error(path, "unsupported file type '.odp'", ".docx")


def test_old_doc_gets_a_hint(tmp_path):
    path = tmp_path / "policy.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))
    assert_input_error(path, "save it as .docx")


def test_reader_bug_is_wrapped(tmp_path, monkeypatch):
    path = tmp_path / "letter.txt"
    path.write_text("hello")

    def broken(_path):
        raise RuntimeError("boom")

    monkeypatch.setitem(readers.READERS, "text", broken)
    assert_input_error(path, "could not be read as text: boom")


class TestPdfFailures:
    def test_not_a_pdf(self, tmp_path):
        path = tmp_path / "fake.pdf"
        path.write_text("just some text, not a PDF")
        assert_input_error(path, "is not a readable PDF")

    def test_trailing_padding_after_end_marker_is_fine(self, tmp_path, policy_pdf):
        path = tmp_path / "padded.pdf"
        path.write_bytes(policy_pdf.read_bytes() + b"\x00" * 10000 + b"\r\n")
        assert read_document(path).pages == 3

    def test_truncated(self, tmp_path):
        data = build_pdf(tmp_path / "full.pdf").read_bytes()
        path = tmp_path / "truncated.pdf"
        path.write_bytes(data[: len(data) // 2])
        assert_input_error(path, "is not a readable PDF", "truncated")

    def test_corrupt_body(self, tmp_path):
        path = tmp_path / "corrupt.pdf"
        path.write_bytes(b"%PDF-1.7\n" + os.urandom(3000) + b"\n%%EOF\n")
        assert_input_error(path, "is not a readable PDF")

    def test_encrypted(self, tmp_path):
        path = build_pdf(tmp_path / "locked.pdf", pages=1, user_password="tenant")
        assert_input_error(path, "is encrypted; codecheck needs an unencrypted PDF")

    def test_image_only(self, tmp_path):
        path = build_image_only_pdf(tmp_path / "scan.pdf")
        assert_input_error(path, "has no text layer (a scanned image?)")


class TestDocxFailures:
    def test_truncated(self, tmp_path, policy_docx):
        data = policy_docx.read_bytes()
        path = tmp_path / "truncated.docx"
        path.write_bytes(data[: len(data) // 2])
        assert_input_error(path, "corrupt or truncated")

    def test_not_a_zip(self, tmp_path):
        path = tmp_path / "text.docx"
        path.write_text("Dear tenant")
        assert_input_error(path, "is not a Word document", "not a zip")

    def test_zip_without_word_document(self, tmp_path):
        path = tmp_path / "other.docx"
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("hello.txt", "hi")
        assert_input_error(path, "is not a Word document")

    def test_spreadsheet_renamed(self, tmp_path):
        path = tmp_path / "sheet.docx"
        content_types = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            "</Types>"
        )
        rels = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument"/></Relationships>'
        )
        workbook = '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("[Content_Types].xml", content_types)
            zf.writestr("_rels/.rels", rels)
            zf.writestr("xl/workbook.xml", workbook)
        assert_input_error(path, "is not a Word document", "Excel")

    def test_corrupt_xml(self, tmp_path, policy_docx):
        path = tmp_path / "badxml.docx"
        with zipfile.ZipFile(policy_docx) as src, zipfile.ZipFile(path, "w") as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "word/document.xml":
                    data = data[: len(data) // 2]
                dst.writestr(item, data)
        assert_input_error(path, "corrupt")

    def test_encrypted(self, tmp_path):
        # An encrypted .docx is an OLE2 compound file holding an EncryptionInfo stream.
        path = tmp_path / "locked.docx"
        path.write_bytes(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "EncryptionInfo".encode("utf-16-le") + bytes(500)
        )
        assert_input_error(path, "is encrypted")

    def test_old_binary_doc_renamed(self, tmp_path):
        path = tmp_path / "old.docx"
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "WordDocument".encode("utf-16-le"))
        assert_input_error(path, ".doc")

    def test_zip_bomb_total_size(self, tmp_path):
        """A real 300 MB member, deflated to ~1.4 MB; refused before anything is unpacked."""
        path = tmp_path / "bomb.docx"
        chunk = bytes(1 << 20)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            zf.writestr("[Content_Types].xml", "<Types/>")
            with zf.open("word/document.xml", "w", force_zip64=True) as member:
                for _ in range(300):
                    member.write(chunk)
        start = time.perf_counter()
        assert_input_error(path, "refused:", "looks like a zip bomb")
        assert time.perf_counter() - start < 0.5

    def test_zip_bomb_ratio(self, tmp_path):
        path = tmp_path / "ratio.docx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            zf.writestr("word/media/padding.bin", bytes(11 * 1024 * 1024))
        assert_input_error(path, "refused:", "word/media/padding.bin", "looks like a zip bomb")

    def test_limits_are_what_the_brief_says(self):
        assert docx_reader.MAX_TOTAL_UNCOMPRESSED == 200 * 1024 * 1024
        assert docx_reader.MAX_RATIO == 100
        assert docx_reader.RATIO_MIN_SIZE == 10 * 1024 * 1024


class TestTextFailures:
    def test_markdown_and_html_reject_binary(self, tmp_path):
        for name in ("x.md", "x.html"):
            path = tmp_path / name
            path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
            assert_input_error(path, "is not a text file")

    def test_direct_readers_raise_input_error_for_empty(self, tmp_path):
        for reader, name in (
            (read_text, "a.txt"),
            (read_markdown, "a.md"),
            (read_html, "a.html"),
            (read_docx, "a.docx"),
            (read_pdf, "a.pdf"),
        ):
            path = tmp_path / name
            path.write_bytes(b"")
            with pytest.raises(InputError, match="empty"):
                reader(path)


# -- property: arbitrary bytes never give anything but a Document or an InputError ---------
_FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _read_or_input_error(path: Path) -> None:
    try:
        result = read_document(path)
    except InputError as exc:
        assert path.name in str(exc)
    else:
        assert isinstance(result, Document)
        assert all(isinstance(b, Block) for b in result.blocks)


@pytest.mark.parametrize("ext", [".pdf", ".docx", ".txt", ".md", ".html"])
@_FUZZ
@given(data=st.binary(max_size=4096))
def test_arbitrary_bytes(tmp_path, ext, data):
    path = tmp_path / f"fuzz{ext}"
    path.write_bytes(data)
    _read_or_input_error(path)


@_FUZZ
@given(body=st.binary(max_size=4096))
def test_arbitrary_pdf_bodies(tmp_path, body):
    """Past the header and end-marker checks, pdfium itself sees the junk."""
    path = tmp_path / "fuzz.pdf"
    path.write_bytes(b"%PDF-1.7\n" + body + b"\n%%EOF\n")
    _read_or_input_error(path)


@pytest.mark.parametrize("ext", [".md", ".html", ".txt"])
@_FUZZ
@given(text=st.text(max_size=400))
def test_arbitrary_text(tmp_path, ext, text):
    path = tmp_path / f"fuzz{ext}"
    path.write_text(text, encoding="utf-8")
    _read_or_input_error(path)


@pytest.fixture(scope="module")
def real_files(tmp_path_factory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("real")
    return {
        ".pdf": build_pdf(folder / "r.pdf", pages=1).read_bytes(),
        ".docx": build_docx(folder / "r.docx").read_bytes(),
    }


@pytest.mark.parametrize("ext", [".pdf", ".docx"])
@settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(cut=st.floats(0, 1), flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=8))
def test_damaged_real_files(tmp_path, real_files, ext, cut, flips):
    data = bytearray(real_files[ext])
    for where, value in flips:
        data[int(where * (len(data) - 1))] = value
    if cut < 0.3:  # sometimes truncate as well
        data = data[: max(1, int(len(data) * cut / 0.3))]
    path = tmp_path / f"damaged{ext}"
    path.write_bytes(bytes(data))
    _read_or_input_error(path)


def test_docx_table_cells_carry_their_row(tmp_path):
    import docx

    from codecheck.documents import read_document

    d = docx.Document()
    d.add_paragraph("Timescales")
    table = d.add_table(rows=3, cols=2)
    for r, (step, time) in enumerate([("Stage", "Time"), ("Stage One response", "10 business days"),
                                      ("Stage Two response", "20 business days")]):
        table.cell(r, 0).text, table.cell(r, 1).text = step, time
    path = tmp_path / "complaints-policy.docx"
    d.save(path)
    cells = [(b.row, b.text) for b in read_document(path).blocks if b.part == "table"]
    assert cells == [(1, "Stage"), (1, "Time"), (2, "Stage One response"), (2, "10 business days"),
                     (3, "Stage Two response"), (3, "20 business days")]


def _docx_table(tmp_path, rows) -> Path:
    import docx

    d = docx.Document()
    d.add_paragraph("Timescales")
    table = d.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    path = tmp_path / "complaints-policy.docx"
    d.save(path)
    return path


def test_a_word_table_cell_carries_its_column_header(tmp_path):
    from codecheck.documents import read_document

    path = _docx_table(tmp_path, [("Stage", "Acknowledge", "Full response"),
                                  ("Stage 1", "5 working days", "10 working days")])
    cells = {b.text: b.cells for b in read_document(path).blocks if b.part == "table"}
    assert cells["5 working days"] == (("5 working days", "Acknowledge"),)
    assert cells["10 working days"] == (("10 working days", "Full response"),)
    assert cells["Stage"] == () and cells["Acknowledge"] == ()  # the header row itself


def test_a_first_row_with_figures_is_not_a_header(tmp_path):
    from codecheck.documents import read_document

    path = _docx_table(tmp_path, [("Stage 1", "5 working days"), ("Stage 2", "20 working days")])
    assert all(b.cells == () for b in read_document(path).blocks if b.part == "table")


def test_a_markdown_table_row_carries_its_columns(tmp_path):
    from codecheck.documents import read_document

    path = tmp_path / "policy.md"
    path.write_text("# Timescales\n\n| Stage | Acknowledge | *Full* response |\n|---|:-:|---|\n"
                    "| Stage 1 | 5 working days | 10 working days |\n| Stage 2 | 5 days |\n", encoding="utf-8")
    rows = [b for b in read_document(path).blocks if b.part == "table"]
    assert rows[0].cells == ()  # the header line
    assert rows[1].cells == (("Stage 1", "Stage"), ("5 working days", "Acknowledge"),
                             ("10 working days", "Full response"))
    assert rows[2].cells == ()  # fewer cells than the header has columns: not guessed


def test_an_html_table_cell_carries_its_row_and_column_headers(tmp_path):
    from codecheck.documents import read_document

    path = tmp_path / "policy.html"
    path.write_text("<h2>Timescales</h2><table><tr><th>Stage</th><th>Acknowledge</th><th>Full response</th></tr>"
                    "<tr><td>Stage 1</td><td><p>5 working days</p></td><td>10 working days</td></tr>"
                    "<tr><td>Stage 2</td><td>5 working days</td></tr></table>"
                    "<table><tr><td>Stage 1</td><td>10 days</td></tr><tr><td>Stage 2</td><td>20 days</td></tr></table>",
                    encoding="utf-8")
    blocks = [b for b in read_document(path).blocks if b.part == "table"]
    first_row = (("Stage 1", "Stage"), ("5 working days", "Acknowledge"), ("10 working days", "Full response"))
    assert [b.cells for b in blocks[3:6]] == [first_row] * 3
    assert blocks[0].cells == () and blocks[6].cells == ()  # the header; a row short of the header's columns
    assert all(b.cells == () for b in blocks[8:])  # a first row with figures is not a header


def test_an_html_table_with_spanning_cells_is_laid_out_as_a_browser_lays_it_out(tmp_path):
    """A stage label spanning the rows of its two timescales stands in each of them; a cell
    spanning two columns is one cell, under its first column's header."""
    from codecheck.documents import read_document

    path = tmp_path / "policy.html"
    path.write_text("<table><tr><th>Stage</th><th>What we do</th><th>How long</th></tr>"
                    "<tr><td rowspan='2'>Stage one</td><td>Acknowledge</td><td>Five working days</td></tr>"
                    "<tr><td>Reply in full</td><td>Ten working days</td></tr>"
                    "<tr><td>Stage two</td><td colspan=\"2\">Reply within twenty working days</td></tr>"
                    "<tr><td rowspan='x'>Ombudsman</td><td>Any time after our final reply</td></tr>"
                    "</table>", encoding="utf-8")
    rows = {b.text: b.cells for b in read_document(path).blocks if b.part == "table"}
    assert rows["Acknowledge"] == (("Stage one", "Stage"), ("Acknowledge", "What we do"),
                                   ("Five working days", "How long"))
    assert rows["Ten working days"] == (("Stage one", "Stage"), ("Reply in full", "What we do"),
                                        ("Ten working days", "How long"))
    assert rows["Reply within twenty working days"] == (("Stage two", "Stage"),
                                                        ("Reply within twenty working days", "What we do"))
    assert rows["Any time after our final reply"] == ()  # two cells for three columns: not guessed


def test_an_html_table_spanning_past_all_bounds_is_read_without_headers(tmp_path):
    from codecheck.documents import read_document

    path = tmp_path / "policy.html"
    cells = "".join(f"<tr><td rowspan='999' colspan='999'>x{k}</td></tr>" for k in range(50))
    path.write_text(f"<table><tr><th>Stage</th><th>Time</th></tr>{cells}</table>", encoding="utf-8")
    assert all(b.cells == () for b in read_document(path).blocks if b.part == "table")
