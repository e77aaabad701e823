package csvimport

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"ocophub/catalog"
	"ocophub/catalog/demo"
)

// demoRecords is the demo file as records; records[i] is file line i+1
// (the demo has no multi-line cell).
func demoRecords(t testing.TB) [][]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(demo.CSV)).ReadAll()
	require.NoError(t, err)
	return recs
}

func colIndex(t testing.TB, recs [][]string, col string) int {
	t.Helper()
	i := slices.Index(recs[0], col)
	require.GreaterOrEqual(t, i, 0, "no column %s", col)
	return i
}

// set returns recs with the cell of col on file line changed to value.
func set(line int, col, value string) func(testing.TB, [][]string) [][]string {
	return func(t testing.TB, recs [][]string) [][]string {
		recs[line-1][colIndex(t, recs, col)] = value
		return recs
	}
}

// edits applies several edits in order.
func edits(fns ...func(testing.TB, [][]string) [][]string) func(testing.TB, [][]string) [][]string {
	return func(t testing.TB, recs [][]string) [][]string {
		for _, fn := range fns {
			recs = fn(t, recs)
		}
		return recs
	}
}

func dropColumn(col string) func(testing.TB, [][]string) [][]string {
	return func(t testing.TB, recs [][]string) [][]string {
		i := colIndex(t, recs, col)
		for n := range recs {
			recs[n] = slices.Delete(recs[n], i, i+1)
		}
		return recs
	}
}

// addColumn appends a column with value on every data row.
func addColumn(col, value string) func(testing.TB, [][]string) [][]string {
	return func(t testing.TB, recs [][]string) [][]string {
		recs[0] = append(recs[0], col)
		for n := 1; n < len(recs); n++ {
			recs[n] = append(recs[n], value)
		}
		return recs
	}
}

func renameColumn(from, to string) func(testing.TB, [][]string) [][]string {
	return func(t testing.TB, recs [][]string) [][]string {
		recs[0][colIndex(t, recs, from)] = to
		return recs
	}
}

func csvBytes(t testing.TB, recs [][]string, comma rune) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma = comma
	require.NoError(t, w.WriteAll(recs))
	return buf.Bytes()
}

// at is the part of a RowError a test pins down; the reason is free text.
type at struct {
	Line   int
	Column string
	Code   string
}

func locations(errs []catalog.RowError) []at {
	var out []at
	for _, e := range errs {
		out = append(out, at{e.Line, e.Column, e.Code})
	}
	return out
}

func variantCount(b *catalog.ImportBatch) int {
	n := 0
	for _, p := range b.Products {
		n += len(p.Product.Variants)
	}
	return n
}

// requireValid checks what the store will check again: every value of the
// batch passes its catalog Validate once the store has assigned the ids.
func requireValid(t testing.TB, b *catalog.ImportBatch) {
	t.Helper()
	for _, a := range b.Alliances {
		require.NoError(t, a.Alliance.Validate(), "alliance on line %d", a.Line)
	}
	for _, c := range b.Coops {
		c.Coop.AllianceID = 1
		require.NoError(t, c.Coop.Validate(), "co-op on line %d", c.Line)
	}
	for _, ip := range b.Products {
		require.Len(t, ip.Lines, len(ip.Product.Variants))
		require.Len(t, ip.OpeningStock, len(ip.Product.Variants))
		p := ip.Product
		p.CoopID = 1
		p.Variants = slices.Clone(p.Variants)
		require.NoError(t, p.Validate(), "product %s", p.Code)
	}
}

func parseDemo(t testing.TB) *catalog.ImportBatch {
	t.Helper()
	b, res, err := Parse(bytes.NewReader(demo.CSV))
	require.NoError(t, err)
	require.Empty(t, res.Errors)
	return b
}

