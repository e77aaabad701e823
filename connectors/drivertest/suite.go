package drivertest

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	pngenc "image/png"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/connectors/driver"
	"ocophub/connectors/sandbox"
)

// png is a tiny valid PNG for image uploads.
var png = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")

// RunConformanceTests runs the whole suite against the driver newHarness
// makes. Each subtest connects its own fresh sandbox shop.
func RunConformanceTests(t *testing.T, newHarness func(t *testing.T) Harness) {
	h := newHarness(t)
	t.Cleanup(h.Close)
	tests := []struct {
		name string
		fn   func(t *testing.T, h Harness)
	}{
		{"Capabilities", testCapabilities},
		{"AuthorizeThroughThePage", testAuthorizeThroughThePage},
		{"RefreshRotates", testRefreshRotates},
		{"UnknownShopIsUnauthenticated", testUnknownShop},
		{"CategoriesAndAttributes", testCategoriesAndAttributes},
		{"CategoriesAreCached", testCategoriesAreCached},
		{"CreateRefusesBadCategories", testCreateRefusesBadCategories},
		{"CreateFindUpdate", testCreateFindUpdate},
		{"ImagesKeepTheirDimensions", testImagesKeepTheirDimensions},
		{"CreateIsIdempotent", testCreateIsIdempotent},
		{"StockAbsoluteWithPartialFailure", testStockPartialFailure},
		{"GetStock", testGetStock},
		{"PriceAndActive", testPriceAndActive},
		{"PromotionPriceOverItsWindow", testPromotion},
		{"OrdersPaginateToTheEnd", testOrdersPaginate},
		{"ShipAndCancel", testShipAndCancel},
		{"Webhook", testWebhook},
		{"ThrottleThenSuccess", testThrottle},
		{"ServerErrorsAndTimeoutsAreUnavailable", testUnavailable},
		{"ExpiredTokenMidBatchRefreshesOnce", testExpiryMidBatch},
		{"SecretsNeverInErrors", testSecretsNeverInErrors},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, h) })
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}

// newListing creates a listing of n variants with seller SKUs prefix-0…
func newListing(t *testing.T, s *Shop, prefix string, n int, stock int64) driver.Listing {
	t.Helper()
	img, err := s.Channel.UploadImage(ctx(t), "che.png", png)
	require.NoError(t, err, "upload image")
	require.NotEmpty(t, img)
	category, attrs := teaCategory(t, s)
	l := driver.Listing{Title: "Chè Tân Cương " + prefix, Description: "Chè búp sao sấy thủ công từ đồi chè Tân Cương, Thái Nguyên.",
		CategoryID: category, Attributes: attrs, Images: []string{img}, Active: true}
	for i := 0; i < n; i++ {
		l.Variants = append(l.Variants, driver.Variant{SellerSKU: fmt.Sprintf("%s-%d", prefix, i),
			Name: fmt.Sprintf("Hộp %dg", 100*(i+1)), Price: int64(95000 + 1000*i), Stock: stock, WeightG: 100 * (i + 1),
			LengthMM: 100, WidthMM: 80, HeightMM: 60})
	}
	out, err := s.Channel.CreateListing(ctx(t), l)
	require.NoError(t, err, "create listing")
	require.NotEmpty(t, out.ItemID)
	return out
}

func variantBySKU(t *testing.T, l driver.Listing, sku string) driver.Variant {
	t.Helper()
	for _, v := range l.Variants {
		if v.SellerSKU == sku {
			return v
		}
	}
	t.Fatalf("listing %s has no variant %s (has %+v)", l.ItemID, sku, l.Variants)
	return driver.Variant{}
}

func testCapabilities(t *testing.T, h Harness) {
	s := connectShop(t, h, DriverOptions{})
	c := s.Driver.Capabilities()
	require.NotEmpty(t, c.Platform)
	require.Positive(t, c.StockBatch)
	require.Positive(t, c.PriceBatch)
	require.Positive(t, c.OrderBatch)
}

