package worker

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"

	"ocophub/catalog"
	"ocophub/connectors"
	"ocophub/connectors/driver"
)

// driftTotal counts units a channel showed beyond what the hub expects
// (someone edited the stock on the channel, a write was lost).
var driftTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
	Name: "ocophub_stock_drift_units_total", Help: "Units a channel showed above the hub's expectation, by platform.",
}, []string{"platform"})

// Collectors are the worker's metrics, for the process's registry.
func Collectors() []prometheus.Collector {
	return []prometheus.Collector{driftTotal, rateBrakes, deadLetters, rowsRemoved, saleLagSeconds}
}

// handleReconcile reads every live listing of a shop from the channel. A
// channel showing MORE than the hub expects (the last write less the sales
// ingested since) is drift: counted, and repaired with a settle push once
// the shop is quiet. Showing less is left alone: it is sales on their way.
func (w *Worker) handleReconcile(ctx context.Context, t *asynq.Task) error {
	var p StockReconcile
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	_, err := w.Reconcile(ctx, p.ShopID)
	return err
}

// Reconcile checks one shop now and returns the units of drift found.
func (w *Worker) Reconcile(ctx context.Context, shopID int64) (int64, error) {
	sctx := system(ctx)
	shop, err := w.cfg.Store.Shop(sctx, shopID)
	if err != nil || !shop.Connected {
		return 0, err
	}
	ch, err := w.cfg.Channels.For(shop)
	if err != nil {
		return 0, err
	}
	var drift int64
	cursor := ""
	for {
		ls, next, err := w.cfg.Store.ListListings(sctx, shop.ID, catalog.ListQuery{Limit: catalog.MaxLimit, Cursor: cursor})
		if err != nil {
			return drift, err
		}
		var ids []int64
		for _, l := range ls {
			if l.Status == catalog.ListingLive && l.PushedAt != nil {
				ids = append(ids, l.ID)
			}
		}
		n, err := w.reconcilePage(ctx, shop, ch, ids)
		drift += n
		if err != nil {
			return drift, err
		}
		if next == "" {
			return drift, nil
		}
		cursor = next
	}
}

// reconcilePage compares one page of listings with one batched read of
// the channel.
func (w *Worker) reconcilePage(ctx context.Context, shop catalog.Shop, ch *connectors.Channel, ids []int64) (int64, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	snaps, err := w.cfg.Store.PushSnapshots(system(ctx), ids, shop.Rule)
	if err != nil {
		return 0, err
	}
	plans := make([]*pushPlan, len(snaps))
	refs := make([]driver.StockRef, len(snaps))
	for i, s := range snaps {
		plans[i] = &pushPlan{snap: s}
		refs[i] = driver.StockRef{ItemID: s.Listing.ExternalItemID, ModelID: s.Listing.ExternalModelID, SellerSKU: s.SellerSKU}
	}
	levels, err := ch.GetStock(ctx, refs)
	if err != nil {
		return 0, err
	}
	find := byIdentity(plans)
	var drift int64
	for _, lv := range levels {
		p := find(lv.SellerSKU, lv.ModelID)
		if p == nil {
			continue
		}
		if lv.Err != nil {
			return drift, permanent(lv.Err)
		}
		l := p.snap.Listing
		if extra := lv.Quantity - l.Claim(); extra > 0 {
			drift += extra
			driftTotal.WithLabelValues(string(shop.Platform)).Add(float64(extra))
			w.cfg.Logger.Warn("channel shows more stock than the hub expects; repairing",
				"shop", shop.Key(), "sku", p.snap.SellerSKU, "channel", lv.Quantity, "extra", extra)
			if _, err := w.client.EnqueueContext(ctx, SettlePushTask(l.ID)); err != nil && ctx.Err() != nil {
				return drift, err
			}
		}
	}
	return drift, nil
}
