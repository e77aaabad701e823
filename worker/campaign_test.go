package worker_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"ocophub/api"
	"ocophub/catalog"
	"ocophub/catalog/csvimport"
	"ocophub/catalog/demo"
	"ocophub/catalog/photo/phototest"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
	"ocophub/connectors/driver"
	"ocophub/connectors/sandbox"
	"ocophub/worker"
)

// campaignRedis is Redis DB 8 (TEST_CAMPAIGN_REDIS_URL), the campaign
// tests' own, flushed before each test.
func campaignRedis(t *testing.T) *redis.Client { return redisDB(t, "TEST_CAMPAIGN_REDIS_URL", 8) }

// campaignHub is the demo catalog on PostgreSQL with four co-ops of the
// Thái Nguyên alliance each selling one product on Shopee, Lazada and
// Zalo sandboxes: Hảo Đạt, Phú Đô and La Bằng will take part, Đạt Phát
// will not. Staff of the alliance hold Phú Đô's join_campaigns consent.
type campaignHub struct {
	*hub
	alliance   int64
	coops      map[string]catalog.Coop    // by code
	products   map[string]catalog.Product // by co-op code
	staff      catalog.Principal
	inCampaign []string // co-op codes that opt in
}

func startCampaignHub(t *testing.T) *campaignHub {
	ctx, cancel := context.WithTimeout(storetest.Operator(), 150*time.Second)
	t.Cleanup(cancel)
	keys, err := store.ParseKeys(store.NewKey("k1"))
	require.NoError(t, err)
	h := &campaignHub{hub: &hub{ctx: ctx, shops: map[catalog.Platform]catalog.Shop{}}, coops: map[string]catalog.Coop{},
		products: map[string]catalog.Product{}, inCampaign: []string{"HTX-HAODAT", "HTX-PHUDO", "HTX-LABANG"}}
	h.st = storetest.OpenWith(t, store.Postgres, store.Options{Keys: keys})
	_, err = csvimport.ImportFile(ctx, h.st, demo.CSV, "demo.csv", catalog.ImportOptions{Actor: "test"})
	require.NoError(t, err)
	h.photos = phototest.Library(t)
	phototest.AddToAll(t, ctx, h.st, h.photos)
	coops, _, err := h.st.ListCoops(ctx, catalog.ListQuery{})
	require.NoError(t, err)
	for _, c := range coops {
		h.coops[c.Code] = c
	}
	h.alliance = h.coops["HTX-HAODAT"].AllianceID
	h.rdb = campaignRedis(t)
	h.platforms = startPlatforms(t)
	drivers := map[catalog.Platform]func(catalog.Shop) driver.Driver{}
	for _, p := range h.platforms {
		factory := p.factory
		drivers[p.name] = func(s catalog.Shop) driver.Driver { return factory(s, nil) }
	}
	h.startWorker(t)
	router, err := api.New(api.Deps{Store: h.st, Sync: &api.SyncDeps{Store: h.st, Tasks: asynq.NewClientFromRedisClient(h.rdb),
		Drivers: drivers, Wake: h.w.Wake}})
	require.NoError(t, err)
	h.api = httptest.NewServer(router)
	t.Cleanup(h.api.Close)
	for _, p := range h.platforms {
		require.Equal(t, 200, control(t, p, "/_sandbox/push", map[string]any{"url": h.api.URL + "/webhooks/" + string(p.name), "enabled": true}, nil))
	}
	// Each co-op connects a shop on every platform and lists its first
	// product there.
	for _, code := range append([]string{"HTX-DATPHAT"}, h.inCampaign...) {
		coop := h.coops[code]
		ps, _, err := h.st.ListProducts(ctx, catalog.ListQuery{CoopID: coop.ID})
		require.NoError(t, err)
		h.products[code] = ps[0]
		for _, p := range h.platforms {
			shop := connect(t, ctx, h.st, p, coop.ID)
			for _, v := range ps[0].Variants {
				_, err := h.st.AddListing(ctx, shop.ID, v.ID)
				require.NoError(t, err)
			}
			_, err := h.w.Client().Enqueue(worker.PublishTask(shop.ID, ps[0].ID))
			require.NoError(t, err)
		}
	}
	h.requirePrices(t, "published at catalog prices", func(code string, v catalog.Variant) catalog.VND { return v.Price })

	staff := catalog.User{Username: "canbo.tn", Name: "Cán bộ Liên minh", Role: catalog.RoleAllianceStaff, AllianceID: h.alliance}
	require.NoError(t, h.st.CreateUser(ctx, &staff, "mat-khau-can-bo-2026"))
	g := catalog.Grant{CoopID: h.coops["HTX-PHUDO"].ID, StaffUserID: staff.ID, Rights: catalog.Rights{catalog.RightJoinCampaigns},
		ExpiresAt: time.Now().Add(24 * time.Hour)}
	require.NoError(t, h.st.CreateGrant(catalog.WithScope(ctx, catalog.CoopScope(g.CoopID)), &g))
	h.staff = catalog.Principal{UserID: staff.ID, Name: staff.Username, Role: staff.Role, AllianceID: h.alliance, Grants: []catalog.Grant{g}}
	return h
}