// testAuthorizeThroughThePage is the seller's journey: open AuthorizeURL,
// pick the shop and approve on the platform's page, come back to the
// redirect with a code (and the state), exchange it, and call the API.
func testAuthorizeThroughThePage(t *testing.T, h Harness) {
	s := connectShop(t, h, DriverOptions{})
	const redirect, state = "http://127.0.0.1:1/shops/callback", "st4te-Xy9"
	u, err := s.Driver.AuthorizeURL(redirect, state)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(u, h.Sandbox()), "authorization URL %s points at the sandbox", u)
	resp, err := http.Get(u)
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "the authorization page opens")
	require.Contains(t, string(page), strconv.FormatInt(s.ID, 10), "the page offers the test shop")

	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err = noFollow.PostForm(u, url.Values{"shop_id": {strconv.FormatInt(s.ID, 10)}, "approve": {"1"}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode, "approving redirects back to the hub")
	back, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(back.String(), redirect), "redirected to %s", back)
	cb := driver.CallbackFromQuery(back.Query())
	require.NotEmpty(t, cb.Code)
	require.Equal(t, state, cb.State, "the state comes back")
	if cb.ShopID == "" {
		cb.ShopID = strconv.FormatInt(s.ID, 10) // platforms whose redirect names no shop
	}
	tok, err := s.Driver.ExchangeCode(ctx(t), cb)
	require.NoError(t, err)
	d := h.MakeDriver(s.ID, staticTokens{tok}, DriverOptions{})
	_, err = d.FindBySellerSKU(ctx(t), "NOTHING-YET")
	require.Equal(t, driver.CodeNotFound, driver.CodeOf(err), "the new token works: %v", err)
	_, err = s.Driver.ExchangeCode(ctx(t), cb)
	require.Equal(t, driver.CodeUnauthenticated, driver.CodeOf(err), "a code is single-use")
}

func testRefreshRotates(t *testing.T, h Harness) {
	s := connectShop(t, h, DriverOptions{})
	old, err := s.Tokens.Token(ctx(t))
	require.NoError(t, err)
	next, err := s.Driver.RefreshToken(ctx(t), old)
	require.NoError(t, err)
	require.NotEqual(t, old.AccessToken, next.AccessToken)
	require.NotEqual(t, old.RefreshToken, next.RefreshToken, "refresh tokens rotate")
	require.True(t, next.AccessExpiresAt.After(time.Now()), "expiry is known")
	_, err = s.Driver.RefreshToken(ctx(t), old)
	require.Equal(t, driver.CodeUnauthenticated, driver.CodeOf(err), "a spent refresh token is refused: %v", err)
}

func testUnknownShop(t *testing.T, h Harness) {
	s := connectShop(t, h, DriverOptions{})
	tok, err := s.Tokens.Token(ctx(t))
	require.NoError(t, err)
	tok.AccessToken = "not-a-token-of-this-platform"
	d := h.MakeDriver(s.ID+1_000_000, staticTokens{tok}, DriverOptions{})
	_, err = d.FindBySellerSKU(ctx(t), "ANY-SKU")
	require.Equal(t, driver.CodeUnauthenticated, driver.CodeOf(err), "%v", err)
}

type staticTokens struct{ t driver.Token }

func (s staticTokens) Token(context.Context) (driver.Token, error) { return s.t, nil }

func testCreateFindUpdate(t *testing.T, h Harness) {
	s := connectShop(t, h, DriverOptions{})
	l := newListing(t, s, "CFU", 2, 12)
	require.Len(t, l.Variants, 2)
	for _, v := range l.Variants {
		require.NotEmpty(t, v.ModelID, "variant %s has the platform's id", v.SellerSKU)
	}
	found, err := s.Channel.FindBySellerSKU(ctx(t), "CFU-1")
	require.NoError(t, err)
	require.Equal(t, l.ItemID, found.ItemID)
	v := variantBySKU(t, found, "CFU-1")
	require.Equal(t, int64(96000), v.Price)
	require.Equal(t, int64(12), v.Stock)

	_, err = s.Channel.FindBySellerSKU(ctx(t), "NO-SUCH-SKU")
	require.Equal(t, driver.CodeNotFound, driver.CodeOf(err))

	found.Title = "Chè Tân Cương thượng hạng"
	require.NoError(t, s.Channel.UpdateListing(ctx(t), found))
	again, err := s.Channel.FindBySellerSKU(ctx(t), "CFU-0")
	require.NoError(t, err)
	require.Equal(t, "Chè Tân Cương thượng hạng", again.Title)
}

