package webui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"ocophub/catalog"
)

// TestLiveJourney: the co-op's livestream seller opens a live on the
// Lazada shop for a published tea. Asking to hold more than the stock is
// refused beside the field with what can be held and nothing typed lost;
// holding 12 shows the console, and Lazada now offers exactly the hold.
// Buyers' orders on Lazada move "Đã bán" on the open page (server-sent
// events, no reload) until the hold runs low and the warning offers a
// top-up; +10 is one tap; ending the live returns the leftovers and the
// report counts units and revenue.
func TestLiveJourney(t *testing.T) {
	h := startHub(t, true)
	h.addUser(t, "banhang.haodat", catalog.RoleCoopSeller, "HTX-HAODAT")
	product, err := h.productByCode("CHE-HAODAT")
	require.NoError(t, err)
	sku := "CHE-HAODAT-100G"
	var variant catalog.Variant
	for _, v := range product.Variants {
		if string(v.SKU) == sku {
			variant = v
		}
	}
	require.NotZero(t, variant.ID)
	lz := h.platforms[catalog.PlatformLazada]
	shop := h.connectShop(t, catalog.PlatformLazada, product.CoopID)
	_, err = h.cmds.AddListings(h.ctx, shop.ID, nil, product.ID)
	require.NoError(t, err)
	eventually(t, "the tea live on Lazada with its 120 boxes", func() error {
		if q, ok := channelStock(lz, sku); q != 120 {
			return fmt.Errorf("lazada shows %d (listed: %v)", q, ok)
		}
		return nil
	})

	tab := newTab(t)
	login(t, tab, h.url, "banhang.haodat", "/live")
	require.Contains(t, text(t, tab, `nav a[aria-current="page"]`), "Live")
	qty := fmt.Sprintf(`[id="f-qty.%d"]`, variant.ID)
	require.Contains(t, text(t, tab, fmt.Sprintf(`.hold-pick[data-sku="%s"] .avail`, sku)), "Còn 120 có thể bán")

	// Every mistake at once, in Vietnamese, beside its field.
	qtyErr := fmt.Sprintf(`[id="err-qty.%d"]`, variant.ID)
	do(t, tab, chromedp.SendKeys(chromedp.CSS(qty), "mười"), chromedp.SendKeys(chromedp.CSS(`[id="f-planned_end"]`), "tối nay"),
		chromedp.Click(chromedp.CSS("#live-start-button")), chromedp.WaitVisible(chromedp.CSS("#form-message")))
	require.Contains(t, text(t, tab, "#err-title"), "Hãy đặt tên cho buổi live")
	require.Contains(t, text(t, tab, "#err-shop_id"), "Hãy chọn shop sẽ live")
	require.Contains(t, text(t, tab, "#err-planned_end"), "ngày/tháng/năm giờ:phút")
	require.Contains(t, text(t, tab, qtyErr), "số nguyên lớn hơn 0")
	require.Equal(t, "mười", value(t, tab, qty), "what was typed is kept")

	// Too many: the field says how many can be held; nothing typed lost.
	title := "Live chè Tân Cương tối thứ Bảy"
	end := time.Now().In(time.FixedZone("ICT", 7*3600)).Add(2 * time.Hour).Format("02/01/2006 15:04")
	do(t, tab, chromedp.SendKeys(chromedp.CSS(`[id="f-title"]`), title),
		chromedp.Click(chromedp.CSS(fmt.Sprintf("#live-shop-%d", shop.ID))),
		chromedp.SetValue(chromedp.CSS(`[id="f-planned_end"]`), end),
		chromedp.SetValue(chromedp.CSS(qty), "500"), chromedp.Click(chromedp.CSS("#live-start-button")),
		chromedp.WaitVisible(chromedp.CSS("#form-message")))
	// #form-message was already on the page: wait for the new answer.
	eventually(t, "the hold's error says how many can be held", func() error {
		if got := text(t, tab, qtyErr); !strings.Contains(got, "Chỉ còn 120 sản phẩm có thể giữ") {
			return fmt.Errorf("the field says %q", got)
		}
		return nil
	})
	require.Equal(t, title, value(t, tab, `[id="f-title"]`), "the title is kept")
	require.Equal(t, end, value(t, tab, `[id="f-planned_end"]`), "the planned end is kept")
	require.Equal(t, "500", value(t, tab, qty), "the quantity is kept")
	require.True(t, eval[bool](t, tab, fmt.Sprintf(`document.querySelector("#live-shop-%d").checked`, shop.ID)), "the shop stays chosen")

	// Hold 12: the console; Lazada offers exactly the hold.
	do(t, tab, chromedp.SetValue(chromedp.CSS(qty), "12"), chromedp.Click(chromedp.CSS("#live-start-button")),
		chromedp.WaitVisible(chromedp.CSS("#live-board")))
	require.Contains(t, text(t, tab, ".live-times"), "dự kiến kết thúc "+end[11:]+" "+end[:10])
	require.Contains(t, text(t, tab, "#flash"), "Đã bắt đầu live")
	card := fmt.Sprintf(`#hold-%d`, variant.ID)
	counter := func(name string) string { return text(t, tab, card+` [data-counter="`+name+`"]`) }
	require.Equal(t, "0", counter("sold"))
	require.Equal(t, "12", counter("held"))
	require.Equal(t, "108", counter("elsewhere"), "120 − 12 held")
	require.Contains(t, text(t, tab, card), "Còn ở các kênh khác")
	eventually(t, "Lazada shows the hold", func() error {
		if q, _ := channelStock(lz, sku); q != 12 {
			return fmt.Errorf("lazada shows %d", q)
		}
		return nil
	})
	do(t, tab, chromedp.WaitVisible(chromedp.CSS(`#stream-state[data-stream="on"]`)))
	require.Equal(t, "true", eval[string](t, tab, `String(window.__sameSession = true)`))

	// Buyers on Lazada: the counters move without a reload, and the hold
	// runs low (2 of 12 left).
	for _, n := range []int{4, 6} {
		require.Equal(t, http.StatusOK, h.control(t, lz, fmt.Sprintf("/_sandbox/shops/%d/orders", lz.shopID),
			map[string]any{"buyer": "Khách xem live", "lines": []map[string]any{{"seller_sku": sku, "quantity": n}}}, nil))
	}
	start := time.Now()
	waitText(t, tab, card+` [data-counter="sold"]`, "10")
	t.Logf("Đã bán showed 10 %v after the second order", time.Since(start).Round(time.Millisecond))
	require.Equal(t, "2", counter("held"))
	require.Equal(t, "108", counter("elsewhere"), "the live's sales come out of its hold")
	require.True(t, eval[bool](t, tab, `window.__sameSession === true`), "the page was not reloaded")
	require.True(t, eval[bool](t, tab, fmt.Sprintf(`!document.querySelector("%s .low-hold").hidden`, card)), "the low-hold warning shows")
	require.Contains(t, text(t, tab, card+" .low-hold"), "sắp hết")
	require.Equal(t, "10", text(t, tab, "#total-sold"))
	screenshots(t, tab, location(t, tab), "live-console")

	// One tap: +10.
	do(t, tab, chromedp.Click(chromedp.CSS(card+` .top-up[data-delta="+10"]`)), chromedp.WaitVisible(chromedp.CSS("#flash")))
	require.Contains(t, text(t, tab, "#flash"), "Đã thêm hàng")
	require.Equal(t, "12", counter("held"))
	require.Equal(t, "98", counter("elsewhere"))
	require.False(t, eval[bool](t, tab, fmt.Sprintf(`!document.querySelector("%s .low-hold").hidden`, card)), "no warning after the top-up")

	// The session ends while the console is open (expired, or signed out
	// elsewhere): the console goes to the sign-in page by itself and, once
	// signed in, back to the live.
	consoleURL := location(t, tab)
	require.NoError(t, h.st.DB().Exec("DELETE FROM sessions").Error)
	eventually(t, "the console asks to sign in again", func() error {
		loc, err := chromedp.Run(tab, chromedp.Location())
		if err != nil || !strings.Contains(loc, "/login?next=") {
			return fmt.Errorf("still on %s", loc)
		}
		return nil
	})
	do(t, tab, chromedp.WaitVisible(chromedp.CSS("#username")), chromedp.SendKeys(chromedp.CSS("#username"), "banhang.haodat"),
		chromedp.SendKeys(chromedp.CSS("#password"), password), chromedp.Click(chromedp.CSS("#login")), chromedp.WaitVisible(chromedp.CSS("#end-live-button")))
	require.Equal(t, consoleURL, location(t, tab), "back on the console")
	do(t, tab, chromedp.WaitVisible(chromedp.CSS(`#stream-state[data-stream="on"]`)))

	// End, with a confirm step; the leftovers go back.
	do(t, tab, chromedp.Click(chromedp.CSS("#end-live-button")), chromedp.WaitVisible(chromedp.CSS("#end-confirm")),
		chromedp.Click(chromedp.CSS("#end-confirm")), chromedp.WaitVisible(chromedp.CSS("#report-link")))
	require.Contains(t, text(t, tab, "#flash"), "Đã kết thúc live")
	require.Equal(t, "110", counter("elsewhere"), "120 − 10 sold: the 12 left returned")
	eventually(t, "Lazada shows everything again", func() error {
		if q, _ := channelStock(lz, sku); q != 110 {
			return fmt.Errorf("lazada shows %d", q)
		}
		return nil
	})
	do(t, tab, chromedp.Click(chromedp.CSS("#report-link")), chromedp.WaitVisible(chromedp.CSS("#report-stats")))
	require.Equal(t, "10", text(t, tab, "#report-units"))
	require.Equal(t, "950.000 ₫", text(t, tab, "#report-revenue"))
	require.Equal(t, "2", text(t, tab, "#report-peak"), "two orders in the same minute")
	row := text(t, tab, fmt.Sprintf(`.report-row[data-sku="%s"][data-platform="lazada"]`, sku))
	require.Contains(t, row, "10 sản phẩm")
	require.Contains(t, row, "950.000 ₫")
	require.Regexp(t, `\d{2}:\d{2} \d{2}/\d{2}/\d{4}`, text(t, tab, "#report-window"))
	require.Contains(t, text(t, tab, "#report-holds"), "Giữ 22 · bán 10 · trả về 12 · còn 0")
	screenshots(t, tab, location(t, tab), "live-report")

	screenshots(t, tab, h.url+"/live", "live-list")
	require.Contains(t, text(t, tab, ".live-item"), title)
	require.Contains(t, text(t, tab, ".live-item"), "Đã kết thúc")
}

