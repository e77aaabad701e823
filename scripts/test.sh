#!/usr/bin/env bash
# test.sh — the body of `make test` after the services are up: go vet,
# go test -race over every package, and a few seconds of fuzzing per fuzz
# target (make fuzz-short).
#
# The race tests spend much of their time waiting on sandboxes, Redis and
# PostgreSQL, so the two cores have room: vet and the fuzzing (whose
# instrumented builds are most of its cost) run beside the tests. Their
# output is printed after the tests', so the test run's own lines stay
# together. (Four test binaries at a time, -p 4, was tried: a little
# faster, but the extra load brought out timing flakes.) The script fails
# when any of the three fails.
set -uo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

$GO vet ./... >"$logs/vet" 2>&1 &
vet=$!
make --no-print-directory fuzz-short >"$logs/fuzz" 2>&1 &
fuzz=$!

$GO test -race -count=1 -timeout 15m ./...
tests=$?

wait $vet
vet_status=$?
echo "== go vet ./... (exit $vet_status)"
cat "$logs/vet"
wait $fuzz
fuzz_status=$?
echo "== make fuzz-short (exit $fuzz_status)"
cat "$logs/fuzz"

[[ $tests -eq 0 && $vet_status -eq 0 && $fuzz_status -eq 0 ]]
