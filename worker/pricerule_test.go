package worker_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/worker/ops"
)

// requireShopPrices waits until each platform's sandbox sells sku at the
// price want names, and checks that the product page's prices
// (store.ShopPrices) say the same, with the source.
func requireShopPrices(t *testing.T, h *hub, what string, sku catalog.SKU, want map[catalog.Platform]catalog.VND,
	source map[catalog.Platform]catalog.PriceSource) {
	t.Helper()
	eventually(t, what, func() error {
		for _, p := range h.platforms {
			it, k, ok := channelItem(p, string(sku))
			if !ok || it.Status != "live" {
				return fmt.Errorf("%s not live on %s", sku, p.name)
			}
			if got := catalog.VND(k.PriceAt(time.Now())); got != want[p.name] {
				return fmt.Errorf("%s sells %s at %d, want %d", p.name, sku, got, want[p.name])
			}
		}
		return nil
	})
	prices, err := h.st.ShopPrices(h.ctx, h.product.ID)
	require.NoError(t, err)
	seen := 0
	for _, sp := range prices {
		for name, shop := range h.shops {
			if sp.ShopID == shop.ID && sp.VariantID == h.product.Variants[0].ID {
				require.Equal(t, want[name], sp.Price, "%s: the product page says what %s shows", what, name)
				require.Equal(t, source[name], sp.Source, "%s: %s", what, name)
				seen++
			}
		}
	}
	require.Equal(t, len(h.shops), seen, "%s: one price per shop", what)
}

// TestPriceRulesReachEveryChannel: each of the co-op's shops has its own
// price rule (Shopee +10 % to 1.000, Lazada −7.500 đ to 500, Zalo +3 % to
// 100) and is published at its rule's price; a catalog price change moves
// every shop by its rule; a new rule on one shop re-pushes only that
// shop's price; a listing's own price wins over its shop's rule. The
// price each sandbox item shows is the one asserted, and the product
// page's prices agree.
func TestPriceRulesReachEveryChannel(t *testing.T) {
	h := startHub(t, "phu do") // TRA-PHUDO-200G: 160.000 đ
	v := h.product.Variants[0]
	require.Equal(t, catalog.VND(160000), v.Price)
	cmds := &ops.Commands{Store: h.st, Tasks: asynq.NewClientFromRedisClient(h.rdb)}
	setRule := func(p catalog.Platform, r catalog.PriceRule) {
		t.Helper()
		shop, err := h.st.Shop(h.ctx, h.shops[p].ID)
		require.NoError(t, err)
		h.shops[p], err = cmds.SetPriceRule(h.ctx, shop.ID, shop.Version, r)
		require.NoError(t, err)
	}
	_, err := cmds.SetPriceRule(h.ctx, h.shops[catalog.PlatformShopee].ID, h.shops[catalog.PlatformShopee].Version,
		catalog.PriceRule{Kind: catalog.PriceRulePercent, Value: -100, RoundTo: 1000})
	require.Equal(t, catalog.CodeInvalidArgument, catalog.ErrorCode(err), "−100 %% is refused: %v", err)
	setRule(catalog.PlatformShopee, catalog.PriceRule{Kind: catalog.PriceRulePercent, Value: 10, RoundTo: 1000})
	setRule(catalog.PlatformLazada, catalog.PriceRule{Kind: catalog.PriceRuleAmount, Value: -7500, RoundTo: 500})
	setRule(catalog.PlatformZalo, catalog.PriceRule{Kind: catalog.PriceRulePercent, Value: 3, RoundTo: 100})
	rules := map[catalog.Platform]catalog.PriceSource{catalog.PlatformShopee: catalog.PriceFromRule,
		catalog.PlatformLazada: catalog.PriceFromRule, catalog.PlatformZalo: catalog.PriceFromRule}

	h.publish(t)
	requireShopPrices(t, h, "published at each shop's rule", v.SKU, map[catalog.Platform]catalog.VND{
		catalog.PlatformShopee: 176000, // 160.000 + 10 %
		catalog.PlatformLazada: 152500, // 160.000 − 7.500
		catalog.PlatformZalo:   164800, // 160.000 + 3 %
	}, rules)

	p, err := h.st.Product(h.ctx, h.product.ID)
	require.NoError(t, err)
	p.Variants[0].Price = 171000
	require.NoError(t, h.st.UpdateProduct(h.ctx, &p))
	h.w.Wake()
	requireShopPrices(t, h, "a catalog price change moves every shop by its rule", v.SKU, map[catalog.Platform]catalog.VND{
		catalog.PlatformShopee: 188000, // 171.000 + 10 % = 188.100
		catalog.PlatformLazada: 163500, // 171.000 − 7.500
		catalog.PlatformZalo:   176100, // 171.000 + 3 % = 176.130
	}, rules)

	setRule(catalog.PlatformShopee, catalog.PriceRule{Kind: catalog.PriceRuleAmount, Value: -5000, RoundTo: 1000})
	requireShopPrices(t, h, "a new rule re-pushes that shop's price", v.SKU, map[catalog.Platform]catalog.VND{
		catalog.PlatformShopee: 166000,
		catalog.PlatformLazada: 163500,
		catalog.PlatformZalo:   176100,
	}, rules)

	ls, _, err := h.st.ListListings(h.ctx, h.shops[catalog.PlatformZalo].ID, catalog.ListQuery{})
	require.NoError(t, err)
	require.Len(t, ls, 1)
	_, err = cmds.SetListingOverrides(h.ctx, ls[0].ID, ls[0].Version, catalog.ListingOverrides{Price: 169000})
	require.NoError(t, err)
	setRule(catalog.PlatformZalo, catalog.PriceRule{Kind: catalog.PriceRulePercent, Value: 20, RoundTo: 1000})
	requireShopPrices(t, h, "a listing's own price wins over its shop's rule", v.SKU, map[catalog.Platform]catalog.VND{
		catalog.PlatformShopee: 166000,
		catalog.PlatformLazada: 163500,
		catalog.PlatformZalo:   169000,
	}, map[catalog.Platform]catalog.PriceSource{catalog.PlatformShopee: catalog.PriceFromRule,
		catalog.PlatformLazada: catalog.PriceFromRule, catalog.PlatformZalo: catalog.PriceFromOverride})
}