// picture is a w×h image in two colours, encoded as "jpeg" or "png".
func picture(t *testing.T, w, h int, format string) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), 0x80, uint8(y * 255 / h), 0xff})
		}
	}
	var buf bytes.Buffer
	if format == "png" {
		require.NoError(t, pngenc.Encode(&buf, img))
	} else {
		require.NoError(t, jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}))
	}
	return buf.Bytes()
}

// testImagesKeepTheirDimensions: images uploaded through the driver reach
// the item, in order, with the dimensions they were uploaded with; an
// update replaces them.
func testImagesKeepTheirDimensions(t *testing.T, h Harness) {
	s := connectShop(t, h, DriverOptions{})
	cover, err := s.Channel.UploadImage(ctx(t), "cover.jpg", picture(t, 1024, 1024, "jpeg"))
	require.NoError(t, err)
	second, err := s.Channel.UploadImage(ctx(t), "side.png", picture(t, 640, 480, "png"))
	require.NoError(t, err)
	category, attrs := teaCategory(t, s)
	l := driver.Listing{Title: "Mật ong bạc hà", Description: "Mật ong bạc hà Hà Giang, hũ thủy tinh.", CategoryID: category,
		Attributes: attrs, Images: []string{cover, second}, Active: true,
		Variants: []driver.Variant{{SellerSKU: "IMG-0", Name: "Hũ 500g", Price: 180000, Stock: 3, WeightG: 700, LengthMM: 80, WidthMM: 80, HeightMM: 120}}}
	created, err := s.Channel.CreateListing(ctx(t), l)
	require.NoError(t, err)
	requireImages(t, s, "IMG-0", [][2]int{{1024, 1024}, {640, 480}})

	// Over the platform's upload limit: refused, as the real one does.
	limit := s.Channel.Capabilities().ImageMaxBytes
	require.Positive(t, limit)
	jpg := picture(t, 600, 600, "jpeg")
	_, err = s.Channel.UploadImage(ctx(t), "big.jpg", append(jpg, make([]byte, limit+1-len(jpg))...))
	require.Equal(t, driver.CodeInvalidArgument, driver.CodeOf(err), "an image of %d bytes: %v", limit+1, err)

	third, err := s.Channel.UploadImage(ctx(t), "top.jpg", picture(t, 800, 600, "jpeg"))
	require.NoError(t, err)
	found, err := s.Channel.FindBySellerSKU(ctx(t), "IMG-0")
	require.NoError(t, err)
	require.Equal(t, created.ItemID, found.ItemID)
	found.Images = []string{third, cover}
	require.NoError(t, s.Channel.UpdateListing(ctx(t), found))
	requireImages(t, s, "IMG-0", [][2]int{{800, 600}, {1024, 1024}})
}

// requireImages checks the sandbox item holding sku shows images of the
// sizes given, in order.
func requireImages(t *testing.T, s *Shop, sku string, sizes [][2]int) {
	t.Helper()
	for _, it := range s.Control.ShopState().Items {
		for _, k := range it.SKUs {
			if k.SellerSKU != sku {
				continue
			}
			var got [][2]int
			for _, im := range it.Images {
				got = append(got, [2]int{im.Width, im.Height})
			}
			require.Equal(t, sizes, got, "images of the item holding %s", sku)
			return
		}
	}
	t.Fatalf("no item holds %s", sku)
}

