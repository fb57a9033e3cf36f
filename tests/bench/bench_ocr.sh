#!/bin/sh
# bench_ocr.sh - OCR speed, accuracy and memory against the usual tools, in
# one run on the same pages (issue 4; figures in docs/performance.md):
#
#  1. scanned pages (make-ocr-corpus.sh: 16 classes of damage, 5 texts):
#     foivault ingest --wait (default worker count) against the tesseract
#     CLI run one process per core with OMP_THREAD_LIMIT=1, and against
#     ocrmypdf -j CORES on the same images wrapped as one PDF; wall time,
#     pages per minute and CPU seconds per page of each, the ratios, and the
#     character error rate per class of page (ocr_cer);
#  2. a born-digital PDF (BENCH_TEXT_PAGES pages of the seed texts):
#     foivault ingest --wait against pdftotext, pages per second;
#  3. a scanned PDF (BENCH_SCAN_PAGES pages, 300 dpi 1-bit): ingest --wait
#     with the worker's resident memory sampled every second; the peak in
#     each quarter of the run shows whether memory grows with the page
#     count.
#
# All three systems read with the same languages (BENCH_LANGS, default
# eng+fra+spa: the corpus has French and Spanish pages). Timings on a
# shared machine are noisy: CPU seconds per page are printed beside wall
# times, and nothing here asserts a time.
#
#   BENCH_QUICK=1        one seed text (16 pages), 100 text pages, 10 scans
#   OCR_CORPUS=DIR       reuse a corpus made by make-ocr-corpus.sh DIR
#   BENCH_TEXT_PAGES=N   default 500;  BENCH_SCAN_PAGES=N  default 20
#   BENCH_SKIP=LIST      any of: pages tesseract ocrmypdf text scan
#
# Estimated from the parts' CPU times, on 2 idle cores the default run
# takes ~12 minutes (the corpus 1-2, each of the three readers 2-4, the
# scanned PDF ~1.5); BENCH_QUICK=1 a few (the corpus is still made whole).
# On a loaded machine it is much longer (the figures in docs/performance.md
# took ~30 minutes under a load of 5-8).
set -eu
: "${FOIVAULT:?run through make bench}" "${BENCH_BIN:?run through make bench}"
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
langs=${BENCH_LANGS:-eng+fra+spa}
cores=$(getconf _NPROCESSORS_ONLN)
quick=${BENCH_QUICK:-}
text_pages=${BENCH_TEXT_PAGES:-500}
scan_pages=${BENCH_SCAN_PAGES:-20}
skip=${BENCH_SKIP:-}
[ -n "$quick" ] && { text_pages=100; scan_pages=10; }
py=/usr/bin/python3   # Debian's, which has img2pdf (an ocrmypdf dependency)

for t in tesseract ocrmypdf pdftotext pdftoppm convert /usr/bin/time; do
	command -v "$t" >/dev/null 2>&1 && continue
	echo "bench_ocr: skipped, $t is missing (build-aux/deps --test)"
	exit 0
done
skipping() { case " $skip " in *" $1 "*) return 0;; esac; return 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export PYTHONDONTWRITEBYTECODE=1 OMP_THREAD_LIMIT=1
unset FOIVAULT_CONFIG 2>/dev/null || true

# timed FILE CMD...: runs CMD, writes "wall user sys maxrss_kb" to FILE.
timed() {
	out=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$out" "$@"
}
field() { cut -d' ' -f"$2" "$1"; }
calc() { awk "BEGIN { printf \"$1\n\", $2 }"; }

echo "machine: $cores cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)," \
	"load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%d)"
echo "versions: $("$FOIVAULT" --version 2>/dev/null | head -1)," \
	"$(tesseract --version 2>&1 | head -1), ocrmypdf $(ocrmypdf --version)," \
	"pdftotext $(pdftotext -v 2>&1 | head -1 | cut -d' ' -f3)"

# ---- 1. scanned pages ---------------------------------------------------------
if ! skipping pages; then
corpus=${OCR_CORPUS:-}
if [ -z "$corpus" ]; then
	corpus=$tmp/corpus
	t0=$(date +%s)
	sh "$here/make-ocr-corpus.sh" "$corpus" >/dev/null
	echo "corpus made in $(($(date +%s) - t0)) s"
fi
list=$tmp/list
if [ -n "$quick" ]; then
	grep '^seed0-' "$corpus/ocr/list" > "$list"
else
	cp "$corpus/ocr/list" "$list"
fi
npages=$(wc -l < "$list")
echo
echo "== $npages scanned pages, $cores cores, languages $langs"

