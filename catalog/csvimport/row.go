package csvimport

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"ocophub/catalog"
)

// row is one data row read into catalog values, with its problems.
type row struct {
	line     int
	rec      record
	h        *header
	alliance catalog.Alliance
	coop     catalog.Coop
	product  catalog.Product // with the row's one variant
	stock    int64
	cells    []catalog.StockCell // the non-empty stock@ cells
	certCol  string              // the column the certification date came from
	// coopProvince is the column the co-op's province came from.
	coopProvince string
	bad          map[string]bool // columns with a problem on this row
	errs         []catalog.RowError
}

// fail records a problem unless the column already has one: the first
// problem of a cell is the one worth reading.
func (r *row) fail(col, code, reason string) {
	if r.bad[col] {
		return
	}
	r.bad[col] = true
	r.errs = append(r.errs, catalog.RowError{Line: r.line, Column: col, Code: code, Reason: reason})
}

// ok reports whether none of cols has a problem.
func (r *row) ok(cols ...string) bool {
	for _, c := range cols {
		if r.bad[c] {
			return false
		}
	}
	return true
}

// text is the cell of col in NFC, trimmed; "" when the column is absent or
// the cell already failed.
func (r *row) text(col string) string {
	i, ok := r.h.index[col]
	if !ok || i >= len(r.rec.cells) || r.bad[col] {
		return ""
	}
	return catalog.NormalizeText(r.rec.cells[i])
}

// required is text, reporting an empty cell.
func (r *row) required(col string) string {
	v := r.text(col)
	if v == "" {
		r.fail(col, CodeRequired, col+" is required")
	}
	return v
}

// parseCell parses the cell of col with parse. An empty cell gives the zero
// value and true. For an .xlsx cell that parse refuses as displayed, the
// number stored in the cell is tried before the cell is reported.
func parseCell[T any](r *row, col string, date bool, parse func(string) (T, error)) (T, bool) {
	var zero T
	s := r.text(col)
	if s == "" {
		return zero, !r.bad[col]
	}
	v, err := parse(s)
	if err == nil {
		return v, true
	}
	if r.rec.alt != nil {
		if alt := r.rec.alt(r.h.index[col], date); alt != "" && alt != s {
			if v, altErr := parse(alt); altErr == nil {
				return v, true
			}
		}
	}
	r.fail(col, CodeInvalidValue, reason(s, err))
	return zero, false
}

// parseRequired is parseCell for a column that must have a value.
func parseRequired[T any](r *row, col string, date bool, parse func(string) (T, error)) (T, bool) {
	if r.required(col) == "" {
		var zero T
		return zero, false
	}
	return parseCell(r, col, date, parse)
}

// reason is a catalog error's message, naming the value unless the message
// already quotes it.
func reason(value string, err error) string {
	msg := err.Error()
	var ce *catalog.Error
	if errors.As(err, &ce) && ce.Message != "" {
		msg = ce.Message
	}
	if value == "" || strings.Contains(msg, strconv.Quote(value)) {
		return msg
	}
	return fmt.Sprintf("%q: %s", value, msg)
}

// checkCells reports text that is not UTF-8 and values under no header.
func (r *row) checkCells() {
	if r.rec.err != nil {
		r.fail("", CodeMalformed, fmt.Sprintf("the row is not valid CSV: %v", r.rec.err))
		return
	}
	for i, cell := range r.rec.cells {
		col := ""
		if i < len(r.h.names) {
			col = r.h.names[i]
		}
		switch {
		case col == "" && catalog.NormalizeText(cell) != "":
			r.fail("", CodeMalformed, fmt.Sprintf("cell %d has a value, %q, but its column has no header", i+1, cell))
		case col != "" && !utf8.ValidString(cell):
			r.fail(col, CodeInvalidValue, `the text is not UTF-8: save the file as "CSV UTF-8"`)
		}
	}
}