func testCreateIsIdempotent(t *testing.T, h Harness) {
	s := connectShop(t, h, DriverOptions{})
	first := newListing(t, s, "IDEM", 1, 5)
	second := newListing(t, s, "IDEM", 1, 5)
	require.Equal(t, first.ItemID, second.ItemID, "the Channel found the existing item")
	items := 0
	for _, it := range s.Control.ShopState().Items {
		if it.Status != sandbox.ItemDeleted {
			items++
		}
	}
	require.Equal(t, 1, items)

	l := first
	l.ItemID = ""
	_, err := s.Driver.CreateListing(ctx(t), l)
	require.Equal(t, driver.CodeAlreadyExists, driver.CodeOf(err), "the driver alone reports the duplicate SKU: %v", err)
}

func testStockPartialFailure(t *testing.T, h Harness) {
	s := connectShop(t, h, DriverOptions{})
	l := newListing(t, s, "STK", 2, 10)
	s.Control.SetReserved("STK-0", 4)
	var updates []driver.StockUpdate
	for _, v := range l.Variants {
		updates = append(updates, driver.StockUpdate{ItemID: l.ItemID, ModelID: v.ModelID, SellerSKU: v.SellerSKU, Quantity: 3})
	}
	results, err := s.Channel.SetStock(ctx(t), updates)
	require.NoError(t, err)
	require.Len(t, results, 2)
	bySKU := map[string]error{}
	for _, r := range results {
		bySKU[r.SellerSKU] = r.Err
	}
	require.Equal(t, driver.CodeFailedPrecondition, driver.CodeOf(bySKU["STK-0"]), "below the promotion reserve: %v", bySKU["STK-0"])
	require.NoError(t, bySKU["STK-1"])
	require.Equal(t, int64(10), s.Control.Stock("STK-0"), "the refused SKU kept its stock")
	require.Equal(t, int64(3), s.Control.Stock("STK-1"), "absolute, not a delta")

	// Absolute means idempotent: the same update twice leaves 3.
	_, err = s.Channel.SetStock(ctx(t), updates[1:])
	require.NoError(t, err)
	require.Equal(t, int64(3), s.Control.Stock("STK-1"))
}

