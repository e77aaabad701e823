package catalog_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
)

func TestPriceRuleApply(t *testing.T) {
	pct := func(v int64, step catalog.VND) catalog.PriceRule {
		return catalog.PriceRule{Kind: catalog.PriceRulePercent, Value: v, RoundTo: step}
	}
	amount := func(v int64, step catalog.VND) catalog.PriceRule {
		return catalog.PriceRule{Kind: catalog.PriceRuleAmount, Value: v, RoundTo: step}
	}
	for _, c := range []struct {
		name string
		rule catalog.PriceRule
		base catalog.VND
		want catalog.VND
	}{
		{"no rule: the catalog price, unrounded", catalog.PriceRule{}, 95250, 95250},
		{"+10 % of 95.000 = 104.500, to 1.000: half goes up", pct(10, 1000), 95000, 105000},
		{"+10 % of 95.000 to 500", pct(10, 500), 95000, 104500},
		{"+10 % of 95.000 to 100", pct(10, 100), 95000, 104500},
		{"+7 % of 95.000 = 101.650, to 1.000", pct(7, 1000), 95000, 102000},
		{"+7 % of 95.000 = 101.650, to 500", pct(7, 500), 95000, 101500},
		{"+7 % of 95.000 = 101.650, to 100: half goes up", pct(7, 100), 95000, 101700},
		{"−5 % of 95.000 = 90.250, to 1.000", pct(-5, 1000), 95000, 90000},
		{"−5 % of 95.000 = 90.250, to 500", pct(-5, 500), 95000, 90500},
		{"−5 % of 95.000 = 90.250, to 100", pct(-5, 100), 95000, 90300},
		{"−3 % of 33.333 = 32.333,01 (fraction kept exact), to 100", pct(-3, 100), 33333, 32300},
		{"0 % only rounds", pct(0, 1000), 95400, 95000},
		{"−90 % of 5.000 stops at the floor", pct(-90, 1000), 5000, catalog.MinShopPrice},
		{"+300 %", pct(300, 1000), 95000, 380000},
		{"+5.000 đ", amount(5000, 1000), 95000, 100000},
		{"+2.345 đ to 1.000", amount(2345, 1000), 95000, 97000},
		{"+2.345 đ to 500", amount(2345, 500), 95000, 97500},
		{"+2.345 đ to 100", amount(2345, 100), 95000, 97300},
		{"−5.000 đ", amount(-5000, 1000), 95000, 90000},
		{"−2.750 đ to 500: half goes up", amount(-2750, 500), 95000, 92500},
		{"−94.800 đ leaves 200 đ: the floor", amount(-94800, 100), 95000, catalog.MinShopPrice},
		{"more off than the price: the floor, never negative", amount(-200000, 1000), 95000, catalog.MinShopPrice},
		{"exactly the price off: the floor", amount(-95000, 1000), 95000, catalog.MinShopPrice},
		{"a cheap SKU rounded up to the floor", pct(0, 1000), 400, catalog.MinShopPrice},
		{"no price: left alone", pct(10, 1000), 0, 0},
		{"a big price does not overflow", pct(300, 1000), 2_000_000_000_000, 8_000_000_000_000},
	} {
		got := c.rule.Apply(c.base)
		require.Equal(t, c.want, got, c.name)
		require.GreaterOrEqual(t, got, catalog.VND(0), c.name)
		if !c.rule.IsZero() && c.base > 0 {
			require.Zero(t, got%c.rule.RoundTo, "%s: a whole step", c.name)
			require.GreaterOrEqual(t, got, catalog.MinShopPrice, c.name)
		}
	}
}

