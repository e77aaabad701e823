package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// campaignWorld is an alliance of three co-ops — A (4★ tea, Thái Nguyên),
// B (3★ tea, Thái Nguyên), C (4★ tea, Bắc Kạn) — each with one live
// listing on Shopee and one on Lazada, and another alliance with co-op X;
// staff of the first alliance hold A's join_campaigns right, B's
// list_products right only, and nothing of C.
type campaignWorld struct {
	s                  *store.Store
	clk                *clock
	alliance, other    catalog.Alliance
	A, B, C, X         catalog.Coop
	tea                map[int64]catalog.Product // by co-op
	listings           map[int64][]catalog.Listing
	staff, admin       catalog.User
	managerA, managerX catalog.User
}

func newCampaignWorld(t *testing.T, d store.Dialect) *campaignWorld {
	t.Helper()
	keys, err := store.ParseKeys(store.NewKey("k"))
	require.NoError(t, err)
	clk := newClock()
	s := storetest.OpenWith(t, d, store.Options{Now: clk.Now, Keys: keys})
	op := storetest.Operator()
	w := &campaignWorld{s: s, clk: clk, tea: map[int64]catalog.Product{}, listings: map[int64][]catalog.Listing{}}
	w.alliance = catalog.Alliance{Code: "LM-TN", Name: "Liên minh HTX Thái Nguyên", Province: "Thái Nguyên"}
	w.other = catalog.Alliance{Code: "LM-NB", Name: "Liên minh HTX Ninh Bình", Province: "Ninh Bình"}
	require.NoError(t, s.CreateAlliance(op, &w.alliance))
	require.NoError(t, s.CreateAlliance(op, &w.other))
	mk := func(code, province string, alliance catalog.Alliance, stars catalog.Stars, seed int) catalog.Coop {
		c := catalog.Coop{AllianceID: alliance.ID, Code: code, Name: "HTX " + code, Province: province}
		require.NoError(t, s.CreateCoop(op, &c))
		wh := catalog.Warehouse{CoopID: c.ID, Code: "MAIN", Name: "Kho"}
		require.NoError(t, s.CreateWarehouse(op, &wh))
		p := newProduct(c.ID, "CHE-"+code, "Chè "+code, stars, catalog.GroupBeverage, seed, "Hộp 100g", "Hộp 200g")
		require.NoError(t, s.CreateProduct(op, &p))
		for _, v := range p.Variants {
			adjust(t, s, op, v.ID, wh.ID, 40)
		}
		w.tea[c.ID] = p
		for i, platform := range []catalog.Platform{catalog.PlatformShopee, catalog.PlatformLazada} {
			shop := catalog.Shop{CoopID: c.ID, Platform: platform, ExternalID: fmt.Sprintf("%s-%d", code, i), Name: string(platform)}
			require.NoError(t, s.ConnectShop(op, &shop, []byte(`{}`), clk.Now().Add(time.Hour), clk.Now().Add(24*time.Hour), time.Time{}))
			for _, v := range p.Variants {
				l, err := s.AddListing(op, shop.ID, v.ID)
				require.NoError(t, err)
				require.NoError(t, s.SetListingState(op, l.ID, catalog.ListingLive, "", "item-"+code, fmt.Sprint(v.ID)))
				w.listings[c.ID] = append(w.listings[c.ID], l)
			}
		}
		return c
	}
	w.A = mk("A", "Thái Nguyên", w.alliance, 4, 901)
	w.B = mk("B", "Thái Nguyên", w.alliance, 3, 902)
	w.C = mk("C", "Bắc Kạn", w.alliance, 4, 903)
	w.X = mk("X", "Ninh Bình", w.other, 5, 904)
	w.staff = addUser(t, s, "staff.tn", catalog.RoleAllianceStaff, w.alliance.ID, 0)
	w.admin = addUser(t, s, "admin.tn", catalog.RoleAllianceAdmin, w.alliance.ID, 0)
	w.managerA = addUser(t, s, "manager.a", catalog.RoleCoopManager, 0, w.A.ID)
	w.managerX = addUser(t, s, "manager.x", catalog.RoleCoopManager, 0, w.X.ID)
	w.grant(t, w.A, catalog.RightJoinCampaigns)
	w.grant(t, w.B, catalog.RightListProducts)
	return w
}

