#!/usr/bin/env bash
# test.sh — the body of `make test` after the services are up: go test
# with every vet check (-vet=all) over every package, -race on those with
# concurrency, and a few seconds of fuzzing per fuzz target (make
# fuzz-short).
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
# The script fails when any of them fails.
set -uo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

# Packages with no concurrency of their own (pure rules, files in and
# out: spreadsheets, photos, PDF stamps) run without the race detector,
# which slows their image, XML and PDF work five- to tenfold and finds
# nothing there; one test binary at a time, beside the race run.
plain=(./catalog ./catalog/csvimport ./catalog/photo ./catalog/stamp ./catalog/demo ./docs)
mapfile -t race < <($GO list ./... | grep -vxF -f <($GO list "${plain[@]}"))

make --no-print-directory fuzz-short >"$logs/fuzz" 2>&1 &
fuzz=$!
$GO test -vet=all -count=1 -p 1 -timeout 15m "${plain[@]}" >"$logs/plain" 2>&1 &
plainrun=$!

$GO test -race -vet=all -count=1 -timeout 15m "${race[@]}"
tests=$?

wait $plainrun
plain_status=$?
echo "== go test (no -race) ${plain[*]} (exit $plain_status)"
cat "$logs/plain"
wait $fuzz
fuzz_status=$?
echo "== make fuzz-short (exit $fuzz_status)"
cat "$logs/fuzz"

[[ $tests -eq 0 && $plain_status -eq 0 && $fuzz_status -eq 0 ]]