func TestPriceRuleValidate(t *testing.T) {
	for _, c := range []struct {
		name   string
		rule   catalog.PriceRule
		fields []string // refused fields; none: valid
	}{
		{"no rule", catalog.PriceRule{}, nil},
		{"+10 % to 1.000", catalog.PriceRule{Kind: catalog.PriceRulePercent, Value: 10, RoundTo: 1000}, nil},
		{"−90 % is the deepest cut", catalog.PriceRule{Kind: catalog.PriceRulePercent, Value: -90, RoundTo: 500}, nil},
		{"+300 % is the highest", catalog.PriceRule{Kind: catalog.PriceRulePercent, Value: 300, RoundTo: 100}, nil},
		{"−5.000 đ", catalog.PriceRule{Kind: catalog.PriceRuleAmount, Value: -5000, RoundTo: 100}, nil},
		{"−100 % gives the goods away", catalog.PriceRule{Kind: catalog.PriceRulePercent, Value: -100, RoundTo: 1000}, []string{"price_rule.value"}},
		{"−150 %", catalog.PriceRule{Kind: catalog.PriceRulePercent, Value: -150, RoundTo: 1000}, []string{"price_rule.value"}},
		{"−91 %", catalog.PriceRule{Kind: catalog.PriceRulePercent, Value: -91, RoundTo: 1000}, []string{"price_rule.value"}},
		{"+301 %", catalog.PriceRule{Kind: catalog.PriceRulePercent, Value: 301, RoundTo: 1000}, []string{"price_rule.value"}},
		{"amount beyond 10 million", catalog.PriceRule{Kind: catalog.PriceRuleAmount, Value: -10_000_001, RoundTo: 1000}, []string{"price_rule.value"}},
		{"rounding to 250", catalog.PriceRule{Kind: catalog.PriceRuleAmount, Value: 1000, RoundTo: 250}, []string{"price_rule.round_to"}},
		{"no rounding", catalog.PriceRule{Kind: catalog.PriceRulePercent, Value: 10}, []string{"price_rule.round_to"}},
		{"both wrong at once", catalog.PriceRule{Kind: catalog.PriceRulePercent, Value: -100, RoundTo: 7}, []string{"price_rule.value", "price_rule.round_to"}},
		{"unknown kind", catalog.PriceRule{Kind: "double", Value: 2, RoundTo: 1000}, []string{"price_rule.kind"}},
		{"a value without a kind", catalog.PriceRule{Value: 10, RoundTo: 1000}, []string{"price_rule.kind"}},
	} {
		err := c.rule.Validate()
		if c.fields == nil {
			require.NoError(t, err, c.name)
			continue
		}
		var ce *catalog.Error
		require.ErrorAs(t, err, &ce, c.name)
		require.Equal(t, catalog.CodeInvalidArgument, ce.Code, c.name)
		require.Len(t, ce.Fields, len(c.fields), c.name)
		for _, f := range c.fields {
			require.Contains(t, ce.Fields, f, c.name)
		}
	}
}

func TestPriceOnShop(t *testing.T) {
	plus10 := catalog.PriceRule{Kind: catalog.PriceRulePercent, Value: 10, RoundTo: 1000}
	for _, c := range []struct {
		name                   string
		catalogPrice, override catalog.VND
		rule                   catalog.PriceRule
		campaign               catalog.VND
		wantPrice, wantBase    catalog.VND
		wantSource             catalog.PriceSource
	}{
		{"no rule, nothing else: the catalog price", 95000, 0, catalog.PriceRule{}, 0, 95000, 95000, catalog.PriceFromCatalog},
		{"the shop's rule", 95000, 0, plus10, 0, 105000, 105000, catalog.PriceFromRule},
		{"an override wins over the rule, unrounded", 95000, 99900, plus10, 0, 99900, 99900, catalog.PriceFromOverride},
		{"a campaign wins over the rule", 95000, 0, plus10, 94000, 94000, 105000, catalog.PriceFromCampaign},
		{"a campaign wins over an override", 95000, 99900, plus10, 90000, 90000, 99900, catalog.PriceFromCampaign},
		{"a campaign price not below the base is no campaign", 95000, 0, plus10, 105000, 105000, 105000, catalog.PriceFromRule},
	} {
		price, base, src := catalog.PriceOnShop(c.catalogPrice, c.override, c.rule, c.campaign)
		require.Equal(t, c.wantPrice, price, c.name)
		require.Equal(t, c.wantBase, base, c.name)
		require.Equal(t, c.wantSource, src, c.name)
	}
}