// TestCampaignWinsOverPriceRules: Hảo Đạt prices its three shops 10 %
// above the catalog; while the alliance's −10 % campaign runs every shop
// of Hảo Đạt sells at 10 % off its own shop price (the campaign wins, its
// discount taken off the price the buyer saw crossed out), and when it
// ends each shop is back at its rule's price.
func TestCampaignWinsOverPriceRules(t *testing.T) {
	h := startCampaignHub(t)
	cmds := &ops.Commands{Store: h.st, Tasks: asynq.NewClientFromRedisClient(h.rdb)}
	plus10 := catalog.PriceRule{Kind: catalog.PriceRulePercent, Value: 10, RoundTo: 1000}
	shops, _, err := h.st.ListShops(h.ctx, catalog.ListQuery{CoopID: h.coops["HTX-HAODAT"].ID})
	require.NoError(t, err)
	require.Len(t, shops, 3)
	for _, sh := range shops {
		_, err := cmds.SetPriceRule(h.ctx, sh.ID, sh.Version, plus10)
		require.NoError(t, err)
	}
	ruled := func(code string, v catalog.Variant) catalog.VND {
		if code == "HTX-HAODAT" {
			return plus10.Apply(v.Price)
		}
		return v.Price
	}
	h.requirePrices(t, "Hảo Đạt's shops at catalog + 10 %", ruled)

	start := time.Now().Add(2 * time.Second)
	c := h.newCampaign(t, start, start.Add(8*time.Second))
	h.requirePrices(t, "the campaign wins over the rule", func(code string, v catalog.Variant) catalog.VND {
		p, ok := c.Discount.Price(ruled(code, v), 0)
		if code == "HTX-DATPHAT" || !ok {
			return ruled(code, v)
		}
		return p
	})
	haodat := h.products["HTX-HAODAT"]
	prices, err := h.st.ShopPrices(h.manager("HTX-HAODAT"), haodat.ID)
	require.NoError(t, err)
	require.Len(t, prices, 3*len(haodat.Variants))
	for _, sp := range prices {
		var v catalog.Variant
		for _, x := range haodat.Variants {
			if x.ID == sp.VariantID {
				v = x
			}
		}
		want, _ := c.Discount.Price(plus10.Apply(v.Price), 0)
		require.Equal(t, catalog.PriceFromCampaign, sp.Source, "%s on %s", v.SKU, sp.Platform)
		require.Equal(t, want, sp.Price, "%s on %s", v.SKU, sp.Platform)
		require.Equal(t, plus10.Apply(v.Price), sp.Base, "the rule's price, crossed out")
	}

	eventually(t, "the campaign ends", func() error {
		if s := h.status(t, c.ID); s != catalog.CampaignEnded {
			return fmt.Errorf("campaign is %s", s)
		}
		return nil
	})
	h.requirePrices(t, "back to each shop's rule after the campaign", ruled)
}
