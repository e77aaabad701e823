package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// newBatch is a catalog file of one alliance LM-<sfx>, one co-op HTX-<sfx>
// and two products, as csvimport would hand it over:
//
//	line 2  TRA-<sfx>  variant TRA-<sfx>-100  opening 10
//	line 3  TRA-<sfx>  variant TRA-<sfx>-200  opening 0
//	line 4  MAT-<sfx>  variant MAT-<sfx>-500  opening 5
func newBatch(sfx string, seed int) *catalog.ImportBatch {
	cert := catalog.Certificate{Number: "OCOP-" + sfx, CertifiedOn: catalog.NewDate(2023, 6, 15)}
	return &catalog.ImportBatch{
		Alliances: []catalog.ImportAlliance{{Line: 2, Alliance: catalog.Alliance{
			Code: "LM-" + sfx, Name: "Liên minh HTX " + sfx, Province: "Thái Nguyên"}}},
		Coops: []catalog.ImportCoop{{Line: 2, AllianceCode: "LM-" + sfx, Coop: catalog.Coop{
			Code: "HTX-" + sfx, Name: "HTX Chè " + sfx, Province: "Thái Nguyên", Commune: "Tân Cương", TaxCode: "4600123456"}}},
		Products: []catalog.ImportProduct{
			{
				CoopCode: "HTX-" + sfx,
				Product: catalog.Product{Code: "TRA-" + sfx, Name: catalog.Text{VI: "Trà hoa cúc " + sfx},
					Group: catalog.GroupBeverage, Stars: 4, Certificate: cert,
					Variants: []catalog.Variant{
						{SKU: catalog.SKU("TRA-" + sfx + "-100"), Name: catalog.Text{VI: "Hộp 100g"}, GTIN: gtin(seed, 1), NetWeightG: 100, Price: 95000},
						{SKU: catalog.SKU("TRA-" + sfx + "-200"), Name: catalog.Text{VI: "Hộp 200g"}, GTIN: gtin(seed, 2), NetWeightG: 200, Price: 180000},
					}},
				Lines:        []int{2, 3},
				OpeningStock: []int64{10, 0},
			},
			{
				CoopCode: "HTX-" + sfx,
				Product: catalog.Product{Code: "MAT-" + sfx, Name: catalog.Text{VI: "Mật ong rừng " + sfx},
					Group: catalog.GroupFood, Stars: 3, Certificate: cert,
					Variants: []catalog.Variant{
						{SKU: catalog.SKU("MAT-" + sfx + "-500"), Name: catalog.Text{VI: "Chai 500ml"}, GTIN: gtin(seed, 5), Price: 250000},
					}},
				Lines:        []int{4},
				OpeningStock: []int64{5},
			},
		},
	}
}

// snapshot is everything an import can change, read past every scope.
type snapshot struct {
	Counts    map[string]int64
	Alliances []catalog.Alliance
	Coops     []catalog.Coop
	Products  []catalog.Product
	Levels    map[int64][]catalog.StockLevel
}

func takeSnapshot(t *testing.T, s *store.Store) snapshot {
	t.Helper()
	ctx := storetest.Operator()
	snap := snapshot{Counts: map[string]int64{}, Levels: map[int64][]catalog.StockLevel{}}
	for _, table := range []string{"alliances", "coops", "warehouses", "products", "variants", "stock_levels", "stock_movements", "outbox"} {
		snap.Counts[table] = count(t, s, table)
	}
	var err error
	snap.Alliances, _, err = s.ListAlliances(ctx, catalog.ListQuery{Limit: catalog.MaxLimit})
	require.NoError(t, err)
	snap.Coops, _, err = s.ListCoops(ctx, catalog.ListQuery{Limit: catalog.MaxLimit})
	require.NoError(t, err)
	snap.Products, _, err = s.ListProducts(ctx, catalog.ListQuery{Limit: catalog.MaxLimit})
	require.NoError(t, err)
	for _, p := range snap.Products {
		for _, v := range p.Variants {
			snap.Levels[v.ID], err = s.StockLevels(ctx, v.ID)
			require.NoError(t, err)
		}
	}
	return snap
}