func TestParseDemo(t *testing.T) {
	t.Parallel()
	b, res, err := Parse(bytes.NewReader(demo.CSV))
	require.NoError(t, err)
	require.Empty(t, res.Errors)
	require.Equal(t, 15, res.Rows)
	require.Len(t, b.Alliances, 2)
	require.Len(t, b.Coops, 8)
	require.Len(t, b.Products, 8)
	require.Equal(t, 15, variantCount(b))
	requireValid(t, b)

	require.Equal(t, catalog.ImportAlliance{Line: 11, Alliance: catalog.Alliance{
		Code: "LM-NB", Name: "Liên minh HTX tỉnh Ninh Bình", Province: "Ninh Bình",
	}}, b.Alliances[1])
	require.Equal(t, catalog.ImportCoop{Line: 13, AllianceCode: "LM-NB", Coop: catalog.Coop{
		Code: "HTX-TAMDIEP", Name: "HTX hoa, cây cảnh, nông sản Tam Điệp", Province: "Ninh Bình", Commune: "Tam Điệp",
	}}, b.Coops[6])

	tea := b.Products[0]
	require.Equal(t, "HTX-HAODAT", tea.CoopCode)
	require.Equal(t, []int{2, 3, 4}, tea.Lines)
	require.Equal(t, []int64{120, 80, 30}, tea.OpeningStock)
	require.Equal(t, "CHE-HAODAT", tea.Product.Code)
	require.Equal(t, catalog.Text{VI: "Chè Tân Cương Hảo Đạt", EN: "Hao Dat Tan Cuong green tea"}, tea.Product.Name)
	require.Equal(t, catalog.GroupBeverage, tea.Product.Group)
	require.Equal(t, catalog.Stars(4), tea.Product.Stars)
	require.Equal(t, catalog.Certificate{
		CertifiedOn: catalog.NewDate(2023, time.January, 1), // the year's first day
		ExpiresOn:   catalog.NewDate(2026, time.January, 1), // + 36 months
	}, tea.Product.Certificate)
	require.Equal(t, catalog.Variant{
		SKU: "CHE-HAODAT-100G", Name: catalog.Text{VI: "Hộp 100g"}, GTIN: "8936000001018",
		NetWeightG: 100, Price: 95000,
	}, tea.Product.Variants[0])

	honey := b.Products[7]
	require.Equal(t, catalog.GroupFood, honey.Product.Group)
	require.Equal(t, []int{15, 16}, honey.Lines)
	require.Equal(t, catalog.VND(480000), honey.Product.Variants[1].Price)
}

