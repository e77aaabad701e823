package worker

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/connectors/driver"
)

var orderStatuses = map[driver.OrderStatus]catalog.OrderStatus{
	driver.OrderUnpaid: catalog.OrderUnpaid, driver.OrderReadyToShip: catalog.OrderReadyToShip,
	driver.OrderShipped: catalog.OrderShipped, driver.OrderDelivered: catalog.OrderDelivered,
	driver.OrderCancelled: catalog.OrderCancelled,
}

// handleIngest fetches one order from its channel and applies it to the
// hub; the stock change then flows out through the outbox.
func (w *Worker) handleIngest(ctx context.Context, t *asynq.Task) error {
	var p OrderIngest
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	sctx := system(ctx)
	shop, err := w.cfg.Store.Shop(sctx, p.ShopID)
	if err != nil {
		return err
	}
	if err := w.ingest(ctx, shop, []string{p.ExternalID}); err != nil {
		return err
	}
	if p.InboxID != 0 {
		return w.cfg.Store.InboxProcessed(sctx, p.InboxID)
	}
	return nil
}

// ingest fetches full orders and applies each.
func (w *Worker) ingest(ctx context.Context, shop catalog.Shop, ids []string) error {
	ch, err := w.cfg.Channels.For(shop)
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	orders, err := ch.GetOrders(ctx, ids)
	if err != nil {
		return permanent(err)
	}
	for _, o := range orders {
		in := store.OrderIn{ShopID: shop.ID, ExternalID: o.ID, Status: orderStatuses[o.Status],
			PlatformStatus: o.PlatformStatus, Total: catalog.VND(o.Total), Tracking: o.Tracking, PlacedAt: o.CreatedAt}
		for _, l := range o.Lines {
			in.Lines = append(in.Lines, catalog.OrderLine{SellerSKU: l.SellerSKU, Quantity: l.Quantity, Price: catalog.VND(l.Price)})
		}
		if _, changed, err := w.cfg.Store.IngestOrder(system(ctx), in); err != nil {
			return err
		} else if changed {
			w.Wake()
		}
	}
	return nil
}

// pollOverlap re-reads a little before the cursor: an order updated in the
// same second as the last poll is read again rather than missed (ingesting
// it twice changes nothing).
const pollOverlap = 2 * time.Minute

// handlePoll lists the shop's orders updated since its cursor and ingests
// them: the backstop that brings orders whose push never came.
func (w *Worker) handlePoll(ctx context.Context, t *asynq.Task) error {
	var p OrdersPoll
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	return w.Poll(ctx, p.ShopID)
}

// Poll runs the backstop for one shop now.
func (w *Worker) Poll(ctx context.Context, shopID int64) error {
	sctx := system(ctx)
	shop, err := w.cfg.Store.Shop(sctx, shopID)
	if err != nil {
		return err
	}
	ch, err := w.cfg.Channels.For(shop)
	if err != nil {
		return err
	}
	now := time.Now()
	from := shop.OrdersCursor.Add(-pollOverlap)
	if shop.OrdersCursor.IsZero() {
		from = now.Add(-7 * 24 * time.Hour)
	}
	summaries, err := ch.ListOrders(ctx, from, now.Add(time.Second))
	if err != nil {
		return permanent(err)
	}
	ids := make([]string, 0, len(summaries))
	for _, s := range summaries {
		ids = append(ids, s.ID)
	}
	if len(ids) > 0 {
		if err := w.ingest(ctx, shop, ids); err != nil {
			return err
		}
	}
	return w.cfg.Store.SetOrdersCursor(sctx, shop.ID, now)
}
