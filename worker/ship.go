package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hibiken/asynq"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/connectors/driver"
)

// handleShip ships a hub order on its channel: the platform's fulfilment
// calls (the drivers resume where an earlier attempt stopped, so a retry
// after a timeout never ships twice), then the order is read back from the
// channel and applied like any ingested order, so its status, tracking
// number and stock deduction come from the normal stock plan.
func (w *Worker) handleShip(ctx context.Context, t *asynq.Task) error {
	var p OrderShip
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	err := w.ship(ctx, p)
	if errors.Is(err, asynq.SkipRetry) && ctx.Err() == nil {
		w.cfg.Logger.Warn("cannot ship order", "order", p.OrderID, "err", driver.Redact(err.Error()))
	}
	return err
}

func (w *Worker) ship(ctx context.Context, p OrderShip) error {
	sctx := system(ctx)
	order, err := w.cfg.Store.Order(sctx, p.OrderID)
	if catalog.ErrorCode(err) == catalog.CodeNotFound {
		return fmt.Errorf("order %d: %w: %w", p.OrderID, err, asynq.SkipRetry)
	}
	if err != nil {
		return err
	}
	switch {
	case shipped(order.Status) && order.Tracking != "":
		return nil // an earlier attempt finished
	case order.Status == catalog.OrderCancelled:
		return fmt.Errorf("order %d is cancelled: %w", order.ID, asynq.SkipRetry)
	}
	shop, err := w.cfg.Store.Shop(sctx, order.ShopID)
	if err != nil {
		return err
	}
	if !shop.Connected {
		return fmt.Errorf("shop %s is disconnected; reconnect it to ship order %d: %w", shop.Key(), order.ID, asynq.SkipRetry)
	}
	ch, err := w.cfg.Channels.For(shop)
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	tracking, shipErr := ch.ShipOrder(ctx, driver.Shipment{OrderID: order.ExternalID, TrackingNumber: p.TrackingNumber})
	if driver.Transient(shipErr) {
		return shipErr
	}
	// Read the order back even after a refusal: a platform may refuse to
	// ship an order that an earlier attempt (or the seller, on the
	// platform) already shipped, and the read tells.
	if err := w.ingest(ctx, shop, []string{order.ExternalID}); err != nil {
		if shipErr != nil {
			return permanent(shipErr)
		}
		return err
	}
	got, err := w.cfg.Store.Order(sctx, order.ID)
	if err != nil {
		return err
	}
	if shipErr != nil {
		if shipped(got.Status) {
			return nil
		}
		return permanent(shipErr)
	}
	// The fulfilment call's tracking number, when the channel's order does
	// not carry it yet (some platforms number the parcel separately).
	if got.Tracking == "" && tracking != "" {
		if _, _, err := w.cfg.Store.IngestOrder(sctx, store.OrderIn{ShopID: shop.ID, ExternalID: got.ExternalID,
			Status: got.Status, PlatformStatus: got.PlatformStatus, Tracking: tracking}); err != nil {
			return err
		}
	}
	w.Wake()
	return nil
}

func shipped(s catalog.OrderStatus) bool {
	return s == catalog.OrderShipped || s == catalog.OrderDelivered
}
