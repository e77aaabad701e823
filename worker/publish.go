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

// handlePublish creates a product's item in a shop with every variant
// listed there (the Channel finds an item the channel already holds by
// seller SKU, so a create retried after a timeout never makes a second
// one), stores the channel's ids, marks the listings live and pushes their
// stock. Each variant is created at its listing's base price: the listing's
// own price, else the catalog's under the shop's price rule.
func (w *Worker) handlePublish(ctx context.Context, t *asynq.Task) error {
	var p ListingPublish
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	sctx := system(ctx)
	shop, err := w.cfg.Store.Shop(sctx, p.ShopID)
	if err != nil {
		return err
	}
	product, err := w.cfg.Store.Product(sctx, p.ProductID)
	if err != nil {
		return err
	}
	byVariant := map[int64]catalog.Listing{}
	for _, v := range product.Variants {
		ls, err := w.cfg.Store.ListingsOfVariant(sctx, v.ID)
		if err != nil {
			return err
		}
		for _, l := range ls {
			if l.ShopID == shop.ID {
				byVariant[l.VariantID] = l
			}
		}
	}
	if len(byVariant) == 0 {
		return nil
	}
	if product.Archived() { // archived since the publish was queued: sold nowhere
		return w.keepArchivedOff(ctx, shop.ID, product.ID, byVariant)
	}
	ch, err := w.cfg.Channels.For(shop)
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	listing := itemContent(product, byVariant, catalog.Today(w.cfg.Now()))
	for _, v := range product.Variants {
		l, ok := byVariant[v.ID]
		if !ok {
			continue
		}
		price, _ := catalog.ListingBase(v.Price, l.Price, shop.PriceRule) // a running campaign's price follows (joinRunningCampaigns)
		listing.Variants = append(listing.Variants, driver.Variant{SellerSKU: string(v.SKU), Name: v.Name.VI,
			Price: int64(price), Stock: 0, WeightG: max(v.NetWeightG, v.Package.WeightG), GTIN: string(v.GTIN),
			LengthMM: v.Package.LengthMM, WidthMM: v.Package.WidthMM, HeightMM: v.Package.HeightMM})
		_ = w.cfg.Store.SetListingState(sctx, l.ID, catalog.ListingPublishing, "", "", "")
	}
	if err := w.placeItem(ctx, ch, shop, product, &listing); err != nil {
		var r *refusal
		if errors.As(err, &r) {
			for _, l := range byVariant {
				_ = w.cfg.Store.SetListingState(sctx, l.ID, catalog.ListingError, r.Message, "", "")
			}
			return nil // nothing to retry until the manager fills the category
		}
		if driver.Transient(err) {
			return err
		}
		for _, l := range byVariant {
			_ = w.cfg.Store.SetListingState(sctx, l.ID, catalog.ListingError, channelMessage(err), "", "")
		}
		return permanent(err)
	}
	images, err := w.listingImages(ctx, ch, shop, product.ID)
	if err == nil {
		listing.Images = images
		var created driver.Listing
		if created, err = ch.CreateListing(ctx, listing); err == nil {
			var live []int64
			for _, cv := range created.Variants {
				for _, v := range product.Variants {
					if l, ok := byVariant[v.ID]; ok && string(v.SKU) == cv.SellerSKU {
						if err := w.cfg.Store.SetListingState(sctx, l.ID, catalog.ListingLive, "", created.ItemID, cv.ModelID); err != nil {
							return err
						}
						if err := w.enqueuePush(ctx, l.ShopID, l.ID); err != nil {
							return err
						}
						live = append(live, l.ID)
					}
				}
			}
			w.joinRunningCampaigns(ctx, live)
			// Archived while the item was being created: the archive's
			// delisting found nothing live yet, so take it off now.
			if now, err := w.cfg.Store.Product(sctx, product.ID); err == nil && now.Archived() {
				_, err := w.client.EnqueueContext(ctx, DelistTask(shop.ID, product.ID))
				return err
			}
			return nil
		}
	}
	if driver.Transient(err) || catalog.ErrorCode(err) == catalog.CodeUnavailable {
		return err
	}
	msg := channelMessage(err)
	if errors.Is(err, errNoPhoto) {
		msg = errNoPhoto.Message
	}
	for _, l := range byVariant {
		_ = w.cfg.Store.SetListingState(sctx, l.ID, catalog.ListingError, msg, "", "")
	}
	return permanent(err)
}

// keepArchivedOff settles the listings of an archived product in a shop:
// those not on the channel are delisted here; a live one is taken off
// the channel by a delist task (it stays live until the channel confirms).
func (w *Worker) keepArchivedOff(ctx context.Context, shopID, productID int64, listings map[int64]catalog.Listing) error {
	live := false
	for _, l := range listings {
		if l.Status == catalog.ListingLive {
			live = true
			continue
		}
		if err := w.cfg.Store.SetListingState(system(ctx), l.ID, catalog.ListingDelisted, "", "", ""); err != nil {
			return err
		}
	}
	if live {
		_, err := w.client.EnqueueContext(ctx, DelistTask(shopID, productID))
		return err
	}
	return nil
}

// itemContent is what a product's item in a shop shows on day today: the
// product's name and description, with the shop's listings' own title,
// category and attributes where they set them (one item holds every
// variant: the first variant's listing that sets one wins).
func itemContent(product catalog.Product, listings map[int64]catalog.Listing, today catalog.Date) driver.Listing {
	out := driver.Listing{Title: product.Name.VI, Description: describe(product, today), Active: true}
	titled := false
	for _, v := range product.Variants {
		l, ok := listings[v.ID]
		if !ok {
			continue
		}
		if l.Title != "" && !titled {
			out.Title, titled = l.Title, true
		}
		if out.CategoryID == "" {
			out.CategoryID = l.CategoryID
		}
		for k, val := range l.Attributes {
			if out.Attributes == nil {
				out.Attributes = map[string]string{}
			}
			if _, set := out.Attributes[k]; !set {
				out.Attributes[k] = val
			}
		}
	}
	return out
}

// describe is the listing description on day today: the product's, with
// its OCOP rating while the certificate is in force (catalog.OCOPClaim).
func describe(p catalog.Product, today catalog.Date) string {
	d := p.Description.VI
	if d == "" {
		d = p.Name.VI
	}
	if claim := p.OCOPClaim(today); claim != "" {
		d += "\n" + claim
	}
	return d
}

// channelMessage is the channel's own words, kept for the seller.
func channelMessage(err error) string { return driver.Redact(err.Error()) }
