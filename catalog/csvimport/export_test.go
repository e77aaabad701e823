package csvimport_test

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"ocophub/catalog"
	"ocophub/catalog/csvimport"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// seedCatalog imports products×variants variants into the fixture's co-op
// through the store's import, with opening stock for the first variant of
// each product (the others have no stock level: both kinds are exported).
func seedCatalog(t *testing.T, s *store.Store, f storetest.Fixture, products, variants int) {
	t.Helper()
	b := &catalog.ImportBatch{
		Alliances: []catalog.ImportAlliance{{Line: 2, Alliance: f.Alliance}},
		Coops:     []catalog.ImportCoop{{Line: 2, AllianceCode: f.Alliance.Code, Coop: f.Coop}},
	}
	line := 2
	for i := range products {
		p := f.Product(fmt.Sprintf("SP%05d", i), i, variants)
		in := catalog.ImportProduct{CoopCode: f.Coop.Code, Product: p}
		for j := range p.Variants {
			in.Lines = append(in.Lines, line)
			opening := int64(0)
			if j == 0 {
				opening = 10
			}
			in.OpeningStock = append(in.OpeningStock, opening)
			line++
		}
		b.Products = append(b.Products, in)
	}
	rep, err := s.Import(storetest.Operator(), b, catalog.ImportOptions{})
	require.NoError(t, err)
	require.Equal(t, products*variants, rep.Variants.Created)
}

// snapshot is every variant by SKU, and its stock.
type snapshot struct {
	variants map[catalog.SKU]catalog.Variant
	stock    map[catalog.SKU][]catalog.StockLevel
}

func takeSnapshot(t *testing.T, s *store.Store, ctx context.Context) snapshot {
	t.Helper()
	snap := snapshot{variants: map[catalog.SKU]catalog.Variant{}, stock: map[catalog.SKU][]catalog.StockLevel{}}
	q := catalog.ListQuery{Limit: catalog.MaxLimit}
	for {
		page, next, err := s.ListProducts(ctx, q)
		require.NoError(t, err)
		var ids []int64
		for _, p := range page {
			for _, v := range p.Variants {
				snap.variants[v.SKU] = v
				ids = append(ids, v.ID)
			}
		}
		levels, err := s.StockLevelsOf(ctx, ids)
		require.NoError(t, err)
		for _, p := range page {
			for _, v := range p.Variants {
				for _, l := range levels[v.ID] {
					l.UpdatedAt = l.UpdatedAt.UTC().Truncate(0)
					snap.stock[v.SKU] = append(snap.stock[v.SKU], l)
				}
			}
		}
		if next == "" {
			return snap
		}
		q.Cursor = next
	}
}

func exportFile(t *testing.T, s *store.Store, ctx context.Context, q, format string) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, csvimport.Export(ctx, s, q, format, &buf))
	return buf.Bytes()
}

// TestExportRoundTrip10000 is the test: export 10,000 variants,
// change 1,000 prices in the .xlsx with excelize, import it, and exactly
// those 1,000 change; every other variant and every stock level is as it
// was.
//
// The two databases run side by side: under the race detector each takes
// minutes.
func TestExportRoundTrip10000(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			exportRoundTrip10000(t, storetest.Open(t, d))
		})
	}
}

func exportRoundTrip10000(t *testing.T, s *store.Store) {
	{
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, s, "RT")
		seedCatalog(t, s, f, 2000, 5)
		before := takeSnapshot(t, s, ctx)
		require.Len(t, before.variants, 10_000)

		body := exportFile(t, s, ctx, "", csvimport.FormatXLSX)
		x, err := excelize.OpenReader(bytes.NewReader(body))
		require.NoError(t, err)
		sheet := x.GetSheetList()[0]
		// Cells are read from the sheet excelize loads for the edit, so the
		// XML is decoded once.
		get := func(col, row int) string {
			name, err := excelize.CoordinatesToCellName(col+1, row+1)
			require.NoError(t, err)
			v, err := x.GetCellValue(sheet, name)
			require.NoError(t, err)
			return v
		}
		col := map[string]int{}
		for i := 0; ; i++ {
			name := get(i, 0)
			if name == "" {
				break
			}
			col[name] = i
		}
		require.Contains(t, col, "stock@MAIN")
		require.Contains(t, col, "stock_exported")
		require.NotEmpty(t, get(col["sku"], 10_000), "one row per variant")
		require.Empty(t, get(col["sku"], 10_001), "and no more")
		changed := map[catalog.SKU]catalog.VND{}
		for r := 1; r <= 10_000; r += 10 {
			sku := catalog.SKU(get(col["sku"], r))
			price, err := strconv.ParseInt(get(col["price_vnd"], r), 10, 64)
			require.NoError(t, err)
			require.Equal(t, before.variants[sku].Price, catalog.VND(price))
			cell, err := excelize.CoordinatesToCellName(col["price_vnd"]+1, r+1)
			require.NoError(t, err)
			require.NoError(t, x.SetCellInt(sheet, cell, price+1500))
			changed[sku] = catalog.VND(price + 1500)
		}
		require.Len(t, changed, 1000)
		var edited bytes.Buffer
		require.NoError(t, x.Write(&edited))
		require.NoError(t, x.Close())

		rep, err := csvimport.ImportFile(ctx, s, edited.Bytes(), "catalog.xlsx", catalog.ImportOptions{Actor: "test"})
		require.NoError(t, err, "%v", rep.Errors)
		require.Empty(t, rep.Errors)
		require.Equal(t, 10_000, rep.Rows)
		require.Equal(t, 1000, rep.Variants.Updated)
		require.Equal(t, 9000, rep.Variants.Unchanged)
		require.Zero(t, rep.Variants.Created)
		require.Equal(t, 10_000, rep.StockUnchanged, "no stock cell was edited (a variant without a level exports 0)")
		require.Zero(t, rep.StockChanged)

		after := takeSnapshot(t, s, ctx)
		require.Len(t, after.variants, 10_000)
		for sku, was := range before.variants {
			now := after.variants[sku]
			if price, ok := changed[sku]; ok {
				require.Equal(t, price, now.Price, sku)
				was.Price = price
			}
			require.Equal(t, was, now, "variant %s", sku)
			require.Equal(t, before.stock[sku], after.stock[sku], "stock of %s", sku)
		}
	}
}

