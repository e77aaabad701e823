package webui_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"ocophub/catalog"
)

// receiveDemoLot receives a lot of the demo variant with sku in its co-op's
// first warehouse.
func receiveDemoLot(t *testing.T, h *hub, productCode, sku, code, notes string) (catalog.Product, catalog.Variant, catalog.Lot) {
	t.Helper()
	p, err := h.productByCode(productCode)
	require.NoError(t, err)
	v, ok := p.Variant(catalog.SKU(sku))
	require.True(t, ok)
	ws, _, err := h.st.ListWarehouses(h.ctx, catalog.ListQuery{CoopID: p.CoopID})
	require.NoError(t, err)
	today := catalog.Today(time.Now())
	lot := catalog.Lot{VariantID: v.ID, WarehouseID: ws[0].ID, Code: code, ProducedOn: today.AddDays(-3),
		ExpiresOn: today.AddMonths(12), Quantity: 100, Notes: notes}
	require.NoError(t, h.st.ReceiveLot(h.ctx, &lot))
	return p, v, lot
}

// TestTracePage scans a stamp as a phone would: the Digital Link opens the
// trace page (307 by the phone's language), which shows every field
// Circular 02/2024 asks for and where to buy, and nothing private; an
// expired certificate shows no stars and says so. Screenshots at 1280 and
// 390 px; the page never scrolls sideways.
func TestTracePage(t *testing.T) {
	h := startHub(t, true)
	p, v, lot := receiveDemoLot(t, h, "TRA-PHUDO", "TRA-PHUDO-200G", "2612A",
		"Chè búp tươi hái tại đồi số 3, thôn Phú Đô, ngày 04/12/2026; sao sấy thủ công.")
	// A live Lazada listing of the variant: the page links to it.
	shop := catalog.Shop{CoopID: p.CoopID, Platform: catalog.PlatformLazada, ExternalID: "200100", Name: "Trà Phú Đô Official"}
	// Tokens far from expiry: no refresh is tried while the test runs.
	days := func(n int) time.Time { return time.Now().Add(time.Duration(n) * 24 * time.Hour) }
	require.NoError(t, h.st.ConnectShop(h.ctx, &shop, []byte(`{"access_token":"t"}`), days(30), days(60), days(365)))
	l, err := h.st.AddListing(h.ctx, shop.ID, v.ID)
	require.NoError(t, err)
	require.NoError(t, h.st.SetListingState(h.ctx, l.ID, catalog.ListingLive, "", "3300123", ""))
	coop, err := h.st.Coop(h.ctx, p.CoopID)
	require.NoError(t, err)

	link := catalog.DigitalLink(h.url, v.GTIN, lot.Code, lot.ExpiresOn)
	tab := newTab(t)
	phone := func(lang string) {
		do(t, tab, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, network.SetExtraHTTPHeaders,
				network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": lang}})
			return err
		}), chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(1)))
	}

	phone("vi-VN,vi")
	do(t, tab, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#lot-code")))
	require.True(t, strings.HasPrefix(eval[string](t, tab, `document.querySelector("#cover").getAttribute("src")`), "/media/"),
		"the product's photo")
	loc, err := chromedp.Run(tab, chromedp.Location())
	require.NoError(t, err)
	u, err := url.Parse(link)
	require.NoError(t, err)
	require.Equal(t, h.url+"/t/"+string(v.GTIN)+"/2612A?lang=vi&17="+u.Query().Get("17"), loc, "307 to the trace page, the query passed on")
	require.Equal(t, "Trà an toàn Phú Đô", text(t, tab, "#product"))
	require.Equal(t, "Hộp 200g", text(t, tab, "#variant"))
	require.Equal(t, "2612A", text(t, tab, "#lot-code"))
	require.Equal(t, lot.ProducedOn.Vietnamese(), text(t, tab, "#produced"))
	require.Equal(t, lot.ExpiresOn.Vietnamese(), text(t, tab, "#expires"))
	require.Equal(t, string(v.GTIN), text(t, tab, "#gtin"))
	require.Equal(t, coop.Name, text(t, tab, "#coop"))
	require.Contains(t, text(t, tab, "#address"), coop.Province)
	require.Contains(t, text(t, tab, "#stars"), "OCOP 3 sao")
	require.Equal(t, "Còn hiệu lực", text(t, tab, "#cert"))
	require.Contains(t, text(t, tab, "#certificate"), p.Certificate.ExpiresOn.Vietnamese())
	require.Equal(t, lot.Notes, text(t, tab, "#notes"))
	require.Contains(t, text(t, tab, "#buy"), "Mua trên Lazada")
	href := eval[string](t, tab, `document.querySelector("#buy a").href`)
	require.Equal(t, "https://www.lazada.vn/products/i3300123.html", href)
	body := text(t, tab, "main")
	for _, private := range []string{"160.000", "160000", "Tồn kho", "Đơn hàng"} { // no price, stock or orders
		require.NotContains(t, body, private)
	}
	screenshots(t, tab, loc, "trace")

	// The same stamp on an English phone.
	phone("en-US,en;q=0.9")
	do(t, tab, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#lot-code")))
	loc, err = chromedp.Run(tab, chromedp.Location())
	require.NoError(t, err)
	require.Contains(t, loc, "?lang=en&17=", "an English phone is sent to the English page")
	require.Equal(t, "Phu Do safe tea", text(t, tab, "#product"))
	require.Equal(t, "Valid", text(t, tab, "#cert"))
	require.Contains(t, text(t, tab, "#buy"), "Buy on Lazada")
	do(t, tab, chromedp.Click(chromedp.CSS(`a[hreflang="vi"]`)), chromedp.WaitVisible(chromedp.CSS("#lot-code")))
	require.Equal(t, "Trà an toàn Phú Đô", text(t, tab, "#product"), "the language toggle switches back")

	// Hảo Đạt's certificate ended on 01/01/2026: no stars, "hết hạn".
	_, hv, hlot := receiveDemoLot(t, h, "CHE-HAODAT", "CHE-HAODAT-100G", "2612A", "")
	phone("vi")
	do(t, tab, chromedp.Navigate(catalog.DigitalLink(h.url, hv.GTIN, hlot.Code, hlot.ExpiresOn)), chromedp.WaitVisible(chromedp.CSS("#lot-code")))
	require.Contains(t, text(t, tab, "#cert"), "Hết hạn")
	n := eval[int](t, tab, `document.querySelectorAll("#stars").length`)
	require.Zero(t, n, "no stars once the certificate expired")
	require.NotContains(t, text(t, tab, "main"), "★")
	require.Equal(t, "Sản phẩm chưa được bán trực tuyến.", text(t, tab, "#buy"))
	loc, err = chromedp.Run(tab, chromedp.Location())
	require.NoError(t, err)
	screenshots(t, tab, loc, "trace-expired")

	// An unknown lot is a page that says so, 404.
	res, err := http.Get(h.url + "/t/" + string(v.GTIN) + "/2612Z")
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusNotFound, res.StatusCode)
}