// testGetStock reads stock back through the Channel: every SKU of a
// listing of three variants and of a one-variant listing, with at most one
// platform call per batch the Channel makes for the platform's
// Capabilities (when the sandbox sees the driver's calls: the in-memory
// driver makes none). A SKU the platform lacks is CodeNotFound for its ref
// alone, and a buyer's order shows in the next read.
func testGetStock(t *testing.T, h Harness) {
	s := connectShop(t, h, DriverOptions{})
	caps := s.Driver.Capabilities()
	multi := newListing(t, s, "GST", 3, 10)
	single := newListing(t, s, "GSO", 1, 10)
	want := map[string]int64{"GST-0": 4, "GST-1": 7, "GST-2": 0, "GSO-0": 5}
	var updates []driver.StockUpdate
	var multiRefs, refs []driver.StockRef
	for _, l := range []driver.Listing{multi, single} {
		for _, v := range l.Variants {
			updates = append(updates, driver.StockUpdate{ItemID: l.ItemID, ModelID: v.ModelID, SellerSKU: v.SellerSKU, Quantity: want[v.SellerSKU]})
			refs = append(refs, driver.StockRef{ItemID: l.ItemID, ModelID: v.ModelID, SellerSKU: v.SellerSKU})
		}
	}
	multiRefs = refs[:len(multi.Variants)]
	results, err := s.Channel.SetStock(ctx(t), updates)
	require.NoError(t, err)
	for _, r := range results {
		require.NoError(t, r.Err, "set stock of %s", r.SellerSKU)
	}

	read := func(refs []driver.StockRef) map[string]driver.StockLevel {
		t.Helper()
		before := s.Control.PlatformCalls()
		levels, err := s.Channel.GetStock(ctx(t), refs)
		require.NoError(t, err)
		calls, batches := s.Control.PlatformCalls()-before, stockBatches(caps, refs)
		t.Logf("%d SKUs: %d platform calls for %d batches", len(refs), calls, batches)
		require.LessOrEqual(t, calls, batches, "at most one platform call per batch of %d SKUs", len(refs))
		require.Len(t, levels, len(refs), "a level per ref")
		bySKU := make(map[string]driver.StockLevel, len(levels))
		for _, l := range levels {
			bySKU[l.SellerSKU] = l
		}
		require.Len(t, bySKU, len(refs), "each ref once")
		return bySKU
	}
	check := func(levels map[string]driver.StockLevel, refs []driver.StockRef) {
		t.Helper()
		for _, r := range refs {
			l := levels[r.SellerSKU]
			require.NoError(t, l.Err, "read %s", r.SellerSKU)
			require.Equal(t, want[r.SellerSKU], l.Quantity, "quantity of %s", r.SellerSKU)
			require.Equal(t, s.Control.Stock(r.SellerSKU), l.Quantity, "what the platform shows for %s", r.SellerSKU)
			require.Equal(t, r.ModelID, l.ModelID, "model id of %s", r.SellerSKU)
		}
	}
	check(read(multiRefs), multiRefs)
	check(read(refs), refs)

	gone := []driver.StockRef{
		{ItemID: multi.ItemID, ModelID: "999999999", SellerSKU: "GST-GONE"}, // ids the platform never had
		{SellerSKU: "NO-SUCH-SKU"}, // a seller SKU alone
	}
	levels, err := s.Channel.GetStock(ctx(t), append(append([]driver.StockRef(nil), refs...), gone...))
	require.NoError(t, err)
	require.Len(t, levels, len(refs)+len(gone))
	for _, l := range levels {
		if _, known := want[l.SellerSKU]; known {
			require.NoError(t, l.Err, "%s is read beside unknown SKUs", l.SellerSKU)
			require.Equal(t, want[l.SellerSKU], l.Quantity, "quantity of %s", l.SellerSKU)
			continue
		}
		require.Equal(t, driver.CodeNotFound, driver.CodeOf(l.Err), "unknown SKU %s: %v", l.SellerSKU, l.Err)
	}

	require.NotEmpty(t, s.Control.PlaceOrder("GST-1", 2), "a buyer orders 2")
	want["GST-1"] -= 2
	check(read(refs), refs)
}

// stockBatches is how many batches the Channel splits a stock call of refs
// into for c: one item each when StockBatchPerItem, StockBatch SKUs each.
func stockBatches(c driver.Capabilities, refs []driver.StockRef) int {
	size := max(c.StockBatch, 1)
	perGroup := map[string]int{}
	for _, r := range refs {
		if c.StockBatchPerItem {
			perGroup[r.ItemID]++
		} else {
			perGroup[""]++
		}
	}
	n := 0
	for _, g := range perGroup {
		n += (g + size - 1) / size
	}
	return n
}

func testPriceAndActive(t *testing.T, h Harness) {
	s := connectShop(t, h, DriverOptions{})
	l := newListing(t, s, "PRC", 2, 10)
	v := l.Variants[1]
	results, err := s.Channel.SetPrice(ctx(t), []driver.PriceUpdate{{ItemID: l.ItemID, ModelID: v.ModelID, SellerSKU: v.SellerSKU, Price: 120000}})
	require.NoError(t, err)
	require.Len(t, results, 1)
	require.NoError(t, results[0].Err)
	found, err := s.Channel.FindBySellerSKU(ctx(t), v.SellerSKU)
	require.NoError(t, err)
	require.Equal(t, int64(120000), variantBySKU(t, found, v.SellerSKU).Price)

	require.NoError(t, s.Channel.SetActive(ctx(t), l.ItemID, false))
	found, err = s.Channel.FindBySellerSKU(ctx(t), v.SellerSKU)
	require.NoError(t, err)
	require.False(t, found.Active, "delisted")
	require.Empty(t, s.Control.PlaceOrder(v.SellerSKU, 1), "a delisted item cannot be bought")
	require.NoError(t, s.Channel.SetActive(ctx(t), l.ItemID, true))
	found, err = s.Channel.FindBySellerSKU(ctx(t), v.SellerSKU)
	require.NoError(t, err)
	require.True(t, found.Active, "relisted")
}

