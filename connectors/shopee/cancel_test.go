package shopee_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/connectors"
	"ocophub/connectors/driver"
	"ocophub/connectors/sandbox"
	shopeesb "ocophub/connectors/sandbox/shopee"
	"ocophub/connectors/shopee"
)

// TestCancelRetriedAfterALostAnswerSucceeds: cancel_order goes through but
// its answer is lost; the Channel's retry finds the order CANCELLED and
// reports success, not failed_precondition.
func TestCancelRetriedAfterALostAnswerSucceeds(t *testing.T) {
	t.Parallel()
	srv, err := shopeesb.Start("127.0.0.1:0", shopeesb.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	proxy, lost := lostAnswers(t, srv.URL, "/api/v2/order/cancel_order")
	shop := srv.Engine.CreateShop("HTX "+t.Name(), "")
	code, err := srv.Engine.IssueCode(shopeesb.DefaultApp.Key, shop.ID, "http://127.0.0.1/cb")
	require.NoError(t, err)
	ts := &heldToken{}
	d := shopee.New(shopee.Config{BaseURL: proxy.URL, PartnerID: defaultPartnerID(), PartnerKey: shopeesb.DefaultApp.Secret,
		ShopID: shop.ID}, ts)
	ctx := context.Background()
	ts.t, err = d.ExchangeCode(ctx, driver.Callback{Code: code, ShopID: fmt.Sprint(shop.ID)})
	require.NoError(t, err)
	img, err := d.UploadImage(ctx, "mat.png", onePixelPNG)
	require.NoError(t, err)
	s := &sandboxShop{d: d, e: srv.Engine, id: shop.ID, img: img}
	_, err = d.CreateListing(ctx, s.listing("CXL", 2))
	require.NoError(t, err)
	o, err := srv.Engine.PlaceOrder(shop.ID, "buyer", []sandbox.Buy{{SKU: sandbox.SKURef{SellerSKU: "CXL-1"}, Quantity: 2}}, "")
	require.NoError(t, err)

	ch := connectors.New(d, sharedTokens{ts}, connectors.Options{Sleep: func(context.Context, time.Duration) error { return nil }})
	require.NoError(t, ch.CancelOrder(ctx, o.SN, "out of stock"))
	require.Equal(t, int32(1), lost.Load(), "the first answer was lost")
	got, err := srv.Engine.Order(shop.ID, o.SN)
	require.NoError(t, err)
	require.Equal(t, sandbox.OrderCancelled, got.Status)

	require.NoError(t, d.CancelOrder(ctx, o.SN, "out of stock"), "cancelling a cancelled order is done")

	shipped, err := srv.Engine.PlaceOrder(shop.ID, "buyer", []sandbox.Buy{{SKU: sandbox.SKURef{SellerSKU: "CXL-0"}, Quantity: 1}}, "")
	require.NoError(t, err)
	_, err = srv.Engine.Ship(shop.ID, shipped.SN, "")
	require.NoError(t, err)
	err = d.CancelOrder(ctx, shipped.SN, "out of stock")
	require.Equal(t, driver.CodeFailedPrecondition, driver.CodeOf(err), "a shipped order cannot be cancelled: %v", err)
}
