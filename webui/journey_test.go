package webui_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/demo"
)

// TestImportJourney: a manager signs in, imports the demo catalog with
// one bad barcode, reads the error by line and column in Vietnamese,
// imports the fixed file, finds a product without typing accents, and
// makes a mistake on the edit form that comes back beside the field with
// nothing lost.
func TestImportJourney(t *testing.T) {
	h := startHub(t, false)
	h.addUser(t, "vanhanh", catalog.RoleOperator, "")
	tab := newTab(t)
	login(t, tab, h.url, "vanhanh", "/import")

	dir := t.TempDir()
	bad := strings.Replace(string(demo.CSV), "8936000001025", "8936000001026", 1) // wrong check digit, line 3
	require.NotEqual(t, string(demo.CSV), bad)
	badPath, goodPath := filepath.Join(dir, "danh-muc.csv"), filepath.Join(dir, "danh-muc-da-sua.csv")
	require.NoError(t, os.WriteFile(badPath, []byte(bad), 0o644))
	require.NoError(t, os.WriteFile(goodPath, demo.CSV, 0o644))

	do(t, tab, chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{badPath}), chromedp.Click(chromedp.CSS("#check")),
		chromedp.WaitVisible(chromedp.CSS("#import-errors")))
	errs := text(t, tab, "#import-errors")
	require.Contains(t, errs, "Dòng 3")
	require.Contains(t, errs, "cột gtin13")
	require.Contains(t, errs, "Chưa nhập gì cả")
	products, _, err := h.st.ListProducts(h.ctx, catalog.ListQuery{})
	require.NoError(t, err)
	require.Empty(t, products, "a file with a bad row imports nothing")

	do(t, tab, chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{goodPath}), chromedp.Click(chromedp.CSS("#check")),
		chromedp.WaitVisible(chromedp.CSS("#import-ok")))
	require.Contains(t, text(t, tab, "#import-ok"), "không có lỗi")
	do(t, tab, chromedp.Click(chromedp.CSS("#confirm")), chromedp.WaitVisible(chromedp.CSS("#import-done")))
	require.Contains(t, text(t, tab, "#import-done"), "Đã nhập xong")

	do(t, tab, chromedp.Navigate(h.url+"/products"), chromedp.SendKeys(chromedp.CSS("#q"), "che hao dat\n"),
		chromedp.WaitVisible(chromedp.CSS("#product-list")))
	require.Contains(t, text(t, tab, "#product-list"), "Chè Tân Cương Hảo Đạt")

	do(t, tab, chromedp.Click(chromedp.CSS("#product-list a")), chromedp.WaitVisible(chromedp.CSS("#edit")),
		chromedp.Click(chromedp.CSS("#edit")), chromedp.WaitVisible(chromedp.CSS("#save")))
	price := `[id="f-variants[0].price"]`
	name := `[id="f-name.vi"]`
	do(t, tab, chromedp.SetValue(chromedp.CSS(name), "Chè Tân Cương Hảo Đạt loại đặc biệt"),
		chromedp.SetValue(chromedp.CSS(price), "chín mươi nghìn"), chromedp.Click(chromedp.CSS("#save")),
		chromedp.WaitVisible(chromedp.CSS("#form-message")))
	require.Contains(t, text(t, tab, `[id="err-variants[0].price"]`), "Giá phải là số đồng")
	kept, err := chromedp.Run(tab, chromedp.Value(chromedp.CSS(name)))
	require.NoError(t, err)
	require.Equal(t, "Chè Tân Cương Hảo Đạt loại đặc biệt", kept, "what was typed is kept")
	do(t, tab, chromedp.SetValue(chromedp.CSS(price), "99.000"), chromedp.Click(chromedp.CSS("#save")),
		chromedp.WaitVisible(chromedp.CSS("#flash")))
	require.Contains(t, text(t, tab, "h1"), "loại đặc biệt")
	require.Contains(t, text(t, tab, ".price"), "99.000 ₫")

	do(t, tab, chromedp.Navigate(h.url+"/jobs"))
	require.Contains(t, text(t, tab, "#queue-critical"), "Gấp: tồn kho và đơn hàng", "the operator sees the queues")

	// Across co-ops, as an alliance sees them.
	do(t, tab, chromedp.Navigate(h.url+"/coops"))
	require.Contains(t, text(t, tab, "#online-count"), "0/", "nobody sells online yet")
	require.Contains(t, text(t, tab, `[data-coop="HTX-HAODAT"]`), "Chưa bán online")

	// English, and back.
	do(t, tab, chromedp.Click(chromedp.CSS(`a[hreflang="en"]`)), chromedp.WaitVisible(chromedp.CSS(`a[hreflang="vi"]`)))
	require.Equal(t, "en", eval[string](t, tab, "document.documentElement.lang"))
	require.Contains(t, text(t, tab, "nav"), "Products")
	require.Contains(t, text(t, tab, "h1"), "Co-ops")
	do(t, tab, chromedp.Click(chromedp.CSS(`a[hreflang="vi"]`)), chromedp.WaitVisible(chromedp.CSS(`a[hreflang="en"]`)))
	require.Equal(t, "vi", eval[string](t, tab, "document.documentElement.lang"))

	// The public page of a barcode needs no sign-in.
	public := newTab(t)
	do(t, public, chromedp.Navigate(h.url+"/p/8936000001018"))
	page := text(t, public, "main")
	for _, want := range []string{"Chè Tân Cương Hảo Đạt", "HTX chè Hảo Đạt", "Thái Nguyên", "Chứng nhận OCOP", "Đã hết hạn",
		"Chè búp sao sấy thủ công", "Hand-roasted green tea buds"} {
		require.Contains(t, page, want)
	}
	require.NotContains(t, page, "OCOP 4 sao", "its certificate ended on 01/01/2026: no stars")
	phudo, err := h.productByCode("TRA-PHUDO") // in force whatever day the test runs
	require.NoError(t, err)
	phudo.Certificate = catalog.Certificate{Number: "3987/QĐ-UBND", CertifiedOn: catalog.Today(time.Now()).AddMonths(-6)}
	require.NoError(t, h.st.UpdateProduct(h.ctx, &phudo))
	do(t, public, chromedp.Navigate(h.url+"/p/8936000001070"))
	require.Contains(t, text(t, public, "main"), "OCOP 3 sao", "a certificate in force shows its stars")
	require.Contains(t, text(t, public, "#cert"), "Còn hiệu lực")
	do(t, public, chromedp.Navigate(h.url+"/p/8936000001019"))
	require.Contains(t, text(t, public, "main"), "Không tìm thấy sản phẩm")
}

