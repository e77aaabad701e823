package shopee_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/connectors"
	"ocophub/connectors/driver"
	"ocophub/connectors/sandbox"
	shopeesb "ocophub/connectors/sandbox/shopee"
	"ocophub/connectors/shopee"
)

// Behaviour the conformance suite does not pin, against the sandbox.

// heldToken is a TokenSource holding one pair.
type heldToken struct {
	mu sync.Mutex
	t  driver.Token
}

func (h *heldToken) Token(context.Context) (driver.Token, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.t, nil
}

// sandboxShop is a connected shop of a fresh sandbox.
type sandboxShop struct {
	d   *shopee.Driver
	ts  *heldToken
	e   *sandbox.Engine
	id  int64
	img string
}

func connect(t testing.TB) *sandboxShop {
	t.Helper()
	srv, err := shopeesb.Start("127.0.0.1:0", shopeesb.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	shop := srv.Engine.CreateShop("HTX "+t.Name(), "")
	code, err := srv.Engine.IssueCode(shopeesb.DefaultApp.Key, shop.ID, "http://127.0.0.1/cb")
	require.NoError(t, err)
	ts := &heldToken{}
	d := shopee.New(shopee.Config{BaseURL: srv.URL, PartnerID: defaultPartnerID(), PartnerKey: shopeesb.DefaultApp.Secret,
		ShopID: shop.ID}, ts)
	tok, err := d.ExchangeCode(context.Background(), driver.Callback{Code: code, ShopID: fmt.Sprint(shop.ID)})
	require.NoError(t, err)
	ts.t = tok
	img, err := d.UploadImage(context.Background(), "che.png", onePixelPNG)
	require.NoError(t, err)
	return &sandboxShop{d: d, ts: ts, e: srv.Engine, id: shop.ID, img: img}
}

var onePixelPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")

func (s *sandboxShop) listing(prefix string, n int) driver.Listing {
	// 100863 is the sandbox's Honey leaf; brand, origin (100037) and net
	// weight (100999) are its mandatory attributes.
	l := driver.Listing{Title: "Mật ong hoa nhãn " + prefix, Description: "Mật ong nguyên chất Hưng Yên.",
		CategoryID: "100863", Brand: "HTX Mật ong Hưng Yên", Attributes: map[string]string{"100037": "Hưng Yên", "100999": "500"},
		Images: []string{s.img}, Active: true}
	for i := range n {
		l.Variants = append(l.Variants, driver.Variant{SellerSKU: fmt.Sprintf("%s-%d", prefix, i), Name: fmt.Sprintf("Chai %dml", 250*(i+1)),
			Price: int64(120000 + 10000*i), Stock: 8, WeightG: 300 * (i + 1)})
	}
	return l
}

func (s *sandboxShop) items() int {
	n := 0
	for _, it := range s.e.State().Shops[0].Items {
		if it.Status != sandbox.ItemDeleted {
			n++
		}
	}
	return n
}

func TestSingleVariantIsModelZero(t *testing.T) {
	t.Parallel()
	s := connect(t)
	ctx := context.Background()
	l, err := s.d.CreateListing(ctx, s.listing("ONE", 1))
	require.NoError(t, err)
	require.Equal(t, "0", l.Variants[0].ModelID, "an item without models is model 0 on Shopee")
	results, err := s.d.SetStock(ctx, []driver.StockUpdate{{ItemID: l.ItemID, ModelID: "0", SellerSKU: "ONE-0", Quantity: 2}})
	require.NoError(t, err)
	require.NoError(t, results[0].Err)
	found, err := s.d.FindBySellerSKU(ctx, "ONE-0")
	require.NoError(t, err)
	require.Equal(t, int64(2), found.Variants[0].Stock)
	require.Equal(t, 300, found.Variants[0].WeightG)
}

func TestUpdatesBySellerSKUAlone(t *testing.T) {
	t.Parallel()
	s := connect(t)
	ctx := context.Background()
	a, err := s.d.CreateListing(ctx, s.listing("A", 2))
	require.NoError(t, err)
	_, err = s.d.CreateListing(ctx, s.listing("B", 1))
	require.NoError(t, err)

	results, err := s.d.SetStock(ctx, []driver.StockUpdate{
		{SellerSKU: "A-0", Quantity: 1}, {SellerSKU: "B-0", Quantity: 2}, {SellerSKU: "A-1", Quantity: 3}, {SellerSKU: "NOPE", Quantity: 4},
	})
	require.NoError(t, err)
	require.Len(t, results, 4)
	require.NoError(t, results[0].Err)
	require.NoError(t, results[1].Err)
	require.NoError(t, results[2].Err)
	require.Equal(t, driver.CodeNotFound, driver.CodeOf(results[3].Err))
	require.Equal(t, a.Variants[1].ModelID, results[2].ModelID, "the result names the resolved model")
	for sku, want := range map[string]int64{"A-0": 1, "B-0": 2, "A-1": 3} {
		l, err := s.d.FindBySellerSKU(ctx, sku)
		require.NoError(t, err)
		for _, v := range l.Variants {
			if v.SellerSKU == sku {
				require.Equal(t, want, v.Stock, sku)
			}
		}
	}

	prices, err := s.d.SetPrice(ctx, []driver.PriceUpdate{{SellerSKU: "A-1", Price: 150000}})
	require.NoError(t, err)
	require.NoError(t, prices[0].Err)
	l, err := s.d.FindBySellerSKU(ctx, "A-1")
	require.NoError(t, err)
	require.Equal(t, int64(150000), l.Variants[1].Price)
	require.Equal(t, "Chai 500ml", l.Variants[1].Name, "variant names come back from the tier options")
}

func TestCreateWithATakenModelSKULeavesNothing(t *testing.T) {
	t.Parallel()
	s := connect(t)
	ctx := context.Background()
	_, err := s.d.CreateListing(ctx, s.listing("TAKEN", 1))
	require.NoError(t, err)
	l := s.listing("NEW", 2)
	l.Variants[1].SellerSKU = "TAKEN-0"
	_, err = s.d.CreateListing(ctx, l)
	require.Equal(t, driver.CodeAlreadyExists, driver.CodeOf(err), "%v", err)
	require.Equal(t, 1, s.items(), "the item whose variants were refused is deleted")
}

func TestShipWithOwnTrackingAndCancelUnknown(t *testing.T) {
	t.Parallel()
	s := connect(t)
	ctx := context.Background()
	_, err := s.d.CreateListing(ctx, s.listing("SHIP", 1))
	require.NoError(t, err)
	o, err := s.e.PlaceOrder(s.id, "buyer", []sandbox.Buy{{SKU: sandbox.SKURef{SellerSKU: "SHIP-0"}, Quantity: 1}}, "")
	require.NoError(t, err)
	tracking, err := s.d.ShipOrder(ctx, driver.Shipment{OrderID: o.SN, TrackingNumber: "VNPOST123"})
	require.NoError(t, err)
	require.Equal(t, "VNPOST123", tracking)
	again, err := s.d.ShipOrder(ctx, driver.Shipment{OrderID: o.SN, TrackingNumber: "VNPOST123"})
	require.NoError(t, err, "a retried ship of a shipped order returns its tracking")
	require.Equal(t, "VNPOST123", again)

	err = s.d.CancelOrder(ctx, "NO-SUCH-ORDER", "out of stock")
	require.Equal(t, driver.CodeNotFound, driver.CodeOf(err), "%v", err)
}

func TestUploadRefusesANonImage(t *testing.T) {
	t.Parallel()
	s := connect(t)
	_, err := s.d.UploadImage(context.Background(), "x.txt", []byte("hello"))
	require.Equal(t, driver.CodeInvalidArgument, driver.CodeOf(err), "%v", err)
	var de *driver.Error
	require.ErrorAs(t, err, &de)
	require.NotEmpty(t, de.Message, "Shopee's words reach the user")
}

// calls counts the sandbox's answers by "METHOD path" since the last call.
type calls struct {
	e    *sandbox.Engine
	last map[string]int
}

func (c *calls) since() map[string]int {
	now := map[string]int{}
	for k, v := range c.e.State().Calls {
		endpoint := k[:strings.LastIndexByte(k, ' ')] // drop the status
		now[endpoint] += v
	}
	diff := map[string]int{}
	for k, v := range now {
		if v != c.last[k] {
			diff[k] = v - c.last[k]
		}
	}
	c.last = now
	return diff
}

func TestGetStockCalls(t *testing.T) {
	t.Parallel()
	s := connect(t)
	ctx := context.Background()
	create := func(prefix string, n int) driver.Listing {
		l, err := s.d.CreateListing(ctx, s.listing(prefix, n))
		require.NoError(t, err)
		return l
	}
	multi, a, b, gone := create("M", 3), create("A", 1), create("B", 1), create("GONE", 1)
	goneID, _ := strconv.ParseInt(gone.ItemID, 10, 64)
	require.NoError(t, s.e.DeleteItem(s.id, goneID))
	for i, sku := range []string{"M-0", "M-1", "M-2", "A-0", "B-0"} {
		_, err := s.e.SetStock(s.id, sandbox.SKURef{SellerSKU: sku}, int64(i+1))
		require.NoError(t, err)
	}
	refOf := func(l driver.Listing, i int) driver.StockRef {
		return driver.StockRef{ItemID: l.ItemID, ModelID: l.Variants[i].ModelID, SellerSKU: l.Variants[i].SellerSKU}
	}
	c := &calls{e: s.e}
	c.since()
	const (
		baseInfo  = "GET /api/v2/product/get_item_base_info"
		modelList = "GET /api/v2/product/get_model_list"
		search    = "GET /api/v2/product/search_item"
	)
	quantities := func(levels []driver.StockLevel) []int64 {
		out := make([]int64, len(levels))
		for i, l := range levels {
			require.NoError(t, l.Err, "%s", l.SellerSKU)
			out[i] = l.Quantity
		}
		return out
	}

	levels, err := s.d.GetStock(ctx, []driver.StockRef{refOf(multi, 2), refOf(multi, 0), refOf(multi, 1)})
	require.NoError(t, err)
	require.Equal(t, []int64{3, 1, 2}, quantities(levels), "in the refs' order")
	require.Equal(t, map[string]int{modelList: 1}, c.since(), "the models of one item: one get_model_list")

	levels, err = s.d.GetStock(ctx, []driver.StockRef{refOf(a, 0), refOf(b, 0)})
	require.NoError(t, err)
	require.Equal(t, []int64{4, 5}, quantities(levels))
	require.Equal(t, map[string]int{baseInfo: 1}, c.since(), "items without models: one get_item_base_info for all")

	levels, err = s.d.GetStock(ctx, []driver.StockRef{{ItemID: multi.ItemID, SellerSKU: "M-1"}, {ItemID: a.ItemID, SellerSKU: "A-0"}})
	require.NoError(t, err)
	require.Equal(t, []int64{2, 4}, quantities(levels))
	require.Equal(t, multi.Variants[1].ModelID, levels[0].ModelID, "the model is found by seller SKU")
	require.Equal(t, "0", levels[1].ModelID)
	require.Equal(t, map[string]int{baseInfo: 1, modelList: 1}, c.since(), "without model ids: has_model, then the models")

	levels, err = s.d.GetStock(ctx, []driver.StockRef{{SellerSKU: "M-2"}, {SellerSKU: "M-0"}})
	require.NoError(t, err)
	require.Equal(t, []int64{3, 1}, quantities(levels))
	require.Equal(t, multi.Variants[0].ModelID, levels[1].ModelID)
	require.Equal(t, map[string]int{search: 1, baseInfo: 1, modelList: 1}, c.since(), "a seller SKU alone: one lookup for the listing")

	levels, err = s.d.GetStock(ctx, []driver.StockRef{
		refOf(gone, 0), refOf(a, 0), {ItemID: a.ItemID, ModelID: "777", SellerSKU: "A-0"},
		{ItemID: multi.ItemID, ModelID: "0", SellerSKU: "M-0"}, refOf(multi, 1), {ItemID: "x1", ModelID: "0", SellerSKU: "BAD"},
	})
	require.NoError(t, err)
	require.Len(t, levels, 6)
	require.Equal(t, driver.CodeNotFound, driver.CodeOf(levels[0].Err), "a deleted item: %v", levels[0].Err)
	require.NoError(t, levels[1].Err)
	require.Equal(t, int64(4), levels[1].Quantity)
	require.Equal(t, driver.CodeNotFound, driver.CodeOf(levels[2].Err), "a model the item lacks: %v", levels[2].Err)
	require.Equal(t, driver.CodeNotFound, driver.CodeOf(levels[3].Err), "model 0 of an item with models: %v", levels[3].Err)
	require.NoError(t, levels[4].Err)
	require.Equal(t, int64(2), levels[4].Quantity)
	require.Equal(t, driver.CodeInvalidArgument, driver.CodeOf(levels[5].Err), "not a Shopee id: %v", levels[5].Err)
	require.Equal(t, map[string]int{baseInfo: 1, modelList: 1}, c.since(), "several items: one get_item_base_info, one get_model_list per item with models")
}

func (h *heldToken) Refresh(ctx context.Context, _ driver.Token) (driver.Token, error) {
	return h.Token(ctx)
}

// TestCreateResumesAfterAThrottledStep: Shopee's create is several calls
// and the shop's rate limit can stop it between any two. Throttled after
// add_item, the item is left bare and the next create carries on with it;
// throttled before the item is listed, the next create finds it whole
// (the driver's add_item answers already_exists, or the Channel's look-up
// comes first) and lists it. Either way: one item, every model,
// listed.
func TestCreateResumesAfterAThrottledStep(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name       string
		calls      int  // calls allowed before the throttle: add_item; add_item + init_tier_variation
		viaChannel bool // the next attempt: the Channel's create (looks first), or the driver's again
	}{{"after add_item", 1, false}, {"after add_item, found by the Channel", 1, true},
		{"before listing", 2, false}, {"before listing, found by the Channel", 2, true}} {
		t.Run(tc.name, func(t *testing.T) {
			s := connect(t)
			l := s.listing("RESUME", 3)
			require.NoError(t, s.e.SetFaults(s.id, sandbox.Faults{QPS: 0.01, Burst: tc.calls}))
			_, err := s.d.CreateListing(ctx, l)
			require.Equal(t, driver.CodeResourceExhausted, driver.CodeOf(err), "%v", err)
			require.Equal(t, 1, s.items(), "the half-made item stays for the next attempt")
			require.NoError(t, s.e.SetFaults(s.id, sandbox.Faults{}))

			create := s.d.CreateListing
			if tc.viaChannel {
				create = connectors.New(s.d, s.ts, connectors.Options{}).CreateListing
			}
			out, err := create(ctx, l)
			require.NoError(t, err)
			require.Equal(t, 1, s.items(), "never a second item")
			it := s.e.State().Shops[0].Items[0]
			require.Equal(t, sandbox.ItemLive, it.Status, "listed")
			require.Len(t, it.SKUs, 3, "every model")
			for _, v := range out.Variants {
				require.NotEmpty(t, v.ModelID, v.SellerSKU)
			}
		})
	}
}
