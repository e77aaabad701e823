#!/usr/bin/env bash
# test.sh — the body of `make test` after the services are up: go test
# -race over every package with every vet check (-vet=all), and a few
# seconds of fuzzing per fuzz target (make fuzz-short).
#
# vet runs inside go test, not as its own `go vet`: go test vets every
# package (those without tests too) from the export data of the race
# build it makes anyway, where a separate `go vet` compiles the whole
# dependency graph a second time — on a cold cache that was minutes.
# The race tests spend much of their time waiting on sandboxes, Redis and
# PostgreSQL, so the two cores have room for the fuzzing (whose
# instrumented build is most of its cost) beside them; its output is
# printed after the tests'. (Four test binaries at a time, -p 4, was
# tried: a little faster, but the extra load brought out timing flakes.)
# The script fails when either fails.
set -uo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

make --no-print-directory fuzz-short >"$logs/fuzz" 2>&1 &
fuzz=$!

$GO test -race -vet=all -count=1 -timeout 15m ./...
tests=$?

wait $fuzz
fuzz_status=$?
echo "== make fuzz-short (exit $fuzz_status)"
cat "$logs/fuzz"

[[ $tests -eq 0 && $fuzz_status -eq 0 ]]
