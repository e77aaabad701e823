package store_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

func TestProductCRUD(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, s, "PC")
		p := f.Product("che-bup", 1, 2)
		p.Name.VI = "Che\u0300 bu\u0301p" // decomposed (NFD), as old keyboards send it
		require.NoError(t, s.CreateProduct(ctx, &p))
		require.Positive(t, p.ID)
		require.Equal(t, "CHE-BUP", p.Code)
		require.Equal(t, "Chè búp", p.Name.VI, "stored in NFC")
		require.Equal(t, int64(1), p.Version)
		require.Len(t, p.Variants, 2)
		for i, v := range p.Variants {
			require.Positive(t, v.ID)
			require.Equal(t, p.ID, v.ProductID)
			require.Equal(t, catalog.SKU(fmt.Sprintf("CHE-BUP-%d", i)), v.SKU, "variants keep their order")
		}
		require.Equal(t, catalog.NewDate(2027, 3, 1), p.Certificate.ExpiresOn, "36 months by default")

		got, err := s.Product(ctx, p.ID)
		require.NoError(t, err)
		require.Equal(t, noTimes(p), noTimes(got))

		dup := f.Product("CHE-BUP", 2, 1)
		requireCode(t, catalog.CodeConflict, s.CreateProduct(ctx, &dup), "same code in the co-op")

		stale := got
		got.Name.EN = "Tea buds"
		got.Stars = 5
		got.Variants[0].Price = 120000
		require.NoError(t, s.UpdateProduct(ctx, &got))
		require.Equal(t, int64(2), got.Version)
		require.Equal(t, catalog.Stars(5), got.Stars)
		require.Equal(t, catalog.VND(120000), got.Variants[0].Price)
		require.Equal(t, p.Variants[0].ID, got.Variants[0].ID, "a variant keeps its id")

		stale.Name.EN = "Lost"
		stale.Variants[0].Price = 1
		requireCode(t, catalog.CodeConflict, s.UpdateProduct(ctx, &stale), "stale update")
		after, err := s.Product(ctx, p.ID)
		require.NoError(t, err)
		require.Equal(t, noTimes(got), noTimes(after), "a stale update changes nothing")

		requireCode(t, catalog.CodeConflict, s.DeleteProduct(ctx, p.ID, 1), "stale delete")
		require.NoError(t, s.DeleteProduct(ctx, p.ID, 2))
		_, err = s.Product(ctx, p.ID)
		requireCode(t, catalog.CodeNotFound, err, "deleted product")
		requireCode(t, catalog.CodeNotFound, s.UpdateProduct(ctx, &after), "update deleted")
		requireCode(t, catalog.CodeNotFound, s.DeleteProduct(ctx, p.ID, 2), "delete deleted")
		require.Zero(t, count(t, s, "variants"), "variants go with their product")
		list, next, err := s.ListProducts(ctx, catalog.ListQuery{})
		require.NoError(t, err)
		require.Empty(t, list)
		require.NotNil(t, list)
		require.Empty(t, next)
	})
}

func TestProductValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, s, "PV")

		p := f.Product("BAD", 3, 2)
		g := string(p.Variants[0].GTIN)
		p.Variants[0].GTIN = catalog.GTIN(g[:12] + string('0'+(g[12]-'0'+1)%10)) // wrong check digit
		err := s.CreateProduct(ctx, &p)
		requireFieldError(t, catalog.CodeInvalidArgument, err, "variants[0].gtin13")
		require.Contains(t, fieldsOf(t, err)["variants[0].gtin13"], "check digit")
		require.NotContains(t, fieldsOf(t, err), "variants[1].gtin13")

		p = f.Product("bad code!", 3, 2)
		p.Stars = 2
		p.Group = "drinks"
		p.Name.VI = ""
		p.Variants[1].SKU = p.Variants[0].SKU
		p.Variants[1].Price = 0
		p.Certificate.CertifiedOn = catalog.Date{}
		requireFieldError(t, catalog.CodeInvalidArgument, s.CreateProduct(ctx, &p),
			"code", "stars", "group", "name.vi", "variants[1].sku", "variants[1].price", "certificate.certified_on")

		p = f.Product("NOVAR", 3, 0)
		requireFieldError(t, catalog.CodeInvalidArgument, s.CreateProduct(ctx, &p), "variants")
		p = f.Product("NOCOOP", 3, 1)
		p.CoopID = 987654
		requireFieldError(t, catalog.CodeInvalidArgument, s.CreateProduct(ctx, &p), "coop_id")
		require.Zero(t, count(t, s, "products"))
		require.Zero(t, count(t, s, "variants"))

		// An invalid update changes nothing.
		ok := f.Product("OK", 4, 1)
		require.NoError(t, s.CreateProduct(ctx, &ok))
		bad := ok
		bad.Variants = []catalog.Variant{ok.Variants[0]}
		bad.Variants[0].SKU = "kẹo"
		requireFieldError(t, catalog.CodeInvalidArgument, s.UpdateProduct(ctx, &bad), "variants[0].sku")
		got, err := s.Product(ctx, ok.ID)
		require.NoError(t, err)
		require.Equal(t, noTimes(ok), noTimes(got))
	})
}

func TestListProductsFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, s, "F1")
		g := storetest.NewFixture(t, s, "F2")
		mk := func(coopID int64, code string, stars catalog.Stars, group catalog.Group, seed int) catalog.Product {
			p := newProduct(coopID, code, "Sản phẩm "+code, stars, group, seed)
			require.NoError(t, s.CreateProduct(ctx, &p))
			return p
		}
		mk(f.Coop.ID, "F1-TEA4", 4, catalog.GroupBeverage, 1)
		mk(f.Coop.ID, "F1-TEA5", 5, catalog.GroupBeverage, 2)
		mk(f.Coop.ID, "F1-HONEY3", 3, catalog.GroupFood, 3)
		mk(g.Coop.ID, "F2-TEA4", 4, catalog.GroupBeverage, 4)
		mk(g.Coop.ID, "F2-MAT4", 4, catalog.GroupHandicraft, 5)

		cases := []struct {
			q    catalog.ListQuery
			want []string
		}{
			{catalog.ListQuery{}, []string{"F1-TEA4", "F1-TEA5", "F1-HONEY3", "F2-TEA4", "F2-MAT4"}},
			{catalog.ListQuery{CoopID: f.Coop.ID}, []string{"F1-TEA4", "F1-TEA5", "F1-HONEY3"}},
			{catalog.ListQuery{CoopID: g.Coop.ID}, []string{"F2-TEA4", "F2-MAT4"}},
			{catalog.ListQuery{Stars: 4}, []string{"F1-TEA4", "F2-TEA4", "F2-MAT4"}},
			{catalog.ListQuery{Stars: 5}, []string{"F1-TEA5"}},
			{catalog.ListQuery{Group: catalog.GroupBeverage}, []string{"F1-TEA4", "F1-TEA5", "F2-TEA4"}},
			{catalog.ListQuery{Group: catalog.GroupTourism}, []string{}},
			{catalog.ListQuery{CoopID: g.Coop.ID, Stars: 4, Group: catalog.GroupBeverage}, []string{"F2-TEA4"}},
			{catalog.ListQuery{CoopID: f.Coop.ID, Stars: 3, Group: catalog.GroupFood}, []string{"F1-HONEY3"}},
			{catalog.ListQuery{Stars: 4, Q: "mat4"}, []string{"F2-MAT4"}},
		}
		for _, c := range cases {
			items, next, err := s.ListProducts(ctx, c.q)
			require.NoError(t, err, "%+v", c.q)
			require.Empty(t, next)
			require.Equal(t, c.want, productCodes(items), "%+v", c.q)
			for _, p := range items {
				require.Len(t, p.Variants, 1, "lists carry variants")
			}
		}

		_, _, err := s.ListProducts(ctx, catalog.ListQuery{Stars: 2})
		requireFieldError(t, catalog.CodeInvalidArgument, err, "stars")
		_, _, err = s.ListProducts(ctx, catalog.ListQuery{Group: "drinks"})
		requireFieldError(t, catalog.CodeInvalidArgument, err, "group")
	})
}