func (w *campaignWorld) grant(t *testing.T, coop catalog.Coop, rights ...catalog.Right) catalog.Grant {
	t.Helper()
	g := catalog.Grant{CoopID: coop.ID, StaffUserID: w.staff.ID, Rights: rights, ExpiresAt: w.clk.Now().Add(30 * 24 * time.Hour)}
	require.NoError(t, w.s.CreateGrant(coopCtx(coop.ID), &g))
	return g
}

func (w *campaignWorld) as(t *testing.T, u catalog.User) context.Context { return as(t, w.s, u) }

// newCampaign is −10 % on 4★+ on Shopee and Lazada, from an hour from now
// for two days.
func (w *campaignWorld) newCampaign(t *testing.T, ctx context.Context) catalog.Campaign {
	t.Helper()
	c := catalog.Campaign{Name: "OCOP 4★+ giảm 10%", Rules: catalog.CampaignRules{MinStars: 4},
		Discount: catalog.Discount{Kind: catalog.DiscountPercent, Value: 10},
		Channels: []catalog.Platform{catalog.PlatformShopee, catalog.PlatformLazada},
		StartsAt: w.clk.Now().Add(time.Hour), EndsAt: w.clk.Now().Add(49 * time.Hour)}
	require.NoError(t, w.s.CreateCampaign(ctx, &c))
	return c
}

// campaignWithATea is newCampaign with A's 100 g tea put in by A's
// manager, reserved units of it held for the campaign.
func (w *campaignWorld) campaignWithATea(t *testing.T, reserved int64) (catalog.Campaign, catalog.Variant) {
	t.Helper()
	c := w.newCampaign(t, w.as(t, w.staff))
	tea := w.tea[w.A.ID].Variants[0]
	_, err := w.s.SetCampaignItems(w.as(t, w.managerA), c.ID, 0, []catalog.CampaignOptIn{{VariantID: tea.ID, ReservedQty: reserved}})
	require.NoError(t, err)
	return c, tea
}

func optIn(ids ...int64) []catalog.CampaignOptIn {
	out := make([]catalog.CampaignOptIn, len(ids))
	for i, id := range ids {
		out[i] = catalog.CampaignOptIn{VariantID: id, ReservedQty: 5}
	}
	return out
}

func system() context.Context { return storetest.Operator() }

