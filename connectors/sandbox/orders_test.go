package sandbox_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/connectors/sandbox"
)

// TestShipAndCancelRaceLeavesNoTrackingOnACancelledOrder: a seller's ship
// and a buyer's cancel of the same order race. Whoever wins, the order
// ends shipped with a tracking number or cancelled without one.
func TestShipAndCancelRaceLeavesNoTrackingOnACancelledOrder(t *testing.T) {
	e := newEngine(t, newClock())
	shop := e.CreateShop("HTX", "")
	const n = 3000
	img, err := e.UploadImage([]byte("png"))
	require.NoError(t, err)
	_, err = e.CreateItem(shop.ID, sandbox.NewItem{Name: "Chè", Images: []string{img},
		SKUs: []sandbox.NewSKU{{SellerSKU: "CHE", Price: 95000, Stock: n}}})
	require.NoError(t, err)
	require.NoError(t, e.SetShopPush(shop.ID, false))

	var shipped, cancelled int
	for i := 0; i < n; i++ {
		o, err := e.PlaceOrder(shop.ID, "buyer", []sandbox.Buy{{SKU: sandbox.SKURef{SellerSKU: "CHE"}, Quantity: 1}}, "")
		require.NoError(t, err)
		var wg sync.WaitGroup
		start := make(chan struct{})
		wg.Add(2)
		go func() { defer wg.Done(); <-start; _, _ = e.Ship(shop.ID, o.SN, "") }()
		go func() {
			defer wg.Done()
			<-start
			_, _ = e.SetOrderStatus(shop.ID, o.SN, sandbox.OrderCancelled, "buyer")
		}()
		close(start)
		wg.Wait()
		got, err := e.Order(shop.ID, o.SN)
		require.NoError(t, err)
		switch got.Status {
		case sandbox.OrderShipped:
			shipped++
			require.NotEmpty(t, got.Tracking)
		case sandbox.OrderCancelled:
			cancelled++
			require.Empty(t, got.Tracking, "order %d of %d: a cancelled order has no tracking number", i, n)
		default:
			t.Fatalf("order %s ended %s", o.SN, got.Status)
		}
	}
	t.Logf("%d shipped, %d cancelled", shipped, cancelled)
}

// TestShipRefusesAnOrderNotReady: Ship of a cancelled order fails and
// leaves it without a tracking number.
func TestShipRefusesAnOrderNotReady(t *testing.T) {
	e := newEngine(t, newClock())
	shop := e.CreateShop("HTX", "")
	newListing(t, e, shop.ID, 5)
	o, err := e.PlaceOrder(shop.ID, "buyer", []sandbox.Buy{{SKU: sandbox.SKURef{SellerSKU: "CHE-100G"}, Quantity: 1}}, "")
	require.NoError(t, err)
	_, err = e.SetOrderStatus(shop.ID, o.SN, sandbox.OrderCancelled, "buyer")
	require.NoError(t, err)
	got, err := e.Ship(shop.ID, o.SN, "VNP1")
	require.ErrorIs(t, err, sandbox.ErrBadTransition)
	require.Empty(t, got.Tracking)
	_, err = e.Ship(shop.ID, "NO-SUCH", "VNP1")
	require.ErrorIs(t, err, sandbox.ErrNotFound)

	o, err = e.PlaceOrder(shop.ID, "buyer", []sandbox.Buy{{SKU: sandbox.SKURef{SellerSKU: "CHE-100G"}, Quantity: 1}}, "")
	require.NoError(t, err)
	got, err = e.Ship(shop.ID, o.SN, "")
	require.NoError(t, err)
	require.Equal(t, sandbox.OrderShipped, got.Status)
	require.NotEmpty(t, got.Tracking, "a sandbox number when the seller gives none")
}
