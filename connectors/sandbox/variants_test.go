package sandbox_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/connectors/sandbox"
)

func TestReplaceSKUsFreesTheOldSellerSKUs(t *testing.T) {
	e := newEngine(t, newClock())
	shop := e.CreateShop("HTX mật ong", "VN")
	it, err := e.CreateItem(shop.ID, sandbox.NewItem{Name: "Mật ong", SKUs: []sandbox.NewSKU{{SellerSKU: "MO", Price: 100, Stock: 5}}})
	require.NoError(t, err)
	other, err := e.CreateItem(shop.ID, sandbox.NewItem{Name: "Chè", SKUs: []sandbox.NewSKU{{SellerSKU: "CHE", Price: 100, Stock: 5}}})
	require.NoError(t, err)

	_, err = e.ReplaceSKUs(shop.ID, it.ID, []sandbox.NewSKU{{SellerSKU: "CHE", Price: 1}})
	require.ErrorIs(t, err, sandbox.ErrDuplicateSKU, "a seller SKU of another item stays taken")
	_, err = e.ReplaceSKUs(shop.ID, it.ID, []sandbox.NewSKU{{SellerSKU: "A"}, {SellerSKU: "A"}})
	require.ErrorIs(t, err, sandbox.ErrDuplicateSKU)

	got, err := e.ReplaceSKUs(shop.ID, it.ID, []sandbox.NewSKU{{SellerSKU: "MO", Price: 200, Stock: 1}, {SellerSKU: "MO-1L", Price: 300, Stock: 2}})
	require.NoError(t, err, "the item's own seller SKU can be reused")
	require.Len(t, got.SKUs, 2)
	_, err = e.SetStock(shop.ID, sandbox.SKURef{ID: it.SKUs[0].ID}, 3)
	require.ErrorIs(t, err, sandbox.ErrNotFound, "the old SKU is gone")
	_, k, err := e.ItemBySellerSKU(shop.ID, "MO-1L")
	require.NoError(t, err)
	require.Equal(t, int64(2), k.Stock)

	_, err = e.SetSellerSKU(shop.ID, sandbox.SKURef{ID: other.SKUs[0].ID}, "MO")
	require.ErrorIs(t, err, sandbox.ErrDuplicateSKU)
	_, err = e.SetSellerSKU(shop.ID, sandbox.SKURef{ID: other.SKUs[0].ID}, "CHE-2")
	require.NoError(t, err)
	_, _, err = e.ItemBySellerSKU(shop.ID, "CHE")
	require.ErrorIs(t, err, sandbox.ErrNotFound)
	_, _, err = e.ItemBySellerSKU(shop.ID, "CHE-2")
	require.NoError(t, err)
}