func TestCampaignLifecycle(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			w := newCampaignWorld(t, d)
			s := w.s
			staff := w.as(t, w.staff)
			c := w.newCampaign(t, staff)
			require.Equal(t, w.alliance.ID, c.AllianceID, "staff make campaigns of their own alliance")
			require.Equal(t, catalog.CampaignScheduled, c.Status)
			require.Equal(t, "staff.tn", c.CreatedBy)

			// Preview: A's SKUs in full, C's counted only (no consent to
			// see them in detail), B's 3★ tea not at all.
			matches, err := s.CampaignMatches(staff, catalog.Campaign{ID: c.ID})
			require.NoError(t, err)
			var shownA, hiddenC int
			for _, m := range matches {
				require.NotEqual(t, w.B.ID, m.CoopID)
				switch m.CoopID {
				case w.A.ID:
					shownA++
					require.Equal(t, m.Price*9/10, m.CampaignPrice, "−10 %%")
					require.Equal(t, int64(40), m.Available)
				case w.C.ID:
					require.Zero(t, m.VariantID, "C's SKUs stay hidden from staff")
					hiddenC += m.Hidden
				}
			}
			require.Equal(t, 2, shownA)
			require.Equal(t, 2, hiddenC)

			// Opting in: staff for A (A granted join_campaigns) and for C
			// (C did not); A's manager; nobody for another alliance.
			teaA, teaC := w.tea[w.A.ID], w.tea[w.C.ID]
			items, err := s.SetCampaignItems(staff, c.ID, w.A.ID, optIn(teaA.Variants[0].ID))
			require.NoError(t, err)
			require.Len(t, items, 1)
			require.Equal(t, int64(5), items[0].ReservedQty)
			_, err = s.SetCampaignItems(staff, c.ID, w.C.ID, optIn(teaC.Variants[0].ID))
			requireCode(t, catalog.CodePermissionDenied, err, "C granted staff no join_campaigns")
			log, _, err := s.AuditLog(coopCtx(w.A.ID), w.A.ID, catalog.ListQuery{})
			require.NoError(t, err)
			require.Equal(t, "campaign.joined", log[0].Action, "A reads that staff put its SKU in")
			require.Equal(t, "staff.tn", log[0].Actor)

			managerA := w.as(t, w.managerA)
			_, err = s.SetCampaignItems(managerA, c.ID, 0, []catalog.CampaignOptIn{{VariantID: teaA.Variants[1].ID, ReservedQty: 41}})
			requireFieldError(t, catalog.CodeInvalidArgument, err, "items[0].reserved_qty")
			_, err = s.SetCampaignItems(managerA, c.ID, 0, optIn(w.tea[w.B.ID].Variants[0].ID))
			requireFieldError(t, catalog.CodeInvalidArgument, err, "items[0].variant_id")
			items, err = s.SetCampaignItems(managerA, c.ID, 0, optIn(teaA.Variants[0].ID, teaA.Variants[1].ID))
			require.NoError(t, err)
			require.Len(t, items, 2)
			_, err = s.SetCampaignItems(managerA, c.ID, w.C.ID, optIn(teaC.Variants[0].ID))
			requireFieldError(t, catalog.CodeInvalidArgument, err, "coop_id") // a manager acts for its own co-op only
			_, err = s.Campaign(w.as(t, w.managerX), c.ID)
			requireCode(t, catalog.CodeNotFound, err, "another alliance's campaign does not exist for X")
			_, err = s.SetCampaignItems(w.as(t, w.admin), c.ID, w.A.ID, nil)
			requireCode(t, catalog.CodePermissionDenied, err, "an alliance admin joins for no co-op")

			// Another campaign at the same time cannot take A's SKUs.
			other := w.newCampaign(t, staff)
			_, err = s.SetCampaignItems(managerA, other.ID, 0, optIn(teaA.Variants[0].ID))
			requireFieldError(t, catalog.CodeInvalidArgument, err, "items[0].variant_id")

			// Start: too early changes nothing; at the hour every live
			// listing of A's two SKUs on both channels is applied.
			_, changed, err := s.StartCampaign(system(), c.ID)
			require.NoError(t, err)
			require.False(t, changed)
			_, _, err = s.StartCampaign(staff, c.ID)
			requireCode(t, catalog.CodePermissionDenied, err, "only the worker starts campaigns")
			w.clk.Advance(time.Hour)
			due, err := s.DueCampaigns(system(), w.clk.Now(), 10)
			require.NoError(t, err)
			require.Contains(t, due, store.DueCampaign{ID: c.ID, Phase: store.PhaseStart})
			started, changed, err := s.StartCampaign(system(), c.ID)
			require.NoError(t, err)
			require.True(t, changed)
			require.Equal(t, catalog.CampaignRunning, started.Status)
			_, changed, err = s.StartCampaign(system(), c.ID)
			require.NoError(t, err)
			require.False(t, changed, "starting twice changes nothing")
			_, err = s.SetCampaignItems(managerA, c.ID, 0, nil)
			requireCode(t, catalog.CodeFailedPrecondition, err, "opt-ins close at the start")

			rows, err := s.CampaignListings(staff, c.ID)
			require.NoError(t, err)
			require.Len(t, rows, 4, "2 SKUs × 2 shops")
			ids := make([]int64, len(rows))
			for i, r := range rows {
				require.Equal(t, catalog.CampaignListingApplied, r.State)
				require.False(t, r.Synced)
				require.Equal(t, r.BasePrice*9/10, r.CampaignPrice)
				ids[i] = r.ListingID
			}
			targets, err := s.PriceTargets(system(), ids)
			require.NoError(t, err)
			var settle []store.CampaignPushResult
			for _, id := range ids {
				require.Len(t, targets[id].Owed, 1)
				settle = append(settle, store.CampaignPushResult{Ref: targets[id].Owed[0]})
			}
			first := targets[rows[0].ListingID]
			require.Equal(t, catalog.VND(50000), first.Price, "the base price, shown crossed out where the platform runs promotions")
			require.NotNil(t, first.Promo)
			require.Equal(t, catalog.VND(45000), first.Promo.Price)
			require.True(t, c.StartsAt.Equal(first.Promo.From), "from the start")
			require.True(t, c.EndsAt.Equal(first.Promo.To), "to the end")
			require.NoError(t, s.SettleCampaignPrices(system(), settle))
			unsynced, err := s.UnsyncedCampaigns(system(), w.clk.Now(), 10)
			require.NoError(t, err)
			require.Empty(t, unsynced)

			// The co-op raises its base price mid-campaign: the channel
			// keeps the campaign price; the end restores the NEW price.
			p, err := s.Product(managerA, teaA.ID)
			require.NoError(t, err)
			p.Variants[0].Price = 60000
			require.NoError(t, s.UpdateProduct(managerA, &p))
			targets, err = s.PriceTargets(system(), ids)
			require.NoError(t, err)
			require.Equal(t, catalog.VND(60000), targets[rows[0].ListingID].Price)
			require.Equal(t, catalog.VND(45000), targets[rows[0].ListingID].Promo.Price)

			// A co-op sees its own rows; X nothing.
			mine, err := s.CampaignListings(managerA, c.ID)
			require.NoError(t, err)
			require.Len(t, mine, 4)
			_, err = s.CampaignListings(w.as(t, w.managerX), c.ID)
			requireCode(t, catalog.CodeNotFound, err, "X")

			w.clk.Advance(48 * time.Hour)
			ended, changed, err := s.EndCampaign(system(), c.ID)
			require.NoError(t, err)
			require.True(t, changed)
			require.Equal(t, catalog.CampaignEnded, ended.Status)
			_, changed, err = s.EndCampaign(system(), c.ID)
			require.NoError(t, err)
			require.False(t, changed, "ending twice changes nothing")
			targets, err = s.PriceTargets(system(), ids)
			require.NoError(t, err)
			require.Equal(t, catalog.VND(60000), targets[rows[0].ListingID].Price, "the price the co-op set meanwhile")
			require.Equal(t, catalog.VND(100000), targets[rows[1].ListingID].Price)
			closed := targets[rows[0].ListingID].Promo
			require.NotNil(t, closed, "the restore closes the promotion where the platform runs it")
			require.False(t, closed.To.After(w.clk.Now()), "its window is over")
			rows, err = s.CampaignListings(staff, c.ID)
			require.NoError(t, err)
			for _, r := range rows {
				require.Equal(t, catalog.CampaignListingRestored, r.State)
				require.False(t, r.Synced, "the restore is owed to the channel")
			}
			unsynced, err = s.UnsyncedCampaigns(system(), w.clk.Now(), 10)
			require.NoError(t, err)
			require.Equal(t, []int64{c.ID}, unsynced)
			pushes, err := s.CampaignPushes(system(), c.ID)
			require.NoError(t, err)
			require.Len(t, pushes, 2, "one product in two shops")
			log, _, err = s.AuditLog(coopCtx(w.A.ID), w.A.ID, catalog.ListQuery{})
			require.NoError(t, err)
			require.Equal(t, "campaign.ended", log[0].Action)
		})
	}
}