data=$tmp/data
"$FOIVAULT" --data "$data" init >/dev/null
awk -v d="$corpus/ocr" '{ print d "/" $1 }' "$list" > "$tmp/files"
# shellcheck disable=SC2046
timed "$tmp/t.fv" "$FOIVAULT" --data "$data" ingest --wait --lang "$langs" \
	$(cat "$tmp/files") > "$tmp/fv.out" || echo "bench_ocr: some pages failed"
mkdir "$tmp/fv"
while IFS="$(printf '\t')" read -r id status input; do
	"$FOIVAULT" --data "$data" doc text "$id" > "$tmp/fv/$(basename "$input").txt" ||
		echo "bench_ocr: $input: $status"
done < "$tmp/fv.out"

mkdir "$tmp/tess"
if ! skipping tesseract; then
	# One process per core, each single-threaded: the fastest way to run
	# the CLI over many pages on this machine.
	timed "$tmp/t.tess" sh -c 'cut -d" " -f1 "$1" | xargs -P "$2" -I{} \
		tesseract "$3/{}" "$4/{}" -l "$5" >/dev/null 2>&1' sh \
		"$list" "$cores" "$corpus/ocr" "$tmp/tess" "$langs"
fi

mkdir "$tmp/omp"
if ! skipping ocrmypdf; then
	# img2pdf keeps each image's pixels and declared resolution (a page
	# declared at 72 dpi becomes a large page): ocrmypdf sees what the
	# others see. Wrapping is not timed. --output-type pdf skips the
	# PDF/A conversion, ocrmypdf's slowest optional step.
	$py -c 'import sys, img2pdf
open(sys.argv[1], "wb").write(img2pdf.convert(sys.argv[2:]))' \
		"$tmp/pages.pdf" $(cat "$tmp/files")
	timed "$tmp/t.omp" ocrmypdf -q -j "$cores" -l "$langs" --output-type pdf \
		--sidecar "$tmp/omp.txt" "$tmp/pages.pdf" "$tmp/omp.pdf" ||
		echo "bench_ocr: ocrmypdf failed"
	$py - "$tmp/omp.txt" "$tmp/omp" "$list" <<'PY'
import sys
side, out, lst = sys.argv[1:4]
texts = open(side, encoding="utf-8").read().split("\f")
for i, line in enumerate(open(lst)):
    name = line.split()[0]
    with open(f"{out}/{name}.txt", "w", encoding="utf-8") as f:
        f.write(texts[i] if i < len(texts) else "")
PY
fi

echo
printf '%-28s %9s %9s %13s %9s\n' "system" "wall s" "pages/min" "CPU s/page" "peak MB"
row() {
	[ -f "$2" ] || return 0
	printf '%-28s %9.1f %9.1f %13.2f %9.0f\n' "$1" "$(field "$2" 1)" \
		"$(calc %.2f "$npages * 60 / $(field "$2" 1)")" \
		"$(calc %.3f "($(field "$2" 2) + $(field "$2" 3)) / $npages")" \
		"$(calc %.1f "$(field "$2" 4) / 1024")"
}
row "foivault ingest --wait" "$tmp/t.fv"
row "tesseract CLI x $cores" "$tmp/t.tess"
row "ocrmypdf -j $cores" "$tmp/t.omp"
for peer in tess:"tesseract CLI" omp:ocrmypdf; do
	f=$tmp/t.${peer%%:*}
	[ -f "$f" ] || continue
	echo "foivault / ${peer#*:}: pages/min $(calc %.2fx \
		"$(field "$f" 1) / $(field "$tmp/t.fv" 1)");" \
		"by CPU time per page $(calc %.2fx "($(field "$f" 2) + $(field "$f" 3)) / \
		($(field "$tmp/t.fv" 2) + $(field "$tmp/t.fv" 3))")"
done

