package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/connectors/driver"
)

// handleStockPush pushes a listing's CURRENT stock as an absolute value,
// going round again while the listing was marked dirty during the push.
func (w *Worker) handleStockPush(ctx context.Context, t *asynq.Task) error {
	var p StockPush
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	for round := 0; round < 10; round++ {
		w.cfg.Redis.Del(ctx, dirtyKey(p.ListingID))
		if err := w.pushStock(ctx, p.ListingID); err != nil {
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
func (w *Worker) pushStock(ctx context.Context, listingID int64) error {
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
	// The channel first, then the hub: units the channel sold after this
	// read are not in current, and the next push accounts for them.
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
	l, err = w.cfg.Store.Listing(sctx, listingID)
	if err != nil {
		return err
	}
	onHand, reserved, version, err := w.cfg.Store.VariantStock(sctx, l.VariantID, shop.Rule)
	if err != nil {
		return err
	}
	unseen := int64(0)
	if l.PushedAt != nil {
		unseen = catalog.UnseenSales(l.PushedQuantity, current, l.SoldSincePush)
	}
	qty := catalog.PushQuantity(shop.Rule, onHand, reserved, unseen)
	if l.PushedVersion >= version && qty == current {
		return nil
	}
	start := time.Now()
	results, err := ch.SetStock(ctx, []driver.StockUpdate{{ItemID: l.ExternalItemID, ModelID: l.ExternalModelID,
		SellerSKU: string(variant.SKU), Quantity: qty}})
	if err == nil && len(results) == 1 {
		err = results[0].Err
	}
	rec := store.PushRecord{ListingID: l.ID, Kind: "stock", Before: &current, After: &qty, Version: version,
		Result: "ok", Latency: time.Since(start), SoldAccounted: l.SoldSincePush}
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