func productByCode(t *testing.T, s *store.Store, code string) catalog.Product {
	t.Helper()
	items, _, err := s.ListProducts(storetest.Operator(), catalog.ListQuery{Q: code, Limit: catalog.MaxLimit})
	require.NoError(t, err)
	for _, p := range items {
		if p.Code == code {
			return p
		}
	}
	t.Fatalf("product %s not found", code)
	return catalog.Product{}
}

func TestImportCreatesEverything(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		rep, err := s.Import(ctx, newBatch("A", 1), catalog.ImportOptions{Actor: "import:test.csv"})
		require.NoError(t, err)
		require.True(t, rep.Written)
		require.Empty(t, rep.Errors)
		require.Equal(t, 3, rep.Rows)
		require.Equal(t, catalog.Counts{Created: 1}, rep.Alliances)
		require.Equal(t, catalog.Counts{Created: 1}, rep.Coops)
		require.Equal(t, catalog.Counts{Created: 2}, rep.Products)
		require.Equal(t, catalog.Counts{Created: 3}, rep.Variants)
		require.Equal(t, 2, rep.OpeningStockSet, "zero opening stock writes no level")
		require.Zero(t, rep.OpeningStockKept)
		require.Zero(t, rep.SkippedRows)

		alliances, _, err := s.ListAlliances(ctx, catalog.ListQuery{})
		require.NoError(t, err)
		require.Len(t, alliances, 1)
		require.Equal(t, "LM-A", alliances[0].Code)
		require.Equal(t, "Liên minh HTX A", alliances[0].Name)
		coops, _, err := s.ListCoops(ctx, catalog.ListQuery{})
		require.NoError(t, err)
		require.Len(t, coops, 1)
		coop := coops[0]
		require.Equal(t, "HTX-A", coop.Code)
		require.Equal(t, alliances[0].ID, coop.AllianceID)
		require.Equal(t, "4600123456", coop.TaxCode)

		whs, _, err := s.ListWarehouses(ctx, catalog.ListQuery{CoopID: coop.ID})
		require.NoError(t, err)
		require.Len(t, whs, 1)
		require.Equal(t, catalog.DefaultWarehouseCode, whs[0].Code)

		products, _, err := s.ListProducts(ctx, catalog.ListQuery{CoopID: coop.ID})
		require.NoError(t, err)
		require.Equal(t, []string{"TRA-A", "MAT-A"}, productCodes(products))
		tra, mat := products[0], products[1]
		require.Equal(t, int64(1), tra.Version)
		require.Len(t, tra.Variants, 2)
		require.Equal(t, catalog.SKU("TRA-A-100"), tra.Variants[0].SKU)
		require.Equal(t, catalog.VND(95000), tra.Variants[0].Price)
		require.Equal(t, gtin(1, 1), tra.Variants[0].GTIN)
		require.Equal(t, catalog.SKU("TRA-A-200"), tra.Variants[1].SKU)
		require.Equal(t, catalog.NewDate(2026, 6, 15), tra.Certificate.ExpiresOn)

		for _, c := range []struct {
			v      catalog.Variant
			onHand int64
			line   string
		}{{tra.Variants[0], 10, "line 2"}, {mat.Variants[0], 5, "line 4"}} {
			levels, err := s.StockLevels(ctx, c.v.ID)
			require.NoError(t, err)
			require.Len(t, levels, 1)
			require.Equal(t, whs[0].ID, levels[0].WarehouseID)
			require.Equal(t, c.onHand, levels[0].OnHand)
			require.Zero(t, levels[0].Reserved)
			require.Equal(t, int64(1), levels[0].Version)
			moves, _, err := s.Movements(ctx, c.v.ID, catalog.ListQuery{})
			require.NoError(t, err)
			require.Len(t, moves, 1)
			require.Equal(t, catalog.ReasonImport, moves[0].Reason)
			require.Equal(t, catalog.OpAdjust, moves[0].Op)
			require.Equal(t, c.onHand, moves[0].OnHandDelta)
			require.Equal(t, "import:test.csv", moves[0].Actor)
			require.Contains(t, moves[0].Note, c.line)
		}
		levels, err := s.StockLevels(ctx, tra.Variants[1].ID)
		require.NoError(t, err)
		require.Empty(t, levels)

		events, err := s.PendingOutbox(ctx, 100)
		require.NoError(t, err)
		require.Len(t, events, 2, "one stock.changed per opening balance")
	})
}

