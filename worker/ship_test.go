package worker_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bsm/redislock"
	"github.com/hibiken/asynq"
	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/csvimport"
	"ocophub/catalog/demo"
	"ocophub/catalog/photo/phototest"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
	"ocophub/connectors"
	"ocophub/connectors/sandbox"
	"ocophub/worker"
)

// TestShipOrderEndToEnd: the demo co-op publishes a product to Lazada, a
// buyer orders 2 boxes, the hub brings the order in; shipping it from the
// hub ships it on Lazada (the carrier's tracking number comes back), and the
// hub order becomes shipped with that number and its 2 units deducted.
// An unpaid order cannot be shipped and is not retried. PostgreSQL, Redis,
// the Lazada sandbox and the real worker.
func TestShipOrderEndToEnd(t *testing.T) {
	ctx, cancel := context.WithTimeout(storetest.Operator(), 90*time.Second)
	defer cancel()
	keys, err := store.ParseKeys(store.NewKey("k1"))
	require.NoError(t, err)
	st := storetest.OpenWith(t, store.Postgres, store.Options{Keys: keys})
	_, err = csvimport.ImportFile(ctx, st, demo.CSV, "demo.csv", catalog.ImportOptions{Actor: "test"})
	require.NoError(t, err)
	photos := phototest.Library(t)
	phototest.AddToAll(t, ctx, st, photos)
	products, _, err := st.ListProducts(ctx, catalog.ListQuery{Q: "hao dat"})
	require.NoError(t, err)
	require.Len(t, products, 1)
	product := products[0]
	variant := product.Variants[0]
	require.Equal(t, catalog.SKU("CHE-HAODAT-100G"), variant.SKU)

	rdb := testRedis(t)
	var lz *platform
	factories := map[catalog.Platform]worker.DriverFactory{}
	for _, p := range startPlatforms(t) {
		factories[p.name] = p.factory
		if p.name == catalog.PlatformLazada {
			lz = p
		}
	}
	w := worker.New(worker.Config{Store: st, Redis: rdb, Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Channels:      &worker.Channels{Store: st, Locker: redislock.New(rdb), Factories: factories, Options: connectors.Options{}},
		SweepInterval: 500 * time.Millisecond, PollInterval: time.Hour, Photos: photos})
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(runCtx) }()
	defer func() { stop(); <-done }()

	shop := connect(t, ctx, st, lz, product.CoopID)
	sbShop, err := strconv.ParseInt(shop.ExternalID, 10, 64)
	require.NoError(t, err)
	for _, v := range product.Variants {
		_, err := st.AddListing(ctx, shop.ID, v.ID)
		require.NoError(t, err)
	}
	_, err = w.Client().Enqueue(worker.PublishTask(shop.ID, product.ID))
	require.NoError(t, err)
	eventually(t, "published on Lazada with the catalog stock", func() error {
		if got, ok := channelStock(lz, string(variant.SKU)); !ok || got != 120 {
			ls, _, _ := st.ListListings(ctx, shop.ID, catalog.ListQuery{})
			var states []string
			for _, l := range ls {
				states = append(states, string(l.Status)+" "+l.Error)
			}
			return fmt.Errorf("Lazada shows %d (listed %v), want 120; listings %q", got, ok, states)
		}
		return nil
	})

	// A buyer takes 2 boxes; the poll brings the order in and reserves them.
	var placed sandbox.Order
	require.Equal(t, http.StatusOK, control(t, lz, fmt.Sprintf("/_sandbox/shops/%d/orders", sbShop),
		map[string]any{"lines": []map[string]any{{"seller_sku": string(variant.SKU), "quantity": 2}}}, &placed))
	require.NoError(t, w.Poll(ctx, shop.ID))
	order, err := st.OrderByExternalID(ctx, shop.ID, strconv.FormatInt(placed.ID, 10))
	require.NoError(t, err)
	require.Equal(t, catalog.OrderReadyToShip, order.Status)
	require.Equal(t, catalog.StockReserved, order.StockState)
	require.Empty(t, order.Tracking)
	requireLevel(t, ctx, st, variant.ID, 120, 2)

	// Ship it from the hub.
	first, err := w.Client().Enqueue(worker.ShipTask(order.ID, ""))
	require.NoError(t, err)
	inspector := asynq.NewInspectorFromRedisClient(rdb)
	eventually(t, "the hub order is shipped with a tracking number", func() error {
		o, err := st.Order(ctx, order.ID)
		if err != nil {
			return err
		}
		if o.Status != catalog.OrderShipped || o.Tracking == "" || o.StockState != catalog.StockDeducted {
			task := "done"
			if ti, err := inspector.GetTaskInfo(worker.QueueDefault, first.ID); err == nil {
				task = fmt.Sprintf("%s (retried %d, last error %q)", ti.State, ti.Retried, ti.LastErr)
			}
			return fmt.Errorf("order is %s, tracking %q, stock %s; ship task %s", o.Status, o.Tracking, o.StockState, task)
		}
		order = o
		return nil
	})
	onLazada, err := lz.srv.Engine.Order(sbShop, placed.SN)
	require.NoError(t, err)
	require.Equal(t, sandbox.OrderShipped, onLazada.Status, "shipped on Lazada")
	require.NotEmpty(t, onLazada.Tracking)
	require.Equal(t, onLazada.Tracking, order.Tracking, "the carrier's tracking number came back")
	require.True(t, strings.HasPrefix(order.Tracking, "LZVN"), order.Tracking)
	requireLevel(t, ctx, st, variant.ID, 118, 0)
	// Deducting does not change what the shops may sell: 118 either way.
	eventually(t, "Lazada still shows 118", func() error {
		if got, _ := channelStock(lz, string(variant.SKU)); got != 118 {
			return fmt.Errorf("Lazada shows %d, want 118", got)
		}
		return nil
	})

	// Shipping again is a no-op: the order is shipped and keeps its number.
	// (The first task may still be finishing: its id is taken until then.)
	var again *asynq.TaskInfo
	eventually(t, "a second shipment is queued", func() error {
		again, err = w.Client().Enqueue(worker.ShipTask(order.ID, ""))
		return err
	})
	eventually(t, "the second shipment is done", func() error {
		ti, err := inspector.GetTaskInfo(worker.QueueDefault, again.ID)
		if errors.Is(err, asynq.ErrTaskNotFound) {
			return nil // done: finished tasks are not kept
		}
		if err != nil {
			return err
		}
		return fmt.Errorf("task is %s (last error %q)", ti.State, ti.LastErr)
	})
	same, err := st.Order(ctx, order.ID)
	require.NoError(t, err)
	require.Equal(t, order.Tracking, same.Tracking)
	require.Equal(t, order.Version, same.Version)

	// An unpaid order: Lazada refuses to ship it, and the task is not
	// retried (it goes to the archive with Lazada's reason).
	var unpaid sandbox.Order
	require.Equal(t, http.StatusOK, control(t, lz, fmt.Sprintf("/_sandbox/shops/%d/orders", sbShop),
		map[string]any{"lines": []map[string]any{{"seller_sku": string(variant.SKU), "quantity": 1}}, "status": "unpaid"}, &unpaid))
	require.NoError(t, w.Poll(ctx, shop.ID))
	hubUnpaid, err := st.OrderByExternalID(ctx, shop.ID, strconv.FormatInt(unpaid.ID, 10))
	require.NoError(t, err)
	require.Equal(t, catalog.OrderUnpaid, hubUnpaid.Status)
	info, err := w.Client().Enqueue(worker.ShipTask(hubUnpaid.ID, ""))
	require.NoError(t, err)
	eventually(t, "the unpaid order's shipment is archived, not retried", func() error {
		ti, err := inspector.GetTaskInfo(worker.QueueDefault, info.ID)
		if err != nil {
			return err
		}
		if ti.State != asynq.TaskStateArchived {
			return fmt.Errorf("task is %s (retried %d, last error %q)", ti.State, ti.Retried, ti.LastErr)
		}
		if ti.Retried != 0 || !strings.Contains(ti.LastErr, "not paid") {
			return fmt.Errorf("archived after %d retries with %q", ti.Retried, ti.LastErr)
		}
		return nil
	})
	onLazada, err = lz.srv.Engine.Order(sbShop, unpaid.SN)
	require.NoError(t, err)
	require.Equal(t, sandbox.OrderUnpaid, onLazada.Status)
	requireLevel(t, ctx, st, variant.ID, 118, 1)
}

// requireLevel checks a variant's one stock level.
func requireLevel(t *testing.T, ctx context.Context, st *store.Store, variantID, onHand, reserved int64) {
	t.Helper()
	levels, err := st.StockLevels(ctx, variantID)
	require.NoError(t, err)
	require.Len(t, levels, 1)
	require.Equal(t, onHand, levels[0].OnHand, "on hand")
	require.Equal(t, reserved, levels[0].Reserved, "reserved")
}
