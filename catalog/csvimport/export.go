package csvimport

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"ocophub/catalog"
)

// Export formats.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// ExportSource is what an export reads: the catalog, and the stock of a
// page of variants in one call (catalog/store.Store has both).
type ExportSource interface {
	catalog.Store
	StockLevelsOf(ctx context.Context, variantIDs []int64) (map[int64][]catalog.StockLevel, error)
}

// exportColumns are the columns an export writes, in order, before one
// stock@ column per warehouse code and stock_exported. They are the
// importer's columns, so the file goes back in as it came out; the
// certification goes as a full date (ocop_certified_on), province is the
// alliance's and coop_province the co-op's (they may differ), and the
// opening stock column is replaced by the per-warehouse ones.
var exportColumns = []string{
	colAllianceCode, colAllianceName, colProvince, colCoopCode, colCoopName, colCoopProvince, colCommune, colCoopTaxCode,
	colProductCode, colProductVI, colProductEN, colGroup, colStars, colCertOn, colExpiresOn, colCertNo,
	colDescVI, colDescEN, colSKU, colVariantVI, colVariantEN, colGTIN, colNetWeight,
	colLength, colWidth, colHeight, colPackWeight, colPrice,
}

// Export writes the variants of every product in the caller's scope that
// match q (the products list's search; "" for all) to w as CSV or .xlsx,
// one row per variant with the importer's columns: posted back to the
// import, an edited export updates the products by SKU. Products are read a
// page at a time, so memory stays bounded by a page, not the catalog (the
// .xlsx stream writer keeps rows on disk past a few MiB).
//
// Stock goes in one stock@CODE column per warehouse code of the co-ops in
// scope (the on-hand quantity) and stock_exported records what was read:
// on re-import only the cells a person changed are applied, and only to
// stock that has not moved since (catalog.StockCell).
func Export(ctx context.Context, src ExportSource, q, format string, w io.Writer) error {
	ex, err := newExporter(ctx, src)
	if err != nil {
		return err
	}
	var out rowWriter
	switch format {
	case FormatCSV:
		out = newCSVRows(w)
	case FormatXLSX:
		if out, err = newXLSXRows(w); err != nil {
			return err
		}
	default:
		return &catalog.Error{Code: catalog.CodeInvalidArgument, Message: fmt.Sprintf("format must be csv or xlsx, not %q", format),
			Fields: map[string]string{"format": "must be csv or xlsx"}}
	}
	var header []any
	for _, col := range append(append(exportColumns[:len(exportColumns):len(exportColumns)], ex.stockColumns()...), colStockExported) {
		header = append(header, col)
	}
	if err := out.write(header); err != nil {
		return err
	}
	query := catalog.ListQuery{Limit: catalog.MaxLimit, Q: q}
	if err := query.Normalize(); err != nil {
		return err
	}
	for {
		products, next, err := src.ListProducts(ctx, query)
		if err != nil {
			return err
		}
		if err := ex.page(ctx, products, out); err != nil {
			return err
		}
		if next == "" {
			break
		}
		query.Cursor = next
	}
	return out.close()
}

// exporter holds what every row repeats: co-ops, alliances, warehouses.
type exporter struct {
	src        ExportSource
	coops      map[int64]catalog.Coop
	alliances  map[int64]catalog.Alliance
	warehouses map[int64]catalog.Warehouse
	codes      []string // warehouse codes, sorted
}

func newExporter(ctx context.Context, src ExportSource) (*exporter, error) {
	ex := &exporter{src: src, coops: map[int64]catalog.Coop{}, alliances: map[int64]catalog.Alliance{},
		warehouses: map[int64]catalog.Warehouse{}}
	err := listAll(ctx, src.ListCoops, func(c catalog.Coop) { ex.coops[c.ID] = c })
	if err == nil {
		err = listAll(ctx, src.ListAlliances, func(a catalog.Alliance) { ex.alliances[a.ID] = a })
	}
	if err == nil {
		err = listAll(ctx, src.ListWarehouses, func(w catalog.Warehouse) { ex.warehouses[w.ID] = w })
	}
	if catalog.ErrorCode(err) == catalog.CodePermissionDenied {
		err = nil // alliance staff read no warehouses: their export has no stock columns
	}
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, w := range ex.warehouses {
		if !seen[w.Code] {
			seen[w.Code] = true
			ex.codes = append(ex.codes, w.Code)
		}
	}
	sort.Strings(ex.codes)
	return ex, nil
}

// listAll pages through one of the Store's List methods.
func listAll[T any](ctx context.Context, list func(context.Context, catalog.ListQuery) ([]T, string, error), each func(T)) error {
	q := catalog.ListQuery{Limit: catalog.MaxLimit}
	for {
		items, next, err := list(ctx, q)
		if err != nil {
			return err
		}
		for _, it := range items {
			each(it)
		}
		if next == "" {
			return nil
		}
		q.Cursor = next
	}
}