// readRow reads and checks every cell of a data row on its own; the builder
// then checks it against the rows before it.
func readRow(h *header, rec record) *row {
	r := &row{line: rec.line, rec: rec, h: h, bad: map[string]bool{}}
	r.checkCells()
	if rec.err != nil {
		return r
	}

	r.alliance = catalog.Alliance{
		Code:     r.required(colAllianceCode),
		Name:     r.required(colAllianceName),
		Province: r.required(colProvince),
	}
	r.check(r.alliance.Validate(), allianceFields)

	r.coopProvince = colProvince
	if r.text(colCoopProvince) != "" {
		r.coopProvince = colCoopProvince
	}
	r.coop = catalog.Coop{
		Code:     r.required(colCoopCode),
		Name:     r.required(colCoopName),
		Province: r.text(r.coopProvince),
		Commune:  r.text(colCommune),
		TaxCode:  r.text(colCoopTaxCode),
	}
	r.check(r.coop.Validate(), coopFields)

	v := catalog.Variant{
		Name: catalog.Text{VI: r.required(colVariantVI), EN: r.text(colVariantEN)},
	}
	v.SKU, _ = parseRequired(r, colSKU, false, catalog.ParseSKU)
	v.GTIN, _ = parseCell(r, colGTIN, false, catalog.ParseGTIN)
	v.NetWeightG, _ = parseCell(r, colNetWeight, false, parseCount[int])
	v.Package.LengthMM, _ = parseCell(r, colLength, false, parseCount[int])
	v.Package.WidthMM, _ = parseCell(r, colWidth, false, parseCount[int])
	v.Package.HeightMM, _ = parseCell(r, colHeight, false, parseCount[int])
	v.Package.WeightG, _ = parseCell(r, colPackWeight, false, parseCount[int])
	if price, ok := parseRequired(r, colPrice, false, catalog.ParseVND); ok {
		v.Price = price
		if price == 0 {
			r.fail(colPrice, CodeInvalidValue, "price must be more than 0 ₫")
		}
	}
	r.stock, _ = parseCell(r, colStock, false, parseCount[int64])
	r.cells = r.stockCells()

	p := catalog.Product{
		Code:        r.required(colProductCode),
		Name:        catalog.Text{VI: r.required(colProductVI), EN: r.text(colProductEN)},
		Description: catalog.Text{VI: r.text(colDescVI), EN: r.text(colDescEN)},
		Certificate: r.certificate(),
		Variants:    []catalog.Variant{v},
	}
	p.Group, _ = parseRequired(r, colGroup, false, catalog.ParseGroup)
	p.Stars, _ = parseRequired(r, colStars, false, catalog.ParseStars)
	r.checkProduct(p.Validate(), 0)
	r.product = p
	return r
}

// certificate reads ocop_certified_on, or else ocop_certified_year as
// 1 January of that year (see the package doc), and ocop_expires_on.
func (r *row) certificate() catalog.Certificate {
	c := catalog.Certificate{Number: r.text(colCertNo)}
	switch {
	case r.text(colCertOn) != "":
		r.certCol = colCertOn
		c.CertifiedOn, _ = parseCell(r, colCertOn, true, catalog.ParseDate)
	case r.text(colCertYear) != "":
		r.certCol = colCertYear
		c.CertifiedOn, _ = parseCell(r, colCertYear, false, parseYear)
	default:
		r.certCol = colCertYear
		if !r.h.has(colCertYear) {
			r.certCol = colCertOn
		}
		if r.ok(colCertYear, colCertOn) {
			r.fail(r.certCol, CodeRequired, fmt.Sprintf("%s or %s is required", colCertYear, colCertOn))
		}
	}
	c.ExpiresOn, _ = parseCell(r, colExpiresOn, true, catalog.ParseDate)
	return c
}

// check turns the FieldErrors of a catalog Validate into problems of this
// row, fields mapped to columns by fields.
func (r *row) check(err error, fields map[string]string) {
	for field, msg := range fieldErrors(err) {
		col, ok := fields[field]
		switch {
		case ok && col == "":
			continue // not in the file
		case !ok:
			col = field
		}
		r.fail(col, CodeInvalidValue, reason(r.text(col), errors.New(msg)))
	}
}

// checkProduct is check for Product.Validate; the fields of variant i are
// this row's variant columns.
func (r *row) checkProduct(err error, variant int) {
	prefix := fmt.Sprintf("variants[%d].", variant)
	for field, msg := range fieldErrors(err) {
		col, ok := productFields[field]
		switch {
		case ok && col == "":
			continue // not in the file
		case ok:
		case strings.HasPrefix(field, prefix):
			if col, ok = variantFields[strings.TrimPrefix(field, prefix)]; !ok {
				col = field
			}
		case field == "certificate.certified_on":
			col = r.certCol
		case field == "certificate.expires_on":
			col = colExpiresOn
			if r.text(colExpiresOn) == "" {
				col = r.certCol
			}
		default:
			col = field
		}
		r.fail(col, CodeInvalidValue, reason(r.text(col), errors.New(msg)))
	}
}

