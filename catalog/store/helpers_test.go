package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// requireCode fails unless err carries the catalog code want.
func requireCode(t testing.TB, want catalog.Code, err error, what string, args ...any) {
	t.Helper()
	require.Equalf(t, want, catalog.ErrorCode(err), "%s: got error %v", fmt.Sprintf(what, args...), err)
}

// fieldsOf returns the per-field reasons of a catalog error.
func fieldsOf(t testing.TB, err error) map[string]string {
	t.Helper()
	var ce *catalog.Error
	require.Truef(t, errors.As(err, &ce), "not a *catalog.Error: %v", err)
	return ce.Fields
}

// requireFieldError fails unless err has code and a reason for each field.
func requireFieldError(t testing.TB, code catalog.Code, err error, fields ...string) {
	t.Helper()
	requireCode(t, code, err, "fields %v", fields)
	got := fieldsOf(t, err)
	for _, f := range fields {
		require.Containsf(t, got, f, "field %s missing from %v", f, got)
		require.NotEmpty(t, got[f])
	}
}

func coopCtx(ids ...int64) context.Context {
	return catalog.WithScope(context.Background(), catalog.CoopScope(ids...))
}

func allianceCtx(id int64) context.Context {
	return catalog.WithScope(context.Background(), catalog.AllianceScope(id))
}

// gtin is a valid GTIN-13 with the Vietnamese prefix, distinct per (seed, i).
func gtin(seed, i int) catalog.GTIN {
	body := fmt.Sprintf("8939%04d%04d", seed%10000, i)
	return catalog.GTIN(body + string(catalog.GTINCheckDigit(body)))
}

// newProduct is a valid product of coopID with one variant per name in
// variants (SKU code-i); seed keeps GTINs unique in the store.
func newProduct(coopID int64, code, name string, stars catalog.Stars, group catalog.Group, seed int, variants ...string) catalog.Product {
	if len(variants) == 0 {
		variants = []string{"Hộp 100g"}
	}
	p := catalog.Product{
		CoopID: coopID, Code: code,
		Name:  catalog.Text{VI: name},
		Group: group, Stars: stars,
		Certificate: catalog.Certificate{Number: "OCOP-" + code, CertifiedOn: catalog.NewDate(2024, 3, 1)},
	}
	for i, vn := range variants {
		p.Variants = append(p.Variants, catalog.Variant{
			SKU:  catalog.SKU(fmt.Sprintf("%s-%d", code, i)),
			Name: catalog.Text{VI: vn},
			GTIN: gtin(seed, i), NetWeightG: 100 * (i + 1), Price: catalog.VND(50000 * (i + 1)),
		})
	}
	return p
}

// noTimes drops the timestamps, whose precision differs between what Go
// created and what the database returns.
func noTimes(p catalog.Product) catalog.Product {
	p.CreatedAt, p.UpdatedAt = time.Time{}, time.Time{}
	return p
}

// count is the number of rows in table, read past every scope.
func count(t testing.TB, s *store.Store, table string) int64 {
	t.Helper()
	var n int64
	require.NoError(t, s.DB().Table(table).Count(&n).Error)
	return n
}

// adjust puts qty units of variant v into warehouse w.
func adjust(t testing.TB, s *store.Store, ctx context.Context, v, w, qty int64) catalog.StockLevel {
	t.Helper()
	level, err := s.ChangeStock(ctx, catalog.StockChange{Op: catalog.OpAdjust, VariantID: v, WarehouseID: w,
		Quantity: qty, Reason: catalog.ReasonReceived, Actor: "test"})
	require.NoError(t, err)
	return level
}

func productIDs(items []catalog.Product) []int64 {
	out := make([]int64, len(items))
	for i, p := range items {
		out[i] = p.ID
	}
	return out
}

func productCodes(items []catalog.Product) []string {
	out := make([]string, len(items))
	for i, p := range items {
		out[i] = p.Code
	}
	return out
}

// keyed opens a fresh store of s's dialect that can seal shop tokens.
func keyed(t *testing.T, s *store.Store) *store.Store {
	t.Helper()
	keys, err := store.ParseKeys(store.NewKey("k"))
	require.NoError(t, err)
	return storetest.OpenWith(t, s.Dialect(), store.Options{Keys: keys})
}

// connectShop connects a shop of the co-op with a placeholder token.
func connectShop(t *testing.T, s *store.Store, ctx context.Context, coopID int64, p catalog.Platform, ext string) catalog.Shop {
	t.Helper()
	sh := catalog.Shop{CoopID: coopID, Platform: p, ExternalID: ext}
	require.NoError(t, s.ConnectShop(ctx, &sh, []byte(`{"access_token":"x"}`), time.Now().Add(time.Hour), time.Now().Add(24*time.Hour), time.Time{}))
	return sh
}