func (h *campaignHub) as(p catalog.Principal) context.Context {
	return catalog.WithScope(h.ctx, p.Scope())
}

func (h *campaignHub) manager(code string) context.Context {
	return catalog.WithScope(h.ctx, catalog.CoopScope(h.coops[code].ID))
}

// requirePrices waits until every platform shows, for every variant of
// every co-op's product, the price want gives.
func (h *campaignHub) requirePrices(t *testing.T, what string, want func(code string, v catalog.Variant) catalog.VND) {
	t.Helper()
	eventually(t, what, func() error {
		for code, p := range h.products {
			for _, v := range p.Variants {
				for _, pl := range h.platforms {
					it, k, ok := channelItem(pl, string(v.SKU))
					if !ok || it.Status != sandbox.ItemLive {
						return fmt.Errorf("%s not live on %s", v.SKU, pl.name)
					}
					if w, paid := want(code, v), k.PriceAt(time.Now()); catalog.VND(paid) != w {
						return fmt.Errorf("%s on %s sells at %d, want %d", v.SKU, pl.name, paid, w)
					}
				}
			}
		}
		return nil
	})
}

// newCampaign makes a −10 % campaign on all three channels for the
// alliance's co-ops, between start and end, and queues it as the API does;
// Hảo Đạt and La Bằng opt in through their managers, Phú Đô through staff
// under its consent. Staff cannot opt Đạt Phát in: it gave no consent.
func (h *campaignHub) newCampaign(t *testing.T, start, end time.Time) catalog.Campaign {
	t.Helper()
	c := catalog.Campaign{Name: "Tuần lễ OCOP Thái Nguyên", Discount: catalog.Discount{Kind: catalog.DiscountPercent, Value: 10},
		Channels: []catalog.Platform{catalog.PlatformShopee, catalog.PlatformLazada, catalog.PlatformZalo},
		Rules:    catalog.CampaignRules{Provinces: []string{"Thai Nguyen"}}, StartsAt: start, EndsAt: end}
	staff := h.as(h.staff)
	require.NoError(t, h.st.CreateCampaign(staff, &c))
	require.NoError(t, worker.ScheduleCampaign(h.ctx, h.w.Client(), c))
	all := func(code string) []catalog.CampaignOptIn {
		var out []catalog.CampaignOptIn
		for _, v := range h.products[code].Variants {
			out = append(out, catalog.CampaignOptIn{VariantID: v.ID, ReservedQty: 3})
		}
		return out
	}
	_, err := h.st.SetCampaignItems(h.manager("HTX-HAODAT"), c.ID, 0, all("HTX-HAODAT"))
	require.NoError(t, err)
	_, err = h.st.SetCampaignItems(h.manager("HTX-LABANG"), c.ID, 0, all("HTX-LABANG"))
	require.NoError(t, err)
	_, err = h.st.SetCampaignItems(staff, c.ID, h.coops["HTX-PHUDO"].ID, all("HTX-PHUDO"))
	require.NoError(t, err)
	_, err = h.st.SetCampaignItems(staff, c.ID, h.coops["HTX-DATPHAT"].ID, all("HTX-DATPHAT"))
	require.Equal(t, catalog.CodePermissionDenied, catalog.ErrorCode(err), "no consent, no opt-in: %v", err)
	return c
}

// campaignPrice is what v sells at during the campaign for a co-op that
// takes part, its base price otherwise.
func (h *campaignHub) campaignPrice(c catalog.Campaign) func(string, catalog.Variant) catalog.VND {
	return func(code string, v catalog.Variant) catalog.VND {
		if code == "HTX-DATPHAT" {
			return v.Price
		}
		p, ok := c.Discount.Price(v.Price, 0)
		if !ok {
			return v.Price
		}
		return p
	}
}

