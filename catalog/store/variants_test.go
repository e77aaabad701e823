package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// positions are the stored positions of a product's variants by SKU, read
// past every scope.
func positions(t *testing.T, s *store.Store, productID int64) map[string]int {
	t.Helper()
	var rows []struct {
		SKU      string `gorm:"column:sku"`
		Position int
	}
	require.NoError(t, s.DB().Table("variants").Select("sku, position").Where("product_id = ?", productID).Find(&rows).Error)
	out := map[string]int{}
	for _, r := range rows {
		out[r.SKU] = r.Position
	}
	return out
}

func skus(p catalog.Product) []string {
	out := make([]string, len(p.Variants))
	for i, v := range p.Variants {
		out[i] = string(v.SKU)
	}
	return out
}

// TestImportKeepsPositionsOfKeptVariants: a file naming only some of a
// product's variants updates them in place and puts new ones after the
// last, so the variant order is stable and a re-import changes nothing.
func TestImportKeepsPositionsOfKeptVariants(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		_, err := s.Import(ctx, newBatch("P", 31), catalog.ImportOptions{})
		require.NoError(t, err)
		tra := productByCode(t, s, "TRA-P")
		require.Equal(t, []string{"TRA-P-100", "TRA-P-200"}, skus(tra))

		// The second file names only TRA-P-200 (a new price) and a new
		// TRA-P-500; TRA-P-100 is kept as it is.
		b := newBatch("P", 31)
		b.Products[0].Product.Variants = []catalog.Variant{b.Products[0].Product.Variants[1],
			{SKU: "TRA-P-500", Name: catalog.Text{VI: "Hộp 500g"}, GTIN: gtin(31, 7), NetWeightG: 500, Price: 400000}}
		b.Products[0].Product.Variants[0].Price = 185000
		b.Products[0].Lines, b.Products[0].OpeningStock = []int{3, 5}, []int64{0, 0}
		rep, err := s.Import(ctx, b, catalog.ImportOptions{})
		require.NoError(t, err)
		require.Equal(t, catalog.Counts{Created: 1, Updated: 1, Unchanged: 1}, rep.Variants)
		require.Equal(t, map[string]int{"TRA-P-100": 0, "TRA-P-200": 1, "TRA-P-500": 2}, positions(t, s, tra.ID),
			"kept and updated variants keep their place; the new one goes last")
		tra = productByCode(t, s, "TRA-P")
		require.Equal(t, []string{"TRA-P-100", "TRA-P-200", "TRA-P-500"}, skus(tra))

		for range 3 {
			rep, err = s.Import(ctx, b, catalog.ImportOptions{})
			require.NoError(t, err)
			require.Equal(t, catalog.Counts{Unchanged: 2}, rep.Products, "a re-import changes nothing")
			require.Equal(t, catalog.Counts{Unchanged: 3}, rep.Variants)
			again := productByCode(t, s, "TRA-P")
			require.Equal(t, tra.Version, again.Version)
			require.Equal(t, skus(tra), skus(again))
		}
	})
}

// TestUpdateSwapsGTINsBetweenVariants: two variants that both stay may
// trade GTINs in one update (a mislabelled pair corrected).
func TestUpdateSwapsGTINsBetweenVariants(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := storetest.NewFixture(t, s, "SW")
		ctx := storetest.Operator()
		p := f.Product("SWAP", 41, 3)
		require.NoError(t, s.CreateProduct(ctx, &p))
		g0, g1, g2 := p.Variants[0].GTIN, p.Variants[1].GTIN, p.Variants[2].GTIN

		p.Variants[0].GTIN, p.Variants[1].GTIN = g1, g0
		require.NoError(t, s.UpdateProduct(ctx, &p), "swapping GTINs is not a conflict")
		got, err := s.Product(ctx, p.ID)
		require.NoError(t, err)
		require.Equal(t, []catalog.GTIN{g1, g0, g2}, []catalog.GTIN{got.Variants[0].GTIN, got.Variants[1].GTIN, got.Variants[2].GTIN})

		// A rotation of three, with one variant's price changing too.
		got.Variants[0].GTIN, got.Variants[1].GTIN, got.Variants[2].GTIN = g2, g1, g0
		got.Variants[2].Price += 1000
		require.NoError(t, s.UpdateProduct(ctx, &got))
		got, err = s.Product(ctx, p.ID)
		require.NoError(t, err)
		require.Equal(t, []catalog.GTIN{g2, g1, g0}, []catalog.GTIN{got.Variants[0].GTIN, got.Variants[1].GTIN, got.Variants[2].GTIN})

		// A GTIN of another product is still a conflict, and nothing moved.
		other := f.Product("OTHER", 42, 1)
		require.NoError(t, s.CreateProduct(ctx, &other))
		got.Variants[0].GTIN, got.Variants[1].GTIN = other.Variants[0].GTIN, g2
		err = s.UpdateProduct(ctx, &got)
		requireFieldError(t, catalog.CodeConflict, err, "variants[0].gtin13")
		after, err := s.Product(ctx, p.ID)
		require.NoError(t, err)
		require.Equal(t, []catalog.GTIN{g2, g1, g0}, []catalog.GTIN{after.Variants[0].GTIN, after.Variants[1].GTIN, after.Variants[2].GTIN})
	})
}

// TestImportSwapsGTINsBetweenVariants: the same swap from a file.
func TestImportSwapsGTINsBetweenVariants(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		_, err := s.Import(ctx, newBatch("G", 51), catalog.ImportOptions{})
		require.NoError(t, err)
		b := newBatch("G", 51)
		v := b.Products[0].Product.Variants
		v[0].GTIN, v[1].GTIN = v[1].GTIN, v[0].GTIN
		rep, err := s.Import(ctx, b, catalog.ImportOptions{})
		require.NoError(t, err, "%+v", rep.Errors)
		require.Equal(t, catalog.Counts{Updated: 2, Unchanged: 1}, rep.Variants)
		tra := productByCode(t, s, "TRA-G")
		require.Equal(t, gtin(51, 2), tra.Variants[0].GTIN)
		require.Equal(t, gtin(51, 1), tra.Variants[1].GTIN)
	})
}