echo
while read -r file truth _page what; do
	for sys in foivault:fv tesseract:tess ocrmypdf:omp; do
		d=$tmp/${sys#*:}
		skipping "${sys%%:*}" && continue
		printf '%s\t%s\t%s\t%s\n' "${sys%%:*}" "$what" "$d/$file.txt" \
			"$corpus/ocr/page-$truth.txt"
	done
done < "$list" | "$BENCH_BIN/ocr_cer"
fi

# ---- 2. a born-digital PDF ----------------------------------------------------
$py - "$tmp/text.pdf" "$src/tests/fixtures/ocr" "${BENCH_SEEDS:-$src/../shared/seeds}" \
	"$text_pages" <<'PY'
import glob, sys, textwrap
out, fixtures, seeds, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
sys.path.insert(0, fixtures)
from pdfgen import text_page, write_pdf
words = []
for path in sorted(glob.glob(f"{seeds}/*.txt")):
    words += open(path, encoding="utf-8").read().split()
lines = textwrap.wrap(" ".join(words), 88)
lines = [l.encode("cp1252", "replace").decode("cp1252") for l in lines]
pages = [text_page([lines[(p * 47 + i) % len(lines)] for i in range(47)],
                   size=(612, 792)) for p in range(n)]
write_pdf(out, pages)
PY
if ! skipping text; then
	echo
	echo "== born-digital PDF, $text_pages pages of text (one document)"
	"$FOIVAULT" --data "$tmp/data2" init >/dev/null
	timed "$tmp/t.text" "$FOIVAULT" --data "$tmp/data2" ingest --wait \
		"$tmp/text.pdf" > "$tmp/text.out"
	id=$(cut -f1 "$tmp/text.out")
	"$FOIVAULT" --data "$tmp/data2" doc text "$id" > "$tmp/text-fv.txt"
	timed "$tmp/t.ptt" pdftotext "$tmp/text.pdf" "$tmp/text-ptt.txt"
	ocr_pages=$(sqlite3 "$tmp/data2/foivault.db" \
		"select count(*) from pages where source = 'ocr'" 2>/dev/null || echo "?")
	printf '%-28s %9s %9s %13s\n' "system" "wall s" "pages/s" "CPU ms/page"
	for r in "foivault ingest --wait:text" "pdftotext:ptt"; do
		f=$tmp/t.${r##*:}
		printf '%-28s %9.2f %9.1f %13.2f\n' "${r%:*}" "$(field "$f" 1)" \
			"$(calc %.2f "$text_pages / ($(field "$f" 1) + 0.005)")" \
			"$(calc %.3f "1000 * ($(field "$f" 2) + $(field "$f" 3)) / $text_pages")"
	done
	echo "foivault OCRed $ocr_pages of $text_pages pages;" \
		"time ratio foivault / pdftotext $(calc %.2f \
		"$(field "$tmp/t.text" 1) / ($(field "$tmp/t.ptt" 1) + 0.005)")"
	echo "text read: $(wc -c < "$tmp/text-fv.txt") bytes (pdftotext" \
		"$(wc -c < "$tmp/text-ptt.txt")); init and worker start included"
fi

# ---- 3. a scanned PDF, page by page --------------------------------------------
if ! skipping scan; then
	echo
	echo "== scanned PDF, $scan_pages pages at 300 dpi 1-bit (one document," \
		"one worker), languages eng"
	pdftoppm -r 300 -mono -l "$scan_pages" "$tmp/text.pdf" "$tmp/scan"
	$py - "$tmp/scan.pdf" "$src/tests/fixtures/ocr" "$tmp" <<'PY'
import glob, os, sys
out, fixtures, tmp = sys.argv[1:4]
sys.path.insert(0, fixtures)
from pdfgen import image_page, read_pbm, write_pdf
pages = []
for p in sorted(glob.glob(f"{tmp}/scan-*.pbm")):
    pages.append(image_page(read_pbm(p), dpi=300))
    os.unlink(p)
write_pdf(out, pages)
PY
	"$FOIVAULT" --data "$tmp/data3" init >/dev/null
	timed "$tmp/t.scan" "$FOIVAULT" --data "$tmp/data3" ingest --wait \
		"$tmp/scan.pdf" > "$tmp/scan.out" &
	job=$!
	# The resident memory of the ingest command and of its workers
	# (renamed "foivault --data DIR worker"), sampled each second:
	# "seconds kB pid".
	: > "$tmp/rss"
	t0=$(date +%s)
	while kill -0 "$job" 2>/dev/null; do
		for p in $(pgrep -f "foivault --data $tmp/data3" 2>/dev/null); do
			awk -v t=$(($(date +%s) - t0)) -v p="$p" \
				'/^VmRSS/ { print t, $2, p }' "/proc/$p/status" \
				2>/dev/null >> "$tmp/rss" || true
		done
		sleep 1
	done
	wait "$job" || echo "bench_ocr: the scanned PDF failed"
	cat "$tmp/scan.out"
	wall=$(field "$tmp/t.scan" 1)
	echo "$(calc %.1f "$scan_pages * 60 / $wall") pages/min," \
		"$(calc %.2f "($(field "$tmp/t.scan" 2) + $(field "$tmp/t.scan" 3)) / $scan_pages")" \
		"CPU s/page; peak RSS of any process $(calc %.0f "$(field "$tmp/t.scan" 4) / 1024") MB"
	awk -v w="$wall" '{ q = int(4 * $1 / (w + 1)); if ($2 > m[q]) m[q] = $2
			    if ($2 > p[$3]) p[$3] = $2 }
		END { printf "peak RSS per quarter of the run (MB):";
		      for (q = 0; q < 4; q++) printf " %.0f", m[q] / 1024
		      printf "\npeak RSS per process (MB):"
		      for (i in p) printf " %.0f", p[i] / 1024; print "" }' "$tmp/rss"
fi