func TestCampaignConsentAndCancel(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			w := newCampaignWorld(t, d)
			s := w.s
			staff := w.as(t, w.staff)
			c := w.newCampaign(t, staff)
			teaA := w.tea[w.A.ID]
			_, err := s.SetCampaignItems(staff, c.ID, w.A.ID, optIn(teaA.Variants[0].ID))
			require.NoError(t, err)
			// A withdraws its consent before the start: the campaign never
			// touches A's prices.
			grants, _, err := s.ListGrants(coopCtx(w.A.ID), catalog.ListQuery{})
			require.NoError(t, err)
			_, err = s.RevokeGrant(coopCtx(w.A.ID), grants[0].ID)
			require.NoError(t, err)
			w.clk.Advance(time.Hour)
			_, _, err = s.StartCampaign(system(), c.ID)
			require.NoError(t, err)
			rows, err := s.CampaignListings(storetest.Operator(), c.ID)
			require.NoError(t, err)
			require.Len(t, rows, 2)
			for _, r := range rows {
				require.Equal(t, catalog.CampaignListingSkipped, r.State)
				require.Contains(t, r.Reason, "consent")
			}
			targets, err := s.PriceTargets(system(), []int64{rows[0].ListingID})
			require.NoError(t, err)
			require.Equal(t, catalog.VND(50000), targets[rows[0].ListingID].Price)
			require.Empty(t, targets[rows[0].ListingID].Owed)

			// Cancelling: by the alliance, once.
			_, err = s.CancelCampaign(w.as(t, w.managerA), c.ID)
			requireCode(t, catalog.CodePermissionDenied, err, "a co-op cancels no campaign")
			cancelled, err := s.CancelCampaign(w.as(t, w.admin), c.ID)
			require.NoError(t, err)
			require.Equal(t, catalog.CampaignCancelled, cancelled.Status)
			_, err = s.CancelCampaign(w.as(t, w.admin), c.ID)
			requireCode(t, catalog.CodeFailedPrecondition, err, "cancel twice")
			due, err := s.DueCampaigns(system(), w.clk.Now().Add(72*time.Hour), 10)
			require.NoError(t, err)
			require.Empty(t, due)

			// A campaign whose whole window passed while nobody ran it ends
			// without changing a price.
			late := w.newCampaign(t, staff)
			_, err = s.SetCampaignItems(w.as(t, w.managerA), late.ID, 0, optIn(teaA.Variants[0].ID))
			require.NoError(t, err)
			w.clk.Advance(72 * time.Hour)
			got, changed, err := s.StartCampaign(system(), late.ID)
			require.NoError(t, err)
			require.True(t, changed)
			require.Equal(t, catalog.CampaignEnded, got.Status)
			rows, err = s.CampaignListings(storetest.Operator(), late.ID)
			require.NoError(t, err)
			require.Empty(t, rows)
		})
	}
}

