#!/bin/sh
# make-ocr-corpus.sh - writes the page corpus of bench_ocr_steps (and of the
# OCR speed and accuracy benchmarks): full US Letter pages of the seed texts
# with known text, rasterised by poppler and damaged by ImageMagick in the
# ways real scans are, plus the list file the benchmarks read.
#
#   tests/bench/make-ocr-corpus.sh OUTDIR [SEEDDIR]
#   bench_ocr_steps OUTDIR OUTDIR/ocr/list
#
# SEEDDIR defaults to ../shared/seeds next to the source tree; the first
# three seeds become one page each. Needs python3, pdftoppm, convert. The
# corpus is 80 pages (16 classes x 5 texts) and is not committed: it takes
# 1-3 minutes to regenerate.
set -eu
[ $# -ge 1 ] || { echo "usage: $0 OUTDIR [SEEDDIR]" >&2; exit 2; }
src=$(cd "$(dirname "$0")/../.." && pwd)
out=$1/ocr
seeds=${2:-$src/../shared/seeds}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PYTHONDONTWRITEBYTECODE=1
png="-define png:exclude-chunk=date,time,text,itxt,ztxt,bkgd"
bw="-threshold 55% -type bilevel"

python3 - "$tmp" "$out" "$src/tests/fixtures/ocr" "$seeds" <<'PY'
import glob, sys, textwrap
tmp, out, fixtures, seeds = sys.argv[1:5]
sys.path.insert(0, fixtures)
from pdfgen import text_page, write_pdf, PAGES
names = []
for i, path in enumerate(sorted(glob.glob(f"{seeds}/*.txt"))[:3]):
    words = open(path, encoding="utf-8").read().split()
    lines = textwrap.wrap(" ".join(words), 88)[:47]
    # What Helvetica with WinAnsi encoding can show is the truth.
    lines = [l.encode("cp1252", "replace").decode("cp1252") for l in lines]
    names.append((f"seed{i}", lines))
names += [(k, v) for k, v in PAGES.items() if k != "en"]
for name, lines in names:
    size = (612, 792) if name.startswith("seed") else (432, 216)
    write_pdf(f"{tmp}/{name}.pdf", [text_page(lines, size=size)])
    with open(f"{out}/page-{name}.txt", "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
with open(f"{tmp}/names", "w") as f:
    f.write(" ".join(n for n, _ in names) + "\n")
PY

: > "$out/list"
add() { echo "$1 $2 0 $3" >> "$out/list"; }
for n in $(cat "$tmp/names"); do
	for r in 300 200 150 100; do
		pdftoppm -r $r -gray -singlefile "$tmp/$n.pdf" "$tmp/$n-$r"
	done
	p=$tmp/$n-300.pgm
	d300="-units PixelsPerInch -density 300"
	convert "$p" $d300 $png "$out/$n-grey300.png"; add $n-grey300.png $n "clean grey 300 dpi"
	convert "$p" $d300 $bw $png "$out/$n-bw300.png"; add $n-bw300.png $n "1-bit 300 dpi"
	convert "$tmp/$n-200.pgm" -units PixelsPerInch -density 200 $bw -compress Group4 "$out/$n-fax.tif"
	add $n-fax.tif $n "G4 fax 200 dpi"
	convert "$tmp/$n-200.pgm" -resize 100%x49% -units PixelsPerInch -density 204x98 $bw \
		-compress Group4 "$out/$n-faxstd.tif"; add $n-faxstd.tif $n "G4 fax 204x98 dpi"
	for a in 90 180 270; do
		convert "$p" -rotate $a $d300 $bw $png "$out/$n-rot$a.png"; add $n-rot$a.png $n "turned $a"
	done
	for a in 2 -5 9; do
		convert "$p" -background white -rotate $a +repage $d300 $bw $png "$out/$n-skew$a.png"
		add $n-skew$a.png $n "skewed $a degrees"
	done
	w=$(identify -format %w "$tmp/$n-200.pgm"); h=$(identify -format %h "$tmp/$n-200.pgm")
	convert "$tmp/$n-200.pgm" \( -size ${h}x$w gradient:'#585858-#ffffff' -rotate 90 \) \
		-compose multiply -composite -attenuate 1.5 +noise Gaussian -blur 0x0.6 \
		-units PixelsPerInch -density 200 -colorspace Gray -quality 60 "$out/$n-noisy.jpg"
	add $n-noisy.jpg $n "uneven light, noise, JPEG"
	convert "$tmp/$n-150.pgm" -units PixelsPerInch -density 150 -quality 30 "$out/$n-q30.jpg"
	add $n-q30.jpg $n "JPEG quality 30, 150 dpi"
	convert "$p" -units PixelsPerInch -density 72 $bw $png "$out/$n-as72.png"
	add $n-as72.png $n "300 dpi declared 72"
	convert "$tmp/$n-150.pgm" -units PixelsPerInch -density 600 $png "$out/$n-as600.png"
	add $n-as600.png $n "150 dpi declared 600"
	convert "$tmp/$n-100.pgm" -units PixelsPerInch -density 100 $png "$out/$n-grey100.png"
	add $n-grey100.png $n "grey 100 dpi"
	convert "$tmp/$n-100.pgm" -units PixelsPerInch -density 100 $bw $png "$out/$n-bw100.png"
	add $n-bw100.png $n "1-bit 100 dpi"
done
echo "$(wc -l < "$out/list") pages in $out"