func (h *campaignHub) status(t *testing.T, id int64) catalog.CampaignStatus {
	c, err := h.st.Campaign(h.ctx, id)
	require.NoError(t, err)
	return c.Status
}

// order has a buyer on platform name buy qty units of sku now.
func (h *campaignHub) order(t *testing.T, name catalog.Platform, sku catalog.SKU, qty int64) {
	t.Helper()
	p := h.platform(name)
	ext := ""
	for _, s := range p.srv.Engine.State().Shops {
		for _, it := range s.Items {
			for _, k := range it.SKUs {
				if k.SellerSKU == string(sku) {
					ext = fmt.Sprint(s.ID)
				}
			}
		}
	}
	require.NotEmpty(t, ext, "%s on %s", sku, name)
	require.Equal(t, http.StatusOK, control(t, p, "/_sandbox/shops/"+ext+"/orders",
		map[string]any{"lines": []map[string]any{{"seller_sku": string(sku), "quantity": qty}}}, nil))
}

func (h *campaignHub) waitOrders(t *testing.T, n int) {
	t.Helper()
	eventually(t, fmt.Sprintf("%d orders in", n), func() error {
		orders, _, err := h.st.ListOrders(h.ctx, catalog.ListQuery{})
		if err != nil || len(orders) != n {
			return fmt.Errorf("%d orders in (%v)", len(orders), err)
		}
		return nil
	})
}

// TestCampaignEndToEnd: an alliance campaign over three co-ops starts at
// its time and every shop of theirs shows the campaign price; orders in
// the window are counted against the period before; La Bằng raises its
// price during the campaign (its shops keep the campaign price); at the
// end every price returns — La Bằng's to the new one. Đạt Phát, which did
// not opt in, is never touched.
func TestCampaignEndToEnd(t *testing.T) {
	h := startCampaignHub(t)
	haodat := h.products["HTX-HAODAT"].Variants[0]
	h.order(t, catalog.PlatformLazada, haodat.SKU, 1) // before the campaign
	h.waitOrders(t, 1)

	start := time.Now().Add(2 * time.Second)
	c := h.newCampaign(t, start, start.Add(10*time.Second))
	require.Equal(t, catalog.CampaignScheduled, h.status(t, c.ID))
	h.requirePrices(t, "the campaign price everywhere it takes part", h.campaignPrice(c))
	require.Equal(t, catalog.CampaignRunning, h.status(t, c.ID))
	require.False(t, time.Now().Before(start), "not before its time")
	// Lazada runs it as its own promotion (special price over the window,
	// the price crossed out); Shopee and Zalo get the price itself.
	for _, pl := range h.platforms {
		_, k, _ := channelItem(pl, string(haodat.SKU))
		if pl.name == catalog.PlatformLazada {
			require.NotNil(t, k.Promo, "a Lazada special price")
			require.Equal(t, int64(haodat.Price), k.Price, "the price stays, crossed out")
			require.Equal(t, int64(h.campaignPrice(c)("HTX-HAODAT", haodat)), k.Promo.Price)
			require.WithinDuration(t, c.EndsAt, k.Promo.To, time.Second, "Lazada ends it by itself at the campaign's end")
		} else {
			require.Nil(t, k.Promo)
			require.Equal(t, int64(h.campaignPrice(c)("HTX-HAODAT", haodat)), k.Price)
		}
	}

	h.order(t, catalog.PlatformLazada, haodat.SKU, 2)
	h.order(t, catalog.PlatformShopee, haodat.SKU, 1)
	h.waitOrders(t, 3)

	labang := h.products["HTX-LABANG"]
	p, err := h.st.Product(h.manager("HTX-LABANG"), labang.ID)
	require.NoError(t, err)
	p.Variants[0].Price += 5000
	require.NoError(t, h.st.UpdateProduct(h.manager("HTX-LABANG"), &p))
	h.w.Wake()
	eventually(t, "La Bằng's price change pushed", func() error {
		ls, err := h.st.ListingsOfVariant(h.ctx, p.Variants[0].ID)
		if err != nil {
			return err
		}
		for _, l := range ls {
			hist, err := h.st.PushHistory(h.ctx, l.ID, 50)
			if err != nil {
				return err
			}
			n := 0
			for _, a := range hist {
				if a.Kind == "price" && a.Result == "ok" {
					n++
				}
			}
			if n < 2 { // the campaign's and the edit's
				return fmt.Errorf("listing %d: %d price pushes", l.ID, n)
			}
		}
		return nil
	})
	h.requirePrices(t, "the campaign price survives a product edit", h.campaignPrice(c))

	eventually(t, "the campaign ends", func() error {
		if s := h.status(t, c.ID); s != catalog.CampaignEnded {
			return fmt.Errorf("campaign is %s", s)
		}
		return nil
	})
	h.products["HTX-LABANG"] = p
	h.requirePrices(t, "every price back, La Bằng's at its new price", func(_ string, v catalog.Variant) catalog.VND { return v.Price })
	// The channel may show the price a moment before the worker records
	// that it answered.
	eventually(t, "every restore recorded", func() error {
		rows, err := h.st.CampaignListings(h.ctx, c.ID)
		if err != nil {
			return err
		}
		if len(rows) != 15 { // (3 + 1 + 1 SKUs) × 3 channels
			return fmt.Errorf("%d campaign listings", len(rows))
		}
		for _, r := range rows {
			if r.State != catalog.CampaignListingRestored || !r.Synced {
				return fmt.Errorf("listing %d is %s, synced %v", r.ListingID, r.State, r.Synced)
			}
		}
		return nil
	})

	rep, err := h.st.CampaignReport(h.as(h.staff), c.ID)
	require.NoError(t, err)
	require.Equal(t, 3, rep.Coops)
	require.Equal(t, int64(3), rep.Units)
	discounted, _ := c.Discount.Price(haodat.Price, 0)
	require.Equal(t, 3*discounted, rep.Revenue)
	require.Equal(t, int64(1), rep.UnitsBefore)
	require.Equal(t, haodat.Price, rep.RevenueBefore)
	for _, l := range rep.Lines {
		if l.CoopCode == "HTX-HAODAT" && l.Platform == catalog.PlatformLazada {
			require.Equal(t, int64(2), l.Units)
		}
	}
	log, _, err := h.st.AuditLog(h.ctx, h.coops["HTX-DATPHAT"].ID, catalog.ListQuery{})
	require.NoError(t, err)
	for _, e := range log {
		require.NotContains(t, e.Action, "campaign", "nothing happened to Đạt Phát")
	}
}

