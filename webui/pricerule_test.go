package webui_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"ocophub/catalog"
)

// TestPriceRuleOnShopsPage: on a phone, Hảo Đạt's manager gives its
// Shopee shop a price rule on the shops page. A cut of 100 % is refused
// beside the field in Vietnamese with what was typed kept; +10 % rounded to
// 1.000 đ is saved, the Shopee item is re-priced, and the product page
// shows each shop's price and where it comes from (Shopee: the rule,
// Lazada: the catalog), the same prices the sandboxes sell at.
func TestPriceRuleOnShopsPage(t *testing.T) {
	h := startHub(t, true)
	h.addUser(t, "quanly.haodat", catalog.RoleCoopManager, "HTX-HAODAT")
	product, err := h.productByCode("CHE-HAODAT")
	require.NoError(t, err)
	shopee := h.connectShop(t, catalog.PlatformShopee, product.CoopID)
	lazada := h.connectShop(t, catalog.PlatformLazada, product.CoopID)
	for _, sh := range []catalog.Shop{shopee, lazada} {
		_, err = h.cmds.AddListings(h.ctx, sh.ID, nil, product.ID)
		require.NoError(t, err)
	}
	v := product.Variants[0]
	eventually(t, "the tea is live on both shops", func() error {
		for _, p := range []catalog.Platform{catalog.PlatformShopee, catalog.PlatformLazada} {
			if _, ok := channelPrice(h.platforms[p], string(v.SKU)); !ok {
				return fmt.Errorf("not listed on %s yet", p)
			}
		}
		return nil
	})

	tab := newTab(t)
	do(t, tab, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(1)))
	login(t, tab, h.url, "quanly.haodat", "/shops")
	card := fmt.Sprintf("#shop-%d", shopee.ID)
	valueField := fmt.Sprintf(`[id="f-price_value-%d"]`, shopee.ID)
	valueError := fmt.Sprintf(`[id="err-price_value-%d"]`, shopee.ID)
	require.Contains(t, text(t, tab, card+" .price-rule summary"), "giữ giá danh mục")
	do(t, tab, chromedp.Click(chromedp.CSS(card+" .price-rule summary")), chromedp.WaitVisible(chromedp.CSS(valueField)),
		chromedp.SetValue(chromedp.CSS(fmt.Sprintf("#price-kind-%d", shopee.ID)), "percent"),
		chromedp.SetValue(chromedp.CSS(fmt.Sprintf("#price-direction-%d", shopee.ID)), "down"),
		chromedp.SendKeys(chromedp.CSS(valueField), "100"),
		chromedp.Click(chromedp.CSS(card+" .save-price-rule")), chromedp.WaitVisible(chromedp.CSS(valueError)))
	require.Contains(t, text(t, tab, valueError), "giảm tối đa 90 %")
	require.Equal(t, "100", value(t, tab, valueField), "what was typed is kept")
	require.Equal(t, "down", value(t, tab, fmt.Sprintf("#price-direction-%d", shopee.ID)))
	png, err := chromedp.Run(tab, chromedp.Screenshot(chromedp.CSS(card)))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(artefacts(t), "price-rule-refused-phone.png"), png, 0o644))
	require.Zero(t, eval[int](t, tab, `document.documentElement.scrollWidth - document.documentElement.clientWidth`),
		"the shops page does not scroll sideways on a phone")
	got, err := h.st.Shop(h.ctx, shopee.ID)
	require.NoError(t, err)
	require.True(t, got.PriceRule.IsZero(), "a refused rule saves nothing")

	do(t, tab, chromedp.SetValue(chromedp.CSS(fmt.Sprintf("#price-direction-%d", shopee.ID)), "up"),
		chromedp.SetValue(chromedp.CSS(valueField), "10"),
		chromedp.SetValue(chromedp.CSS(fmt.Sprintf("#price-round-%d", shopee.ID)), "1000"),
		chromedp.Click(chromedp.CSS(card+" .save-price-rule")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	require.Contains(t, text(t, tab, ".flash"), "Đã lưu giá")
	require.Contains(t, text(t, tab, card+" .price-rule summary"), "+10 %")
	got, err = h.st.Shop(h.ctx, shopee.ID)
	require.NoError(t, err)
	plus10 := catalog.PriceRule{Kind: catalog.PriceRulePercent, Value: 10, RoundTo: 1000}
	require.Equal(t, plus10, got.PriceRule)
	do(t, tab, chromedp.Click(chromedp.CSS(card+" .price-rule summary")), chromedp.WaitVisible(chromedp.CSS(valueField)))
	require.Contains(t, text(t, tab, card+" .price-example"), "110.000 ₫", "the example moves 100.000 ₫ by the rule")
	png, err = chromedp.Run(tab, chromedp.Screenshot(chromedp.CSS(card)))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(artefacts(t), "price-rule-saved-phone.png"), png, 0o644))

	want := plus10.Apply(v.Price)
	eventually(t, "Shopee sells at the rule's price, Lazada at the catalog's", func() error {
		s, _ := channelPrice(h.platforms[catalog.PlatformShopee], string(v.SKU))
		l, _ := channelPrice(h.platforms[catalog.PlatformLazada], string(v.SKU))
		if s != want || l != v.Price {
			return fmt.Errorf("Shopee %d (want %d), Lazada %d (want %d)", s, want, l, v.Price)
		}
		return nil
	})
	page := fmt.Sprintf("%s/products/%d", h.url, product.ID)
	row := func(sh catalog.Shop) string {
		return fmt.Sprintf(`#variant-%d .shop-price[data-shop="%d"]`, v.ID, sh.ID)
	}
	waitFor(t, tab, page, "the product page shows each shop's price", func() error {
		s := eval[string](t, tab, fmt.Sprintf(`(document.querySelector('%s')||{dataset:{}}).dataset.price + "/" + (document.querySelector('%s')||{dataset:{}}).dataset.source`, row(shopee), row(shopee)))
		if s != fmt.Sprintf("%d/rule", want) {
			return fmt.Errorf("Shopee row says %s", s)
		}
		return nil
	})
	require.Contains(t, text(t, tab, row(shopee)), strings.TrimSuffix(want.String(), " ₫"))
	require.Contains(t, text(t, tab, row(shopee)), "theo quy tắc giá của shop")
	require.Contains(t, text(t, tab, row(lazada)), strings.TrimSuffix(v.Price.String(), " ₫"))
	require.Contains(t, text(t, tab, row(lazada)), "giá danh mục")
	screenshots(t, tab, page, "product-shop-prices")
}

// channelPrice is what a sandbox sells sku at now.
func channelPrice(p *platform, sku string) (catalog.VND, bool) {
	for _, s := range p.srv.Engine.State().Shops {
		for _, it := range s.Items {
			for _, k := range it.SKUs {
				if k.SellerSKU == sku && it.Status == "live" {
					return catalog.VND(k.Price), true
				}
			}
		}
	}
	return 0, false
}
