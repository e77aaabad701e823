package catalog

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"
)

// validProduct is a product of the demo file that passes Validate.
func validProduct() Product {
	return Product{
		CoopID:      1,
		Code:        "CHE-HAODAT",
		Name:        Text{VI: "Chè Tân Cương Hảo Đạt", EN: "Hao Dat Tan Cuong green tea"},
		Group:       GroupBeverage,
		Stars:       4,
		Certificate: Certificate{CertifiedOn: NewDate(2023, time.January, 1)},
		Variants: []Variant{
			{SKU: "CHE-HAODAT-100G", Name: Text{VI: "Hộp 100g"}, GTIN: "8936000001018", NetWeightG: 100, Price: 95000},
			{SKU: "CHE-HAODAT-200G", Name: Text{VI: "Hộp 200g"}, GTIN: "8936000001025", NetWeightG: 200, Price: 180000},
		},
	}
}

func TestProductValidateNormalizes(t *testing.T) {
	t.Parallel()
	p := validProduct()
	p.Code = " che-haodat "
	p.Name.VI = norm.NFD.String(" Chè Tân Cương Hảo Đạt ")
	p.Description.VI = norm.NFD.String("Chè búp sao sấy.")
	p.Variants[0].SKU = " che-haodat-100g"
	p.Variants[0].GTIN = " 8936000001018 "
	p.Variants[0].Name.VI = norm.NFD.String("Hộp 100g ")
	require.NoError(t, p.Validate())

	want := validProduct()
	want.Description.VI = "Chè búp sao sấy."
	want.Certificate.ExpiresOn = NewDate(2026, time.January, 1)
	require.Equal(t, want, p)
}

func TestProductValidateCollectsEveryField(t *testing.T) {
	t.Parallel()
	p := Product{
		Code:  "chè-1",
		Name:  Text{VI: "  "},
		Group: "drinks",
		Stars: 6,
		Variants: []Variant{
			{SKU: "che-1", Name: Text{VI: "Hộp"}, GTIN: "8936000001018", Price: 95000},
			{SKU: "CHE-2", Name: Text{VI: "Hộp 200g"}, GTIN: "8936000001019", NetWeightG: -1},
			{SKU: " che-1 ", Name: Text{VI: "Túi"}, Package: Dimensions{LengthMM: -1}, Price: -5},
			{Price: 1},
		},
	}
	err := p.Validate()
	require.ErrorIs(t, err, ErrInvalidArgument)
	var e *Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, map[string]string{
		"coop_id":                  "co-op is required",
		"code":                     "code may contain only A-Z, 0-9, '-', '_' and '.', found 'È'",
		"name.vi":                  "name.vi is required",
		"group":                    `"drinks" is not an OCOP group code`,
		"stars":                    "OCOP stars must be 3, 4 or 5, got 6",
		"certificate.certified_on": "certification date is required",
		"variants[1].gtin13":       "GTIN-13 check digit is wrong: expected 8, got 9",
		"variants[1].net_weight_g": "net weight must be between 0 and 1,000,000 g",
		"variants[1].price":        "price is required",
		"variants[2].sku":          "SKU CHE-1 is repeated (also variants[0])",
		"variants[2].package":      "package dimensions must be between 0 and 10,000 mm and 1,000,000 g",
		"variants[2].price":        "amount must not be negative",
		"variants[3].sku":          "SKU is required",
		"variants[3].name.vi":      "name.vi is required",
	}, e.Fields)
	require.Equal(t, "CHÈ-1", p.Code, "normalized in place")
	require.Equal(t, SKU("CHE-1"), p.Variants[2].SKU)
}

func TestProductValidateOneField(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		edit  func(p *Product)
		field string
	}{
		{"no variants", func(p *Product) { p.Variants = nil }, "variants"},
		{"GTIN of the second variant", func(p *Product) { p.Variants[1].GTIN = "8936000001026" }, "variants[1].gtin13"},
		{"repeated SKU", func(p *Product) { p.Variants[1].SKU = "che-haodat-100g" }, "variants[1].sku"},
		{"expiry before certification", func(p *Product) { p.Certificate.ExpiresOn = NewDate(2022, time.January, 1) }, "certificate.expires_on"},
		{"empty code", func(p *Product) { p.Code = " " }, "code"},
		{"zero price", func(p *Product) { p.Variants[0].Price = 0 }, "variants[0].price"},
		{"negative height", func(p *Product) { p.Variants[0].Package.HeightMM = -1 }, "variants[0].package"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := validProduct()
			p.Variants = append([]Variant(nil), p.Variants...)
			tt.edit(&p)
			var e *Error
			require.ErrorAs(t, p.Validate(), &e)
			require.Equal(t, CodeInvalidArgument, e.Code)
			require.Len(t, e.Fields, 1, "%v", e.Fields)
			require.Contains(t, e.Fields, tt.field)
		})
	}
}

func TestProductLookups(t *testing.T) {
	t.Parallel()
	p := validProduct()
	v, ok := p.Variant("CHE-HAODAT-200G")
	require.True(t, ok)
	require.Equal(t, VND(180000), v.Price)
	_, ok = p.Variant("CHE-HAODAT-1KG")
	require.False(t, ok)

	search := p.SearchText()
	for _, q := range []string{"che tan cuong", "hao dat", "green tea", "che-haodat-200g", "hop 100g", "8936000001025"} {
		require.Contains(t, search, Fold(q))
	}

	require.Equal(t, "Hao Dat Tan Cuong green tea", p.Name.In("en"))
	require.Equal(t, "Chè Tân Cương Hảo Đạt", p.Name.In("vi"))
	require.Equal(t, "Hộp 100g", p.Variants[0].Name.In("en"), "English falls back to Vietnamese")
}

func TestSuggestSKU(t *testing.T) {
	for _, c := range []struct {
		code string
		n    int
		want SKU
	}{{"che-tan-cuong", 1, "CHE-TAN-CUONG-1"}, {" MAT.ONG ", 3, "MAT.ONG-3"}, {"", 1, ""}} {
		if got := SuggestSKU(c.code, c.n); got != c.want {
			t.Errorf("SuggestSKU(%q, %d) = %q, want %q", c.code, c.n, got, c.want)
		}
	}
}
