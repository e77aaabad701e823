package webui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"ocophub/catalog"
)

// TestListingOverridesForm: a co-op manager gives the tea its own title
// and price on Lazada from the product page. A bad price and a bad
// attribute line are refused beside their fields, in Vietnamese, with
// what was typed kept; the saved content shows in the form and reaches
// the Lazada item.
func TestListingOverridesForm(t *testing.T) {
	h := startHub(t, true)
	h.addUser(t, "quanly.haodat", catalog.RoleCoopManager, "HTX-HAODAT")
	product, err := h.productByCode("CHE-HAODAT")
	require.NoError(t, err)
	lz := h.platforms[catalog.PlatformLazada]
	shop := h.connectShop(t, catalog.PlatformLazada, product.CoopID)
	_, err = h.cmds.AddListings(h.ctx, shop.ID, nil, product.ID)
	require.NoError(t, err)
	sku := string(product.Variants[0].SKU)
	eventually(t, "the tea is live on Lazada", func() error {
		if _, ok := channelStock(lz, sku); !ok {
			return fmt.Errorf("not listed yet")
		}
		return nil
	})
	var listing catalog.Listing
	eventually(t, "the listing is live in the hub", func() error {
		ls, err := h.st.ListingsOfVariant(h.ctx, product.Variants[0].ID)
		if err != nil || len(ls) != 1 || ls[0].Status != catalog.ListingLive {
			return fmt.Errorf("listings %v (%v)", ls, err)
		}
		listing = ls[0]
		return nil
	})

	// On a phone: open the listing's form, send a price in words.
	page := fmt.Sprintf("/products/%d", product.ID)
	tab := newTab(t)
	do(t, tab, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(1)))
	login(t, tab, h.url, "quanly.haodat", page)
	li := fmt.Sprintf("#listing-%d", listing.ID)
	priceField := fmt.Sprintf(`[id="f-price-%d"]`, listing.ID)
	do(t, tab, chromedp.Click(chromedp.CSS(li+" .overrides summary")), chromedp.WaitVisible(chromedp.CSS(priceField)),
		chromedp.SendKeys(chromedp.CSS(fmt.Sprintf(`[id="f-title-%d"]`, listing.ID)), "Chè Hảo Đạt – hộp quà"),
		chromedp.SendKeys(chromedp.CSS(priceField), "tám mươi"),
		chromedp.Click(chromedp.CSS(li+" .save-overrides")), chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[id="err-price-%d"]`, listing.ID))))
	require.Contains(t, text(t, tab, fmt.Sprintf(`[id="err-price-%d"]`, listing.ID)), "Giá là số đồng")
	require.Equal(t, "tám mươi", value(t, tab, priceField), "what was typed is kept")
	png, err := chromedp.Run(tab, chromedp.Screenshot(chromedp.CSS(li)))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(artefacts(t), "listing-overrides-phone.png"), png, 0o644))
	require.Zero(t, eval[int](t, tab, `document.documentElement.scrollWidth - document.documentElement.clientWidth`),
		"the page does not scroll sideways on a phone")

	s := signInPages(t, h.url, "quanly.haodat")
	status, body := s.get(page)
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, fmt.Sprintf(`action="/listings/%d/overrides"`, listing.ID))

	form := url.Values{"title": {"Chè Hảo Đạt – hộp quà Tết"}, "price": {"chín mươi nghìn"}, "category_id": {"10002019"}, // Lazada's tea (the sandbox refuses an unknown category)
		"attributes": {"100037=Thái Nguyên\nvùng trồng"}, "version": {strconv.FormatInt(listing.Version, 10)}}
	path := fmt.Sprintf("/listings/%d/overrides", listing.ID)
	status, body, _ = s.post(path, form)
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, body, fmt.Sprintf(`id="err-price-%d"`, listing.ID))
	require.Contains(t, body, "Giá là số đồng")
	require.Contains(t, body, fmt.Sprintf(`id="err-attributes-%d"`, listing.ID))
	require.Contains(t, body, "mã=giá trị")
	require.Contains(t, body, `value="chín mươi nghìn"`, "what was typed is kept")
	require.Contains(t, body, "Chè Hảo Đạt – hộp quà Tết")

	form.Set("price", "89.000")
	form.Set("attributes", "100037=Thái Nguyên")
	status, _, loc := s.post(path, form)
	require.Equal(t, http.StatusSeeOther, status)
	require.True(t, strings.HasPrefix(loc, page), "back to the product page: %q", loc)
	got, err := h.st.Listing(h.ctx, listing.ID)
	require.NoError(t, err)
	require.Equal(t, "Chè Hảo Đạt – hộp quà Tết", got.Title)
	require.Equal(t, catalog.VND(89000), got.Price)
	require.Equal(t, map[string]string{"100037": "Thái Nguyên"}, got.Attributes)
	_, body = s.get(page)
	require.Contains(t, body, `value="89000"`, "the form shows what is stored")

	// The same version again: someone saved in between.
	status, body, _ = s.post(path, form)
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, body, `class="flash bad"`)

	eventually(t, "Lazada shows the tea's own title and price", func() error {
		for _, sh := range lz.srv.Engine.State().Shops {
			for _, it := range sh.Items {
				for _, k := range it.SKUs {
					if k.SellerSKU == sku && it.Name == "Chè Hảo Đạt – hộp quà Tết" && k.Price == 89000 {
						return nil
					}
				}
			}
		}
		return fmt.Errorf("not yet")
	})
}