// TestParseRowErrors edits one or a few cells of the demo file and pins the
// exact problems reported.
func TestParseRowErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		edit       func(testing.TB, [][]string) [][]string
		want       []at
		reasonHas  string // in the first error's reason
		products   int    // products left in the batch
		variants   int
		alsoInFile []string // SKUs that must still be in the batch
	}{
		{
			name: "GTIN check digit", edit: set(3, "gtin13", "8936000001026"),
			want:      []at{{3, "gtin13", CodeInvalidValue}},
			reasonHas: `"8936000001026"`, products: 8, variants: 14,
			alsoInFile: []string{"CHE-HAODAT-100G", "CHE-HAODAT-500G"},
		},
		{
			name: "GTIN length", edit: set(2, "gtin13", "893600000101"),
			want: []at{{2, "gtin13", CodeInvalidValue}}, reasonHas: "13 digits", products: 8, variants: 14,
		},
		{
			name: "stars 6 on a single-variant product", edit: set(5, "ocop_stars", "6"),
			want: []at{{5, "ocop_stars", CodeInvalidValue}}, reasonHas: "got 6", products: 7, variants: 14,
		},
		{
			name: "unknown group", edit: set(8, "ocop_group", "Đồ ăn vặt"),
			want: []at{{8, "ocop_group", CodeInvalidValue}}, reasonHas: `"Đồ ăn vặt"`, products: 7, variants: 14,
		},
		{
			name: "group by code and without diacritics", edit: edits(set(2, "ocop_group", "beverage"), set(3, "ocop_group", "do uong")),
			products: 8, variants: 15,
		},
		{
			name: "negative stock", edit: set(4, "stock", "-5"),
			want: []at{{4, "stock", CodeInvalidValue}}, reasonHas: `"-5"`, products: 8, variants: 14,
		},
		{
			name: "stock with decimals", edit: set(4, "stock", "2,5"),
			want: []at{{4, "stock", CodeInvalidValue}}, products: 8, variants: 14,
		},
		{
			name: "empty stock is zero", edit: set(4, "stock", ""), products: 8, variants: 15,
		},
		{
			name: "missing sku", edit: set(6, "sku", ""),
			want: []at{{6, "sku", CodeRequired}}, products: 8, variants: 14,
		},
		{
			name: "sku with diacritics", edit: set(6, "sku", "CHÈ-1"),
			want: []at{{6, "sku", CodeInvalidValue}}, products: 8, variants: 14,
		},
		{
			name: "repeated SKU in a co-op", edit: set(4, "sku", "che-haodat-100g"),
			want:      []at{{4, "sku", CodeDuplicate}},
			reasonHas: "line 2", products: 8, variants: 14,
		},
		{
			name: "repeated GTIN across co-ops", edit: set(16, "gtin13", "8936000001018"),
			want:      []at{{16, "gtin13", CodeDuplicate}},
			reasonHas: "line 2", products: 8, variants: 14,
		},
		{
			name: "inconsistent product name", edit: set(3, "product_name_vi", "Chè Hảo Đạt"),
			want:      []at{{3, "product_name_vi", CodeInconsistent}},
			reasonHas: "line 2", products: 8, variants: 14,
		},
		{
			name: "inconsistent stars", edit: set(14, "ocop_stars", "5"),
			want: []at{{14, "ocop_stars", CodeInconsistent}}, reasonHas: "line 13", products: 8, variants: 14,
		},
		{
			name: "inconsistent certification year", edit: set(10, "ocop_certified_year", "2024"),
			want: []at{{10, "ocop_certified_year", CodeInconsistent}}, reasonHas: `"2024" differs from "2025"`,
			products: 8, variants: 14,
		},
		{
			name: "inconsistent co-op name", edit: set(3, "coop_name", "HTX Hảo Đạt"),
			want: []at{{3, "coop_name", CodeInconsistent}}, products: 8, variants: 14,
		},
		{
			name: "inconsistent alliance name", edit: set(12, "alliance_name", "Liên minh HTX Ninh Bình"),
			want: []at{{12, "alliance_name", CodeInconsistent}}, reasonHas: "line 11", products: 8, variants: 14,
		},
		{
			name: "co-op under two alliances",
			edit: edits(set(11, "coop_code", "HTX-LABANG"), set(11, "coop_name", "HTX chè La Bằng"), set(11, "commune", "La Bằng")),
			want: []at{{11, "alliance_code", CodeInconsistent}, {11, "province", CodeInconsistent}},
			// line 12 still founds TRA-CUCCHI of HTX-RITI
			reasonHas: "line 5", products: 8, variants: 14,
		},
		{
			name: "price garbage and zero", edit: edits(set(2, "price_vnd", "95.000,50"), set(3, "price_vnd", "0")),
			want:     []at{{2, "price_vnd", CodeInvalidValue}, {3, "price_vnd", CodeInvalidValue}},
			products: 8, variants: 13,
		},
		{
			name: "price the Vietnamese way", edit: set(2, "price_vnd", "95.000 ₫"), products: 8, variants: 15,
		},
		{
			name: "missing certification", edit: set(5, "ocop_certified_year", ""),
			want: []at{{5, "ocop_certified_year", CodeRequired}}, products: 7, variants: 14,
		},
		{
			name: "certification year is not a year", edit: set(5, "ocop_certified_year", "22"),
			want: []at{{5, "ocop_certified_year", CodeInvalidValue}}, products: 7, variants: 14,
		},
		{
			name: "every problem of a row",
			edit: edits(set(5, "gtin13", "8936000001040"), set(5, "ocop_stars", "6"), set(5, "price_vnd", "abc"),
				set(5, "product_code", "")),
			want: []at{
				{5, "gtin13", CodeInvalidValue}, {5, "ocop_stars", CodeInvalidValue},
				{5, "price_vnd", CodeInvalidValue}, {5, "product_code", CodeRequired},
			},
			products: 7, variants: 14,
		},
		{
			name:     "problems on several rows, in line order",
			edit:     edits(set(9, "net_weight_g", "1.5"), set(2, "variant_name_vi", " "), set(16, "alliance_code", "")),
			want:     []at{{2, "variant_name_vi", CodeRequired}, {9, "net_weight_g", CodeInvalidValue}, {16, "alliance_code", CodeRequired}},
			products: 8, variants: 12,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			recs := tt.edit(t, demoRecords(t))
			b, res, err := Parse(bytes.NewReader(csvBytes(t, recs, ',')))
			require.NoError(t, err)
			require.Equal(t, tt.want, locations(res.Errors), "%v", res.Errors)
			if tt.reasonHas != "" {
				require.Contains(t, res.Errors[0].Reason, tt.reasonHas)
			}
			require.Equal(t, 15, res.Rows)
			require.Len(t, b.Products, tt.products)
			require.Equal(t, tt.variants, variantCount(b))
			requireValid(t, b)
			bad := map[int]bool{}
			for _, e := range res.Errors {
				bad[e.Line] = true
			}
			for _, p := range b.Products {
				for _, line := range p.Lines {
					require.False(t, bad[line], "line %d has an error but is in the batch", line)
				}
			}
			for _, sku := range tt.alsoInFile {
				found := false
				for _, p := range b.Products {
					_, ok := p.Product.Variant(catalog.SKU(sku))
					found = found || ok
				}
				require.True(t, found, "SKU %s missing", sku)
			}
		})
	}
}

