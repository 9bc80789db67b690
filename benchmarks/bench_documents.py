"""Benchmark the document checks: a 100-page policy PDF, and 1,000 letter templates in one run.

    python benchmarks/bench_documents.py [PAGES] [LETTERS]     # default 100 and 1000

Prints wall times for the whole check (read + every rule), and for comparison a bare
text extraction of the same PDF with pypdfium2 measured in the same run. Targets:
the 100-page PDF under 1 s, the 1,000 letters under 5 s. Needs fpdf2 (a test extra).

The rule packs are loaded (and their patterns compiled) once before the timed runs, as
in a warm process; that load is timed on its own. Each time is also given as CPU time
(in brackets), which a busy shared machine disturbs less than wall time. Run it three
times and take the median (docs/performance.md, "Documents").
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARAGRAPHS = [
    "We will acknowledge your complaint within five working days of receiving it, and set out our "
    "understanding of it and the outcome you are seeking.",
    "We will give you our full stage 1 response within 10 working days of acknowledging your complaint. "
    "If we need longer we will tell you why, the new date, and how to contact the Housing Ombudsman.",
    "If you are not happy with our stage 1 response you can ask us to escalate your complaint to stage 2. "
    "A different officer who was not involved at stage 1 will consider it.",
    "We will make reasonable adjustments under the Equality Act 2010, keep a record of them, and review them.",
]


def make_pdf(path: Path, pages: int) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    for page in range(pages):
        pdf.add_page()
        pdf.cell(0, 8, f"Complaints policy - section {page + 1}", new_x="LMARGIN", new_y="NEXT")
        for _ in range(6):
            for text in PARAGRAPHS:
                pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def run(paths: list[Path], kind: str | None = None):
    from codecheck.config import Config
    from codecheck.engine import Engine
    from codecheck.registry import default_registry

    registry = default_registry()
    engine = Engine(registry, Config(), registry.select(), dt.date(2025, 6, 30), kind=kind)
    t, cpu = time.perf_counter(), time.process_time()
    results = engine.run([str(p) for p in paths])
    return (time.perf_counter() - t, time.process_time() - cpu), results


def _times(took: tuple[float, float]) -> str:
    return f"{took[0]:.2f} s ({took[1]:.2f} s CPU)"


def main() -> None:
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    letters = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    t, cpu = time.perf_counter(), time.process_time()
    run([])  # load the rule packs once, as a warm process would
    # A rule builds its matchers the first time it runs: run each once on a line of text, so the
    # timed checks below measure checking, as in a warm process, not building.
    from codecheck.documents.model import Block, Document
    from codecheck.documents.packs import document_rules

    warm = Document(path="warm.txt", format="text", blocks=[Block(text="Stage 1. We will reply.", line=1)])
    for rule in document_rules():
        rule.check(warm, None, lambda *args, **kwargs: None)
    print(f"rule packs loaded    {_times((time.perf_counter() - t, time.process_time() - cpu))}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        pdf = tmp / "complaints-policy.pdf"
        make_pdf(pdf, pages)
        import pypdfium2

        t = time.perf_counter()
        doc = pypdfium2.PdfDocument(str(pdf))
        chars = sum(len(doc[i].get_textpage().get_text_range()) for i in range(len(doc)))
        bare = time.perf_counter() - t
        took, results = run([pdf], kind="policy")
        assert not results.problems, results.problems
        print(f"policy PDF           {pages} pages, {chars:,} characters")
        print(f"  bare pypdfium2     {bare:.2f} s")
        print(f"  codecheck          {_times(took)}  (target < 1 s), {len(results.findings)} findings")

        templates = sorted((ROOT / "fixtures/letters").glob("*.md")) + sorted((ROOT / "fixtures/letters").glob("*.txt"))
        folder = tmp / "letters"
        folder.mkdir()
        for i in range(letters):
            source = templates[i % len(templates)]
            shutil.copy(source, folder / f"{i:04d}-{source.name}")
        took, results = run([folder])
        assert not results.problems, results.problems
        print(f"letter templates     {len(results.files):,} files (Markdown and text)")
        print(f"  codecheck          {_times(took)}  (target < 5 s), {len(results.findings)} findings")


if __name__ == "__main__":
    main()
