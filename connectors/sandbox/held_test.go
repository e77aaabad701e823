package sandbox_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/connectors/sandbox"
)

// Units of open orders are held per SKU until the order ships or is
// cancelled, and SetTotalStock counts them.
func TestHeldUnitsAndTotalStock(t *testing.T) {
	e := sandbox.NewEngine(sandbox.Config{Platform: "test"})
	t.Cleanup(e.Close)
	shop := e.CreateShop("HTX", "VN")
	_, err := e.CreateItem(shop.ID, sandbox.NewItem{Name: "Chè", SKUs: []sandbox.NewSKU{{SellerSKU: "A", Price: 1000, Stock: 10}}})
	require.NoError(t, err)
	ref := sandbox.SKURef{SellerSKU: "A"}
	held := func() (unpaid, unshipped, stock int64) {
		_, k, err := e.ItemBySellerSKU(shop.ID, "A")
		require.NoError(t, err)
		return k.Unpaid, k.Unshipped, k.Stock
	}

	unpaid, err := e.PlaceOrder(shop.ID, "b1", []sandbox.Buy{{SKU: ref, Quantity: 2}}, sandbox.OrderUnpaid)
	require.NoError(t, err)
	paid, err := e.PlaceOrder(shop.ID, "b2", []sandbox.Buy{{SKU: ref, Quantity: 3}}, "")
	require.NoError(t, err)
	u, s, stock := held()
	require.Equal(t, [3]int64{2, 3, 5}, [3]int64{u, s, stock})

	k, err := e.SetTotalStock(shop.ID, ref, 20)
	require.NoError(t, err)
	require.Equal(t, int64(15), k.Stock, "total minus held units")
	_, err = e.SetReserved(shop.ID, ref, 4)
	require.NoError(t, err)
	_, err = e.SetTotalStock(shop.ID, ref, 8)
	require.ErrorIs(t, err, sandbox.ErrBelowReserved, "5 held + 4 reserved > 8")
	_, err = e.SetTotalStock(shop.ID, ref, -1)
	require.ErrorIs(t, err, sandbox.ErrNegativeStock)

	_, err = e.SetOrderStatus(shop.ID, unpaid.SN, sandbox.OrderReadyToShip, "")
	require.NoError(t, err)
	u, s, _ = held()
	require.Equal(t, [2]int64{0, 5}, [2]int64{u, s}, "paying moves the units")
	_, err = e.Ship(shop.ID, paid.SN, "")
	require.NoError(t, err)
	_, err = e.SetOrderStatus(shop.ID, unpaid.SN, sandbox.OrderCancelled, "")
	require.NoError(t, err)
	u, s, stock = held()
	require.Equal(t, [3]int64{0, 0, 17}, [3]int64{u, s, stock}, "shipping and cancelling release them")
}