// TestParseHeaderErrors: a header problem makes the whole file unusable.
func TestParseHeaderErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(testing.TB, [][]string) [][]string
		want []at
	}{
		{"missing required column", dropColumn("price_vnd"), []at{{1, "price_vnd", CodeMissingColumn}}},
		{"no certification column", dropColumn("ocop_certified_year"), []at{{1, "ocop_certified_year", CodeMissingColumn}}},
		{"unknown column (a typo)", renameColumn("stock", "stok"), []at{{1, "stok", CodeUnknownColumn}}},
		{"typo of a required column", renameColumn("sku", "skus"), []at{{1, "sku", CodeMissingColumn}, {1, "skus", CodeUnknownColumn}}},
		{"column twice", addColumn("gtin13", ""), []at{{1, "gtin13", CodeDuplicate}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, res, err := Parse(bytes.NewReader(csvBytes(t, tt.edit(t, demoRecords(t)), ',')))
			require.Error(t, err)
			require.ErrorIs(t, err, catalog.ErrInvalidArgument)
			require.Nil(t, b)
			require.Equal(t, tt.want, locations(res.Errors))
		})
	}
}

// TestParseUnreadable: input that is not a catalog file at all.
func TestParseUnreadable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, input, errHas string
	}{
		{"empty", "", "empty"},
		{"only blank lines", "\n\n\n", "empty"},
		{"an xlsx given as CSV", "PK\x03\x04\x14\x00\x06\x00", ".xlsx"},
		{"header not CSV", "alliance_code,\"alli\"ance_name\n", "not valid CSV"},
		{"not a catalog", "hello world\n1,2,3\n", "header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, _, err := Parse(strings.NewReader(tt.input))
			require.ErrorIs(t, err, catalog.ErrInvalidArgument)
			require.ErrorContains(t, err, tt.errHas)
			require.Nil(t, b)
		})
	}
}

// TestParseVariants: forms of the same file that must give the demo batch.
func TestParseVariants(t *testing.T) {
	t.Parallel()
	want := parseDemo(t)
	reordered := func(t testing.TB) []byte {
		recs := demoRecords(t)
		for i := range recs {
			slices.Reverse(recs[i])
		}
		return csvBytes(t, recs, ',')
	}
	tests := []struct {
		name  string
		input func(testing.TB) []byte
	}{
		{"semicolon separated", func(t testing.TB) []byte { return csvBytes(t, demoRecords(t), ';') }},
		{"byte order mark", func(testing.TB) []byte { return append([]byte("\ufeff"), demo.CSV...) }},
		{"semicolons and BOM and CRLF", func(t testing.TB) []byte {
			var buf bytes.Buffer
			w := csv.NewWriter(&buf)
			w.Comma, w.UseCRLF = ';', true
			require.NoError(t, w.WriteAll(demoRecords(t)))
			return append([]byte("\ufeff"), buf.Bytes()...)
		}},
		{"NFD-decomposed text", func(testing.TB) []byte { return norm.NFD.Bytes(demo.CSV) }},
		{"columns in another order", reordered},
		{"header in capitals with spaces", func(t testing.TB) []byte {
			recs := demoRecords(t)
			for i, h := range recs[0] {
				recs[0][i] = " " + strings.ToUpper(h) + " "
			}
			return csvBytes(t, recs, ',')
		}},
		{"blank rows", func(t testing.TB) []byte {
			recs := demoRecords(t)
			blank := make([]string, len(recs[0]))
			recs = slices.Insert(recs, 1, blank)
			return csvBytes(t, append(recs, blank), ',')
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			input := tt.input(t)
			b, res, err := Parse(bytes.NewReader(input))
			require.NoError(t, err)
			require.Empty(t, res.Errors)
			require.Equal(t, 15, res.Rows)
			if tt.name == "blank rows" { // everything moved down one line
				for i := range b.Products {
					for j := range b.Products[i].Lines {
						b.Products[i].Lines[j]--
					}
				}
				for i := range b.Coops {
					b.Coops[i].Line--
				}
				for i := range b.Alliances {
					b.Alliances[i].Line--
				}
			}
			require.Equal(t, want, b)
		})
	}
}