// connectShop connects the sandbox's seller shop for a co-op as the
// seller would, without the browser: the hub's authorization URL, the
// marketplace's approval, the hub's callback.
func (h *hub) connectShop(t *testing.T, p catalog.Platform, coopID int64) catalog.Shop {
	t.Helper()
	authURL, err := h.cmds.AuthorizeURL(h.ctx, string(p), coopID, h.url+"/shops/callback/"+string(p))
	require.NoError(t, err)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.PostForm(authURL, url.Values{"shop_id": {fmt.Sprint(h.platforms[p].shopID)}, "approve": {"1"}})
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	back, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	shop, err := h.cmds.CompleteConnection(h.ctx, string(p), back.Query())
	require.NoError(t, err)
	return shop
}

// value is an input's current value.
func value(t *testing.T, tab context.Context, sel string) string {
	t.Helper()
	v, err := chromedp.Run(tab, chromedp.Value(chromedp.CSS(sel)))
	require.NoError(t, err)
	return v
}

// waitText waits up to 10 s, without reloading, for sel's text to be want.
func waitText(t *testing.T, tab context.Context, sel, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := text(t, tab, sel)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s shows %q, want %q", sel, got, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// location is the tab's current address.
func location(t *testing.T, tab context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(tab, chromedp.Location())
	require.NoError(t, err)
	return strings.SplitN(loc, "?", 2)[0]
}