func TestCampaignReport(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			w := newCampaignWorld(t, d)
			s := w.s
			staff := w.as(t, w.staff)
			c := w.newCampaign(t, staff)
			teaA := w.tea[w.A.ID]
			_, err := s.SetCampaignItems(w.as(t, w.managerA), c.ID, 0, optIn(teaA.Variants[0].ID))
			require.NoError(t, err)
			shopOf := func(platform int) int64 { return w.listings[w.A.ID][platform*2].ShopID }
			order := func(ext string, platform int, qty int64, price catalog.VND, at time.Time, status catalog.OrderStatus) {
				_, _, err := s.IngestOrder(storetest.Operator(), store.OrderIn{ShopID: shopOf(platform), ExternalID: ext, Status: status,
					PlacedAt: at, Lines: []catalog.OrderLine{{SellerSKU: string(teaA.Variants[0].SKU), Quantity: qty, Price: price}}})
				require.NoError(t, err)
			}
			start := c.StartsAt
			order("before-1", 0, 2, 50000, start.Add(-30*time.Minute), catalog.OrderReadyToShip)
			order("long-before", 0, 9, 50000, start.Add(-50*time.Hour), catalog.OrderReadyToShip) // outside the comparison
			w.clk.Advance(time.Hour)
			_, _, err = s.StartCampaign(system(), c.ID)
			require.NoError(t, err)
			order("during-1", 0, 3, 45000, start.Add(time.Hour), catalog.OrderReadyToShip)
			order("during-2", 1, 1, 45000, start.Add(2*time.Hour), catalog.OrderShipped)
			order("during-cancelled", 1, 4, 45000, start.Add(3*time.Hour), catalog.OrderCancelled)
			w.clk.Advance(48 * time.Hour)
			_, _, err = s.EndCampaign(system(), c.ID)
			require.NoError(t, err)
			order("after", 0, 7, 50000, w.clk.Now().Add(time.Hour), catalog.OrderReadyToShip)

			rep, err := s.CampaignReport(staff, c.ID)
			require.NoError(t, err)
			require.Equal(t, 1, rep.Coops)
			require.Equal(t, 1, rep.SKUs)
			require.Equal(t, int64(4), rep.Units)
			require.Equal(t, catalog.VND(180000), rep.Revenue)
			require.Equal(t, int64(2), rep.UnitsBefore)
			require.Equal(t, catalog.VND(100000), rep.RevenueBefore)
			require.Len(t, rep.Lines, 2, "one line per campaign channel")
			require.Equal(t, catalog.PlatformLazada, rep.Lines[0].Platform)
			require.Equal(t, int64(1), rep.Lines[0].Units)
			require.Equal(t, int64(3), rep.Lines[1].Units)
			require.Equal(t, "A", rep.Lines[1].CoopCode)
			require.Equal(t, rep.From.Add(-rep.To.Sub(rep.From)), rep.BeforeFrom)

			_, err = s.CampaignReport(w.as(t, w.managerX), c.ID)
			requireCode(t, catalog.CodeNotFound, err, "another alliance's co-op")
		})
	}
}

