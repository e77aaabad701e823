package worker_test

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/csvimport"
	"ocophub/catalog/demo"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
	"ocophub/connectors/driver"
	"ocophub/connectors/mem"
	"ocophub/connectors/sandbox"
	"ocophub/worker"
)

// memHub is a hub whose shops live on the in-memory marketplace: cheap
// enough to connect a thousand of them.
type memHub struct {
	ctx    context.Context
	st     *store.Store
	engine *sandbox.Engine
	coopID int64
	// skew moves the marketplace's clock (nanoseconds).
	skew atomic.Int64
}

func startMemHub(t *testing.T) *memHub {
	ctx, cancel := context.WithTimeout(storetest.Operator(), 170*time.Second)
	t.Cleanup(cancel)
	keys, err := store.ParseKeys(store.NewKey("k1"))
	require.NoError(t, err)
	h := &memHub{ctx: ctx, st: storetest.OpenWith(t, store.Postgres, store.Options{Keys: keys})}
	_, err = csvimport.ImportFile(ctx, h.st, demo.CSV, "demo.csv", catalog.ImportOptions{Actor: "test"})
	require.NoError(t, err)
	products, _, err := h.st.ListProducts(ctx, catalog.ListQuery{Q: "riti"})
	require.NoError(t, err)
	h.coopID = products[0].CoopID
	h.engine = mem.NewEngine(func() time.Time { return time.Now().Add(time.Duration(h.skew.Load())) })
	t.Cleanup(h.engine.Close)
	return h
}

func (h *memHub) driver(s catalog.Shop, ts driver.TokenSource) driver.Driver {
	id, _ := strconv.ParseInt(s.ExternalID, 10, 64)
	return mem.New(mem.Config{Engine: h.engine, ShopID: id}, ts)
}

// connect authorizes a new marketplace shop for the co-op.
func (h *memHub) connect(t *testing.T, name string) catalog.Shop {
	t.Helper()
	view := h.engine.CreateShop(name, "VN")
	code, err := h.engine.IssueCode(mem.DefaultApp.Key, view.ID, "")
	require.NoError(t, err)
	ext := strconv.FormatInt(view.ID, 10)
	tok, err := h.driver(catalog.Shop{ExternalID: ext}, nil).ExchangeCode(h.ctx, driver.Callback{Code: code, ShopID: ext})
	require.NoError(t, err)
	sealed, err := worker.SealToken(tok)
	require.NoError(t, err)
	shop := catalog.Shop{CoopID: h.coopID, Platform: catalog.PlatformMem, ExternalID: ext, Name: name}
	require.NoError(t, h.st.ConnectShop(h.ctx, &shop, sealed, tok.AccessExpiresAt, tok.RefreshExpiresAt, time.Time{}))
	return shop
}

// run starts a worker for the hub's shops until the test ends; tune
// changes its configuration first.
func (h *memHub) run(t *testing.T, tune ...func(*worker.Config)) *worker.Worker {
	wide := func(c *worker.Config) { c.Concurrency = 40 }
	return runOn(t, h, testRedis(t), append([]func(*worker.Config){wide}, tune...)...)
}

// count runs a counting query.
func (h *memHub) count(t *testing.T, sql string, args ...any) int64 {
	t.Helper()
	var n int64
	require.NoError(t, h.st.DB().WithContext(h.ctx).Raw(sql, args...).Scan(&n).Error)
	return n
}

