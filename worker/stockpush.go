package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/bsm/redislock"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/connectors/driver"
)

// handleStockPush pushes a listing's CURRENT stock as an absolute value,
// going round again while the listing was marked dirty during the push.
// Pushes of one listing never overlap (a lock per listing, across
// workers): the unseen-sales accounting reads and writes the listing's
// counters around the channel call. A push that finds the lock taken marks
// the listing dirty, and the holder goes round once more.
func (w *Worker) handleStockPush(ctx context.Context, t *asynq.Task) error {
	var p StockPush
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	lock, err := w.cfg.Channels.Locker.Obtain(ctx, fmt.Sprintf("ocophub:lock:push:%d", p.ListingID), 30*time.Second, nil)
	if errors.Is(err, redislock.ErrNotObtained) {
		return w.cfg.Redis.Set(ctx, dirtyKey(p.ListingID), 1, time.Minute).Err()
	}
	if err != nil {
		return err
	}
	defer func() { _ = lock.Release(context.WithoutCancel(ctx)) }()
	for round := 0; round < 10; round++ {
		w.cfg.Redis.Del(ctx, dirtyKey(p.ListingID))
		if err := w.pushStock(ctx, p.ListingID, p.Settle); err != nil {
			return err
		}
		dirty, err := w.cfg.Redis.Exists(ctx, dirtyKey(p.ListingID)).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return err
		}
		if dirty == 0 {
			return nil
		}
	}
	return nil
}

// pushStock is one push: read the channel's stock (to learn sales the hub
// has not ingested yet), read the hub's stock, send the absolute quantity,
// record it. A push whose stock version is not newer than the listing's
// pushed version is skipped: a stale retry never overwrites newer stock.
func (w *Worker) pushStock(ctx context.Context, listingID int64, settle bool) error {
	sctx := system(ctx)
	l, err := w.cfg.Store.Listing(sctx, listingID)
	if err != nil {
		if catalog.ErrorCode(err) == catalog.CodeNotFound {
			return nil // deleted since
		}
		return err
	}
	if l.Status != catalog.ListingLive {
		return nil
	}
	shop, err := w.cfg.Store.Shop(sctx, l.ShopID)
	if err != nil {
		return err
	}
	if !shop.Connected {
		return nil
	}
	ch, err := w.cfg.Channels.For(shop)
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	variant, err := w.variant(sctx, l)
	if err != nil {
		return err
	}
	// The hub first, then the channel, then the push at once: the only
	// sales that can slip through are those in the one round trip between
	// reading the channel and writing it. An order ingested after the hub
	// was read counts as unseen now and as sold-since-push next time.
	l, onHand, reserved, version, err := w.cfg.Store.PushSnapshot(sctx, listingID, shop.Rule)
	if err != nil {
		return err
	}
	current := l.PushedQuantity
	if l.PushedAt != nil {
		found, err := ch.FindBySellerSKU(ctx, string(variant.SKU))
		if err != nil {
			return err
		}
		for _, v := range found.Variants {
			if v.SellerSKU == string(variant.SKU) {
				current = v.Stock
			}
		}
	}
	unseen := int64(0)
	if l.PushedAt != nil {
		unseen = catalog.UnseenSales(l.PushedBase, current, l.SoldSincePush)
	}
	avail := shop.Rule.ChannelQuantity(onHand, reserved)
	switch {
	case l.PushedAt == nil:
	case l.PushedVersion >= version && !settle:
		// The hub knows nothing new; the channel already shows its own
		// sales, seen or not. Writing would only risk erasing sales made
		// while we write.
		return nil
	case settle && (unseen > 0 || l.SoldSincePush > 0):
		// Still selling: keep the margin a little longer.
		_, _ = w.client.EnqueueContext(ctx, SettlePushTask(l.ID))
		return nil
	case !settle && avail == l.PushedAvail-l.SoldSincePush:
		// Nothing changed but this shop's own sales, which the channel
		// took off by itself. Record it as pushed without writing.
		return w.cfg.Store.RecordPush(sctx, store.PushRecord{ListingID: l.ID, Kind: "stock", Before: &current,
			After: &current, Version: version, Result: "own_sales", SoldAccounted: l.SoldSincePush,
			Base: current + unseen, Avail: avail})
	}
	margin := catalog.SellingMargin(unseen, l.SoldSincePush)
	qty := catalog.PushQuantity(shop.Rule, onHand, reserved, unseen, margin)
	// What the channel would show now but for sales after this write: the
	// units written plus the sales already made that will arrive later.
	base := qty + unseen
	if qty == current && l.PushedVersion >= version {
		return nil
	}
	start := time.Now()
	results, err := ch.SetStock(ctx, []driver.StockUpdate{{ItemID: l.ExternalItemID, ModelID: l.ExternalModelID,
		SellerSKU: string(variant.SKU), Quantity: qty}})
	if err == nil && len(results) == 1 {
		err = results[0].Err
	}
	rec := store.PushRecord{ListingID: l.ID, Kind: "stock", Before: &current, After: &qty, Version: version,
		Result: "ok", Latency: time.Since(start), SoldAccounted: l.SoldSincePush, Base: base, Avail: avail}
	var de *driver.Error
	if errors.As(err, &de) {
		rec.RequestID = de.RequestID
	}
	if err != nil {
		rec.Result, rec.Error = "error", err.Error()
	}
	if rerr := w.cfg.Store.RecordPush(sctx, rec); rerr != nil {
		return rerr
	}
	if err == nil && margin > 0 {
		// Give the margin back once the burst has passed.
		_, _ = w.client.EnqueueContext(ctx, SettlePushTask(l.ID))
	}
	return permanent(err)
}

func (w *Worker) variant(ctx context.Context, l catalog.Listing) (catalog.Variant, error) {
	p, err := w.cfg.Store.Product(ctx, l.ProductID)
	if err != nil {
		return catalog.Variant{}, err
	}
	for _, v := range p.Variants {
		if v.ID == l.VariantID {
			return v, nil
		}
	}
	return catalog.Variant{}, fmt.Errorf("variant %d not in product %d: %w", l.VariantID, l.ProductID, asynq.SkipRetry)
}
