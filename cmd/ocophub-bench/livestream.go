package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"ocophub/catalog"
	"ocophub/connectors/sandbox"
	"ocophub/worker"
)

// bench-livestream: one SKU with 500 units listed on the three sandbox
// shops; a burst of buyers on the live shop (Shopee) and a steady stream
// on the other two, all through the sandboxes' buyer simulator (a buy
// succeeds only while that channel's own stock allows). Two modes, each on
// a fresh hub: hold (a live session holds part of the stock for the live
// shop) and plain (no session, the shops' stock rules alone).

type livestreamBenchConfig struct {
	databaseURL, redisURL string
	concurrency           int
	verbose               bool
	stock, hold           int64
	burst                 int           // buyers on the live shop
	burstFor              time.Duration // over this long
	otherRate             int           // buyers per second on each other shop
	splitBelow            int64         // the shops' rule (plain mode, and the shops sharing in hold mode)
	modes                 []string
}

func runLivestreamBench(ctx context.Context, cfg livestreamBenchConfig, out io.Writer) error {
	for _, mode := range cfg.modes {
		if mode != "hold" && mode != "plain" {
			return fmt.Errorf("-modes: %q is neither hold nor plain", mode)
		}
		if err := livestreamRun(ctx, cfg, mode, out); err != nil {
			return fmt.Errorf("mode %s: %w", mode, err)
		}
	}
	return nil
}