// waitFor is eventually with the time a thousand shops take.
func waitFor(t *testing.T, what string, within time.Duration, check func() error) {
	t.Helper()
	deadline := time.Now().Add(within)
	var err error
	for time.Now().Before(deadline) {
		if err = check(); err == nil {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s: %v", what, err)
}

// TestEveryShopIsPolledAndRefreshed: 1,000 connected shops whose access
// tokens all expire in ten minutes. A worker starting polls every one of
// them (each shop's order cursor moves) and renews every token ahead of
// its expiry: the schedulers page through all shops, not the first 200.
func TestEveryShopIsPolledAndRefreshed(t *testing.T) {
	h := startMemHub(t)
	// The marketplace issues the tokens 3 h 50 min in the past: its 4 h
	// access tokens have ten minutes left.
	h.skew.Store(int64(-(4*time.Hour - 10*time.Minute)))
	const shops = 1000
	for i := range shops {
		h.connect(t, fmt.Sprintf("Shop %d", i))
	}
	h.skew.Store(0)
	require.Equal(t, int64(shops), h.count(t, "SELECT count(*) FROM shops WHERE access_expires_at < ?", time.Now().Add(worker.RefreshAhead)))

	h.run(t)
	waitFor(t, "every shop polled", 120*time.Second, func() error {
		if n := h.count(t, "SELECT count(*) FROM shops WHERE orders_cursor IS NULL"); n > 0 {
			return fmt.Errorf("%d of %d shops never polled", n, shops)
		}
		return nil
	})
	waitFor(t, "every token renewed", 60*time.Second, func() error {
		if n := h.count(t, "SELECT count(*) FROM shops WHERE access_expires_at < ?", time.Now().Add(time.Hour)); n > 0 {
			return fmt.Errorf("%d of %d shops still hold their old token", n, shops)
		}
		return nil
	})
}

// TestDisconnectedShopsNeverStarveTheSweep: 1,200 disconnected shops list
// a SKU whose push is behind (nothing can push them), then one connected
// shop lists it too and its push is lost. The relay's sweep still finds
// the connected shop's listing and pushes it.
func TestDisconnectedShopsNeverStarveTheSweep(t *testing.T) {
	h := startMemHub(t)
	products, _, err := h.st.ListProducts(h.ctx, catalog.ListQuery{Q: "riti"})
	require.NoError(t, err)
	v := products[0].Variants[0]
	// The disconnected shops and their live listings, in two statements.
	db := h.st.DB().WithContext(h.ctx)
	require.NoError(t, db.Exec(`INSERT INTO shops (coop_id, platform, external_id, name, connected)
		SELECT ?, 'mem', 'gone-' || i, 'Gone ' || i, FALSE FROM generate_series(1, 1200) i`, h.coopID).Error)
	require.NoError(t, db.Exec(`INSERT INTO listings (shop_id, coop_id, product_id, variant_id, status, external_item_id)
		SELECT id, coop_id, ?, ?, 'live', 'x' FROM shops WHERE NOT connected`, v.ProductID, v.ID).Error)

	shop := h.connect(t, "Still here")
	ext, _ := strconv.ParseInt(shop.ExternalID, 10, 64)
	item, err := h.engine.CreateItem(ext, sandbox.NewItem{Name: "Trà", SKUs: []sandbox.NewSKU{{SellerSKU: string(v.SKU), Price: 1000, Stock: 3}}})
	require.NoError(t, err)
	l, err := h.st.AddListing(h.ctx, shop.ID, v.ID)
	require.NoError(t, err)
	require.NoError(t, h.st.SetListingState(h.ctx, l.ID, catalog.ListingLive, "",
		strconv.FormatInt(item.ID, 10), strconv.FormatInt(item.SKUs[0].ID, 10)))
	require.Equal(t, int64(1201), h.count(t, "SELECT count(*) FROM listings WHERE status = 'live' AND pushed_version = 0"))
	// The stock events went out before these listings were live: only the
	// sweep can find them behind.
	require.NoError(t, db.Exec(`UPDATE outbox SET sent_at = ? WHERE sent_at IS NULL`, time.Now()).Error)

	h.run(t)
	levels, err := h.st.StockLevels(h.ctx, v.ID)
	require.NoError(t, err)
	want := levels[0].OnHand - levels[0].Reserved
	waitFor(t, "the connected shop's listing pushed", 20*time.Second, func() error {
		got, err := h.engine.SKU(ext, sandbox.SKURef{ID: item.SKUs[0].ID})
		if err != nil {
			return err
		}
		if got.Stock != want {
			return fmt.Errorf("the shop shows %d, want %d", got.Stock, want)
		}
		return nil
	})
}
