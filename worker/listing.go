package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/connectors/driver"
)

// productChanged queues an update of the product's item in every shop
// where it is live.
func (w *Worker) productChanged(ctx context.Context, payload []byte) error {
	var p catalog.ProductChanged
	if err := json.Unmarshal(payload, &p); err != nil {
		return nil
	}
	product, err := w.cfg.Store.Product(system(ctx), p.ProductID)
	if err != nil {
		return nil // deleted since
	}
	shops := map[int64]bool{}
	for _, v := range product.Variants {
		ls, err := w.cfg.Store.ListingsOfVariant(system(ctx), v.ID)
		if err != nil {
			return err
		}
		for _, l := range ls {
			if l.Status == catalog.ListingLive && !shops[l.ShopID] {
				shops[l.ShopID] = true
				if _, err := w.client.EnqueueContext(ctx, UpdateTask(l.ShopID, product.ID)); err != nil &&
					!errors.Is(err, asynq.ErrTaskIDConflict) {
					return err
				}
			}
		}
	}
	return nil
}

// liveListings returns the shop, product and its live listings by variant.
func (w *Worker) liveListings(ctx context.Context, shopID, productID int64) (catalog.Shop, catalog.Product, map[int64]catalog.Listing, error) {
	sctx := system(ctx)
	shop, err := w.cfg.Store.Shop(sctx, shopID)
	if err != nil {
		return catalog.Shop{}, catalog.Product{}, nil, err
	}
	product, err := w.cfg.Store.Product(sctx, productID)
	if err != nil {
		return catalog.Shop{}, catalog.Product{}, nil, err
	}
	out := map[int64]catalog.Listing{}
	for _, v := range product.Variants {
		ls, err := w.cfg.Store.ListingsOfVariant(sctx, v.ID)
		if err != nil {
			return catalog.Shop{}, catalog.Product{}, nil, err
		}
		for _, l := range ls {
			if l.ShopID == shopID && l.Status == catalog.ListingLive && l.ExternalItemID != "" {
				out[v.ID] = l
			}
		}
	}
	return shop, product, out, nil
}

// handleUpdate sends the product's title and description and every live
// variant's price (the listing's override, else the catalog's) to its item
// in the shop; each price change is audited.
func (w *Worker) handleUpdate(ctx context.Context, t *asynq.Task) error {
	var p ListingUpdate
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	shop, product, live, err := w.liveListings(ctx, p.ShopID, p.ProductID)
	if err != nil || len(live) == 0 || !shop.Connected {
		return err
	}
	ch, err := w.cfg.Channels.For(shop)
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	var itemID string
	var prices []driver.PriceUpdate
	byVariant := map[string]catalog.Listing{}
	for _, v := range product.Variants {
		l, ok := live[v.ID]
		if !ok {
			continue
		}
		itemID = l.ExternalItemID
		price := v.Price
		if l.Price > 0 {
			price = l.Price
		}
		prices = append(prices, driver.PriceUpdate{ItemID: l.ExternalItemID, ModelID: l.ExternalModelID,
			SellerSKU: string(v.SKU), Price: int64(price)})
		byVariant[string(v.SKU)] = l
	}
	title := product.Name.VI
	for _, l := range live {
		if l.Title != "" {
			title = l.Title
		}
	}
	if err := ch.UpdateListing(ctx, driver.Listing{ItemID: itemID, Title: title, Description: describe(product), Active: true}); err != nil {
		return permanent(err)
	}
	start := time.Now()
	results, err := ch.SetPrice(ctx, prices)
	if err != nil {
		return err
	}
	for _, r := range results {
		l := byVariant[r.SellerSKU]
		rec := store.PushRecord{ListingID: l.ID, Kind: "price", Result: "ok", Latency: time.Since(start)}
		if r.Err != nil {
			rec.Result, rec.Error = "error", r.Err.Error()
		}
		if err := w.cfg.Store.RecordPush(system(ctx), rec); err != nil {
			return err
		}
	}
	return nil
}

// handleDelist takes the product's item in the shop off sale and marks its
// listings delisted.
func (w *Worker) handleDelist(ctx context.Context, t *asynq.Task) error {
	var p ListingDelist
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	shop, _, live, err := w.liveListings(ctx, p.ShopID, p.ProductID)
	if err != nil || len(live) == 0 {
		return err
	}
	ch, err := w.cfg.Channels.For(shop)
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	var itemID string
	for _, l := range live {
		itemID = l.ExternalItemID
	}
	if err := ch.SetActive(ctx, itemID, false); err != nil {
		return permanent(err)
	}
	for _, l := range live {
		if err := w.cfg.Store.SetListingState(system(ctx), l.ID, catalog.ListingDelisted, "", "", ""); err != nil {
			return err
		}
	}
	return nil
}