func (ex *exporter) stockColumns() []string {
	cols := make([]string, len(ex.codes))
	for i, code := range ex.codes {
		cols[i] = colStockAt + code
	}
	return cols
}

// page writes the rows of one page of products.
func (ex *exporter) page(ctx context.Context, products []catalog.Product, out rowWriter) error {
	var ids []int64
	for _, p := range products {
		for _, v := range p.Variants {
			ids = append(ids, v.ID)
		}
	}
	levels := map[int64][]catalog.StockLevel{}
	if len(ex.codes) > 0 {
		var err error
		if levels, err = ex.src.StockLevelsOf(ctx, ids); err != nil {
			return err
		}
	}
	for i := range products {
		p := &products[i]
		coop := ex.coops[p.CoopID]
		alliance := ex.alliances[coop.AllianceID]
		for j := range p.Variants {
			if err := out.write(ex.cells(alliance, coop, p, &p.Variants[j], levels[p.Variants[j].ID])); err != nil {
				return err
			}
		}
	}
	return nil
}

// cells is one variant's row: strings for text, int64 for numbers (so a
// spreadsheet sums and sorts them), nil for an empty cell.
func (ex *exporter) cells(a catalog.Alliance, c catalog.Coop, p *catalog.Product, v *catalog.Variant, levels []catalog.StockLevel) []any {
	row := []any{
		a.Code, a.Name, a.Province, c.Code, c.Name, c.Province, c.Commune, c.TaxCode,
		p.Code, p.Name.VI, p.Name.EN, string(p.Group), int64(p.Stars),
		date(p.Certificate.CertifiedOn), date(p.Certificate.ExpiresOn), p.Certificate.Number,
		p.Description.VI, p.Description.EN, string(v.SKU), v.Name.VI, v.Name.EN, string(v.GTIN),
		count(v.NetWeightG), count(v.Package.LengthMM), count(v.Package.WidthMM), count(v.Package.HeightMM),
		count(v.Package.WeightG), int64(v.Price),
	}
	// The co-op's own warehouses get a cell (0 when it has no level yet);
	// other co-ops' warehouse codes stay empty.
	byCode := map[string]catalog.StockCell{}
	for _, w := range ex.warehouses {
		if w.CoopID == c.ID {
			byCode[w.Code] = catalog.StockCell{Warehouse: w.Code}
		}
	}
	for _, l := range levels {
		if w, ok := ex.warehouses[l.WarehouseID]; ok {
			byCode[w.Code] = catalog.StockCell{Warehouse: w.Code, Exported: l.OnHand, Version: l.Version}
		}
	}
	var read []catalog.StockCell
	for _, code := range ex.codes {
		cell, ok := byCode[code]
		if !ok {
			row = append(row, nil)
			continue
		}
		row = append(row, cell.Exported)
		read = append(read, cell)
	}
	return append(row, FormatStockExported(read))
}

func date(d catalog.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

func count(n int) any {
	if n == 0 {
		return nil
	}
	return int64(n)
}

// rowWriter writes rows of cells (string, int64 or nil) to one format.
type rowWriter interface {
	write(cells []any) error
	close() error
}

type csvRows struct{ w *csv.Writer }

func newCSVRows(w io.Writer) *csvRows {
	_, _ = io.WriteString(w, "\ufeff") // Excel reads UTF-8 only with the mark
	return &csvRows{w: csv.NewWriter(w)}
}

func (c *csvRows) write(cells []any) error {
	rec := make([]string, len(cells))
	for i, v := range cells {
		switch v := v.(type) {
		case string:
			rec[i] = v
			if v != "" && strings.ContainsRune("=+-@", rune(v[0])) {
				// A spreadsheet would run it as a formula; the import
				// trims the tab, so the value comes back as it was.
				rec[i] = "\t" + v
			}
		case int64:
			rec[i] = strconv.FormatInt(v, 10)
		}
	}
	return c.w.Write(rec)
}

func (c *csvRows) close() error {
	c.w.Flush()
	return c.w.Error()
}

// xlsxRows streams rows through excelize's StreamWriter, which spills to a
// temporary file past its buffer instead of building the sheet in memory.
type xlsxRows struct {
	f   *excelize.File
	sw  *excelize.StreamWriter
	out io.Writer
	n   int
}

func newXLSXRows(w io.Writer) (*xlsxRows, error) {
	f := excelize.NewFile()
	sheet := "Sản phẩm"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	return &xlsxRows{f: f, sw: sw, out: w}, nil
}

func (x *xlsxRows) write(cells []any) error {
	x.n++
	cell, err := excelize.CoordinatesToCellName(1, x.n)
	if err != nil {
		return err
	}
	row := make([]any, len(cells))
	for i, v := range cells {
		if s, ok := v.(string); ok && s == "" {
			continue
		}
		row[i] = v
	}
	return x.sw.SetRow(cell, row)
}

func (x *xlsxRows) close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return err
	}
	return x.f.Write(x.out)
}