// TestExportReimportUnchanged: a CSV export posted back as it is changes
// nothing; a search exports only what it finds.
func TestExportReimportUnchanged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, s, "UN")
		seedCatalog(t, s, f, 30, 2)
		// A second co-op of the alliance, in another province, with a
		// warehouse of its own and one of the same code as the first's.
		other := catalog.Coop{AllianceID: f.Alliance.ID, Code: "HTX-PHUTHO", Name: "HTX chè Phú Thọ", Province: "Phú Thọ"}
		require.NoError(t, s.CreateCoop(ctx, &other))
		for _, code := range []string{"MAIN", "KHO-2"} {
			require.NoError(t, s.CreateWarehouse(ctx, &catalog.Warehouse{CoopID: other.ID, Code: code, Name: "Kho " + code}))
		}
		g := f
		g.Coop = other
		extra := g.Product("PT-1", 77, 1)
		extra.Description.VI = `=HYPERLINK("http://example.com","Chè")`          // formula injection
		extra.Origin = catalog.Origin{Province: "Phú Thọ", Commune: "Thanh Sơn"} // set in the editor, not in the file
		require.NoError(t, s.CreateProduct(ctx, &extra))

		body := exportFile(t, s, ctx, "", csvimport.FormatCSV)
		require.True(t, bytes.HasPrefix(body, []byte("\ufeffalliance_code,")))
		head := strings.SplitN(string(body), "\n", 2)[0]
		require.True(t, strings.HasSuffix(head, ",price_vnd,stock@KHO-2,stock@MAIN,stock_exported"), head)
		require.True(t, strings.Contains(string(body), ",Phú Thọ,"), "the co-op's own province")
		require.True(t, strings.Contains(string(body), "\"\t=HYPERLINK(\"\"http://example.com\"\",\"\"Chè\"\")\""),
			"a formula is not run by a spreadsheet")
		rep, err := csvimport.ImportFile(ctx, s, body, "catalog.csv", catalog.ImportOptions{})
		require.NoError(t, err, "%v", rep.Errors)
		require.Equal(t, 61, rep.Rows)
		require.Equal(t, 31, rep.Products.Unchanged, "the origin is not in the file and is kept")
		require.Equal(t, 61, rep.Variants.Unchanged)
		require.Equal(t, 2, rep.Coops.Unchanged)
		require.Equal(t, 1, rep.Alliances.Unchanged)

		found := exportFile(t, s, ctx, "sp00007", csvimport.FormatCSV)
		lines := strings.Split(strings.TrimSpace(string(found)), "\n")
		require.Len(t, lines, 3, "the header and the two variants of SP00007")
		require.Contains(t, lines[1], "SP00007-0")

		var buf bytes.Buffer
		err = csvimport.Export(ctx, s, "", "pdf", &buf)
		require.Equal(t, catalog.CodeInvalidArgument, catalog.ErrorCode(err))
	})
}

