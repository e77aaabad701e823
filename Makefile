# OCOP Hub. The two commands a newcomer needs:
#   make run    the whole system, embedded (SQLite + in-process Redis + demo data)
#   make test   services checked (installed if missing), go test -race with
#               every vet check, and a few seconds of fuzzing per fuzz
#               target beside it
#               (make fuzz: longer)
SHELL := /bin/bash
GO    ?= go
PKGS  := ./...
FUZZTIME ?= 30s
FUZZTIME_SHORT ?= 2s

.PHONY: run build test vet services fuzz fuzz-short bench-api bench-sandbox bench-sync bench-publish bench-livestream clean

run:
	$(GO) run ./cmd/ocophub dev

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/ocophub ./cmd/ocophub

services:
	@bash scripts/ensure-services.sh

vet:
	$(GO) vet $(PKGS)

# gotestsum is not used: plain `go test` output is what CI reads. go test
# vets every package (-vet=all) and the short fuzzing runs beside it
# (scripts/test.sh says why).
test: services
	@GO=$(GO) bash scripts/test.sh

# Every fuzz target ("./pkg FuzzName"), found in the test files: listing
# them with `go test -list` would build every package's tests first.
FUZZ_TARGETS = grep -rHo --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*' . \
	| sed -E 's|^(\./.*)/[^/]*_test\.go:func (Fuzz.*)$$|\1 \2|' | sort -u

# Fuzzing of every target for FUZZTIME each; their seed corpora (f.Add
# and testdata/fuzz) already run in `make test` as ordinary tests.
fuzz:
	@$(FUZZ_TARGETS) | while read -r pkg target; do \
	  echo "== $$pkg $$target ($(FUZZTIME))"; \
	  $(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	done

# A few seconds of fuzzing per target, part of `make test`.
fuzz-short:
	@$(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZTIME_SHORT)

# bench-api: 100,000 generated products on PostgreSQL, 500 req/s for 30 s.
bench-api: services
	$(GO) run ./cmd/ocophub-bench api

# bench-sandbox: signed single-SKU stock updates through each driver
# against its sandbox on loopback (target ≥ 5,000 req/s per platform).
bench-sandbox:
	$(GO) run ./cmd/ocophub-bench sandbox

# bench-sync: stock propagation. 1,000 SKUs listed on Shopee, Lazada and Zalo
# sandboxes; 100 orders/s for 60 s; each order brought in by the real worker
# and its new stock timed until both other shops show it. Schema bench_sync,
# Redis DB 15 (flushed). Orders reach the hub by webhook, as in production.
# Flags after ARGS=, e.g. make bench-sync ARGS='-ingest poll'.
bench-sync: services
	$(GO) run ./cmd/ocophub-bench sync $(ARGS)

# bench-publish: 2,000 listings through the worker to one Shopee sandbox shop
# limited to 50 calls/s; wall time, calls/s against the limit, 429s.
# Schema bench_publish, Redis DB 15 (flushed).
bench-publish: services
	$(GO) run ./cmd/ocophub-bench publish $(ARGS)

# bench-livestream: one SKU with 500 units on three sandbox shops; 2,000
# buyers in 10 s on the live shop (Shopee) and 50 buyers/s on each other
# shop. Two runs: hold (a live session holds 300) and plain (no session).
# Schema bench_live, Redis DB 15 (flushed).
bench-livestream: services
	$(GO) run ./cmd/ocophub-bench livestream $(ARGS)

clean:
	rm -rf bin var