// fieldErrors returns the per-field reasons of a catalog validation error.
func fieldErrors(err error) map[string]string {
	if err == nil {
		return nil
	}
	var ce *catalog.Error
	if errors.As(err, &ce) && len(ce.Fields) > 0 {
		return ce.Fields
	}
	return map[string]string{"": err.Error()}
}

// parseYear reads a four-digit year as its first day.
func parseYear(s string) (catalog.Date, error) {
	y, err := strconv.Atoi(s)
	if err != nil || y < 2000 || y > 2099 {
		return catalog.Date{}, fmt.Errorf("%q is not a year from 2000 on (yyyy)", s)
	}
	return catalog.NewDate(y, time.January, 1), nil
}

// parseCount reads a whole non-negative number such as a weight or a stock
// count. Thousands may be grouped as Excel writes them ("1.400", "1,400"),
// but a decimal part is refused rather than rounded.
func parseCount[T int | int64](s string) (T, error) {
	t, neg := strings.CutPrefix(s, "-")
	var (
		n       int64
		sep     rune
		group   int // digits since the last separator
		grouped bool
		digits  int
	)
	for _, c := range t {
		switch {
		case c >= '0' && c <= '9':
			if n > (1<<53)/10 {
				return 0, fmt.Errorf("%q is too large", s)
			}
			n = n*10 + int64(c-'0')
			group++
			digits++
		case (c == '.' || c == ',' || c == ' ' || c == '\u00a0') &&
			(!grouped && group >= 1 && group <= 3 || grouped && c == sep && group == 3):
			sep, grouped, group = c, true, 0
		default:
			return 0, fmt.Errorf("%q is not a whole number", s)
		}
	}
	if digits == 0 || grouped && group != 3 {
		return 0, fmt.Errorf("%q is not a whole number", s)
	}
	if neg && n != 0 {
		return 0, fmt.Errorf("%q is negative: it must be 0 or more", s)
	}
	return T(n), nil
}

// stockCells reads the stock@ columns, with what the export read of each
// warehouse from stock_exported (nothing for a warehouse it does not name).
func (r *row) stockCells() []catalog.StockCell {
	if len(r.h.warehouses) == 0 {
		return nil
	}
	exported, err := ParseStockExported(r.text(colStockExported))
	if err != nil {
		r.fail(colStockExported, CodeInvalidValue, reason(r.text(colStockExported), err))
		return nil
	}
	var cells []catalog.StockCell
	for _, wh := range r.h.warehouses {
		col := colStockAt + wh
		if r.text(col) == "" {
			continue
		}
		n, ok := parseCell(r, col, false, parseCount[int64])
		if !ok {
			continue
		}
		c := exported[wh]
		c.Warehouse, c.OnHand = wh, n
		cells = append(cells, c)
	}
	return cells
}

// ParseStockExported reads a stock_exported cell, "MAIN=120@4; HCM=0@0",
// into the exported on-hand and level version per warehouse code.
func ParseStockExported(s string) (map[string]catalog.StockCell, error) {
	out := map[string]catalog.StockCell{}
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		wh, rest, ok1 := strings.Cut(part, "=")
		onHand, version, ok2 := strings.Cut(rest, "@")
		n, err1 := strconv.ParseInt(strings.TrimSpace(onHand), 10, 64)
		v, err2 := strconv.ParseInt(strings.TrimSpace(version), 10, 64)
		wh = strings.ToUpper(strings.TrimSpace(wh))
		if !ok1 || !ok2 || err1 != nil || err2 != nil || wh == "" || n < 0 || v < 0 {
			return nil, fmt.Errorf("%q is not what the export wrote (warehouse=on hand@version): export the catalog again", part)
		}
		out[wh] = catalog.StockCell{Warehouse: wh, Exported: n, Version: v}
	}
	return out, nil
}

// FormatStockExported writes a stock_exported cell from the levels an
// export read, in the order given.
func FormatStockExported(cells []catalog.StockCell) string {
	parts := make([]string, len(cells))
	for i, c := range cells {
		parts[i] = fmt.Sprintf("%s=%d@%d", c.Warehouse, c.Exported, c.Version)
	}
	return strings.Join(parts, "; ")
}
