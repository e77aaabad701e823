package webui_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"ocophub/catalog"
	"ocophub/catalog/photo"
)

// TestNewProductJourney is issue 17's "done when", on a 390 px phone: a
// co-op manager adds a product with three variants, gives it two photos,
// picks Shopee's and Lazada's categories (their mandatory attributes
// filled from what the hub knows), publishes it to three shops, sees the
// photos on the sandbox items with their dimensions, exports the catalog
// to xlsx, changes the prices in the file and imports it back.
func TestNewProductJourney(t *testing.T) {
	h := startHub(t, true)
	h.addUser(t, "quanly", catalog.RoleCoopManager, "HTX-HAODAT")
	tea, err := h.productByCode("CHE-HAODAT")
	require.NoError(t, err)
	for _, p := range []catalog.Platform{catalog.PlatformShopee, catalog.PlatformLazada, catalog.PlatformZalo} {
		h.connectShop(t, p, tea.CoopID)
	}
	tab := newTab(t)
	login(t, tab, h.url, "quanly", "/products")
	do(t, tab, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(1)))
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(artefacts(t), "new-product-"+name+"-phone.png"), png, 0o644))
		require.True(t, eval[bool](t, tab, `document.documentElement.scrollWidth <= document.documentElement.clientWidth`),
			"%s scrolls sideways at 390 px", name)
	}

	// 1. The product, three variants.
	field := func(name string) chromedp.CSS { return chromedp.CSS(`[id="f-` + name + `"]`) }
	certified := catalog.Today(time.Now()).AddMonths(-6).Vietnamese()
	do(t, tab, chromedp.Navigate(h.url+"/products/new"), chromedp.WaitVisible(chromedp.CSS("#save")),
		chromedp.SetValue(field("code"), "MAT-ONG-TC"),
		chromedp.SetValue(field("name.vi"), "Mật ong hoa chè Tân Cương"),
		chromedp.SetValue(field("description.vi"), "Mật ong ong nội nuôi giữa đồi chè Tân Cương."),
		chromedp.SetValue(field("group"), "food"),
		chromedp.SetValue(field("certificate.number"), "2731/QĐ-UBND"),
		chromedp.SetValue(field("certificate.certified_on"), certified),
		chromedp.SetValue(field("variants[0].name.vi"), "Chai 250 ml"),
		chromedp.SetValue(field("variants[0].price"), "120.000"),
		chromedp.SetValue(field("variants[0].net_weight_g"), "330"),
		chromedp.SetValue(chromedp.CSS(`[id^="f-variants[0].opening."]`), "20"),
		chromedp.Click(chromedp.CSS("#add-variant")), chromedp.WaitVisible(field("variants[1].name.vi")))
	do(t, tab, chromedp.SetValue(field("variants[1].name.vi"), "Chai 500 ml"),
		chromedp.SetValue(field("variants[1].price"), "220.000"),
		chromedp.SetValue(field("variants[1].net_weight_g"), "660"),
		chromedp.SetValue(chromedp.CSS(`[id^="f-variants[1].opening."]`), "15"),
		chromedp.Click(chromedp.CSS("#add-variant")), chromedp.WaitVisible(field("variants[2].name.vi")))
	do(t, tab, chromedp.SetValue(field("variants[2].name.vi"), "Hũ 1 kg"),
		chromedp.SetValue(field("variants[2].price"), "390.000"),
		chromedp.SetValue(field("variants[2].net_weight_g"), "1000"),
		chromedp.SetValue(chromedp.CSS(`[id^="f-variants[2].opening."]`), "8"),
		chromedp.Click(chromedp.CSS("#save")), chromedp.WaitVisible(chromedp.CSS("#flash")))
	product, err := h.productByCode("MAT-ONG-TC")
	require.NoError(t, err)
	require.Len(t, product.Variants, 3)
	page := h.url + "/products/" + strconv.FormatInt(product.ID, 10)

	// 2. Two photos from the phone.
	dir := t.TempDir()
	photoFile := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, data, 0o644))
		return p
	}
	do(t, tab, chromedp.SetUploadFiles(`#photo-file`, []string{photoFile("chai.jpg", photo.Sample(900, 1200, "jpeg")),
		photoFile("hu.png", photo.Sample(800, 800, "png"))}), chromedp.Click(chromedp.CSS("#photo-send")))
	eventually(t, "the two photos in the gallery", func() error {
		if n := eval[int](t, tab, `document.querySelectorAll('#gallery .photo').length`); n != 2 {
			return fmt.Errorf("%d photos", n)
		}
		return nil
	})
	shot("photos")

	// 3. Shopee's and Lazada's categories: honey, found without accents;
	// the mandatory attributes come filled from what the hub knows.
	for _, p := range []string{"shopee", "lazada"} {
		do(t, tab, chromedp.Navigate(page+"/categories"), chromedp.WaitVisible(chromedp.CSS("#q-"+p)),
			chromedp.SendKeys(chromedp.CSS("#q-"+p), "mat ong"), chromedp.Click(chromedp.CSS("#search-"+p)),
			chromedp.WaitVisible(chromedp.CSS("#results-"+p)))
		require.Contains(t, text(t, tab, "#results-"+p), "Mật ong")
		id := eval[string](t, tab, `document.querySelector("#results-`+p+` a").dataset.category`)
		do(t, tab, chromedp.Click(chromedp.CSS(`#results-`+p+` a[data-category="`+id+`"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#platform-`+p+` [data-editing="`+id+`"]`)))
		if p == "shopee" {
			shot("categories")
		}
		do(t, tab, chromedp.Click(chromedp.CSS("#save-"+p)), chromedp.WaitVisible(chromedp.CSS("#flash")))
		require.Contains(t, text(t, tab, "#platform-"+p+" .current-category"), "Đã xác nhận")
	}
	choices, err := h.st.ProductCategories(h.ctx, product.ID)
	require.NoError(t, err)
	require.Len(t, choices, 2)

	// 4. Publish to the three shops.
	do(t, tab, chromedp.Navigate(h.url+"/publish?q=MAT-ONG-TC"),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name="product"][value="%d"]`, product.ID))))
	shops, _, err := h.st.ListShops(h.ctx, catalog.ListQuery{CoopID: product.CoopID})
	require.NoError(t, err)
	require.Len(t, shops, 3)
	for _, s := range shops {
		do(t, tab, chromedp.Click(chromedp.CSS(fmt.Sprintf("#pick-shop-%d", s.ID))))
	}
	do(t, tab, chromedp.Click(chromedp.CSS("#publish")), chromedp.WaitVisible(chromedp.CSS(`#progress[data-done="true"]`)))
	require.Equal(t, 9, eval[int](t, tab, `document.querySelectorAll('#progress [data-status="live"]').length`),
		"%s", text(t, tab, "#progress"))
	shot("published")

	// 5. The photos on every sandbox item, with their dimensions, as the
	// sandbox's control state reports them.
	for name, p := range h.platforms {
		resp, err := http.Get(p.srv.URL + "/_sandbox/state")
		require.NoError(t, err)
		var state struct {
			Shops []struct {
				Items []struct {
					SKUs []struct {
						SellerSKU string `json:"seller_sku"`
					} `json:"skus"`
					Images []struct{ Width, Height int } `json:"images"`
				} `json:"items"`
			} `json:"shops"`
		}
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&state))
		resp.Body.Close()
		found := false
		for _, s := range state.Shops {
			for _, it := range s.Items {
				for _, k := range it.SKUs {
					if k.SellerSKU == string(product.Variants[0].SKU) {
						found = true
						require.Len(t, it.Images, 2, "%s item's photos", name)
						for _, im := range it.Images {
							require.Equal(t, [2]int{1024, 1024}, [2]int{im.Width, im.Height}, "%s: the platform-sized square", name)
						}
					}
				}
			}
		}
		require.True(t, found, "%s has the item", name)
	}

	// 6. Export to xlsx, raise the three prices by 5.000 đ in the file,
	// import it back.
	do(t, tab, chromedp.Navigate(h.url+"/products?q=mat+ong+tc"), chromedp.WaitVisible(chromedp.CSS("#export-xlsx")),
		chromedp.Evaluate[chromedp.Void](`window.exported = ""; fetch(document.querySelector("#export-xlsx").href)
			.then(r => r.arrayBuffer()).then(b => { let s = ""; for (const c of new Uint8Array(b)) s += String.fromCharCode(c); window.exported = btoa(s) })`))
	var exported string
	eventually(t, "the xlsx downloads", func() error {
		if exported = eval[string](t, tab, `window.exported`); exported == "" {
			return fmt.Errorf("not yet")
		}
		return nil
	})
	raw, err := base64.StdEncoding.DecodeString(exported)
	require.NoError(t, err)
	book, err := excelize.OpenReader(bytes.NewReader(raw))
	require.NoError(t, err)
	sheet := book.GetSheetName(0)
	rows, err := book.GetRows(sheet)
	require.NoError(t, err)
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	require.Len(t, rows, 4, "the header and the three variants")
	want := map[catalog.SKU]catalog.VND{}
	for r := 1; r < len(rows); r++ {
		price, err := strconv.ParseInt(rows[r][col["price_vnd"]], 10, 64)
		require.NoError(t, err)
		cell, err := excelize.CoordinatesToCellName(col["price_vnd"]+1, r+1)
		require.NoError(t, err)
		require.NoError(t, book.SetCellValue(sheet, cell, price+5000))
		want[catalog.SKU(rows[r][col["sku"]])] = catalog.VND(price + 5000)
	}
	edited := filepath.Join(dir, "san-pham.xlsx")
	require.NoError(t, book.SaveAs(edited))
	do(t, tab, chromedp.Navigate(h.url+"/import"), chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{edited}),
		chromedp.Click(chromedp.CSS("#check")), chromedp.WaitVisible(chromedp.CSS("#import-ok")))
	do(t, tab, chromedp.Click(chromedp.CSS("#confirm")), chromedp.WaitVisible(chromedp.CSS("#import-done")))
	shot("imported")
	product, err = h.productByCode("MAT-ONG-TC")
	require.NoError(t, err)
	for _, v := range product.Variants {
		require.Equal(t, want[v.SKU], v.Price, "%s", v.SKU)
	}
	require.Equal(t, catalog.VND(125000), want[product.Variants[0].SKU])
}