// TestLotJourney is a co-op manager on a phone: from the product page to
// its lots, a lot refused with the error beside its field and nothing
// typed lost, then received (stock +100); the stamp sheet is printed, a
// stamp decoded as a scanner would, and its URI opens the trace page.
func TestLotJourney(t *testing.T) {
	h := startHub(t, true)
	h.addUser(t, "quanly.phudo", catalog.RoleCoopManager, "HTX-PHUDO")
	p, err := h.productByCode("TRA-PHUDO")
	require.NoError(t, err)
	v := p.Variants[0]
	before := availableOf(t, h, v.ID)
	tab := newTab(t)
	do(t, tab, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(1)))
	login(t, tab, h.url, "quanly.phudo", "/products/"+itoa(p.ID))
	do(t, tab, chromedp.Click(chromedp.CSS("#lots")), chromedp.WaitVisible(chromedp.CSS("#receive-save")))
	suggested := eval[string](t, tab, `document.querySelector("#f-code").value`)
	require.Regexp(t, `^\d{4}A$`, suggested, "a code suggested from the date")

	notes := "Chè búp tươi hái tại đồi số 3 ngày 04/12; sao sấy thủ công."
	do(t, tab, chromedp.SetValue(chromedp.CSS("#f-code"), "Lô 1"), chromedp.SendKeys(chromedp.CSS("#f-shelf_life_days"), "365"),
		chromedp.SendKeys(chromedp.CSS("#f-quantity"), "100"), chromedp.SendKeys(chromedp.CSS("#f-notes"), notes),
		chromedp.Click(chromedp.CSS("#receive-save")), chromedp.WaitVisible(chromedp.CSS("#err-code")))
	require.Contains(t, text(t, tab, "#err-code"), "Mã lô gồm 1–20 ký tự")
	require.Equal(t, "100", eval[string](t, tab, `document.querySelector("#f-quantity").value`), "nothing typed is lost")
	require.Equal(t, notes, eval[string](t, tab, `document.querySelector("#f-notes").value`))
	require.Equal(t, before, availableOf(t, h, v.ID), "a refused lot moves no stock")

	do(t, tab, chromedp.SetValue(chromedp.CSS("#f-code"), suggested), chromedp.Click(chromedp.CSS("#receive-save")),
		chromedp.WaitVisible(chromedp.CSS("#flash")))
	require.Contains(t, text(t, tab, "#flash"), "Đã nhận lô")
	require.Equal(t, before+100, availableOf(t, h, v.ID))
	require.Contains(t, text(t, tab, `[data-lot="`+suggested+`"]`), "Nhận 100")
	loc, err := chromedp.Run(tab, chromedp.Location())
	require.NoError(t, err)
	screenshots(t, tab, loc, "lots")

	// Print the sheet (the page's link, with the manager's token) and scan it.
	href := eval[string](t, tab, `document.querySelector('[data-lot="`+suggested+`"] a.stamps').getAttribute("href")`)
	tok := catalog.APIToken{Name: "may in", Role: catalog.RoleCoopManager, CoopID: p.CoopID}
	secret, err := h.st.CreateAPIToken(h.ctx, &tok)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodGet, h.url+href, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+secret)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	pdf, err := io.ReadAll(res.Body)
	res.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode, string(pdf))
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "tem.pdf"), pdf, 0o600))
	// The first stamp of the default sheet (6 × 7 of 30 × 40 mm centred on
	// A4: from 15 mm, 8.5 mm), cut out at 400 dpi as a phone camera frames one.
	out, err := exec.Command("pdftoppm", "-r", "400", "-x", "236", "-y", "134", "-W", "473", "-H", "630", "-png", "-singlefile",
		filepath.Join(dir, "tem.pdf"), filepath.Join(dir, "tem")).CombinedOutput()
	require.NoError(t, err, string(out))
	decoded, err := exec.Command("zbarimg", "-q", "--raw", filepath.Join(dir, "tem.png")).Output()
	require.NoError(t, err)
	codes := strings.Split(strings.TrimSpace(string(decoded)), "\n")
	require.Len(t, codes, 1, "one stamp; stamp.TestSheetScans decodes every stamp of a sheet")
	lots, err := h.st.Lots(h.ctx, v.ID)
	require.NoError(t, err)
	want := catalog.DigitalLink(h.url, v.GTIN, suggested, lots[0].ExpiresOn)
	for _, c := range codes {
		require.Equal(t, want, c)
	}

	do(t, tab, chromedp.Navigate(codes[0]), chromedp.WaitVisible(chromedp.CSS("#lot-code")))
	require.Equal(t, suggested, text(t, tab, "#lot-code"))
	require.Equal(t, notes, text(t, tab, "#notes"))
	require.Contains(t, text(t, tab, "#stars"), "★★★", "headless Chromium asks for English: OCOP 3 stars")
}

func availableOf(t *testing.T, h *hub, variantID int64) int64 {
	t.Helper()
	levels, err := h.st.StockLevels(h.ctx, variantID)
	require.NoError(t, err)
	var n int64
	for _, l := range levels {
		n += l.Available()
	}
	return n
}
