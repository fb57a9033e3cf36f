#!/bin/sh
# tests/bench/run.sh - `make bench`: runs every benchmark under tests/bench
# and prints its figures, each against a peer measured in the same run.
# Not part of `make check`: timings on a shared machine are noisy, so no
# benchmark asserts a time. Latest figures: docs/performance.md.
set -u
: "${BENCH_BIN:?run through make bench}"
status=0
ran=0
for b in "$BENCH_BIN"/bench_*; do
	[ -x "$b" ] || continue
	echo "==== $(basename "$b")"
	"$b" || status=1
	ran=$((ran + 1))
done
for s in "$(dirname "$0")"/bench_*.sh; do
	[ -f "$s" ] || continue
	echo "==== $(basename "$s")"
	sh "$s" || status=1
	ran=$((ran + 1))
done
echo "ran $ran benchmarks"
exit $status
