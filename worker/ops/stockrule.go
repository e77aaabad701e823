package ops

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/hibiken/asynq"

	"ocophub/catalog"
	"ocophub/worker"
)

// SetStockRule replaces a shop's stock rule if version is current, and
// queues a push of every live listing of the shop: what a shop shows
// changes with its rule, not only with stock. Every bad field is reported
// at once, named as in the rule (buffer_units, warehouse_ids[0], …); a
// warehouse must be one of the shop's co-op.
func (c *Commands) SetStockRule(ctx context.Context, shopID, version int64, rule catalog.StockRule) (catalog.Shop, error) {
	shop, err := c.Store.Shop(ctx, shopID)
	if err != nil {
		return catalog.Shop{}, err
	}
	rule.WarehouseIDs = Dedupe(rule.WarehouseIDs)
	if err := c.validateRule(ctx, shop, rule); err != nil {
		return catalog.Shop{}, err
	}
	if shop, err = c.Store.SetShopRule(ctx, shopID, version, rule); err != nil {
		return catalog.Shop{}, unprefixFields(err, "stock_rule.")
	}
	c.repushShop(ctx, shop.ID)
	return shop, nil
}

func (c *Commands) validateRule(ctx context.Context, shop catalog.Shop, rule catalog.StockRule) error {
	fe := catalog.FieldErrors{}
	var ce *catalog.Error
	if err := rule.Validate(); errors.As(err, &ce) {
		for f, reason := range ce.Fields {
			fe.Add(strings.TrimPrefix(f, "stock_rule."), reason)
		}
	} else if err != nil {
		return err
	}
	for i, wid := range rule.WarehouseIDs {
		w, err := c.Store.Warehouse(ctx, wid)
		if catalog.ErrorCode(err) == catalog.CodeNotFound || err == nil && w.CoopID != shop.CoopID {
			fe.Add(fmt.Sprintf("warehouse_ids[%d]", i), "not a warehouse of the shop's co-op")
			continue
		}
		if err != nil {
			return err
		}
	}
	return fe.Err()
}

// repushShop queues a push of each live listing of the shop. The rule is
// saved whatever happens here: a push that cannot be queued is logged (the
// periodic reconcile brings the shop to its rule anyway).
func (c *Commands) repushShop(ctx context.Context, shopID int64) {
	q := catalog.ListQuery{Limit: catalog.MaxLimit}
	for {
		page, next, err := c.Store.ListListings(ctx, shopID, q)
		if err != nil {
			slog.WarnContext(ctx, "stock rule changed but the shop's listings cannot be read to push", "shop", shopID, "err", err)
			return
		}
		for _, l := range page {
			if l.Status != catalog.ListingLive {
				continue
			}
			if _, err := c.Enqueue(ctx, worker.StockPushTask(l.ID)); err != nil {
				slog.WarnContext(ctx, "stock rule changed but a push cannot be queued", "listing", l.ID, "err", err)
			}
		}
		if next == "" {
			return
		}
		q.Cursor = next
	}
}

// SetListingOverrides replaces a listing's own content on its channel
// (title, price, category, attributes) if version is current and, when
// the listing is live, queues the product's update in that shop so the
// channel gets it (prices through pushPrices: a running campaign keeps its
// price over the new base).
func (c *Commands) SetListingOverrides(ctx context.Context, listingID, version int64, o catalog.ListingOverrides) (catalog.Listing, error) {
	l, err := c.Store.SetListingOverrides(ctx, listingID, version, o)
	if err != nil || l.Status != catalog.ListingLive {
		return l, err
	}
	if _, err := c.Enqueue(ctx, worker.UpdateTask(l.ShopID, l.ProductID)); err != nil {
		return l, &catalog.Error{Code: catalog.CodeUnavailable, Message: "saved, but the update could not be queued; save again to retry", Err: err}
	}
	return l, nil
}

// unprefixFields renames the store's field names to the rule's.
func unprefixFields(err error, prefix string) error {
	var ce *catalog.Error
	if !errors.As(err, &ce) || len(ce.Fields) == 0 {
		return err
	}
	out := *ce
	out.Fields = map[string]string{}
	for f, reason := range ce.Fields {
		out.Fields[strings.TrimPrefix(f, prefix)] = reason
	}
	return &out
}

// SetPriceRule replaces a shop's price rule if version is current, and
// queues an update of every product live on the shop, so the channel shows
// the new prices (pushPrices: a listing's own price and a running campaign
// still win). Fields are named as in the rule (kind, value, round_to).
func (c *Commands) SetPriceRule(ctx context.Context, shopID, version int64, rule catalog.PriceRule) (catalog.Shop, error) {
	shop, err := c.Store.SetShopPriceRule(ctx, shopID, version, rule)
	if err != nil {
		return catalog.Shop{}, unprefixFields(err, "price_rule.")
	}
	c.repushPrices(ctx, shop)
	return shop, nil
}

// repushPrices queues one price update per product live on the shop. Each
// carries a task id of its own for this version of the shop: an update of
// the product already running may have read the old rule, so it must not
// swallow this one (two updates of an item are serialized by pushPrices'
// lock, and the later reads the new rule). The rule is saved whatever
// happens here: an update that cannot be queued is logged, and the next
// price change of the product pushes it.
func (c *Commands) repushPrices(ctx context.Context, shop catalog.Shop) {
	shopID := shop.ID
	q := catalog.ListQuery{Limit: catalog.MaxLimit}
	queued := map[int64]bool{}
	for {
		page, next, err := c.Store.ListListings(ctx, shopID, q)
		if err != nil {
			slog.WarnContext(ctx, "price rule changed but the shop's listings cannot be read to push", "shop", shopID, "err", err)
			return
		}
		for _, l := range page {
			if l.Status != catalog.ListingLive || queued[l.ProductID] {
				continue
			}
			queued[l.ProductID] = true
			id := fmt.Sprintf("update:%d:%d:shop-v%d", shopID, l.ProductID, shop.Version)
			if _, err := c.Enqueue(ctx, worker.UpdateTask(shopID, l.ProductID), asynq.TaskID(id)); err != nil {
				slog.WarnContext(ctx, "price rule changed but an update cannot be queued", "shop", shopID, "product", l.ProductID, "err", err)
			}
		}
		if next == "" {
			return
		}
		q.Cursor = next
	}
}