func TestImportDefaultsActorAndUsesExistingWarehouse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, s, "EX")
		b := newBatch("EX", 2)
		b.Alliances[0].Alliance = catalog.Alliance{Code: f.Alliance.Code, Name: f.Alliance.Name, Province: f.Alliance.Province}
		b.Coops[0].Coop = catalog.Coop{Code: f.Coop.Code, Name: f.Coop.Name, Province: f.Coop.Province, Commune: f.Coop.Commune}
		rep, err := s.Import(ctx, b, catalog.ImportOptions{})
		require.NoError(t, err)
		require.Equal(t, catalog.Counts{Unchanged: 1}, rep.Alliances)
		require.Equal(t, catalog.Counts{Unchanged: 1}, rep.Coops)
		require.Equal(t, catalog.Counts{Created: 2}, rep.Products)
		require.Equal(t, int64(1), count(t, s, "warehouses"), "the co-op's warehouse is used")

		tra := productByCode(t, s, "TRA-EX")
		levels, err := s.StockLevels(ctx, tra.Variants[0].ID)
		require.NoError(t, err)
		require.Len(t, levels, 1)
		require.Equal(t, f.Warehouse.ID, levels[0].WarehouseID)
		moves, _, err := s.Movements(ctx, tra.Variants[0].ID, catalog.ListQuery{})
		require.NoError(t, err)
		require.Equal(t, "import", moves[0].Actor)
	})
}

func TestImportTwiceChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		_, err := s.Import(ctx, newBatch("A", 1), catalog.ImportOptions{})
		require.NoError(t, err)
		// Orders move stock after the first import.
		tra := productByCode(t, s, "TRA-A")
		whs, _, err := s.ListWarehouses(ctx, catalog.ListQuery{})
		require.NoError(t, err)
		_, err = s.ChangeStock(ctx, catalog.StockChange{Op: catalog.OpReserve, VariantID: tra.Variants[0].ID,
			WarehouseID: whs[0].ID, Quantity: 3, Actor: "order:shopee", OrderRef: "SO-9"})
		require.NoError(t, err)
		before := takeSnapshot(t, s)

		rep, err := s.Import(ctx, newBatch("A", 1), catalog.ImportOptions{})
		require.NoError(t, err)
		require.True(t, rep.Written)
		require.Empty(t, rep.Errors)
		require.Equal(t, catalog.Counts{Unchanged: 1}, rep.Alliances)
		require.Equal(t, catalog.Counts{Unchanged: 1}, rep.Coops)
		require.Equal(t, catalog.Counts{Unchanged: 2}, rep.Products)
		require.Equal(t, catalog.Counts{Unchanged: 3}, rep.Variants)
		require.Zero(t, rep.OpeningStockSet)
		require.Equal(t, 2, rep.OpeningStockKept, "stock moved since is never overwritten")

		after := takeSnapshot(t, s)
		require.Equal(t, before, after, "no row, version or timestamp changed")
	})
}

func TestImportReportsChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		_, err := s.Import(ctx, newBatch("A", 1), catalog.ImportOptions{})
		require.NoError(t, err)
		traBefore := productByCode(t, s, "TRA-A")
		matBefore := productByCode(t, s, "MAT-A")

		// One price changes.
		b := newBatch("A", 1)
		b.Products[0].Product.Variants[1].Price = 190000
		rep, err := s.Import(ctx, b, catalog.ImportOptions{})
		require.NoError(t, err)
		require.Equal(t, catalog.Counts{Updated: 1, Unchanged: 2}, rep.Variants)
		require.Equal(t, catalog.Counts{Updated: 1, Unchanged: 1}, rep.Products)
		require.Equal(t, catalog.Counts{Unchanged: 1}, rep.Alliances)
		require.Equal(t, catalog.Counts{Unchanged: 1}, rep.Coops)
		tra := productByCode(t, s, "TRA-A")
		require.Equal(t, traBefore.Version+1, tra.Version)
		require.Equal(t, catalog.VND(190000), tra.Variants[1].Price)
		require.Equal(t, traBefore.Variants[1].ID, tra.Variants[1].ID)
		require.Equal(t, matBefore.Version, productByCode(t, s, "MAT-A").Version)

		// A product field, a co-op field and the alliance name change.
		b = newBatch("A", 1)
		b.Products[0].Product.Variants[1].Price = 190000
		b.Products[1].Product.Stars = 4
		b.Coops[0].Coop.Commune = "Phúc Xuân"
		b.Alliances[0].Alliance.Name = "Liên minh HTX tỉnh A"
		rep, err = s.Import(ctx, b, catalog.ImportOptions{})
		require.NoError(t, err)
		require.Equal(t, catalog.Counts{Updated: 1}, rep.Alliances)
		require.Equal(t, catalog.Counts{Updated: 1}, rep.Coops)
		require.Equal(t, catalog.Counts{Updated: 1, Unchanged: 1}, rep.Products)
		require.Equal(t, catalog.Counts{Unchanged: 3}, rep.Variants)
		mat := productByCode(t, s, "MAT-A")
		require.Equal(t, matBefore.Version+1, mat.Version)
		require.Equal(t, catalog.Stars(4), mat.Stars)
		coops, _, err := s.ListCoops(ctx, catalog.ListQuery{})
		require.NoError(t, err)
		require.Equal(t, "Phúc Xuân", coops[0].Commune)
		require.Equal(t, int64(2), coops[0].Version)
		alliances, _, err := s.ListAlliances(ctx, catalog.ListQuery{})
		require.NoError(t, err)
		require.Equal(t, "Liên minh HTX tỉnh A", alliances[0].Name)
		require.Equal(t, int64(2), alliances[0].Version)

		// A new variant is added with its opening stock; variants missing
		// from the file are kept.
		b = newBatch("A", 1)
		b.Products[0].Product.Variants[1].Price = 190000
		b.Products[1].Product.Stars = 4
		b.Coops[0].Coop.Commune = "Phúc Xuân"
		b.Alliances[0].Alliance.Name = "Liên minh HTX tỉnh A"
		b.Products[1].Product.Variants = append(b.Products[1].Product.Variants,
			catalog.Variant{SKU: "MAT-A-1000", Name: catalog.Text{VI: "Chai 1 lít"}, GTIN: gtin(1, 9), Price: 450000})
		b.Products[1].Lines = append(b.Products[1].Lines, 5)
		b.Products[1].OpeningStock = append(b.Products[1].OpeningStock, 8)
		b.Products[0].Product.Variants = b.Products[0].Product.Variants[:1]
		b.Products[0].Lines, b.Products[0].OpeningStock = []int{2}, []int64{10}
		rep, err = s.Import(ctx, b, catalog.ImportOptions{})
		require.NoError(t, err)
		require.Equal(t, 3, rep.Rows)
		require.Equal(t, catalog.Counts{Created: 1, Unchanged: 2}, rep.Variants)
		require.Equal(t, catalog.Counts{Updated: 1, Unchanged: 1}, rep.Products)
		require.Equal(t, 1, rep.OpeningStockSet)
		require.Equal(t, 2, rep.OpeningStockKept)
		tra = productByCode(t, s, "TRA-A")
		require.Len(t, tra.Variants, 2, "an import never deletes a variant")
		mat = productByCode(t, s, "MAT-A")
		require.Len(t, mat.Variants, 2)
		v, ok := mat.Variant("MAT-A-1000")
		require.True(t, ok)
		levels, err := s.StockLevels(ctx, v.ID)
		require.NoError(t, err)
		require.Len(t, levels, 1)
		require.Equal(t, int64(8), levels[0].OnHand)
	})
}

