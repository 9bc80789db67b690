"""Bad input is bounded: crafted documents read in linear time, and a FIFO or device is
an input problem instead of a hang (issue 17)."""

import os
import subprocess
import sys
import time

import pytest

from codecheck.documents.html import read_html
from codecheck.documents.markdown import read_markdown, strip_inline
from codecheck.errors import InputError

BUDGET_S = 2.0  # CPU seconds, for 200 KB-1 MB of crafted input; quadratic patterns took minutes
# (CPU time, not wall time: a shared, loaded machine must not fail a reader that is linear)
KB = 1024

# (name, text of one line) that used to make a pattern rescan the rest of the line
# from every opener, or backtrack over a run of spaces.
MARKDOWN_ATTACKS = [
    ("open brackets", "[" * (200 * KB)),
    ("open images", "![" * (100 * KB)),
    ("links never closed", "[a](x" * (40 * KB)),
    ("link titles never closed", "[a](x (" * (30 * KB)),
    ("spaces in a link", "[a](" + " " * (200 * KB) + "x"),
    ("e-mail autolink of dots", "<a@" + "." * (200 * KB)),
    ("url autolinks never closed", "<http:" * (30 * KB)),
    ("merge fields never closed", "{{" * (100 * KB)),
    ("jinja tags never closed", "{%" * (100 * KB)),
    ("guillemets never closed", "\u00ab" * (200 * KB)),
    ("emphasis never closed", "_a " * (70 * KB)),
    ("stars never closed", "*a " * (70 * KB)),
    ("backticks", "`" * (200 * KB)),
    ("code spans", "``a`" * (50 * KB)),
    ("escapes", "\\" * (200 * KB)),
    ("heading of spaces", "# a" + " " * (200 * KB) + "x"),
    ("table separator of spaces", "|-|" + " " * (200 * KB) + "x"),
    ("nested quotes", "> " * (100 * KB) + "x"),
    ("comment left open", "<!--" + "x" * (1024 * KB)),
    ("comments left open", "<!--" * (50 * KB)),
]


@pytest.mark.parametrize("name,line", MARKDOWN_ATTACKS, ids=[a[0] for a in MARKDOWN_ATTACKS])
def test_markdown_attacks_finish_in_linear_time(tmp_path, name, line):
    path = tmp_path / "policy.md"
    path.write_text("# Complaints policy\n\n" + line + "\n\nWe reply within 10 working days.\n",
                    encoding="utf-8")
    start = time.process_time()
    document = read_markdown(path)
    assert time.process_time() - start < BUDGET_S, name
    assert document.blocks[0].text == "Complaints policy"


HTML_ATTACKS = [
    ("comment left open", "<p>Hi</p><!--" + "x" * (1024 * KB)),
    ("comments left open", "<!--" * (50 * KB)),
    ("tags left open", "a<" * (100 * KB)),
    ("lone less-than signs", "<" * (200 * KB)),
    ("end tags left open", "</" * (100 * KB)),
    ("declarations left open", "<!" * (100 * KB)),
    ("processing instructions left open", "<?" * (100 * KB)),
    ("quoted attributes left open", "<a b='" * (35 * KB)),
    ("attributes without end", "<p " * (70 * KB)),
    ("cdata left open", "<![CDATA[" * (25 * KB)),
]


@pytest.mark.parametrize("name,text", HTML_ATTACKS, ids=[a[0] for a in HTML_ATTACKS])
def test_html_attacks_finish_in_linear_time_or_say_why(tmp_path, name, text):
    path = tmp_path / "stage1-response.html"
    path.write_text(text, encoding="utf-8")
    start = time.process_time()
    try:
        read_html(path)
    except InputError as exc:  # too much markup left open: one clear line naming the file
        assert exc.path == str(path) and "\n" not in exc.message
    assert time.process_time() - start < BUDGET_S, name


def test_html_normal_text_unchanged(tmp_path):
    path = tmp_path / "letter.html"
    path.write_text(
        "<html><head><title>x</title></head><body><h1>Your complaint</h1>\n"
        "<p>We aim to reply within 10 working days &amp; if 3 < 5 we say so.</p>\n"
        "<!-- codecheck: disable=6.9 -- a < b reason -->\n<p>Stage 2 <b>review</b></p>\n"
        "<p>x << y and a lone < at the end <",
        encoding="utf-8")
    document = read_html(path)
    assert [(b.text, b.line, b.heading) for b in document.blocks] == [
        ("Your complaint", 1, "Your complaint"),
        ("We aim to reply within 10 working days & if 3 < 5 we say so.", 2, "Your complaint"),
        ("Stage 2 review", 4, "Your complaint"),
        ("x << y and a lone < at the end <", 5, "Your complaint"),
    ]
    assert [c.text for c in document.comments] == ["codecheck: disable=6.9 -- a < b reason"]