// testPromotion: a promotion price is what buyers pay while its window is
// open, whether the platform runs it (Capabilities.Promotions: the price
// stays, crossed out) or the Channel sends it as the price; a closed
// window brings the price back.
func testPromotion(t *testing.T, h Harness) {
	s := connectShop(t, h, DriverOptions{})
	l := newListing(t, s, "PROMO", 1, 10)
	v := l.Variants[0]
	paid := func() int64 {
		t.Helper()
		sn := s.Control.PlaceOrder(v.SellerSKU, 1)
		require.NotEmpty(t, sn)
		for _, o := range s.Control.ShopState().Orders {
			if o.SN == sn {
				return o.Lines[0].Price
			}
		}
		t.Fatalf("order %s not in the sandbox", sn)
		return 0
	}
	set := func(p driver.PriceUpdate) {
		t.Helper()
		p.ItemID, p.ModelID, p.SellerSKU = l.ItemID, v.ModelID, v.SellerSKU
		results, err := s.Channel.SetPrice(ctx(t), []driver.PriceUpdate{p})
		require.NoError(t, err)
		require.Len(t, results, 1)
		require.NoError(t, results[0].Err)
	}
	start := time.Now().Add(-time.Minute)
	set(driver.PriceUpdate{Price: 100000, Promo: &driver.Promo{Price: 85000, From: start, To: time.Now().Add(time.Hour)}})
	require.Equal(t, int64(85000), paid(), "the promotion price while it runs")
	if s.Channel.Capabilities().Promotions {
		found, err := s.Channel.FindBySellerSKU(ctx(t), v.SellerSKU)
		require.NoError(t, err)
		require.Equal(t, int64(100000), variantBySKU(t, found, v.SellerSKU).Price, "the platform keeps the price, crossed out")
	}
	set(driver.PriceUpdate{Price: 100000, Promo: &driver.Promo{Price: 85000, From: start, To: time.Now()}})
	require.Equal(t, int64(100000), paid(), "the price again once the window is closed")
}

func testOrdersPaginate(t *testing.T, h Harness) {
	s := connectShop(t, h, DriverOptions{PageSize: 2})
	from := time.Now().Add(-time.Minute)
	newListing(t, s, "ORD", 2, 20)
	placed := map[string]bool{}
	for i := 0; i < 5; i++ {
		id := s.Control.PlaceOrder(fmt.Sprintf("ORD-%d", i%2), 2)
		require.NotEmpty(t, id)
		placed[id] = true
	}
	require.Equal(t, int64(14), s.Control.Stock("ORD-0"), "buys took the channel's own stock")
	require.Empty(t, s.Control.PlaceOrder("ORD-0", 15), "a buy beyond the channel's stock fails")

	summaries, err := s.Channel.ListOrders(ctx(t), from, time.Now().Add(time.Minute))
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, o := range summaries {
		require.False(t, seen[o.ID], "order %s listed twice", o.ID)
		seen[o.ID] = true
	}
	require.Len(t, seen, 5, "every order, across pages")
	var ids []string
	for id := range seen {
		ids = append(ids, id)
	}
	orders, err := s.Channel.GetOrders(ctx(t), ids)
	require.NoError(t, err)
	require.Len(t, orders, 5)
	state := s.Control.ShopState()
	for _, o := range orders {
		require.Equal(t, driver.OrderReadyToShip, o.Status, "order %s", o.ID)
		require.Len(t, o.Lines, 1)
		require.Contains(t, []string{"ORD-0", "ORD-1"}, o.Lines[0].SellerSKU)
		require.Equal(t, int64(2), o.Lines[0].Quantity)
		require.Positive(t, o.Total)
		matched := false
		for _, so := range state.Orders {
			matched = matched || orderMatches(o.ID, so)
		}
		require.True(t, matched, "order %s is a sandbox order", o.ID)
	}
}