// TestCampaignSurvivesAStoppedWorker: the worker is stopped while the
// campaign's start pushes its prices (each channel call slowed to 1.5 s),
// and Redis loses its queues; a new worker still brings every shop to the
// campaign price. Then the alliance cancels the campaign early while no
// worker runs, and a worker started later restores every price.
func TestCampaignSurvivesAStoppedWorker(t *testing.T) {
	h := startCampaignHub(t)
	slow := func(ms int) {
		for _, p := range h.platforms {
			for _, s := range p.srv.Engine.State().Shops {
				require.NoError(t, p.srv.Engine.SetFaults(s.ID, sandbox.Faults{LatencyMinMS: ms, LatencyMaxMS: ms}))
			}
		}
	}
	slow(1500)
	start := time.Now().Add(time.Second)
	c := h.newCampaign(t, start, start.Add(time.Hour))
	eventually(t, "the campaign starts", func() error {
		if s := h.status(t, c.ID); s != catalog.CampaignRunning {
			return fmt.Errorf("campaign is %s", s)
		}
		return nil
	})
	h.stop()
	rows, err := h.st.CampaignListings(h.ctx, c.ID)
	require.NoError(t, err)
	owed := 0
	for _, r := range rows {
		if !r.Synced {
			owed++
		}
	}
	require.Positive(t, owed, "the worker stopped before it pushed every price")
	require.NoError(t, h.rdb.FlushDB(h.ctx).Err(), "Redis loses its queues")
	slow(0)
	h.startWorker(t)
	h.requirePrices(t, "every price right after the restart", h.campaignPrice(c))

	h.stop()
	_, err = h.st.CancelCampaign(h.as(h.staff), c.ID)
	require.NoError(t, err)
	h.startWorker(t)
	h.requirePrices(t, "every price back after the cancellation", func(_ string, v catalog.Variant) catalog.VND { return v.Price })
	require.Equal(t, catalog.CampaignCancelled, h.status(t, c.ID))
}
