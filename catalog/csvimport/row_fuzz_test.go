package csvimport

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzImportRow fuzzes the cells of one catalog row under a valid header:
// the file is always readable; the row either imports as one valid
// product with one variant and a non-negative opening stock, or is left
// out with every problem on line 2 in a column of the format; and the same
// file always gives the same answer. Seeds in testdata/fuzz.
func FuzzImportRow(f *testing.F) {
	f.Add("LM-TN", "HTX-HAODAT", "CHE-HAODAT", "Chè Tân Cương Hảo Đạt", "Đồ uống", "4", "2023", "CHE-HAODAT-100G", "8936000001018", "100", "95000", "120")
	f.Add("lm-tn", "htx-a", "p1", "  Chè\u0301  ", "food", "5 sao", "1999", "sku 1", "8936000001019", "-1", "95.000 ₫", "-5")
	f.Add("LM-TN", "HTX-A", "P1", "", "beverage", "0", "2099", "", "893600000101", "1e9", "0", "")
	f.Add("LM TN", "HTX-A;B", "P\n1", "=HYPERLINK(\"x\")", "Đồ uống", "3", "abc", "SKU-\u00a0", "0000000000000", "99999999999999999999", "1", "2")
	header := []string{colAllianceCode, colAllianceName, colProvince, colCoopCode, colCoopName, colProductCode, colProductVI,
		colGroup, colStars, colCertYear, colSKU, colVariantVI, colGTIN, colNetWeight, colPrice, colStock}
	f.Fuzz(func(t *testing.T, alliance, coop, product, name, group, stars, year, sku, gtin, weight, price, stock string) {
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		require.NoError(t, w.Write(header))
		require.NoError(t, w.Write([]string{alliance, "Liên minh", "Thái Nguyên", coop, "HTX", product, name,
			group, stars, year, sku, "Hộp", gtin, weight, price, stock}))
		w.Flush()
		b, res, err := Parse(bytes.NewReader(buf.Bytes()))
		require.NoError(t, err, "a file with a valid header is always read")
		again, res2, _ := Parse(bytes.NewReader(buf.Bytes()))
		require.Equal(t, res, res2, "the same file, the same answer")
		require.Equal(t, b, again)
		if len(res.Errors) > 0 {
			require.Empty(t, b.Products, "a row with a problem is left out")
			for _, e := range res.Errors {
				require.GreaterOrEqual(t, e.Line, 2, "%+v", e)
				require.True(t, knownColumns[e.Column], "error in unknown column %q", e.Column)
				require.NotEmpty(t, e.Reason)
			}
			return
		}
		require.Len(t, b.Products, 1)
		require.Len(t, b.Products[0].Product.Variants, 1)
		require.GreaterOrEqual(t, b.Products[0].OpeningStock[0], int64(0))
		requireValid(t, b)
	})
}