func TestParseNormalizesToNFC(t *testing.T) {
	t.Parallel()
	b, _, err := Parse(bytes.NewReader(norm.NFD.Bytes(demo.CSV)))
	require.NoError(t, err)
	name := b.Products[0].Product.Name.VI
	require.Equal(t, "Chè Tân Cương Hảo Đạt", name)
	require.True(t, norm.NFC.IsNormalString(name))
	require.True(t, norm.NFC.IsNormalString(b.Coops[0].Coop.Name))
	require.True(t, norm.NFC.IsNormalString(b.Alliances[0].Alliance.Province))
}

func TestParseOptionalColumns(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		edit  func(testing.TB, [][]string) [][]string
		want  []at
		check func(t *testing.T, b *catalog.ImportBatch)
	}{
		{
			name: "all optional columns",
			edit: edits(
				addColumn("coop_tax_code", ""), addColumn("ocop_certificate_no", ""), addColumn("ocop_certified_on", ""),
				addColumn("ocop_expires_on", ""), addColumn("variant_name_en", ""), addColumn("length_mm", ""),
				addColumn("width_mm", ""), addColumn("height_mm", ""), addColumn("package_weight_g", ""),
				set(2, "coop_tax_code", "4600123456"), set(3, "coop_tax_code", "4600123456"), set(4, "coop_tax_code", "4600123456"),
				set(2, "ocop_certificate_no", "123/QĐ-UBND"), set(3, "ocop_certificate_no", "123/QĐ-UBND"), set(4, "ocop_certificate_no", "123/QĐ-UBND"),
				set(2, "ocop_certified_on", "15/03/2023"), set(3, "ocop_certified_on", "2023-03-15"), set(4, "ocop_certified_on", "15/3/2023"),
				set(2, "variant_name_en", "Box 100 g"), set(2, "length_mm", "120"), set(2, "width_mm", "80"),
				set(2, "height_mm", "60"), set(2, "package_weight_g", "160"),
				set(5, "ocop_certified_on", "2022-06-01"), set(5, "ocop_expires_on", "01/06/2024"),
			),
			check: func(t *testing.T, b *catalog.ImportBatch) {
				require.Equal(t, "4600123456", b.Coops[0].Coop.TaxCode)
				require.Equal(t, catalog.Certificate{
					Number:      "123/QĐ-UBND",
					CertifiedOn: catalog.NewDate(2023, time.March, 15), // the date wins over the year
					ExpiresOn:   catalog.NewDate(2026, time.March, 15),
				}, b.Products[0].Product.Certificate)
				v := b.Products[0].Product.Variants[0]
				require.Equal(t, "Box 100 g", v.Name.EN)
				require.Equal(t, catalog.Dimensions{LengthMM: 120, WidthMM: 80, HeightMM: 60, WeightG: 160}, v.Package)
				require.Equal(t, catalog.NewDate(2024, time.June, 1), b.Products[1].Product.Certificate.ExpiresOn)
			},
		},
		{
			name: "bad optional values",
			edit: edits(
				addColumn("coop_tax_code", ""), addColumn("ocop_expires_on", ""), addColumn("length_mm", ""),
				addColumn("ocop_certified_on", ""),
				set(5, "coop_tax_code", "46001"), set(6, "ocop_expires_on", "2021-01-01"), set(8, "length_mm", "-1"),
				set(9, "ocop_certified_on", "31/02/2021"),
			),
			want: []at{
				{5, "coop_tax_code", CodeInvalidValue}, {6, "ocop_expires_on", CodeInvalidValue},
				{8, "length_mm", CodeInvalidValue}, {9, "ocop_certified_on", CodeInvalidValue},
			},
		},
		{
			name: "certified_on alone",
			edit: edits(renameColumn("ocop_certified_year", "ocop_certified_on"), yearsAsDates, set(2, "ocop_certified_on", "2023-01-01"),
				set(3, "ocop_certified_on", "01/01/2023"), set(4, "ocop_certified_on", ""), set(5, "ocop_certified_on", "2022")),
			want: []at{{4, "ocop_certified_on", CodeRequired}, {5, "ocop_certified_on", CodeInvalidValue}},
		},
		{
			name: "date and year disagree across rows",
			edit: edits(addColumn("ocop_certified_on", ""), set(3, "ocop_certified_on", "2023-05-01")),
			want: []at{{3, "ocop_certified_on", CodeInconsistent}},
		},
		{
			name: "value under no header",
			edit: func(t testing.TB, recs [][]string) [][]string {
				recs[0] = append(recs[0], "")
				for i := 1; i < len(recs); i++ {
					recs[i] = append(recs[i], "")
				}
				recs[3][len(recs[3])-1] = "oops"
				return recs
			},
			want: []at{{4, "", CodeMalformed}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, res, err := Parse(bytes.NewReader(csvBytes(t, tt.edit(t, demoRecords(t)), ',')))
			require.NoError(t, err)
			require.Equal(t, tt.want, locations(res.Errors), "%v", res.Errors)
			requireValid(t, b)
			if tt.check != nil {
				tt.check(t, b)
			}
		})
	}
}

