package webui_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"ocophub/catalog"
)

// TestCategoriesPage is the manager's journey on a phone: from the product
// page to its marketplace categories, each platform showing the suggested
// category (tea) with the attributes the hub filled; a search for "ca phe"
// typed without diacritics finds Shopee's "Cà phê"; a face-cream category
// saved without its skin type is refused beside that field in Vietnamese,
// nothing stored; filled, it is saved and confirmed.
func TestCategoriesPage(t *testing.T) {
	h := startHub(t, true)
	h.addUser(t, "quanly.haodat", catalog.RoleCoopManager, "HTX-HAODAT")
	product, err := h.productByCode("CHE-HAODAT")
	require.NoError(t, err)
	for _, p := range []catalog.Platform{catalog.PlatformShopee, catalog.PlatformLazada, catalog.PlatformZalo} {
		h.connectShop(t, p, product.CoopID)
	}
	tab := newTab(t)
	page := fmt.Sprintf("/products/%d", product.ID)
	login(t, tab, h.url, "quanly.haodat", page)
	do(t, tab, chromedp.Click(chromedp.CSS("#categories")), chromedp.WaitVisible(chromedp.CSS("#platform-shopee")))

	for _, p := range []string{"shopee", "lazada", "zalo"} {
		card := "#platform-" + p
		require.Contains(t, text(t, tab, card+" .current-category"), "Trà", "%s suggests tea", p)
		require.Contains(t, text(t, tab, card+" .current-category"), "Gợi ý")
	}
	require.Equal(t, "HTX chè Hảo Đạt", value(t, tab, "#f-shopee-brand"), "brand filled from the co-op")
	require.Equal(t, "Thái Nguyên", value(t, tab, "#f-shopee-100037"), "origin filled from the province")
	require.Contains(t, text(t, tab, "#platform-shopee form.category-form"), "* bắt buộc")
	require.Contains(t, text(t, tab, "#platform-zalo"), "không hỏi thêm thuộc tính")

	// Search without diacritics and pick Shopee's coffee.
	do(t, tab, chromedp.SendKeys(chromedp.CSS("#q-shopee"), "ca phe"), chromedp.Click(chromedp.CSS("#search-shopee")),
		chromedp.WaitVisible(chromedp.CSS("#results-shopee")))
	require.Contains(t, text(t, tab, "#results-shopee"), "Thực phẩm và đồ uống › Đồ uống › Cà phê")
	do(t, tab, chromedp.Click(chromedp.CSS(`#results-shopee a[data-category="100862"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#platform-shopee [data-editing="100862"]`)))
	screenshots(t, tab, h.url+fmt.Sprintf("/products/%d/categories?platform=shopee&q=ca+phe", product.ID), "categories-search")

	// A face cream needs its skin type, which the hub cannot know:
	// saving without it is refused beside the field, in Vietnamese.
	cream := fmt.Sprintf("/products/%d/categories?platform=shopee&category=100871", product.ID)
	do(t, tab, chromedp.Navigate(h.url+cream), chromedp.WaitVisible(chromedp.CSS("#f-shopee-100018")))
	require.Equal(t, "", value(t, tab, "#f-shopee-100018"))
	eval[string](t, tab, `document.querySelector("#f-shopee-100037").value = "Tân Cương, Thái Nguyên"`)
	do(t, tab, chromedp.Click(chromedp.CSS("#save-shopee")), chromedp.WaitVisible(chromedp.CSS("#err-shopee-100018")))
	require.Equal(t, "Danh mục này bắt buộc điền thuộc tính này.", text(t, tab, "#err-shopee-100018"))
	require.Equal(t, "Tân Cương, Thái Nguyên", value(t, tab, "#f-shopee-100037"), "what was typed is kept")
	require.Contains(t, text(t, tab, `#platform-shopee [data-editing="100871"]`), "Kem dưỡng da", "the picked category is kept")
	choices, err := h.st.ProductCategories(h.ctx, product.ID)
	require.NoError(t, err)
	require.Empty(t, choices, "nothing stored")

	// The refused form on a phone: no sideways scroll, the error beside
	// the field.
	do(t, tab, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(1)))
	require.True(t, eval[bool](t, tab, `document.documentElement.scrollWidth <= document.documentElement.clientWidth`), "no sideways scroll at 390 px")
	png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(artefacts(t), "categories-error-phone.png"), png, 0o644))
	do(t, tab, chromedp.EmulateViewport(1280, 800))

	do(t, tab, chromedp.SendKeys(chromedp.CSS("#f-shopee-100018"), "Da dầu"), chromedp.Click(chromedp.CSS("#save-shopee")),
		chromedp.WaitVisible(chromedp.CSS("#flash")))
	require.Contains(t, text(t, tab, "#flash"), "Đã lưu danh mục")
	require.Contains(t, text(t, tab, "#platform-shopee .current-category"), "Kem dưỡng da")
	require.Contains(t, text(t, tab, "#platform-shopee .current-category"), "Đã xác nhận")
	choices, err = h.st.ProductCategories(h.ctx, product.ID)
	require.NoError(t, err)
	require.Len(t, choices, 1)
	require.Equal(t, "100871", choices[0].CategoryID)
	require.Equal(t, "Da dầu", choices[0].Attributes["100018"])
	require.Equal(t, "Tân Cương, Thái Nguyên", choices[0].Attributes["100037"])
}