// clashBatch imports batch A first, then returns a batch that adds a new
// alliance and co-op (lines 2-3) and, in HTX-A, a product whose first
// variant (line 6) takes TRA-A's SKU while its second (line 7) is fine.
func clashBatch(t *testing.T, s *store.Store) *catalog.ImportBatch {
	t.Helper()
	_, err := s.Import(storetest.Operator(), newBatch("A", 1), catalog.ImportOptions{})
	require.NoError(t, err)
	b := newBatch("NEW", 2)
	a := newBatch("A", 1)
	b.Alliances = append(b.Alliances, catalog.ImportAlliance{Line: 5, Alliance: a.Alliances[0].Alliance})
	b.Coops = append(b.Coops, catalog.ImportCoop{Line: 5, AllianceCode: "LM-A", Coop: a.Coops[0].Coop})
	b.Products = append(b.Products, catalog.ImportProduct{
		CoopCode: "HTX-A",
		Product: catalog.Product{Code: "CLASH", Name: catalog.Text{VI: "Chè móc câu"},
			Group: catalog.GroupBeverage, Stars: 4, Certificate: catalog.Certificate{CertifiedOn: catalog.NewDate(2024, 1, 1)},
			Variants: []catalog.Variant{
				{SKU: "TRA-A-100", Name: catalog.Text{VI: "Hộp 100g"}, Price: 120000},
				{SKU: "CLASH-1", Name: catalog.Text{VI: "Hộp 250g"}, GTIN: gtin(3, 1), Price: 260000},
			}},
		Lines:        []int{6, 7},
		OpeningStock: []int64{4, 6},
	})
	return b
}

func TestImportRejectsAllOnOneBadRow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		b := clashBatch(t, s)
		before := takeSnapshot(t, s)

		rep, err := s.Import(ctx, b, catalog.ImportOptions{})
		requireCode(t, catalog.CodeInvalidArgument, err, "a SKU of another product")
		require.False(t, rep.Written)
		require.Len(t, rep.Errors, 1, "%v", rep.Errors)
		e := rep.Errors[0]
		require.Equal(t, 6, e.Line)
		require.Equal(t, "sku", e.Column)
		require.Equal(t, "conflict", e.Code)
		require.Contains(t, e.Reason, "TRA-A-100")

		require.Equal(t, before, takeSnapshot(t, s), "nothing was written")
		alliances, _, err := s.ListAlliances(ctx, catalog.ListQuery{})
		require.NoError(t, err)
		require.Len(t, alliances, 1)
		require.Equal(t, "LM-A", alliances[0].Code, "the new alliance was rolled back")
	})
}

func TestImportSkipInvalidWritesTheRest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		b := clashBatch(t, s)
		productsBefore := count(t, s, "products")

		rep, err := s.Import(ctx, b, catalog.ImportOptions{SkipInvalid: true})
		require.NoError(t, err)
		require.True(t, rep.Written)
		require.Len(t, rep.Errors, 1)
		require.Equal(t, catalog.RowError{Line: 6, Column: "sku", Code: "conflict", Reason: rep.Errors[0].Reason}, rep.Errors[0])
		require.Equal(t, 1, rep.SkippedRows)
		require.Equal(t, 5, rep.Rows)
		require.Equal(t, catalog.Counts{Created: 1, Unchanged: 1}, rep.Alliances)
		require.Equal(t, catalog.Counts{Created: 1, Unchanged: 1}, rep.Coops)
		require.Equal(t, catalog.Counts{Created: 3}, rep.Products)
		require.Equal(t, catalog.Counts{Created: 4}, rep.Variants)
		require.Equal(t, 3, rep.OpeningStockSet)

		require.Equal(t, productsBefore+3, count(t, s, "products"))
		clash := productByCode(t, s, "CLASH")
		require.Len(t, clash.Variants, 1)
		require.Equal(t, catalog.SKU("CLASH-1"), clash.Variants[0].SKU)
		tra := productByCode(t, s, "TRA-A")
		_, ok := tra.Variant("TRA-A-100")
		require.True(t, ok, "the SKU stays with its product")
		require.Equal(t, int64(1), tra.Version)
		levels, err := s.StockLevels(ctx, tra.Variants[0].ID)
		require.NoError(t, err)
		require.Equal(t, int64(10), levels[0].OnHand, "the skipped row's opening stock went nowhere")
		require.Len(t, productByCode(t, s, "TRA-NEW").Variants, 2)
	})
}

func TestImportDryRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		empty := takeSnapshot(t, s)
		dry, err := s.Import(ctx, newBatch("A", 1), catalog.ImportOptions{DryRun: true})
		require.NoError(t, err)
		require.False(t, dry.Written)
		require.Equal(t, empty, takeSnapshot(t, s), "a dry run writes nothing")
		real, err := s.Import(ctx, newBatch("A", 1), catalog.ImportOptions{})
		require.NoError(t, err)
		require.True(t, real.Written)
		dry.Written = true
		require.Equal(t, real, dry, "a dry run reports what the real run does")

		// With a bad row: a plain dry run is rejected like the real run;
		// with SkipInvalid it counts what would be written.
		b := newBatch("NEW", 2)
		a := newBatch("A", 1)
		b.Products = append(b.Products, a.Products[0])
		b.Products[2].CoopCode = "HTX-NEW" // TRA-A's GTINs, in another co-op
		b.Products[2].Lines = []int{5, 6}
		before := takeSnapshot(t, s)
		rejected, err := s.Import(ctx, b, catalog.ImportOptions{DryRun: true})
		requireCode(t, catalog.CodeInvalidArgument, err, "dry run with bad rows")
		require.False(t, rejected.Written)
		require.Len(t, rejected.Errors, 2)
		require.Equal(t, []int{5, 6}, []int{rejected.Errors[0].Line, rejected.Errors[1].Line})
		require.Equal(t, "gtin13", rejected.Errors[0].Column)
		dry, err = s.Import(ctx, b, catalog.ImportOptions{DryRun: true, SkipInvalid: true})
		require.NoError(t, err)
		require.False(t, dry.Written)
		require.Equal(t, before, takeSnapshot(t, s), "a dry run writes nothing")
		real, err = s.Import(ctx, b, catalog.ImportOptions{SkipInvalid: true})
		require.NoError(t, err)
		require.Equal(t, 2, real.SkippedRows)
		dry.Written = true
		require.Equal(t, real, dry)
	})
}

func TestImportCoopOfAnotherAlliance(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		_, err := s.Import(ctx, newBatch("A", 1), catalog.ImportOptions{})
		require.NoError(t, err)
		before := takeSnapshot(t, s)

		b := newBatch("A", 1)
		b.Alliances[0].Alliance.Code = "LM-OTHER"
		b.Coops[0].AllianceCode = "LM-OTHER"
		b.Coops[0].Line = 3
		rep, err := s.Import(ctx, b, catalog.ImportOptions{})
		requireCode(t, catalog.CodeInvalidArgument, err, "co-op under another alliance")
		require.Len(t, rep.Errors, 1)
		require.Equal(t, 3, rep.Errors[0].Line)
		require.Equal(t, "alliance_code", rep.Errors[0].Column)
		require.Equal(t, "conflict", rep.Errors[0].Code)
		require.Contains(t, rep.Errors[0].Reason, "HTX-A")
		require.Equal(t, before, takeSnapshot(t, s))

		rep, err = s.Import(ctx, b, catalog.ImportOptions{SkipInvalid: true})
		require.NoError(t, err)
		require.Equal(t, 3, rep.SkippedRows, "the co-op's products are skipped")
		require.Zero(t, rep.Products.Created+rep.Products.Updated+rep.Products.Unchanged)
		coops, _, err := s.ListCoops(ctx, catalog.ListQuery{})
		require.NoError(t, err)
		require.Len(t, coops, 1)
		require.Equal(t, before.Coops, coops, "the co-op stays in its alliance")
	})
}

func TestImportRespectsScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		op := storetest.Operator()
		_, err := s.Import(op, newBatch("A", 1), catalog.ImportOptions{})
		require.NoError(t, err)
		_, err = s.Import(op, newBatch("B", 2), catalog.ImportOptions{})
		require.NoError(t, err)
		coops, _, err := s.ListCoops(op, catalog.ListQuery{})
		require.NoError(t, err)
		aCoop, bCoop := coops[0], coops[1]
		require.Equal(t, "HTX-B", bCoop.Code)
		ctx := coopCtx(aCoop.ID)

		// Its own catalog, unchanged above it, a co-op may import.
		b := newBatch("A", 1)
		b.Products[0].Product.Variants[0].Price = 99000
		rep, err := s.Import(ctx, b, catalog.ImportOptions{})
		require.NoError(t, err)
		require.Equal(t, catalog.Counts{Updated: 1, Unchanged: 1}, rep.Products)
		before := takeSnapshot(t, s)

		// Another co-op's catalog: refused on the co-op's row.
		b = newBatch("B", 2)
		b.Products[0].Product.Variants[0].Price = 1000
		rep, err = s.Import(ctx, b, catalog.ImportOptions{})
		requireCode(t, catalog.CodeInvalidArgument, err, "import into B")
		require.NotEmpty(t, rep.Errors)
		require.Equal(t, "permission_denied", rep.Errors[0].Code)
		require.Contains(t, []string{"alliance_code", "coop_code"}, rep.Errors[0].Column)
		require.Equal(t, before, takeSnapshot(t, s))

		// A new alliance or co-op: refused.
		rep, err = s.Import(ctx, newBatch("C", 3), catalog.ImportOptions{})
		requireCode(t, catalog.CodeInvalidArgument, err, "new alliance from a co-op")
		require.Equal(t, "alliance_code", rep.Errors[0].Column)
		require.Equal(t, "permission_denied", rep.Errors[0].Code)
		b = newBatch("A", 1)
		b.Products[0].Product.Variants[0].Price = 99000
		b.Coops = append(b.Coops, catalog.ImportCoop{Line: 9, AllianceCode: "LM-A", Coop: catalog.Coop{Code: "HTX-A2", Name: "HTX A2", Province: "Thái Nguyên"}})
		rep, err = s.Import(ctx, b, catalog.ImportOptions{})
		requireCode(t, catalog.CodeInvalidArgument, err, "new co-op from a co-op")
		require.Equal(t, catalog.RowError{Line: 9, Column: "coop_code", Code: "permission_denied", Reason: rep.Errors[0].Reason}, rep.Errors[0])

		// Its alliance's name is not a co-op's to change.
		b = newBatch("A", 1)
		b.Products[0].Product.Variants[0].Price = 99000
		b.Alliances[0].Alliance.Name = "Renamed by a co-op"
		rep, err = s.Import(ctx, b, catalog.ImportOptions{})
		requireCode(t, catalog.CodeInvalidArgument, err, "alliance renamed from a co-op")
		require.Equal(t, "alliance_code", rep.Errors[0].Column)
		require.Equal(t, "permission_denied", rep.Errors[0].Code)
		require.Equal(t, before, takeSnapshot(t, s))

		// The alliance may add a co-op of its own.
		b = newBatch("A", 1)
		b.Products[0].Product.Variants[0].Price = 99000
		b.Coops = append(b.Coops, catalog.ImportCoop{Line: 9, AllianceCode: "LM-A", Coop: catalog.Coop{Code: "HTX-A2", Name: "HTX A2", Province: "Thái Nguyên"}})
		rep, err = s.Import(allianceCtx(aCoop.AllianceID), b, catalog.ImportOptions{})
		require.NoError(t, err)
		require.Equal(t, catalog.Counts{Created: 1, Unchanged: 1}, rep.Coops)
	})
}