// yearsAsDates turns the years of an ocop_certified_on column into the
// dates the parser takes them for.
func yearsAsDates(t testing.TB, recs [][]string) [][]string {
	i := colIndex(t, recs, "ocop_certified_on")
	for _, rec := range recs[1:] {
		rec[i] += "-01-01"
	}
	return recs
}

// TestParseLines: with quoted multi-line cells, a row's line is the line it
// starts on, as a text editor shows it.
func TestParseLines(t *testing.T) {
	t.Parallel()
	recs := demoRecords(t)
	recs[1][colIndex(t, recs, "description_vi")] = "Chè búp.\nSao sấy thủ công."
	recs[2][colIndex(t, recs, "description_vi")] = "Chè búp.\nSao sấy thủ công."
	recs[3][colIndex(t, recs, "description_vi")] = "Chè búp.\nSao sấy thủ công."
	recs[2][colIndex(t, recs, "ocop_stars")] = "6" // starts on line 4
	recs[4][colIndex(t, recs, "stock")] = "x"      // starts on line 8
	input := string(csvBytes(t, recs, ','))
	input = strings.Replace(input, "CHE-DATPHAT-250G", `CHE-DATPHAT-"250G`, 1) // not CSV, line 10
	b, res, err := Parse(strings.NewReader(input))
	require.NoError(t, err)
	require.Equal(t, []at{{4, "ocop_stars", CodeInvalidValue}, {8, "stock", CodeInvalidValue}, {10, "", CodeMalformed}},
		locations(res.Errors), "%v", res.Errors)
	require.Equal(t, 15, res.Rows)
	require.Equal(t, []int{2, 6}, b.Products[0].Lines)
	require.Equal(t, "Chè búp.\nSao sấy thủ công.", b.Products[0].Product.Description.VI)
}

func TestParseTooManyRows(t *testing.T) {
	t.Parallel()
	require.Equal(t, 50_000, MaxRows)
	cr := csv.NewReader(bytes.NewReader(demo.CSV))
	cr.FieldsPerRecord = -1
	b, res, err := parse(&csvSource{r: cr}, 3)
	require.ErrorIs(t, err, catalog.ErrInvalidArgument)
	require.ErrorContains(t, err, "more than 3 rows")
	require.Nil(t, b)
	require.Equal(t, []at{{5, "", CodeTooManyRows}}, locations(res.Errors))
}

func TestParseTooManyErrors(t *testing.T) {
	t.Parallel()
	recs := demoRecords(t)
	row := slices.Clone(recs[1])
	row[colIndex(t, recs, "gtin13")] = "1"
	row[colIndex(t, recs, "price_vnd")] = "x"
	for range MaxErrors {
		recs = append(recs, row) // three problems each: gtin13, price_vnd and the repeated SKU
	}
	b, res, err := Parse(bytes.NewReader(csvBytes(t, recs, ',')))
	require.NoError(t, err)
	require.Len(t, res.Errors, MaxErrors+1)
	require.Equal(t, 15, variantCount(b))
	last := res.Errors[len(res.Errors)-1]
	require.Equal(t, at{len(recs), "", CodeTooManyErrors}, at{last.Line, last.Column, last.Code})
	require.Contains(t, last.Reason, strconv.Itoa(3*MaxErrors-MaxErrors)+" more problems")
}

