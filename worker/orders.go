package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bsm/redislock"
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

// handleIngest brings one order in. Under a burst many arrive for the
// same shop; fetching them one by one would spend the shop's call budget
// on single-order reads. So the order joins its shop's pending set, and
// whichever ingest holds the shop's lock drains the set in batches of the
// platform's GetOrders limit; an ingest that finds the lock taken leaves
// its order to the holder. The holder, after releasing, looks at the set
// once more: an order added while it held the lock is never stranded.
// Redis is only a transport: the inbox row stays unprocessed until its
// order is applied, and the relay's sweep queues it again.
func (w *Worker) handleIngest(ctx context.Context, t *asynq.Task) error {
	var p OrderIngest
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	key := ingestKey(p.ShopID)
	if err := w.cfg.Redis.SAdd(ctx, key, strconv.FormatInt(p.InboxID, 10)+"/"+p.ExternalID).Err(); err != nil {
		return err
	}
	for {
		lock, err := w.cfg.Channels.Locker.Obtain(ctx, "ocophub:lock:ingest:"+strconv.FormatInt(p.ShopID, 10), 30*time.Second, nil)
		if errors.Is(err, redislock.ErrNotObtained) {
			return nil // the holder will take it
		}
		if err != nil {
			return err
		}
		err = w.drainIngest(ctx, p.ShopID, key, lock)
		_ = lock.Release(context.WithoutCancel(ctx))
		if err != nil {
			return err
		}
		if n, err := w.cfg.Redis.SCard(ctx, key).Result(); err != nil || n == 0 {
			return err
		}
	}
}

func ingestKey(shopID int64) string { return "ocophub:ingest:pending:" + strconv.FormatInt(shopID, 10) }

// drainIngest fetches and applies the shop's pending orders until the set
// is empty; a failed batch goes back into the set before the task retries.
func (w *Worker) drainIngest(ctx context.Context, shopID int64, key string, lock *redislock.Lock) error {
	sctx := system(ctx)
	shop, err := w.cfg.Store.Shop(sctx, shopID)
	if err != nil {
		return err
	}
	for {
		members, err := w.cfg.Redis.SPopN(ctx, key, 50).Result()
		if err != nil || len(members) == 0 {
			return err
		}
		var ids []string
		var inbox []int64
		seen := map[string]bool{}
		for _, m := range members {
			id, ext, _ := strings.Cut(m, "/")
			if n, _ := strconv.ParseInt(id, 10, 64); n != 0 {
				inbox = append(inbox, n)
			}
			if !seen[ext] {
				seen[ext] = true
				ids = append(ids, ext)
			}
		}
		err = w.ingest(ctx, shop, ids)
		if err == nil {
			err = w.cfg.Store.InboxProcessed(sctx, inbox...)
		}
		if err != nil {
			_ = w.cfg.Store.InboxFailed(sctx, err.Error(), inbox...)
			if !errors.Is(err, asynq.SkipRetry) {
				back := make([]any, len(members))
				for i, m := range members {
					back[i] = m
				}
				w.cfg.Redis.SAdd(context.WithoutCancel(ctx), key, back...)
			}
			return err
		}
		if err := lock.Refresh(ctx, 30*time.Second, nil); err != nil {
			return err
		}
	}
}

// ingest fetches full orders and applies each. A status the driver could
// not map is stored as unknown and flagged for a person, and an order the
// store refuses outright is logged and passed over: one odd order never
// holds up the rest of the shop's orders nor its polling cursor.
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
		status, known := orderStatuses[o.Status]
		if !known {
			status = catalog.OrderUnknown
		}
		in := store.OrderIn{ShopID: shop.ID, ExternalID: o.ID, Status: status,
			PlatformStatus: o.PlatformStatus, Total: catalog.VND(o.Total), Tracking: o.Tracking, PlacedAt: o.CreatedAt}
		for _, l := range o.Lines {
			in.Lines = append(in.Lines, catalog.OrderLine{SellerSKU: l.SellerSKU, Quantity: l.Quantity, Price: catalog.VND(l.Price)})
		}
		_, changed, err := w.cfg.Store.IngestOrder(system(ctx), in)
		if catalog.ErrorCode(err) == catalog.CodeInvalidArgument {
			w.cfg.Logger.Error("order refused; left out", "shop", shop.Key(), "order", o.ID, "err", err)
			continue
		}
		if err != nil {
			return err
		}
		if changed {
			w.lag.ingested(shop, o.CreatedAt, time.Now())
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

// Ingest brings the named orders of a shop in now, as a webhook would: an
// operator's re-drive of orders the platform never pushed, and the tests'
// way to decide exactly when each order reaches the hub.
func (w *Worker) Ingest(ctx context.Context, shopID int64, externalIDs ...string) error {
	shop, err := w.cfg.Store.Shop(system(ctx), shopID)
	if err != nil {
		return err
	}
	return w.ingest(ctx, shop, externalIDs)
}
