package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hibiken/asynq"

	"ocophub/catalog"
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
				task := UpdateTask(l.ShopID, product.ID)
				if product.Archived() { // an archived product is sold nowhere
					task = DelistTask(l.ShopID, product.ID)
				}
				if _, err := w.client.EnqueueContext(ctx, task); err != nil &&
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

// handleUpdate sends the product's content to its item in the shop (title,
// description, and the listings' category and attributes: itemContent), then every live variant's price (pushPrices: the campaign's
// while one runs, else the listing's override, else the catalog's under the shop's price rule); each
// price change is audited.
func (w *Worker) handleUpdate(ctx context.Context, t *asynq.Task) error {
	var p ListingUpdate
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	shop, product, live, err := w.liveListings(ctx, p.ShopID, p.ProductID)
	if err != nil || len(live) == 0 || !shop.Connected || product.Archived() {
		return err // an archived product's item is being delisted: nothing to update
	}
	ch, err := w.cfg.Channels.For(shop)
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	content := itemContent(product, live, catalog.Today(w.cfg.Now()))
	for _, v := range product.Variants {
		if l, ok := live[v.ID]; ok {
			content.ItemID = l.ExternalItemID
		}
	}
	// The gallery as it is now: a changed gallery re-pushes the item's
	// photos. An emptied gallery leaves the item's last photos (platforms
	// cannot list an item with none).
	images, err := w.listingImages(ctx, ch, shop, product.ID)
	switch {
	case err == nil:
		content.Images = images
	case errors.Is(err, errNoPhoto):
	case driver.Transient(err), catalog.ErrorCode(err) == catalog.CodeUnavailable:
		return err
	default:
		return permanent(err)
	}
	var r *refusal
	switch err := w.placeItem(ctx, ch, shop, product, &content); {
	case errors.As(err, &r):
		// The item stays as it is on the platform; its prices still go.
		w.cfg.Logger.Warn("item content not updated", "shop", shop.ID, "product", product.ID, "reason", r.Message)
	case err != nil && driver.Transient(err):
		return err
	case err != nil:
		return permanent(err)
	default:
		if err := ch.UpdateListing(ctx, content); err != nil {
			return permanent(err)
		}
	}
	return w.pushPrices(ctx, ch, shop, product, live)
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