// demoXLSX writes recs into the first sheet of a new workbook, numbers as
// numbers, the way Excel stores a typed-in catalog.
func demoXLSX(t testing.TB, recs [][]string, style func(f *excelize.File, sheet string)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	numeric := map[string]bool{
		"ocop_stars": true, "ocop_certified_year": true, "gtin13": true,
		"net_weight_g": true, "price_vnd": true, "stock": true,
	}
	for i, rec := range recs {
		cells := make([]any, len(rec))
		for j, v := range rec {
			cells[j] = v
			if i > 0 && numeric[recs[0][j]] && v != "" {
				n, err := strconv.ParseInt(v, 10, 64)
				require.NoError(t, err)
				cells[j] = n
			}
		}
		axis, err := excelize.CoordinatesToCellName(1, i+1)
		require.NoError(t, err)
		require.NoError(t, f.SetSheetRow(sheet, axis, &cells))
	}
	if style != nil {
		style(f, sheet)
	}
	var buf bytes.Buffer
	require.NoError(t, f.Write(&buf))
	return buf.Bytes()
}

func TestParseXLSXRoundTrip(t *testing.T) {
	t.Parallel()
	want := parseDemo(t)
	b, res, err := ParseXLSX(bytes.NewReader(demoXLSX(t, demoRecords(t), nil)))
	require.NoError(t, err)
	require.Empty(t, res.Errors)
	require.Equal(t, 15, res.Rows)
	require.Equal(t, want, b)
}

// TestParseXLSXFormats: cells read as Excel shows them, and the stored
// number when the shown text is not readable.
func TestParseXLSXFormats(t *testing.T) {
	t.Parallel()
	recs := addColumn("ocop_certified_on", "")(t, demoRecords(t))
	cert := colIndex(t, recs, "ocop_certified_on") + 1
	price := colIndex(t, recs, "price_vnd") + 1
	gtin := colIndex(t, recs, "gtin13") + 1
	stock := colIndex(t, recs, "stock") + 1
	cell := func(col, row int) string {
		name, err := excelize.CoordinatesToCellName(col, row)
		require.NoError(t, err)
		return name
	}
	data := demoXLSX(t, recs, func(f *excelize.File, sheet string) {
		style := func(s *excelize.Style) int {
			id, err := f.NewStyle(s)
			require.NoError(t, err)
			return id
		}
		isoDate := style(&excelize.Style{NumFmt: 14})
		shortMonth := "d-mmm-yy"
		monthDate := style(&excelize.Style{CustomNumFmt: &shortMonth})
		decimals := "#,##0.00"
		money := style(&excelize.Style{CustomNumFmt: &decimals})
		scientific := style(&excelize.Style{NumFmt: 11})
		thousands := style(&excelize.Style{NumFmt: 3})
		for _, row := range []int{2, 3, 4} { // one product, one date in three formats
			require.NoError(t, f.SetCellValue(sheet, cell(cert, row), time.Date(2023, time.March, 15, 0, 0, 0, 0, time.UTC)))
		}
		require.NoError(t, f.SetCellStyle(sheet, cell(cert, 2), cell(cert, 2), isoDate))
		require.NoError(t, f.SetCellStyle(sheet, cell(cert, 3), cell(cert, 3), monthDate))
		require.NoError(t, f.SetCellStyle(sheet, cell(price, 2), cell(price, 2), money))
		require.NoError(t, f.SetCellStyle(sheet, cell(gtin, 2), cell(gtin, 2), scientific))
		require.NoError(t, f.SetCellValue(sheet, cell(stock, 2), 1200))
		require.NoError(t, f.SetCellStyle(sheet, cell(stock, 2), cell(stock, 2), thousands))
		require.NoError(t, f.SetCellValue(sheet, cell(price, 5), "150.000 ₫")) // typed as text
		require.NoError(t, f.SetCellValue(sheet, cell(price, 6), 80000.5))     // a real decimal
	})
	b, res, err := ParseXLSX(bytes.NewReader(data))
	require.NoError(t, err)
	require.Equal(t, []at{{6, "price_vnd", CodeInvalidValue}}, locations(res.Errors), "%v", res.Errors)
	p := b.Products[0]
	require.Equal(t, catalog.NewDate(2023, time.March, 15), p.Product.Certificate.CertifiedOn)
	require.Equal(t, catalog.VND(95000), p.Product.Variants[0].Price)
	require.Equal(t, catalog.GTIN("8936000001018"), p.Product.Variants[0].GTIN)
	require.Equal(t, int64(1200), p.OpeningStock[0])
	require.Equal(t, catalog.VND(150000), b.Products[1].Product.Variants[0].Price)
}