// TestCampaignHoldsReservedStock: A reserves 15 of its 100 g tea for a
// Shopee + Lazada campaign. From the start those 15 are gone from Zalo
// (outside the campaign) and still on Shopee and Lazada; a Shopee order
// draws from them, a Zalo order from shared stock; the end gives back
// what is left.
func TestCampaignHoldsReservedStock(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			w := newCampaignWorld(t, d)
			s, op := w.s, system()
			c, tea := w.campaignWithATea(t, 15)
			zalo := catalog.Shop{CoopID: w.A.ID, Platform: catalog.PlatformZalo, ExternalID: "A-zalo", Name: "zalo"}
			require.NoError(t, s.ConnectShop(op, &zalo, []byte(`{}`), w.clk.Now().Add(time.Hour), w.clk.Now().Add(24*time.Hour), time.Time{}))
			zl, err := s.AddListing(op, zalo.ID, tea.ID)
			require.NoError(t, err)
			require.NoError(t, s.SetListingState(op, zl.ID, catalog.ListingLive, "", "item-zalo", "model-zalo"))
			var shopee catalog.Listing
			for _, l := range w.listings[w.A.ID] {
				sh, err := s.Shop(op, l.ShopID)
				require.NoError(t, err)
				if l.VariantID == tea.ID && sh.Platform == catalog.PlatformShopee {
					shopee = l
				}
			}
			level := func() catalog.StockLevel {
				ls, err := s.StockLevels(op, tea.ID)
				require.NoError(t, err)
				return ls[0]
			}
			shows := func(l catalog.Listing) int64 {
				sh, err := s.Shop(op, l.ShopID)
				require.NoError(t, err)
				snap, err := s.PushSnapshot(op, l.ID, sh.Rule)
				require.NoError(t, err)
				avail, _ := snap.Avail(sh.Rule)
				return avail
			}
			require.Equal(t, int64(40), shows(zl), "before the start every shop shows all")

			w.clk.Advance(time.Hour)
			_, _, err = s.StartCampaign(op, c.ID)
			require.NoError(t, err)
			require.Equal(t, int64(15), level().Held)
			require.Equal(t, int64(25), shows(zl), "Zalo is outside the campaign: the 15 are not its to sell")
			require.Equal(t, int64(40), shows(shopee), "Shopee sells in the campaign: shared stock and the hold")

			order := func(sh int64, id string, qty int64) {
				_, _, err := s.IngestOrder(op, store.OrderIn{ShopID: sh, ExternalID: id, Status: catalog.OrderReadyToShip,
					Lines: []catalog.OrderLine{{SellerSKU: string(tea.SKU), Quantity: qty, Price: 45000}}})
				require.NoError(t, err)
			}
			order(shopee.ShopID, "SP-1", 4)
			require.Equal(t, int64(11), level().Held, "the campaign's order drew from the hold")
			require.Equal(t, int64(25), shows(zl))
			order(zalo.ID, "ZL-1", 3)
			require.Equal(t, int64(11), level().Held, "Zalo's order left the hold alone")
			require.Equal(t, int64(22), shows(zl))
			require.Equal(t, int64(33), shows(shopee))

			w.clk.Advance(48 * time.Hour)
			_, _, err = s.EndCampaign(op, c.ID)
			require.NoError(t, err)
			require.Zero(t, level().Held, "the 11 left went back")
			require.Equal(t, int64(33), shows(zl))
			movements, _, err := s.Movements(op, tea.ID, catalog.ListQuery{})
			require.NoError(t, err)
			require.Equal(t, catalog.ReasonCampaign, movements[0].Reason)
		})
	}
}