func testShipAndCancel(t *testing.T, h Harness) {
	s := connectShop(t, h, DriverOptions{})
	from := time.Now().Add(-time.Minute)
	newListing(t, s, "SHP", 1, 10)
	s.Control.PlaceOrder("SHP-0", 1)
	s.Control.PlaceOrder("SHP-0", 2)
	summaries, err := s.Channel.ListOrders(ctx(t), from, time.Now().Add(time.Minute))
	require.NoError(t, err)
	require.Len(t, summaries, 2)
	toShip, toCancel := summaries[0].ID, summaries[1].ID

	tracking, err := s.Channel.ShipOrder(ctx(t), driver.Shipment{OrderID: toShip})
	require.NoError(t, err)
	require.NotEmpty(t, tracking)
	orders, err := s.Channel.GetOrders(ctx(t), []string{toShip})
	require.NoError(t, err)
	require.Len(t, orders, 1)
	require.Equal(t, driver.OrderShipped, orders[0].Status)

	if !s.Driver.Capabilities().CanCancel {
		require.Equal(t, driver.CodeFailedPrecondition, driver.CodeOf(s.Channel.CancelOrder(ctx(t), toCancel, "out of stock")))
		return
	}
	before := s.Control.Stock("SHP-0")
	require.NoError(t, s.Channel.CancelOrder(ctx(t), toCancel, "out of stock"))
	orders, err = s.Channel.GetOrders(ctx(t), []string{toCancel})
	require.NoError(t, err)
	require.Equal(t, driver.OrderCancelled, orders[0].Status)
	require.Greater(t, s.Control.Stock("SHP-0"), before, "cancel returned the units to the channel")
	err = s.Channel.CancelOrder(ctx(t), toShip, "too late")
	require.Equal(t, driver.CodeFailedPrecondition, driver.CodeOf(err), "a shipped order cannot be cancelled: %v", err)
}

func testWebhook(t *testing.T, h Harness) {
	s := connectShop(t, h, DriverOptions{})
	if !s.Driver.Capabilities().Webhooks {
		t.Log("platform has no webhooks; polling is the only way in")
		return
	}
	p := newPushes()
	defer p.srv.Close()
	require.Equal(t, http.StatusOK, s.Control.post("/_sandbox/push", map[string]any{"url": p.srv.URL + "/webhooks/x", "enabled": true}, nil))
	newListing(t, s, "WH", 1, 5)
	orderSN := s.Control.PlaceOrder("WH-0", 1)
	var push capturedPush
	select {
	case push = <-p.ch:
	case <-time.After(10 * time.Second):
		t.Fatal("no push arrived")
	}
	events, err := s.Channel.ParseWebhook(push.url, push.header, push.body)
	require.NoError(t, err)
	require.NotEmpty(t, events)
	ev := events[0]
	require.Equal(t, driver.EventOrderStatus, ev.Kind)
	require.Equal(t, driver.OrderReadyToShip, ev.Status)
	require.NotEmpty(t, ev.ID, "events carry an id for de-duplication")
	var o sandbox.Order
	for _, so := range s.Control.ShopState().Orders {
		if so.SN == orderSN {
			o = so
		}
	}
	require.True(t, orderMatches(ev.OrderID, o), "event names order %s, sandbox has %s/%d", ev.OrderID, o.SN, o.ID)

	tampered := append([]byte(nil), push.body...)
	tampered[len(tampered)/2] ^= 1
	_, err = s.Channel.ParseWebhook(push.url, push.header, tampered)
	require.Equal(t, driver.CodePermissionDenied, driver.CodeOf(err), "tampered body")
	_, err = s.Channel.ParseWebhook(push.url, http.Header{}, push.body)
	require.Equal(t, driver.CodePermissionDenied, driver.CodeOf(err), "missing signature")
}

func testThrottle(t *testing.T, h Harness) {
	s := connectShop(t, h, DriverOptions{})
	newListing(t, s, "THR", 1, 5)
	s.Control.SetFaults(sandbox.Faults{QPS: 5, Burst: 1})
	var throttled error
	for i := 0; i < 5 && throttled == nil; i++ {
		_, err := s.Driver.FindBySellerSKU(ctx(t), "THR-0")
		if driver.CodeOf(err) == driver.CodeResourceExhausted {
			throttled = err
		}
	}
	require.Error(t, throttled, "rapid calls over the QPS limit are throttled")
	for i := 0; i < 4; i++ {
		_, err := s.Channel.FindBySellerSKU(ctx(t), "THR-0")
		require.NoError(t, err, "the Channel backs off and succeeds")
	}
}