// TestSellerJourney: a manager connects Shopee, Lazada and Zalo through
// their authorization pages, publishes a product to the three shops and
// watches it go live, sees a Lazada buyer's order in the inbox and the
// stock drop, ships it with a tracking number, then meets a failed push
// explained in Vietnamese and fixes it with "Đẩy lại" once the fault is
// gone. Screenshots of the main pages at desktop and phone sizes.
func TestSellerJourney(t *testing.T) {
	h := startHub(t, true)
	h.addUser(t, "quanly.haodat", catalog.RoleCoopManager, "HTX-HAODAT")
	tab := newTab(t)
	login(t, tab, h.url, "quanly.haodat", "/shops")

	for _, p := range []catalog.Platform{catalog.PlatformShopee, catalog.PlatformLazada, catalog.PlatformZalo} {
		do(t, tab, chromedp.Navigate(h.url+"/shops"), chromedp.Click(chromedp.CSS("#connect-"+string(p))),
			chromedp.WaitVisible(chromedp.CSS("#approve")))
		require.Contains(t, text(t, tab, "body"), "Chọn shop thử nghiệm", "the marketplace's own authorization page")
		do(t, tab, chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name="shop_id"][value="%d"]`, h.platforms[p].shopID))),
			chromedp.Click(chromedp.CSS("#approve")), chromedp.WaitVisible(chromedp.CSS("#flash")))
		require.Contains(t, text(t, tab, "#flash"), "Đã kết nối shop")
		card := fmt.Sprintf(`.shop[data-platform="%s"][data-connected="true"]`, p)
		require.NotContains(t, text(t, tab, card+" .token-expiry"), "–", "token expiry shown")
		require.NotContains(t, text(t, tab, card+" .grant-expiry"), "–", "authorization expiry shown")
	}

	product, err := h.productByCode("CHE-HAODAT")
	require.NoError(t, err)
	do(t, tab, chromedp.Navigate(h.url+"/publish?q=CHE-HAODAT"),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name="product"][value="%d"]`, product.ID))))
	shops, _, err := h.st.ListShops(h.ctx, catalog.ListQuery{})
	require.NoError(t, err)
	require.Len(t, shops, 3)
	for _, s := range shops {
		do(t, tab, chromedp.Click(chromedp.CSS(fmt.Sprintf("#pick-shop-%d", s.ID))))
	}
	do(t, tab, chromedp.Click(chromedp.CSS("#publish")), chromedp.WaitVisible(chromedp.CSS(`#progress[data-done="true"]`)))
	want := fmt.Sprintf("%d/%d", 3*len(product.Variants), 3*len(product.Variants))
	require.Contains(t, text(t, tab, "#progress-text"), want)
	require.Equal(t, 3*len(product.Variants), eval[int](t, tab, `document.querySelectorAll('#progress [data-status="live"]').length`))
	require.Contains(t, text(t, tab, "#progress"), "Đang bán")

	// A buyer on Lazada takes 2 boxes of 100 g.
	sku := "CHE-HAODAT-100G"
	lz := h.platforms[catalog.PlatformLazada]
	require.Equal(t, 200, h.control(t, lz, fmt.Sprintf("/_sandbox/shops/%d/orders", lz.shopID),
		map[string]any{"buyer": "Chị Lan", "lines": []map[string]any{{"seller_sku": sku, "quantity": 2}}}, nil))
	waitFor(t, tab, h.url+"/orders", "the Lazada order in the inbox", func() error {
		if n := eval[int](t, tab, `document.querySelectorAll('.order .pf-lazada').length`); n != 1 {
			return fmt.Errorf("%d Lazada orders shown", n)
		}
		return nil
	})
	require.Contains(t, text(t, tab, ".order"), sku+" × 2")
	require.Contains(t, text(t, tab, ".order"), "Chờ gửi hàng")
	productURL := fmt.Sprintf("%s/products/%d", h.url, product.ID)
	available := fmt.Sprintf(`[data-sku="%s"] .available`, sku)
	do(t, tab, chromedp.Navigate(productURL))
	require.Equal(t, "118", text(t, tab, available), "120 in stock, 2 reserved for the order")
	shopee, zaloShop := h.platforms[catalog.PlatformShopee], h.platforms[catalog.PlatformZalo]
	eventually(t, "Shopee and Zalo show 118", func() error {
		for _, p := range []*platform{shopee, zaloShop} {
			if q, _ := channelStock(p, sku); q != 118 {
				return fmt.Errorf("%d", q)
			}
		}
		return nil
	})

	// Ship it with our own tracking number.
	do(t, tab, chromedp.Navigate(h.url+"/orders"), chromedp.SendKeys(chromedp.CSS(".tracking-input"), "VN0001234567"),
		chromedp.Click(chromedp.CSS(".ship-button")), chromedp.WaitVisible(chromedp.CSS("#flash")))
	waitFor(t, tab, h.url+"/orders", "the order shipped", func() error {
		// Lazada's carrier numbers the parcel itself (it ignores ours).
		if s := text(t, tab, ".order"); !strings.Contains(s, "Đang giao") || !strings.Contains(s, "Mã vận đơn: LZ") {
			return fmt.Errorf("order shows %q", s)
		}
		return nil
	})

	// Zalo fails every call; 5 more boxes arrive.
	require.Equal(t, 200, h.control(t, zaloShop, fmt.Sprintf("/_sandbox/shops/%d/faults", zaloShop.shopID), map[string]any{"error_rate": 1.0}, nil))
	do(t, tab, chromedp.Navigate(productURL), chromedp.SetValue(chromedp.CSS("#adjust-delta"), "+5"),
		chromedp.Click(chromedp.CSS("#adjust-save")), chromedp.WaitVisible(chromedp.CSS("#flash")))
	zaloListing := fmt.Sprintf(`[data-sku="%s"] .listing[data-platform="zalo"]`, sku)
	waitFor(t, tab, productURL, "the failed Zalo push explained", func() error {
		if n := eval[int](t, tab, `document.querySelectorAll('`+zaloListing+` .explain').length`); n != 1 {
			return fmt.Errorf("no explanation yet: %s", text(t, tab, zaloListing))
		}
		return nil
	})
	require.Contains(t, text(t, tab, zaloListing+" .explain"), "Sàn đang lỗi hoặc không trả lời")
	require.Equal(t, "123", text(t, tab, available), "120 − 2 shipped + 5 received")
	screenshots(t, tab, productURL, "product")
	do(t, tab, chromedp.Navigate(h.url+"/pushes?errors=1"))
	require.Contains(t, text(t, tab, ".push-error"), "Sàn đang lỗi hoặc không trả lời", "the push log explains failures too")

	require.Equal(t, 200, h.control(t, zaloShop, fmt.Sprintf("/_sandbox/shops/%d/faults", zaloShop.shopID), map[string]any{"error_rate": 0.0}, nil))
	do(t, tab, chromedp.Navigate(productURL), chromedp.Click(chromedp.CSS(zaloListing+" .push-again")), chromedp.WaitVisible(chromedp.CSS("#flash")))
	require.Contains(t, text(t, tab, "#flash"), "đẩy lại")
	eventually(t, "Zalo shows the new stock after Đẩy lại", func() error {
		if q, _ := channelStock(zaloShop, sku); q != 123 {
			return fmt.Errorf("zalo shows %d", q)
		}
		return nil
	})
	waitFor(t, tab, productURL, "the explanation gone", func() error {
		if n := eval[int](t, tab, `document.querySelectorAll('`+zaloListing+` .explain').length`); n != 0 {
			return fmt.Errorf("still explained")
		}
		return nil
	})

	// The seller keeps 3 boxes back from Zalo with the shop's stock rule;
	// a percentage over 100 is refused beside its field, nothing saved.
	zaloRule := fmt.Sprintf("#shop-%d .rule-form", h.shopOf(t, catalog.PlatformZalo).ID)
	do(t, tab, chromedp.Navigate(h.url+"/shops"), chromedp.Click(chromedp.CSS(fmt.Sprintf("#shop-%d .stock-rule summary", h.shopOf(t, catalog.PlatformZalo).ID))),
		chromedp.SetValue(chromedp.CSS(zaloRule+` input[name="buffer_units"]`), "3"),
		chromedp.SetValue(chromedp.CSS(zaloRule+` input[name="ratio_percent"]`), "150"),
		chromedp.Click(chromedp.CSS(zaloRule+` button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(zaloRule+" #err-ratio_percent")))
	require.Contains(t, text(t, tab, zaloRule+" #err-ratio_percent"), "Phần trăm phải từ 1 đến 100")
	require.Equal(t, "3", eval[string](t, tab, `document.querySelector('`+zaloRule+` input[name="buffer_units"]').value`), "what was typed is kept")
	require.Zero(t, h.shopOf(t, catalog.PlatformZalo).Rule.BufferUnits, "nothing saved")
	do(t, tab, chromedp.SetValue(chromedp.CSS(zaloRule+` input[name="ratio_percent"]`), "100"),
		chromedp.Click(chromedp.CSS(zaloRule+` button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS("#flash")))
	require.Contains(t, text(t, tab, "#flash"), "Đã lưu quy tắc")
	require.Equal(t, int64(3), h.shopOf(t, catalog.PlatformZalo).Rule.BufferUnits)
	eventually(t, "Zalo shows 3 fewer than the others", func() error {
		if q, _ := channelStock(zaloShop, sku); q != 120 {
			return fmt.Errorf("zalo shows %d", q)
		}
		return nil
	})

	for _, page := range []struct{ path, name string }{{"/", "dashboard"}, {"/shops", "shops"}, {"/orders", "inbox"}} {
		screenshots(t, tab, h.url+page.path, page.name)
	}
	screenshots(t, tab, productURL, "product-fixed")
}

// shopOf is the hub's shop of the platform, as stored now.
func (h *hub) shopOf(t *testing.T, p catalog.Platform) catalog.Shop {
	t.Helper()
	shops, _, err := h.st.ListShops(h.ctx, catalog.ListQuery{})
	require.NoError(t, err)
	for _, s := range shops {
		if s.Platform == p {
			return s
		}
	}
	t.Fatalf("no %s shop", p)
	return catalog.Shop{}
}
