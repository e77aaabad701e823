package catalog_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
)

func TestDiscountPrice(t *testing.T) {
	pct := func(v int64) catalog.Discount { return catalog.Discount{Kind: catalog.DiscountPercent, Value: v} }
	amount := func(v int64) catalog.Discount { return catalog.Discount{Kind: catalog.DiscountAmount, Value: v} }
	for _, c := range []struct {
		name        string
		d           catalog.Discount
		base, floor catalog.VND
		want        catalog.VND
		ok          bool
	}{
		{"10% of 95.000 is 85.500, rounded to 86.000", pct(10), 95000, 0, 86000, true},
		{"10% of 160.000", pct(10), 160000, 0, 144000, true},
		{"half of 1.000 rounds to base, down to 0: no discount", pct(50), 1000, 0, 0, false},
		{"half a thousand rounds up", pct(50), 3000, 0, 2000, true},
		{"15% of 420.000", pct(15), 420000, 0, 357000, true},
		{"rounding up would reach base: round down", pct(1), 1900, 0, 1000, true},
		{"floor holds the price up", pct(20), 100000, 90000, 90000, true},
		{"floor at base leaves no discount", pct(20), 100000, 100000, 0, false},
		{"floor above base leaves no discount", pct(20), 100000, 120000, 0, false},
		{"amount off", amount(15000), 95000, 0, 80000, true},
		{"amount off everything", amount(95000), 95000, 0, 0, false},
		{"amount off more than the price", amount(200000), 95000, 0, 0, false},
		{"unknown kind", catalog.Discount{Kind: "free"}, 95000, 0, 0, false},
	} {
		got, ok := c.d.Price(c.base, c.floor)
		require.Equal(t, c.ok, ok, c.name)
		require.Equal(t, c.want, got, c.name)
		if ok {
			require.Zero(t, got%catalog.PriceStep, "%s: whole thousands (unless the floor says otherwise)", c.name)
		}
	}
}

func TestCampaignValidate(t *testing.T) {
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, catalog.Vietnam)
	good := func() catalog.Campaign {
		return catalog.Campaign{AllianceID: 1, Name: "  OCOP 4★+ giảm 10%  ", Discount: catalog.Discount{Kind: catalog.DiscountPercent, Value: 10},
			Channels: []catalog.Platform{"Shopee", "lazada", "shopee"}, StartsAt: now.Add(24 * time.Hour), EndsAt: now.Add(96 * time.Hour),
			Rules: catalog.CampaignRules{MinStars: 4, Groups: []catalog.Group{"food", "beverage", "food"}, Provinces: []string{"Thái Nguyên", "thai nguyen", " "},
				CoopIDs: []int64{3, 1, 3}}}
	}
	c := good()
	require.NoError(t, c.Validate(now))
	require.Equal(t, "OCOP 4★+ giảm 10%", c.Name)
	require.Equal(t, []catalog.Platform{catalog.PlatformShopee, catalog.PlatformLazada}, c.Channels)
	require.Equal(t, []catalog.Group{"beverage", "food"}, c.Rules.Groups)
	require.Equal(t, []string{"Thái Nguyên"}, c.Rules.Provinces)
	require.Equal(t, []int64{1, 3}, c.Rules.CoopIDs)

	bad := catalog.Campaign{Discount: catalog.Discount{Kind: catalog.DiscountPercent, Value: 95}, Channels: []catalog.Platform{"tiki"},
		StartsAt: now.Add(-time.Hour), EndsAt: now.Add(-2 * time.Hour), Rules: catalog.CampaignRules{MinStars: 2},
		Floors: []catalog.PriceFloor{{VariantID: 7, Floor: 0}, {VariantID: 7, Floor: 5000}}}
	err := bad.Validate(now)
	var ce *catalog.Error
	require.ErrorAs(t, err, &ce)
	for _, f := range []string{"name", "alliance_id", "discount.value", "channels", "starts_at", "ends_at", "rules.min_stars",
		"floors[0].floor", "floors[1].variant_id"} {
		require.Contains(t, ce.Fields, f)
	}
	long := good()
	long.EndsAt = long.StartsAt.Add(100 * 24 * time.Hour)
	require.ErrorAs(t, long.Validate(now), &ce)
	require.Contains(t, ce.Fields, "ends_at")
	amount := good()
	amount.Discount = catalog.Discount{Kind: catalog.DiscountAmount, Value: 1500}
	require.ErrorAs(t, amount.Validate(now), &ce)
	require.Contains(t, ce.Fields, "discount.value", "an amount off is whole thousands")
}

func TestCampaignRulesMatch(t *testing.T) {
	r := catalog.CampaignRules{MinStars: 4, Groups: []catalog.Group{catalog.GroupBeverage}, Provinces: []string{"Thai Nguyen"}}
	coop := catalog.Coop{ID: 5, Province: "Thái Nguyên"}
	cert := catalog.Certificate{CertifiedOn: catalog.NewDate(2025, 3, 1), ExpiresOn: catalog.NewDate(2028, 3, 1)}
	day := catalog.NewDate(2026, 12, 7)
	tea := catalog.Product{Stars: 4, Group: catalog.GroupBeverage, Certificate: cert}
	require.True(t, r.Matches(coop, tea, day))
	require.False(t, r.Matches(coop, catalog.Product{Stars: 3, Group: catalog.GroupBeverage, Certificate: cert}, day))
	require.False(t, r.Matches(coop, catalog.Product{Stars: 5, Group: catalog.GroupFood, Certificate: cert}, day))
	require.False(t, r.Matches(catalog.Coop{ID: 5, Province: "Ninh Bình"}, tea, day))
	require.False(t, r.Matches(coop, tea, catalog.NewDate(2028, 3, 1)), "stars count only while the certificate is in force")
	require.True(t, catalog.CampaignRules{Groups: r.Groups}.Matches(coop, tea, catalog.NewDate(2028, 3, 1)), "a rule without stars ignores it")
	r.CoopIDs = []int64{6}
	require.False(t, r.Matches(coop, tea, day))
	require.True(t, catalog.CampaignRules{}.Matches(coop, tea, day), "no rule holds for everything")
	require.Equal(t, "Asia/Ho_Chi_Minh", catalog.Vietnam.String())
}
