package shopee_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

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
	return &sandboxShop{d: d, e: srv.Engine, id: shop.ID, img: img}
}

var onePixelPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")

func (s *sandboxShop) listing(prefix string, n int) driver.Listing {
	l := driver.Listing{Title: "Mật ong hoa nhãn " + prefix, Description: "Mật ong nguyên chất Hưng Yên.",
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