# Outputs of the regex-based strip_inline these scanners replaced.
STRIP_INLINE = [
    ('See [our policy](https://example.org/policy "Policy") and ![logo](logo.png).',
     'See our policy https://example.org/policy and logo logo.png.'),
    ('**Stage 1**: we reply within *10 working days* of ~~acknowledging~~ your __complaint__.',
     'Stage 1: we reply within 10 working days of acknowledging your complaint.'),
    ('Use `{{tenant_name}}` or {{ case_ref }} or «TenantName» and {% if x %}.',
     'Use {{tenant_name}} or {{ case_ref }} or «TenantName» and {% if x %}.'),
    ('Write to <complaints@example.org> or <https://example.org/complain>, see [the Code][code].',
     'Write to complaints@example.org or https://example.org/complain, see the Code.'),
    ('A \\*literal\\* star, a <b>bold</b> tag and &amp; an entity; snake_case_name stays.',
     'A *literal* star, a  bold  tag and & an entity; snake_case_name stays.'),
    ('``code with ` tick`` then ***both*** and _a_ *b*',
     'code with ` tick then both and a b'),
]


@pytest.mark.parametrize("text,expected", STRIP_INLINE)
def test_strip_inline_same_results_on_normal_text(text, expected):
    assert strip_inline(text) == expected


def test_markdown_headings_and_tables_unchanged(tmp_path):
    path = tmp_path / "policy.md"
    path.write_text("## Stage one ##\n\n| Step | Days |\n| :--- | ---: |\n| reply | 10 |\n\n"
                    "> - quoted *item*\n# #\n#NoHeading\n", encoding="utf-8")
    blocks = [(b.text, b.heading, b.part) for b in read_markdown(path).blocks]
    assert blocks == [
        ("Stage one", "Stage one", "body"),
        ("Step Days", "Stage one", "table"),
        ("reply 10", "Stage one", "table"),
        ("quoted item", "Stage one", "body"),
        ("#", "#", "body"),
        ("#NoHeading", "#", "body"),
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
@pytest.mark.parametrize("name", ["cases.csv", "complaints-policy.md"])
def test_a_fifo_is_not_a_regular_file(tmp_path, name):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    done = subprocess.run([sys.executable, "-m", "codecheck", str(fifo), "--as-of", "2025-04-30"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert f"{fifo}: is not a regular file" in done.stdout + done.stderr


# --- output is safe to print -------------------------------------------------------------------------


def test_a_crafted_case_id_cannot_write_lines_into_a_ci_log(tmp_path):
    import json
    import subprocess
    import sys

    path = tmp_path / "cases.csv"
    path.write_text('case_id,received_date,stage1_ack_date\n'
                    '"C-1\n::error file=x::owned\x1b[31m",02/12/2024,16/12/2024\n', encoding="utf-8")
    for fmt in ("text", "csv", "junit"):
        proc = subprocess.run([sys.executable, "-m", "codecheck", "check", str(path), "--as-of", "2025-04-30",
                               "--format", fmt], capture_output=True, text=True, timeout=60)
        assert proc.returncode == 1, proc.stderr
        assert not any(line.startswith("::") for line in proc.stdout.splitlines()), (fmt, proc.stdout)
        assert "\x1b" not in proc.stdout, fmt
    text = subprocess.run([sys.executable, "-m", "codecheck", "check", str(path), "--as-of", "2025-04-30"],
                          capture_output=True, text=True, timeout=60).stdout
    (line,) = [l for l in text.splitlines() if "[CR602]" in l]
    assert "C-1\\n::error file=x::owned\\x1b[31m:" in line
    findings = json.loads(subprocess.run([sys.executable, "-m", "codecheck", "check", str(path), "--as-of", "2025-04-30",
                                          "--format", "json"], capture_output=True, text=True, timeout=60).stdout)
    assert findings["findings"][0]["case_id"].startswith("C-1\n")  # JSON keeps the value; its escaping is JSON's