// TestExportStockCells: on re-import an edited stock cell applies; an
// untouched cell leaves stock moved since the export alone; an edited cell
// over stock moved since is a per-row conflict and nothing is imported.
func TestExportStockCells(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, s, "SC")
		seedCatalog(t, s, f, 3, 1) // SP00000-0 … SP00002-0, 10 on hand each
		body := exportFile(t, s, ctx, "", csvimport.FormatCSV)
		ids := map[catalog.SKU]int64{}
		for sku, v := range takeSnapshot(t, s, ctx).variants {
			ids[sku] = v.ID
		}
		// After the export, orders reserve and ship from SP00001 and SP00002.
		for _, sku := range []catalog.SKU{"SP00001-0", "SP00002-0"} {
			for _, op := range []catalog.StockOp{catalog.OpReserve, catalog.OpDeduct} {
				_, err := s.ChangeStock(ctx, catalog.StockChange{Op: op, VariantID: ids[sku],
					WarehouseID: f.Warehouse.ID, Quantity: 2, Actor: "order:shopee", OrderRef: "SO-1"})
				require.NoError(t, err)
			}
		}
		edit := func(cells map[catalog.SKU]string) []byte {
			lines := strings.Split(string(body), "\n")
			head := strings.Split(lines[0], ",")
			at := -1
			for i, h := range head {
				if h == "stock@MAIN" {
					at = i
				}
			}
			require.NotEqual(t, -1, at)
			for i := 1; i < len(lines); i++ {
				for sku, v := range cells {
					if strings.Contains(lines[i], ","+string(sku)+",") {
						row := strings.Split(lines[i], ",")
						row[at] = v
						lines[i] = strings.Join(row, ",")
					}
				}
			}
			return []byte(strings.Join(lines, "\n"))
		}
		onHand := func(sku catalog.SKU) int64 {
			levels, err := s.StockLevels(ctx, ids[sku])
			require.NoError(t, err)
			require.Len(t, levels, 1)
			return levels[0].OnHand
		}

		// SP00002 was edited in the file and moved since: refused, nothing written.
		rep, err := csvimport.ImportFile(ctx, s, edit(map[catalog.SKU]string{"SP00000-0": "25", "SP00002-0": "40"}),
			"catalog.csv", catalog.ImportOptions{})
		require.Equal(t, catalog.CodeInvalidArgument, catalog.ErrorCode(err))
		require.Len(t, rep.Errors, 1)
		require.Equal(t, 4, rep.Errors[0].Line)
		require.Equal(t, "stock@MAIN", rep.Errors[0].Column)
		require.Equal(t, "stock_changed", rep.Errors[0].Code)
		require.Equal(t, int64(10), onHand("SP00000-0"), "all or nothing")

		// Without that cell: SP00000 is set, SP00001 keeps what orders left.
		rep, err = csvimport.ImportFile(ctx, s, edit(map[catalog.SKU]string{"SP00000-0": "25"}), "catalog.csv", catalog.ImportOptions{})
		require.NoError(t, err, "%v", rep.Errors)
		require.Equal(t, 1, rep.StockChanged)
		require.Equal(t, 2, rep.StockUnchanged)
		require.Equal(t, int64(25), onHand("SP00000-0"))
		require.Equal(t, int64(8), onHand("SP00001-0"))
		require.Equal(t, int64(8), onHand("SP00002-0"))

		// The same file again: SP00000's level moved (by this file), so the
		// edited cell is now a conflict instead of a second adjustment.
		_, err = csvimport.ImportFile(ctx, s, edit(map[catalog.SKU]string{"SP00000-0": "25"}), "catalog.csv", catalog.ImportOptions{})
		require.Equal(t, catalog.CodeInvalidArgument, catalog.ErrorCode(err))
		require.Equal(t, int64(25), onHand("SP00000-0"))

		// A cell below what orders reserved is refused on its row.
		_, err = s.ChangeStock(ctx, catalog.StockChange{Op: catalog.OpReserve, VariantID: ids["SP00000-0"],
			WarehouseID: f.Warehouse.ID, Quantity: 5, Actor: "order:lazada", OrderRef: "LZ-1"})
		require.NoError(t, err)
		fresh := exportFile(t, s, ctx, "SP00000", csvimport.FormatCSV)
		body = fresh
		rep, err = csvimport.ImportFile(ctx, s, edit(map[catalog.SKU]string{"SP00000-0": "3"}), "catalog.csv", catalog.ImportOptions{})
		require.Equal(t, catalog.CodeInvalidArgument, catalog.ErrorCode(err))
		require.Equal(t, "insufficient_stock", rep.Errors[0].Code)

		// An unknown warehouse column is a row error too.
		other := strings.Replace(string(edit(map[catalog.SKU]string{"SP00000-0": "30"})), "stock@MAIN", "stock@KHO-X", 1)
		rep, err = csvimport.ImportFile(ctx, s, []byte(other), "catalog.csv", catalog.ImportOptions{})
		require.Equal(t, catalog.CodeInvalidArgument, catalog.ErrorCode(err))
		require.Equal(t, "stock@KHO-X", rep.Errors[0].Column)
	})
}
