package worker

import (
	"context"
	"strconv"
	"time"

	"github.com/bsm/redislock"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/connectors"
	"ocophub/connectors/driver"
)

// pushPrices sends every live listing of a product in a shop the price it
// should show now (store.PriceTargets: the base price, with a running
// campaign's price as a promotion over it), audits each, and settles the campaign rows the push
// answers. It holds a lock per shop and product across workers and reads
// the prices inside it: a campaign transition commits before its push
// takes the lock, so whichever push of the item runs last sends the
// price of the latest transition, and a product edit during a campaign
// keeps the campaign price. Per-SKU failures are recorded, not returned:
// the campaign sweep retries the rows they leave owed.
func (w *Worker) pushPrices(ctx context.Context, ch *connectors.Channel, shop catalog.Shop, product catalog.Product,
	live map[int64]catalog.Listing) error {
	if w.cfg.Channels.Locker != nil {
		lock, err := w.cfg.Channels.Locker.Obtain(ctx, "ocophub:lock:price:"+strconv.FormatInt(shop.ID, 10)+":"+strconv.FormatInt(product.ID, 10),
			30*time.Second, &redislock.Options{RetryStrategy: redislock.LimitRetry(redislock.LinearBackoff(20*time.Millisecond), 1500)})
		if err != nil {
			return err
		}
		defer func() { _ = lock.Release(context.WithoutCancel(ctx)) }()
	}
	ids := make([]int64, 0, len(live))
	for _, l := range live {
		ids = append(ids, l.ID)
	}
	targets, err := w.cfg.Store.PriceTargets(system(ctx), ids)
	if err != nil {
		return err
	}
	var prices []driver.PriceUpdate
	bySKU := map[string]catalog.Listing{}
	for _, v := range product.Variants {
		l, ok := live[v.ID]
		if !ok {
			continue
		}
		t, ok := targets[l.ID]
		if !ok {
			continue // deleted since
		}
		u := driver.PriceUpdate{ItemID: l.ExternalItemID, ModelID: l.ExternalModelID, SellerSKU: string(v.SKU), Price: int64(t.Price)}
		if t.Promo != nil {
			u.Promo = &driver.Promo{Price: int64(t.Promo.Price), From: t.Promo.From, To: t.Promo.To}
		}
		prices = append(prices, u)
		bySKU[string(v.SKU)] = l
	}
	if len(prices) == 0 {
		return nil
	}
	start := time.Now()
	results, err := ch.SetPrice(ctx, prices)
	if err != nil {
		var settle []store.CampaignPushResult
		for _, t := range targets {
			for _, ref := range t.Owed {
				settle = append(settle, store.CampaignPushResult{Ref: ref, Err: err.Error()})
			}
		}
		_ = w.cfg.Store.SettleCampaignPrices(system(context.WithoutCancel(ctx)), settle)
		return err
	}
	recs := make([]store.PushRecord, 0, len(results))
	var settle []store.CampaignPushResult
	for _, r := range results {
		l, ok := bySKU[r.SellerSKU]
		if !ok {
			continue
		}
		rec := store.PushRecord{ListingID: l.ID, Kind: "price", Result: "ok", Latency: time.Since(start)}
		if r.Err != nil {
			rec.Result, rec.Error = "error", r.Err.Error()
		}
		recs = append(recs, rec)
		for _, ref := range targets[l.ID].Owed {
			settle = append(settle, store.CampaignPushResult{Ref: ref, Err: rec.Error})
		}
	}
	if err := w.cfg.Store.RecordPushes(system(ctx), recs); err != nil {
		return err
	}
	return w.cfg.Store.SettleCampaignPrices(system(ctx), settle)
}