func TestParseXLSXErrors(t *testing.T) {
	t.Parallel()
	t.Run("row errors name sheet rows", func(t *testing.T) {
		t.Parallel()
		recs := demoRecords(t)
		recs[4][colIndex(t, recs, "ocop_stars")] = "6"
		data := demoXLSX(t, recs, func(f *excelize.File, sheet string) {
			require.NoError(t, f.InsertRows(sheet, 3, 2)) // two blank rows: line 5 moves to 7
		})
		b, res, err := ParseXLSX(bytes.NewReader(data))
		require.NoError(t, err)
		require.Equal(t, []at{{7, "ocop_stars", CodeInvalidValue}}, locations(res.Errors))
		require.Equal(t, []int{2, 5, 6}, b.Products[0].Lines)
	})
	t.Run("header problem", func(t *testing.T) {
		t.Parallel()
		b, res, err := ParseXLSX(bytes.NewReader(demoXLSX(t, dropColumn("sku")(t, demoRecords(t)), nil)))
		require.ErrorIs(t, err, catalog.ErrInvalidArgument)
		require.Nil(t, b)
		require.Equal(t, []at{{1, "sku", CodeMissingColumn}}, locations(res.Errors))
	})
	t.Run("not a workbook", func(t *testing.T) {
		t.Parallel()
		b, _, err := ParseXLSX(bytes.NewReader(demo.CSV))
		require.ErrorIs(t, err, catalog.ErrInvalidArgument)
		require.Nil(t, b)
	})
	t.Run("empty sheet", func(t *testing.T) {
		t.Parallel()
		b, _, err := ParseXLSX(bytes.NewReader(demoXLSX(t, nil, nil)))
		require.ErrorContains(t, err, "empty")
		require.Nil(t, b)
	})
}

func FuzzParse(f *testing.F) {
	f.Add(demo.CSV)
	header, _, _ := bytes.Cut(demo.CSV, []byte("\n"))
	row := func(s string) []byte { return []byte(string(header) + "\n" + s + "\n") }
	f.Add(row(`LM-TN,Liên minh,Thái Nguyên,HTX-A,HTX A,,P1,Chè,,Đồ uống,6,2023,,,SKU-1,Hộp,8936000001019,-1,abc,-5`))
	f.Add(row(`LM-TN,Liên minh,Thái Nguyên,HTX-A,HTX A,,P1,Chè,,do uong,4 sao,2023,,,SKU-1,Hộp,,100,"95.000 ₫",`))
	f.Add(row(`LM-TN,"multi` + "\n" + `line",Thái Nguyên,HTX-A,HTX A,,P1,Chè,,food,3,2023,,,SKU-1,Hộp,,1,1,1` + "\n" +
		`LM-TN,x,Thái Nguyên,HTX-A,HTX B,,P1,Trà,,food,5,2024,,,sku-1,Hộp,,1,1,1`))
	f.Add([]byte(strings.ReplaceAll(string(demo.CSV), ",", ";")))
	f.Add(append([]byte("\ufeff"), norm.NFD.Bytes(demo.CSV)...))
	f.Add([]byte("alliance_code;sku\n\"bad\"quote;x\n"))
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte(fmt.Sprintf("%s,extra\n%s", header, "a,b,c")))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, res, err := Parse(bytes.NewReader(data))
		if err != nil {
			require.Nil(t, b)
			return
		}
		require.NotNil(t, b)
		for _, e := range res.Errors {
			require.GreaterOrEqual(t, e.Line, 1)
			require.NotEmpty(t, e.Code)
			require.NotEmpty(t, e.Reason)
		}
		requireValid(t, b)
	})
}
