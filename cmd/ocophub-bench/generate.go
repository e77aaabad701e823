package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"ocophub/catalog"
)

// Words the generator combines into plausible OCOP product names, and the
// search terms the load uses (folded, as a phone keyboard without tones
// would type them).
var (
	kinds = []struct {
		name  string
		group catalog.Group
	}{
		{"Trà xanh", catalog.GroupBeverage}, {"Chè búp", catalog.GroupBeverage}, {"Trà hoa cúc", catalog.GroupBeverage},
		{"Cà phê rang xay", catalog.GroupBeverage}, {"Rượu ngô", catalog.GroupBeverage},
		{"Mật ong rừng", catalog.GroupFood}, {"Tinh bột nghệ", catalog.GroupFood}, {"Gạo nếp cái hoa vàng", catalog.GroupFood},
		{"Miến dong", catalog.GroupFood}, {"Nước mắm cốt", catalog.GroupFood}, {"Bánh đa", catalog.GroupFood},
		{"Nấm hương", catalog.GroupFood}, {"Cao dược liệu", catalog.GroupHerbal}, {"Sâm", catalog.GroupHerbal},
		{"Giỏ mây tre đan", catalog.GroupHandicraft}, {"Lan hồ điệp", catalog.GroupOrnamental},
	}
	places = []string{"Tân Cương", "La Bằng", "Phú Đô", "Bạch Thông", "Cúc Phương", "Tam Điệp", "Mộc Châu",
		"Sơn La", "Hà Giang", "Tây Bắc", "Đồng Tháp", "Bến Tre", "Lâm Đồng", "Đắk Lắk", "Nghệ An", "Hòa Bình"}
	searchTerms = []string{"tra", "che", "mat ong", "nghe", "gao", "mien", "ca phe", "nam", "tan cuong",
		"phu do", "moc chau", "sam", "ruou", "banh", "lan", "dak lak"}
)

type generator struct {
	rng *rand.Rand
}

func newGenerator(seed int64) *generator {
	return &generator{rng: rand.New(rand.NewPCG(uint64(seed), 1))}
}

// tenants creates 5 alliances with 500 co-ops between them and returns
// the co-op ids.
func (g *generator) tenants(ctx context.Context, st catalog.Store) ([]int64, error) {
	var coops []int64
	for a := 0; a < 5; a++ {
		al := catalog.Alliance{Code: fmt.Sprintf("LM-B%d", a), Name: fmt.Sprintf("Liên minh HTX %d", a), Province: places[a]}
		if err := st.CreateAlliance(ctx, &al); err != nil {
			return nil, err
		}
		for c := a; c < 500; c += 5 {
			co := catalog.Coop{AllianceID: al.ID, Code: fmt.Sprintf("HTX-B%03d", c),
				Name: "HTX " + places[c%len(places)] + " " + fmt.Sprint(c), Province: places[a], Commune: places[c%len(places)]}
			if err := st.CreateCoop(ctx, &co); err != nil {
				return nil, err
			}
			coops = append(coops, co.ID)
		}
	}
	return coops, nil
}

// products makes products [from, from+n) spread over the co-ops, each with
// 1–3 variants and a unique GTIN.
func (g *generator) products(coops []int64, from, n int) []catalog.Product {
	out := make([]catalog.Product, 0, n)
	for i := from; i < from+n; i++ {
		kind := kinds[g.rng.IntN(len(kinds))]
		place := places[g.rng.IntN(len(places))]
		code := fmt.Sprintf("P%06d", i)
		p := catalog.Product{CoopID: coops[i%len(coops)], Code: code,
			Name:        catalog.Text{VI: kind.name + " " + place, EN: "OCOP product " + code},
			Description: catalog.Text{VI: kind.name + " đặc sản " + place + ", sản phẩm OCOP."},
			Group:       kind.group, Stars: catalog.Stars(3 + g.rng.IntN(3)),
			Certificate: catalog.Certificate{CertifiedOn: catalog.NewDate(2021+g.rng.IntN(5), time.Month(1+g.rng.IntN(12)), 1)}}
		for v := 0; v < 1+g.rng.IntN(3); v++ {
			body := fmt.Sprintf("89360%06d%d", i, v)
			p.Variants = append(p.Variants, catalog.Variant{
				SKU:  catalog.SKU(fmt.Sprintf("%s-%d", code, v)),
				Name: catalog.Text{VI: fmt.Sprintf("Hộp %dg", 100*(v+1))},
				GTIN: catalog.GTIN(body + string(catalog.GTINCheckDigit(body))), NetWeightG: 100 * (v + 1),
				Price: catalog.VND(1000 * (50 + g.rng.IntN(500)))})
		}
		out = append(out, p)
	}
	return out
}
