#!/usr/bin/env bash
# Render a codecheck report HTML page to PNG with headless Chromium, so a person
# can look at it. Do not commit the PNGs.
#
#   scripts/render_report_png.sh [REPORT.html] [OUT.png] [HEIGHT]
#       a screenshot of the page as a screen shows it, 1240 px wide (an A4 page
#       at 150 dpi is 1240 x 1754 px, the default height)
#   scripts/render_report_png.sh --print [REPORT.html] [OUT.png]
#       the page as printed on A4 (its print CSS): Chromium prints a PDF, each
#       page becomes OUT-1.png, OUT-2.png, ... at 150 dpi (needs pypdfium2 and Pillow)
#
# Without REPORT.html it first builds one from fixtures/cases.csv.
# Exits 3 when no Chromium is installed (apt-get install -y chromium).
set -euo pipefail

mode=screen
if [ "${1:-}" = "--print" ]; then mode=print; shift; fi
here="$(cd "$(dirname "$0")/.." && pwd)"
html="${1:-}"
out="${2:-report.png}"
height="${3:-1754}"

browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [ -z "$browser" ]; then
    echo "render_report_png: no chromium found (apt-get install -y chromium)" >&2
    exit 3
fi

if [ -z "$html" ]; then
    html="$(mktemp --suffix=.html)"
    codecheck report "$here/fixtures/cases.csv" --homes 5000 --period 2024-04-01..2025-03-31 \
        --as-of 2025-04-30 -o "$html" 2>/dev/null
fi
html="$(cd "$(dirname "$html")" && pwd)/$(basename "$html")"
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$profile")

if [ "$mode" = screen ]; then
    "$browser" "${flags[@]}" --screenshot="$out" --window-size="1240,$height" "file://$html" >/dev/null 2>&1
    test -s "$out"
    echo "$out"
    exit 0
fi

pdf="$profile/report.pdf"
"$browser" "${flags[@]}" --no-pdf-header-footer --print-to-pdf="$pdf" "file://$html" >/dev/null 2>&1
test -s "$pdf"
python3 - "$pdf" "$out" <<'PY'
import sys
import pypdfium2 as pdfium

pdf, out = sys.argv[1], sys.argv[2]
stem = out[:-4] if out.endswith(".png") else out
doc = pdfium.PdfDocument(pdf)
for i in range(len(doc)):
    name = f"{stem}-{i + 1}.png"
    doc[i].render(scale=150 / 72).to_pil().save(name)
    print(name)
PY