// TestListingLiveAfterTheStartJoinsTheCampaign: A opens a second Shopee
// shop while the campaign runs and publishes its tea there; the listing
// joins the campaign at the campaign price, once.
func TestListingLiveAfterTheStartJoinsTheCampaign(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			w := newCampaignWorld(t, d)
			s, op := w.s, system()
			c, tea := w.campaignWithATea(t, 0)
			w.clk.Advance(time.Hour)
			_, _, err := s.StartCampaign(op, c.ID)
			require.NoError(t, err)
			before, err := s.CampaignListings(op, c.ID)
			require.NoError(t, err)

			shop := catalog.Shop{CoopID: w.A.ID, Platform: catalog.PlatformShopee, ExternalID: "A-second", Name: "shopee 2"}
			require.NoError(t, s.ConnectShop(op, &shop, []byte(`{}`), w.clk.Now().Add(time.Hour), w.clk.Now().Add(24*time.Hour), time.Time{}))
			l, err := s.AddListing(op, shop.ID, tea.ID)
			require.NoError(t, err)
			require.NoError(t, s.SetListingState(op, l.ID, catalog.ListingLive, "", "item-2", "model-2"))
			joined, err := s.JoinRunningCampaigns(op, []int64{l.ID})
			require.NoError(t, err)
			require.Equal(t, []int64{c.ID}, joined)
			rows, err := s.CampaignListings(op, c.ID)
			require.NoError(t, err)
			require.Len(t, rows, len(before)+1)
			for _, r := range rows {
				if r.ListingID == l.ID {
					require.Equal(t, catalog.CampaignListingApplied, r.State)
					require.Equal(t, r.BasePrice*9/10, r.CampaignPrice)
					require.False(t, r.Synced, "its price is owed to the channel")
				}
			}
			joined, err = s.JoinRunningCampaigns(op, []int64{l.ID})
			require.NoError(t, err)
			require.Empty(t, joined, "once")
			log, _, err := s.AuditLog(coopCtx(w.A.ID), w.A.ID, catalog.ListQuery{})
			require.NoError(t, err)
			require.Equal(t, "campaign.listings_joined", log[0].Action)
		})
	}
}