func testUnavailable(t *testing.T, h Harness) {
	s := connectShop(t, h, DriverOptions{Timeout: 300 * time.Millisecond})
	newListing(t, s, "UNV", 1, 5)
	s.Control.SetFaults(sandbox.Faults{ErrorRate: 1})
	_, err := s.Driver.FindBySellerSKU(ctx(t), "UNV-0")
	require.Equal(t, driver.CodeUnavailable, driver.CodeOf(err), "5xx: %v", err)
	s.Control.SetFaults(sandbox.Faults{TimeoutRate: 1, TimeoutAfterMS: 2000})
	_, err = s.Driver.FindBySellerSKU(ctx(t), "UNV-0")
	require.Equal(t, driver.CodeUnavailable, driver.CodeOf(err), "timeout: %v", err)
	s.Control.SetFaults(sandbox.Faults{})
	_, err = s.Driver.FindBySellerSKU(ctx(t), "UNV-0")
	require.NoError(t, err)
}

// testExpiryMidBatch updates 500 SKUs; the sandbox expires the token
// halfway, and the Channel refreshes exactly once and finishes.
func testExpiryMidBatch(t *testing.T, h Harness) {
	s := connectShop(t, h, DriverOptions{})
	caps := s.Driver.Capabilities()
	const total = 500
	perListing := min(caps.StockBatch, 50)
	var updates []driver.StockUpdate
	for n := 0; len(updates) < total; n++ {
		l := newListing(t, s, fmt.Sprintf("EXP%d", n), min(perListing, total-len(updates)), 1)
		for _, v := range l.Variants {
			updates = append(updates, driver.StockUpdate{ItemID: l.ItemID, ModelID: v.ModelID, SellerSKU: v.SellerSKU, Quantity: 7})
		}
	}
	mid := &expireMidway{Shop: s, after: callsFor(caps, total)}
	ch := s.withTokens(mid)
	results, err := ch.SetStock(ctx(t), updates)
	require.NoError(t, err)
	require.Len(t, results, total)
	for _, r := range results {
		require.NoError(t, r.Err, "SKU %s", r.SellerSKU)
	}
	require.True(t, mid.expired.Load(), "the token was expired mid-batch")
	require.Equal(t, int32(1), s.Refreshes.Load(), "exactly one refresh")
	stock := map[string]int64{}
	for _, it := range s.Control.ShopState().Items {
		for _, k := range it.SKUs {
			stock[k.SellerSKU] = k.Stock
		}
	}
	for _, u := range updates {
		require.Equal(t, int64(7), stock[u.SellerSKU], "SKU %s", u.SellerSKU)
	}
}

func testSecretsNeverInErrors(t *testing.T, h Harness) {
	s := connectShop(t, h, DriverOptions{Timeout: 300 * time.Millisecond})
	tok, err := s.Tokens.Token(ctx(t))
	require.NoError(t, err)
	s.Control.SetFaults(sandbox.Faults{TimeoutRate: 1, TimeoutAfterMS: 2000})
	_, err = s.Driver.FindBySellerSKU(ctx(t), "ANY")
	require.Error(t, err)
	require.NotContains(t, err.Error(), tok.AccessToken)
	s.Control.SetFaults(sandbox.Faults{})
	s.Control.ExpireTokens()
	_, err = s.Driver.FindBySellerSKU(ctx(t), "ANY")
	require.Error(t, err)
	require.NotContains(t, err.Error(), tok.AccessToken)
	require.NotContains(t, fmt.Sprintf("%v %+v %#v", tok, tok, tok), tok.AccessToken)
	require.NotContains(t, fmt.Sprintf("%v", tok), tok.RefreshToken)
}
