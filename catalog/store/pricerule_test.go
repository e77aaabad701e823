package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// TestShopPriceRule: a manager sets a shop's price rule (versioned, all
// field errors at once, nothing written when refused); the rule is the
// base of the worker's price targets and of the product page's shop
// prices; a listing's own price still wins; a seller may not set it,
// another co-op cannot see the shop, and an alliance admin's change is in
// the co-op's audit log.
func TestShopPriceRule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		k := keyed(t, s)
		A := storetest.NewFixture(t, k, "PR")
		B := storetest.NewFixture(t, k, "PRB")
		p := A.Product("CHE-PR", 71, 2) // 95.000 and 190.000 đ
		require.NoError(t, k.CreateProduct(storetest.Operator(), &p))
		shopee := connectShop(t, k, storetest.Operator(), A.Coop.ID, catalog.PlatformShopee, "pr-1")
		lazada := connectShop(t, k, storetest.Operator(), A.Coop.ID, catalog.PlatformLazada, "pr-2")
		require.True(t, shopee.PriceRule.IsZero(), "a new shop has no price rule")
		manager := as(t, k, addUser(t, k, "manager.pr", catalog.RoleCoopManager, 0, A.Coop.ID))

		bad := catalog.PriceRule{Kind: catalog.PriceRulePercent, Value: -100, RoundTo: 250}
		_, err := k.SetShopPriceRule(manager, shopee.ID, shopee.Version, bad)
		requireFieldError(t, catalog.CodeInvalidArgument, err, "price_rule.value", "price_rule.round_to")
		got, err := k.Shop(manager, shopee.ID)
		require.NoError(t, err)
		require.True(t, got.PriceRule.IsZero(), "a refused rule writes nothing")
		require.Equal(t, shopee.Version, got.Version)

		plus10 := catalog.PriceRule{Kind: catalog.PriceRulePercent, Value: 10, RoundTo: 1000}
		shopee, err = k.SetShopPriceRule(manager, shopee.ID, shopee.Version, plus10)
		require.NoError(t, err)
		require.Equal(t, plus10, shopee.PriceRule)
		require.Equal(t, got.Version+1, shopee.Version)
		_, err = k.SetShopPriceRule(manager, shopee.ID, got.Version, plus10)
		requireCode(t, catalog.CodeConflict, err, "a stale version")

		seller := as(t, k, addUser(t, k, "seller.pr", catalog.RoleCoopSeller, 0, A.Coop.ID))
		_, err = k.SetShopPriceRule(seller, shopee.ID, shopee.Version, catalog.PriceRule{})
		requireCode(t, catalog.CodePermissionDenied, err, "a seller sets no price rule")
		other := as(t, k, addUser(t, k, "manager.prb", catalog.RoleCoopManager, 0, B.Coop.ID))
		_, err = k.SetShopPriceRule(other, shopee.ID, shopee.Version, catalog.PriceRule{})
		requireCode(t, catalog.CodeNotFound, err, "another co-op's shop is not there")

		admin := as(t, k, addUser(t, k, "admin.pr", catalog.RoleAllianceAdmin, A.Alliance.ID, 0))
		minus5k := catalog.PriceRule{Kind: catalog.PriceRuleAmount, Value: -5000, RoundTo: 500}
		lazada, err = k.SetShopPriceRule(admin, lazada.ID, lazada.Version, minus5k)
		require.NoError(t, err)
		log, _, err := k.AuditLog(storetest.Operator(), A.Coop.ID, catalog.ListQuery{})
		require.NoError(t, err)
		require.NotEmpty(t, log)
		require.Equal(t, "shop.price_rule_changed", log[0].Action)
		require.Equal(t, lazada.ID, log[0].ObjectID)
		require.Contains(t, log[0].Detail, "none → -5000 VND (round 500)")
		for _, e := range log[1:] {
			require.NotEqual(t, "shop.price_rule_changed", e.Action, "the co-op's own manager is not an outsider")
		}

		// Listings: the first variant on both shops, the second on Shopee
		// with its own price.
		var ids []int64
		for _, l := range [][2]int64{{shopee.ID, p.Variants[0].ID}, {lazada.ID, p.Variants[0].ID}, {shopee.ID, p.Variants[1].ID}} {
			listing, err := k.AddListing(storetest.Operator(), l[0], l[1])
			require.NoError(t, err)
			ids = append(ids, listing.ID)
		}
		own, err := k.Listing(storetest.Operator(), ids[2])
		require.NoError(t, err)
		_, err = k.SetListingOverrides(storetest.Operator(), own.ID, own.Version, catalog.ListingOverrides{Price: 199900})
		require.NoError(t, err)
		targets, err := k.PriceTargets(storetest.Operator(), ids)
		require.NoError(t, err)
		require.Equal(t, catalog.VND(105000), targets[ids[0]].Price, "Shopee: 95.000 + 10 %, to 1.000")
		require.Equal(t, catalog.VND(90000), targets[ids[1]].Price, "Lazada: 95.000 − 5.000")
		require.Equal(t, catalog.VND(199900), targets[ids[2]].Price, "the listing's own price wins over the rule")

		prices, err := k.ShopPrices(manager, p.ID)
		require.NoError(t, err)
		type row struct {
			variant, shop, listing int64
			price                  catalog.VND
			source                 catalog.PriceSource
		}
		var rows []row
		for _, sp := range prices {
			rows = append(rows, row{sp.VariantID, sp.ShopID, sp.ListingID, sp.Price, sp.Source})
		}
		require.Equal(t, []row{
			{p.Variants[0].ID, shopee.ID, ids[0], 105000, catalog.PriceFromRule},
			{p.Variants[0].ID, lazada.ID, ids[1], 90000, catalog.PriceFromRule},
			{p.Variants[1].ID, shopee.ID, ids[2], 199900, catalog.PriceFromOverride},
			{p.Variants[1].ID, lazada.ID, 0, 185000, catalog.PriceFromRule}, // not listed: what it would get
		}, rows)
		_, err = k.ShopPrices(other, p.ID)
		requireCode(t, catalog.CodeNotFound, err, "another co-op's product")

		lazada, err = k.SetShopPriceRule(manager, lazada.ID, lazada.Version, catalog.PriceRule{})
		require.NoError(t, err)
		targets, err = k.PriceTargets(storetest.Operator(), ids[1:2])
		require.NoError(t, err)
		require.Equal(t, catalog.VND(95000), targets[ids[1]].Price, "no rule: the catalog price")
	})
}
