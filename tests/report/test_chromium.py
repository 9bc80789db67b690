"""scripts/render_report_png.sh renders the HTML page with headless Chromium.
Skipped when no Chromium is installed."""

import shutil
import struct
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts/render_report_png.sh"
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")

pytestmark = pytest.mark.skipif(BROWSER is None, reason="chromium is not installed")


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_screenshot_of_the_fixture_report(tmp_path):
    html = tmp_path / "board.html"
    subprocess.run(["codecheck", "report", str(ROOT / "fixtures/cases.csv"), "--homes", "5000", "--period",
                    "2024-04-01..2025-03-31", "--as-of", "2025-04-30", "-o", str(html)], check=True, capture_output=True)
    out = tmp_path / "board.png"
    subprocess.run(["bash", str(SCRIPT), str(html), str(out)], check=True, capture_output=True, timeout=120)
    assert png_size(out) == (1240, 1754)


def test_printed_on_a4(tmp_path):
    pytest.importorskip("PIL")
    out = tmp_path / "print.png"
    done = subprocess.run(["bash", str(SCRIPT), "--print", "", str(out)], check=True, capture_output=True, text=True,
                          timeout=120)
    pages = done.stdout.split()
    assert len(pages) >= 3
    width, height = png_size(Path(pages[0]))
    assert width == 1240 and abs(height - 1754) <= 2  # A4 at 150 dpi