func livestreamRun(ctx context.Context, cfg livestreamBenchConfig, mode string, out io.Writer) error {
	hub, err := startBenchHub(ctx, cfg.databaseURL, "bench_live", cfg.redisURL, benchLogger(cfg.verbose))
	if err != nil {
		return err
	}
	defer hub.close()
	hub.limits = true
	coopID, products, err := seedCatalog(hub.opCtx, hub.st, "L", 1, 1, cfg.stock)
	if err != nil {
		return err
	}
	variant := products[0].Variants[0]
	sku := string(variant.SKU)
	var shops []*benchShop
	for _, p := range platforms {
		s, err := hub.connect(ctx, p, coopID)
		if err != nil {
			return err
		}
		if cfg.splitBelow > 0 {
			if s.shop, err = hub.st.SetShopRule(hub.opCtx, s.shop.ID, s.shop.Version, catalog.StockRule{SplitBelow: cfg.splitBelow}); err != nil {
				return err
			}
		}
		shops = append(shops, s)
	}
	if err := hub.startWorker(ctx, worker.Config{Concurrency: cfg.concurrency, PollInterval: time.Hour}); err != nil {
		return err
	}
	base, err := hub.serveAPI()
	if err != nil {
		return err
	}
	for _, s := range shops {
		if err := hub.list(ctx, s, products); err != nil {
			return err
		}
		if _, err := postJSON(ctx, http.DefaultClient, s.srv.URL+"/_sandbox/push",
			map[string]any{"url": base + "/webhooks/" + s.name, "enabled": true}, nil); err != nil {
			return err
		}
	}
	// Published: every shop shows something (with a split rule the shops
	// show shares, not all 500).
	if err := waitFor(ctx, time.Minute, func() bool {
		for _, s := range shops {
			if liveStock(s)[sku] <= 0 {
				return false
			}
		}
		return true
	}); err != nil {
		return fmt.Errorf("publishing: %w", err)
	}
	liveShop := shops[0]
	var session catalog.LiveSession
	if mode == "hold" {
		if session, err = hub.st.StartLive(hub.opCtx, catalog.LiveStart{ShopID: liveShop.shop.ID, Title: "bench live",
			Holds: []catalog.LiveHoldInput{{VariantID: variant.ID, Quantity: cfg.hold}}}); err != nil {
			return err
		}
		hub.w.Wake()
		if err := waitFor(ctx, 30*time.Second, func() bool { return liveStock(liveShop)[sku] == cfg.hold }); err != nil {
			return fmt.Errorf("the live shop never showed its hold: %w", err)
		}
	}

	// The buyers: a burst on the live shop, a steady stream elsewhere.
	results := make([]sandbox.BuyerResult, len(shops))
	var wg sync.WaitGroup
	var firstErr error
	var mu sync.Mutex
	loadStart := time.Now()
	for i, s := range shops {
		spec := map[string]any{"seller_skus": []string{sku}, "buyers": cfg.otherRate * int(cfg.burstFor/time.Second), "rate": cfg.otherRate}
		if s == liveShop {
			spec = map[string]any{"seller_skus": []string{sku}, "buyers": cfg.burst, "rate": float64(cfg.burst) / cfg.burstFor.Seconds()}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var res sandbox.BuyerResult
			_, err := postJSON(ctx, &http.Client{Timeout: time.Minute}, fmt.Sprintf("%s/_sandbox/shops/%d/buyers", s.srv.URL, s.engineID), spec, &res)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = fmt.Errorf("buyers on %s: %w", s.name, err)
			}
			results[i] = res
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	var sold int64
	for _, r := range results {
		sold += r.SoldBySKU[sku]
	}
	// Every order comes in (the backstop catches any push lost on the way).
	for _, s := range shops {
		if err := hub.w.Poll(ctx, s.shop.ID); err != nil {
			return err
		}
	}
	lat, err := ingestLatencies(hub, shops)
	if err != nil {
		return err
	}
	if mode == "hold" {
		if _, err := hub.st.EndLive(hub.opCtx, session.ID); err != nil {
			return err
		}
	}
	p99 := time.Duration(0)
	if len(lat) > 0 {
		p99 = percentile(lat, 0.99)
	}
	// Each shop's sale lag (ingest + push round trip, moving averages)
	// as the worker observed it: the window in which shops can sell the
	// same unit.
	var lags []string
	for _, s := range shops {
		lags = append(lags, fmt.Sprintf("%s:%d", s.name, hub.w.SaleLag(s.shop.ID).Milliseconds()))
	}
	fmt.Fprintf(out, "bench-livestream mode=%s sold=%d oversold=%d p99_ms=%.1f stock=%d hold=%d live_sold=%d others_sold=%d,%d burst=%d/%s others=%d/s split_below=%d lag_ms=%s seconds=%.1f\n",
		mode, sold, max(0, sold-cfg.stock), float64(p99.Microseconds())/1000, cfg.stock, holdOf(mode, cfg.hold),
		results[0].SoldBySKU[sku], results[1].SoldBySKU[sku], results[2].SoldBySKU[sku], cfg.burst, cfg.burstFor,
		cfg.otherRate, cfg.splitBelow, strings.Join(lags, ","), time.Since(loadStart).Seconds())
	return nil
}

func holdOf(mode string, hold int64) int64 {
	if mode == "hold" {
		return hold
	}
	return 0
}

// ingestLatencies is, for every order the sandboxes accepted, the time
// from the sandbox accepting it to the hub having it: how long the hub
// is blind to a sale, which is what a push can hand back.
func ingestLatencies(hub *benchHub, shops []*benchShop) ([]time.Duration, error) {
	hubOrders := map[string]time.Time{}
	q := catalog.ListQuery{Limit: catalog.MaxLimit}
	for {
		page, next, err := hub.st.ListOrders(hub.opCtx, q)
		if err != nil {
			return nil, err
		}
		for _, o := range page {
			hubOrders[fmt.Sprintf("%d/%s", o.ShopID, o.ExternalID)] = o.CreatedAt
		}
		if next == "" {
			break
		}
		q.Cursor = next
	}
	var out []time.Duration
	for _, s := range shops {
		for _, shop := range s.srv.Engine.State().Shops {
			for _, o := range shop.Orders {
				if at, ok := hubOrders[fmt.Sprintf("%d/%s", s.shop.ID, orderExternalID(s.name, o))]; ok {
					out = append(out, at.Sub(o.CreatedAt))
				}
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

func waitFor(ctx context.Context, limit time.Duration, ok func() bool) error {
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			return fmt.Errorf("not within %s", limit)
		}
		if err := sleepCtx(ctx, 20*time.Millisecond); err != nil {
			return err
		}
	}
	return nil
}