func TestListProductsPagination(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, s, "PG")
		var want []int64
		for i := range 7 {
			p := f.Product(fmt.Sprintf("PG-%d", i), 100+i, 2)
			require.NoError(t, s.CreateProduct(ctx, &p))
			want = append(want, p.ID)
		}
		var got []int64
		var sizes []int
		seen := map[int64]bool{}
		cursor := ""
		for page := 0; ; page++ {
			require.Less(t, page, 5, "pagination must end")
			items, next, err := s.ListProducts(ctx, catalog.ListQuery{Limit: 3, Cursor: cursor})
			require.NoError(t, err)
			sizes = append(sizes, len(items))
			for _, p := range items {
				require.False(t, seen[p.ID], "product %d repeated", p.ID)
				seen[p.ID] = true
				got = append(got, p.ID)
				require.Len(t, p.Variants, 2)
			}
			if next == "" {
				break
			}
			cursor = next
		}
		require.Equal(t, []int{3, 3, 1}, sizes)
		require.Equal(t, want, got)

		// A page that ends exactly at the last row says so: no empty page.
		items, next, err := s.ListProducts(ctx, catalog.ListQuery{Limit: 7})
		require.NoError(t, err)
		require.Len(t, items, 7)
		require.Empty(t, next)
		items, _, err = s.ListProducts(ctx, catalog.ListQuery{Limit: 200})
		require.NoError(t, err)
		require.Len(t, items, 7)
		items, _, err = s.ListProducts(ctx, catalog.ListQuery{})
		require.NoError(t, err)
		require.Len(t, items, 7, "limit 0 is the default")

		// Filters and cursors combine.
		items, next, err = s.ListProducts(ctx, catalog.ListQuery{Limit: 2, Q: "pg", CoopID: f.Coop.ID})
		require.NoError(t, err)
		require.Len(t, items, 2)
		items, _, err = s.ListProducts(ctx, catalog.ListQuery{Limit: 200, Q: "pg", Cursor: next})
		require.NoError(t, err)
		require.Equal(t, want[2:], productIDs(items))

		for _, bad := range []string{"!!!", "bm90LWEtbnVtYmVy" /* "not-a-number" */, "LTU" /* "-5" */} {
			_, _, err := s.ListProducts(ctx, catalog.ListQuery{Cursor: bad})
			requireFieldError(t, catalog.CodeInvalidArgument, err, "cursor")
		}
		_, _, err = s.ListProducts(ctx, catalog.ListQuery{Limit: 201})
		requireFieldError(t, catalog.CodeInvalidArgument, err, "limit")
		_, _, err = s.ListProducts(ctx, catalog.ListQuery{Limit: -3})
		requireFieldError(t, catalog.CodeInvalidArgument, err, "limit")
	})
}

func TestListProductsSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, s, "Q")
		byName := map[string]int64{}
		for i, name := range []string{"Trà hoa cúc", "Chè Tân Cương", "Mật ong rừng", "Đậu phộng rang"} {
			p := newProduct(f.Coop.ID, fmt.Sprintf("SP%d", i+1), name, 4, catalog.GroupFood, 40+i, "Gói nhỏ")
			require.NoError(t, s.CreateProduct(ctx, &p))
			byName[name] = p.ID
		}
		cases := []struct {
			q    string
			want []string
		}{
			{"tra", []string{"Trà hoa cúc"}},
			{"Trà", []string{"Trà hoa cúc"}},
			{"tra\u0300", []string{"Trà hoa cúc"}}, // decomposed input
			{"che", []string{"Chè Tân Cương"}},
			{"TÂN cuong", []string{"Chè Tân Cương"}},
			{"  cuong   tan ", []string{"Chè Tân Cương"}}, // words in any order
			{"mat ong", []string{"Mật ong rừng"}},
			{"MẬT", []string{"Mật ong rừng"}},
			{"ong", []string{"Chè Tân Cương", "Mật ong rừng", "Đậu phộng rang"}},
			{"ong rung", []string{"Mật ong rừng"}},
			{"dau", []string{"Đậu phộng rang"}},
			{"đậu", []string{"Đậu phộng rang"}},
			{"sp2", []string{"Chè Tân Cương"}},                                                      // code
			{"SP3-0", []string{"Mật ong rừng"}},                                                     // SKU
			{"goi nho", []string{"Trà hoa cúc", "Chè Tân Cương", "Mật ong rừng", "Đậu phộng rang"}}, // variant name
			{"tra che", []string{}},
			{"cafe", []string{}},
			{"%", []string{}},
			{"_", []string{}},
			{"%ong", []string{}},
			{"m_t", []string{}},
			{`\`, []string{}},
			{"", []string{"Trà hoa cúc", "Chè Tân Cương", "Mật ong rừng", "Đậu phộng rang"}},
		}
		for _, c := range cases {
			items, _, err := s.ListProducts(ctx, catalog.ListQuery{Q: c.q})
			require.NoError(t, err, "q=%q", c.q)
			want := []int64{}
			for _, n := range c.want {
				want = append(want, byName[n])
			}
			require.Equal(t, want, productIDs(items), "q=%q", c.q)
		}

		// A literal % or _ in a name is found, and only by itself.
		p := newProduct(f.Coop.ID, "SP9", "Rượu 100% nếp_cái", 4, catalog.GroupBeverage, 49)
		require.NoError(t, s.CreateProduct(ctx, &p))
		for _, q := range []string{"%", "100%", "_", "nep_cai", "ruou"} {
			items, _, err := s.ListProducts(ctx, catalog.ListQuery{Q: q})
			require.NoError(t, err)
			require.Equal(t, []int64{p.ID}, productIDs(items), "q=%q", q)
		}
	})
}

func TestUpdateProductVariants(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, s, "UV")
		p := f.Product("UV", 7, 3) // UV-0, UV-1, UV-2
		require.NoError(t, s.CreateProduct(ctx, &p))
		ids := map[catalog.SKU]int64{}
		for _, v := range p.Variants {
			ids[v.SKU] = v.ID
		}

		// UV-0 price changes, UV-1 is dropped, UV-2 stays, UV-3 is new.
		upd := p
		v0 := p.Variants[0]
		v0.Price = 99000
		v3 := catalog.Variant{SKU: "uv-3", Name: catalog.Text{VI: "Hộp quà"}, GTIN: gtin(7, 3), Price: 450000}
		upd.Variants = []catalog.Variant{v3, v0, p.Variants[2]}
		require.NoError(t, s.UpdateProduct(ctx, &upd))
		require.Equal(t, int64(2), upd.Version)
		require.Equal(t, []catalog.SKU{"UV-3", "UV-0", "UV-2"}, []catalog.SKU{upd.Variants[0].SKU, upd.Variants[1].SKU, upd.Variants[2].SKU},
			"variants are returned in the new order")
		require.Equal(t, catalog.VND(99000), upd.Variants[1].Price)
		require.Equal(t, ids["UV-0"], upd.Variants[1].ID, "matched by SKU")
		require.Equal(t, ids["UV-2"], upd.Variants[2].ID)
		require.NotContains(t, []int64{ids["UV-0"], ids["UV-1"], ids["UV-2"]}, upd.Variants[0].ID)
		require.Equal(t, int64(3), count(t, s, "variants"))
		_, found := upd.Variant("UV-1")
		require.False(t, found)

		// A dropped variant's GTIN can go to its replacement in the same update.
		again := upd
		moved := catalog.Variant{SKU: "UV-2B", Name: catalog.Text{VI: "Hộp 300g mới"}, GTIN: upd.Variants[2].GTIN, Price: 300000}
		again.Variants = []catalog.Variant{upd.Variants[0], upd.Variants[1], moved}
		require.NoError(t, s.UpdateProduct(ctx, &again))
		require.Equal(t, int64(3), again.Version)
		require.Equal(t, catalog.SKU("UV-2B"), again.Variants[2].SKU)
		require.Equal(t, upd.Variants[2].GTIN, again.Variants[2].GTIN)

		// Dropping a variant that holds stock is refused and changes nothing.
		stocked := again.Variants[1] // UV-0
		adjust(t, s, ctx, stocked.ID, f.Warehouse.ID, 4)
		drop := again
		drop.Name.VI = "Không được đổi"
		drop.Variants = []catalog.Variant{again.Variants[0], again.Variants[2]}
		err := s.UpdateProduct(ctx, &drop)
		requireCode(t, catalog.CodeFailedPrecondition, err, "drop a stocked variant")
		require.Contains(t, err.Error(), "UV-0")
		got, err := s.Product(ctx, p.ID)
		require.NoError(t, err)
		require.Equal(t, noTimes(again), noTimes(got), "same version, same variants")

		// Reserved units count as stock too.
		_, err = s.ChangeStock(ctx, catalog.StockChange{Op: catalog.OpReserve, VariantID: stocked.ID, WarehouseID: f.Warehouse.ID,
			Quantity: 4, Actor: "test", OrderRef: "SO-1"})
		require.NoError(t, err)
		requireCode(t, catalog.CodeFailedPrecondition, s.UpdateProduct(ctx, &drop), "drop a reserved variant")

		// Once the stock is gone, it can be dropped; its zero level goes too.
		for _, c := range []catalog.StockChange{
			{Op: catalog.OpDeduct, Quantity: 4, Actor: "test", OrderRef: "SO-1"},
		} {
			c.VariantID, c.WarehouseID = stocked.ID, f.Warehouse.ID
			_, err := s.ChangeStock(ctx, c)
			require.NoError(t, err)
		}
		drop = got
		drop.Variants = []catalog.Variant{got.Variants[0], got.Variants[2]}
		require.NoError(t, s.UpdateProduct(ctx, &drop))
		require.Len(t, drop.Variants, 2)
		require.Equal(t, int64(4), drop.Version)
		require.Zero(t, count(t, s, "stock_levels"))
	})
}

func TestProductKeyConflicts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, s, "K1")
		g := storetest.NewFixture(t, s, "K2")
		first := f.Product("K-FIRST", 21, 2)
		require.NoError(t, s.CreateProduct(ctx, &first))

		// Same SKU, same co-op, other product.
		p := newProduct(f.Coop.ID, "K-SECOND", "Thứ hai", 4, catalog.GroupFood, 22, "A", "B")
		p.Variants[0].SKU = first.Variants[1].SKU
		err := s.CreateProduct(ctx, &p)
		requireFieldError(t, catalog.CodeConflict, err, "variants[0].sku")
		require.NotContains(t, fieldsOf(t, err), "variants[1].sku")
		require.Equal(t, int64(1), count(t, s, "products"), "nothing written")
		require.Equal(t, int64(2), count(t, s, "variants"))

		// Same SKU in another co-op is fine.
		q := newProduct(g.Coop.ID, "K-SECOND", "Thứ hai", 4, catalog.GroupFood, 23)
		q.Variants[0].SKU = first.Variants[1].SKU
		require.NoError(t, s.CreateProduct(ctx, &q))

		// A GTIN is unique across the hub.
		r := newProduct(g.Coop.ID, "K-THIRD", "Thứ ba", 4, catalog.GroupFood, 24, "A", "B")
		r.Variants[1].GTIN = first.Variants[0].GTIN
		err = s.CreateProduct(ctx, &r)
		requireFieldError(t, catalog.CodeConflict, err, "variants[1].gtin13")
		require.NotContains(t, fieldsOf(t, err), "variants[0].gtin13")

		// Both at once, reported together.
		r = newProduct(f.Coop.ID, "K-THIRD", "Thứ ba", 4, catalog.GroupFood, 25, "A", "B")
		r.Variants[0].SKU = first.Variants[0].SKU
		r.Variants[1].GTIN = q.Variants[0].GTIN
		requireFieldError(t, catalog.CodeConflict, s.CreateProduct(ctx, &r), "variants[0].sku", "variants[1].gtin13")

		// An update into another product's SKU or GTIN conflicts and changes nothing.
		upd := q
		upd.Variants = append(upd.Variants, catalog.Variant{SKU: "NEW", Name: catalog.Text{VI: "Mới"}, GTIN: first.Variants[1].GTIN, Price: 1000})
		requireFieldError(t, catalog.CodeConflict, s.UpdateProduct(ctx, &upd), "variants[1].gtin13")
		got, err := s.Product(ctx, q.ID)
		require.NoError(t, err)
		require.Equal(t, noTimes(q), noTimes(got))

		// Its own SKUs and GTINs are no conflict with itself.
		got.Name.VI = "Thứ hai (mới)"
		require.NoError(t, s.UpdateProduct(ctx, &got))
		require.Equal(t, int64(2), got.Version)
		require.Equal(t, int64(2), count(t, s, "products"))
	})
}

func TestDeleteProductWithStock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, s, "DP")
		p := f.Product("DP", 31, 2)
		require.NoError(t, s.CreateProduct(ctx, &p))
		adjust(t, s, ctx, p.Variants[1].ID, f.Warehouse.ID, 3)

		err := s.DeleteProduct(ctx, p.ID, p.Version)
		requireCode(t, catalog.CodeFailedPrecondition, err, "delete a stocked product")
		got, err := s.Product(ctx, p.ID)
		require.NoError(t, err)
		require.Equal(t, noTimes(p), noTimes(got))

		_, err = s.ChangeStock(ctx, catalog.StockChange{Op: catalog.OpAdjust, VariantID: p.Variants[1].ID,
			WarehouseID: f.Warehouse.ID, Quantity: -3, Reason: catalog.ReasonDamaged, Actor: "test"})
		require.NoError(t, err)
		require.NoError(t, s.DeleteProduct(ctx, p.ID, p.Version))
		require.Zero(t, count(t, s, "variants"))
		require.Zero(t, count(t, s, "stock_levels"))
		require.Equal(t, int64(2), count(t, s, "stock_movements"), "the ledger outlives the variant")
	})
}

// TestConcurrentProductUpdates: of many editors holding the same version,
// exactly one wins; the others get conflict and write nothing.
func TestConcurrentProductUpdates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, s, "CC")
		p := f.Product("CC", 51, 2)
		require.NoError(t, s.CreateProduct(ctx, &p))

		const editors = 8
		var wg sync.WaitGroup
		errs := make([]error, editors)
		start := make(chan struct{})
		for i := range editors {
			wg.Add(1)
			go func() {
				defer wg.Done()
				mine := p
				mine.Variants = append([]catalog.Variant(nil), p.Variants...)
				mine.Name.VI = fmt.Sprintf("Editor %d", i)
				mine.Variants[0].Price = catalog.VND(10000 * (i + 1))
				<-start
				errs[i] = s.UpdateProduct(ctx, &mine)
			}()
		}
		close(start)
		wg.Wait()

		winner := -1
		for i, err := range errs {
			if err == nil {
				require.Equal(t, -1, winner, "two editors won")
				winner = i
				continue
			}
			requireCode(t, catalog.CodeConflict, err, "editor %d", i)
		}
		require.NotEqual(t, -1, winner, "nobody won")
		got, err := s.Product(ctx, p.ID)
		require.NoError(t, err)
		require.Equal(t, int64(2), got.Version)
		require.Equal(t, fmt.Sprintf("Editor %d", winner), got.Name.VI)
		require.Equal(t, catalog.VND(10000*(winner+1)), got.Variants[0].Price, "the winner's variants, nobody else's")
	})
}

func TestMovementsPagination(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, s, "MV")
		p := f.Product("MV", 61, 1)
		require.NoError(t, s.CreateProduct(ctx, &p))
		v := p.Variants[0].ID
		for i := 1; i <= 5; i++ {
			adjust(t, s, ctx, v, f.Warehouse.ID, int64(i))
		}
		var deltas []int64
		var sizes []int
		cursor := ""
		for {
			moves, next, err := s.Movements(ctx, v, catalog.ListQuery{Limit: 2, Cursor: cursor})
			require.NoError(t, err)
			sizes = append(sizes, len(moves))
			for _, m := range moves {
				deltas = append(deltas, m.OnHandDelta)
			}
			if next == "" {
				break
			}
			cursor = next
		}
		require.Equal(t, []int{2, 2, 1}, sizes)
		require.Equal(t, []int64{5, 4, 3, 2, 1}, deltas, "newest first")
		_, _, err := s.Movements(ctx, v, catalog.ListQuery{Cursor: "??"})
		requireFieldError(t, catalog.CodeInvalidArgument, err, "cursor")
		_, _, err = s.Movements(ctx, v, catalog.ListQuery{Limit: 201})
		requireFieldError(t, catalog.CodeInvalidArgument, err, "limit")
		_, _, err = s.Movements(ctx, 987654, catalog.ListQuery{})
		requireCode(t, catalog.CodeNotFound, err, "unknown variant")
	})
}
