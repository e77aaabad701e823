package csvimport

import (
	"fmt"
	"strconv"

	"ocophub/catalog"
)

// builder groups rows into alliances, co-ops and products, checking each row
// against the rows before it.
type builder struct {
	h    *header
	rows int
	errs []catalog.RowError
	more int // problems past MaxErrors
	last int // line of the last row

	alliances map[string]*allianceEntry
	coops     map[string]*coopEntry
	products  map[productKey]*productEntry
	skus      map[productKey]int // (co-op, SKU) -> first line
	gtins     map[catalog.GTIN]int

	allianceOrder []*allianceEntry
	coopOrder     []*coopEntry
	productOrder  []*productEntry
}

// The first row that names an alliance, co-op or product with valid values
// founds it; later rows must agree with it.
type (
	allianceEntry struct {
		line     int
		alliance catalog.Alliance
	}
	coopEntry struct {
		line         int
		allianceCode string
		coop         catalog.Coop
	}
	productEntry struct {
		line     int
		coopCode string
		certCol  string
		product  catalog.Product // Variants: the valid rows only
		lines    []int
		stock    []int64
		cells    [][]catalog.StockCell
	}
	productKey struct{ coop, code string }
)

func newBuilder(h *header) *builder {
	return &builder{
		h:         h,
		alliances: map[string]*allianceEntry{},
		coops:     map[string]*coopEntry{},
		products:  map[productKey]*productEntry{},
		skus:      map[productKey]int{},
		gtins:     map[catalog.GTIN]int{},
	}
}

func (b *builder) report(errs ...catalog.RowError) {
	for _, e := range errs {
		if len(b.errs) < MaxErrors {
			b.errs = append(b.errs, e)
		} else {
			b.more++
		}
	}
}

// add reads one data row, checks it against the rows before it and keeps
// its variant when it has no problem.
func (b *builder) add(rec record) {
	b.last = rec.line
	r := readRow(b.h, rec)
	if rec.err == nil {
		b.checkAlliance(r)
		b.checkCoop(r)
		p := b.checkProduct(r)
		b.checkVariant(r)
		if len(r.errs) == 0 && p != nil {
			p.product.Variants = append(p.product.Variants, r.product.Variants[0])
			p.lines = append(p.lines, r.line)
			p.stock = append(p.stock, r.stock)
			p.cells = append(p.cells, r.cells)
		}
	}
	sortErrors(r.errs)
	b.report(r.errs...)
}

func (b *builder) checkAlliance(r *row) {
	if !r.ok(colAllianceCode) {
		return
	}
	code := r.alliance.Code
	if a, ok := b.alliances[code]; ok {
		what := "alliance " + code
		r.differs(colAllianceName, r.alliance.Name, a.alliance.Name, a.line, what)
		r.differs(colProvince, r.alliance.Province, a.alliance.Province, a.line, what)
		return
	}
	if r.ok(allianceColumns...) {
		a := &allianceEntry{line: r.line, alliance: r.alliance}
		b.alliances[code] = a
		b.allianceOrder = append(b.allianceOrder, a)
	}
}

func (b *builder) checkCoop(r *row) {
	if !r.ok(colCoopCode) {
		return
	}
	code := r.coop.Code
	if c, ok := b.coops[code]; ok {
		if r.ok(colAllianceCode) && r.alliance.Code != c.allianceCode {
			r.fail(colAllianceCode, CodeInconsistent, fmt.Sprintf(
				"co-op %s is under alliance %s on line %d; a co-op belongs to one alliance", code, c.allianceCode, c.line))
		}
		what := "co-op " + code
		r.differs(colCoopName, r.coop.Name, c.coop.Name, c.line, what)
		r.differs(r.coopProvince, r.coop.Province, c.coop.Province, c.line, what)
		r.differs(colCommune, r.coop.Commune, c.coop.Commune, c.line, what)
		r.differs(colCoopTaxCode, r.coop.TaxCode, c.coop.TaxCode, c.line, what)
		return
	}
	if r.ok(coopColumns...) {
		c := &coopEntry{line: r.line, allianceCode: r.alliance.Code, coop: r.coop}
		b.coops[code] = c
		b.coopOrder = append(b.coopOrder, c)
	}
}

// checkProduct returns the product of the row, nil when the row names none.
func (b *builder) checkProduct(r *row) *productEntry {
	if !r.ok(colCoopCode, colProductCode) {
		return nil
	}
	key := productKey{r.coop.Code, r.product.Code}
	p, ok := b.products[key]
	if !ok {
		if !r.ok(productColumns...) {
			return nil
		}
		p = &productEntry{line: r.line, coopCode: r.coop.Code, certCol: r.certCol, product: r.product}
		p.product.Variants = nil
		b.products[key] = p
		b.productOrder = append(b.productOrder, p)
		return p
	}
	was, now, what := p.product, r.product, "product "+key.code
	r.differs(colProductVI, now.Name.VI, was.Name.VI, p.line, what)
	r.differs(colProductEN, now.Name.EN, was.Name.EN, p.line, what)
	r.differs(colDescVI, now.Description.VI, was.Description.VI, p.line, what)
	r.differs(colDescEN, now.Description.EN, was.Description.EN, p.line, what)
	if now.Group != "" && was.Group != now.Group {
		r.differs(colGroup, now.Group.Vietnamese(), was.Group.Vietnamese(), p.line, what)
	}
	if now.Stars != 0 {
		r.differs(colStars, strconv.Itoa(int(now.Stars)), strconv.Itoa(int(was.Stars)), p.line, what)
	}
	if !now.Certificate.CertifiedOn.IsZero() {
		r.differs(r.certCol, certText(now.Certificate.CertifiedOn, r.certCol),
			certText(was.Certificate.CertifiedOn, r.certCol), p.line, what)
		if now.Certificate.CertifiedOn == was.Certificate.CertifiedOn {
			col := colExpiresOn
			if !r.h.has(colExpiresOn) {
				col = r.certCol
			}
			r.differs(col, now.Certificate.ExpiresOn.String(), was.Certificate.ExpiresOn.String(), p.line, what)
		}
	}
	r.differs(colCertNo, now.Certificate.Number, was.Certificate.Number, p.line, what)
	return p
}

// certText shows a certification date as the column has it.
func certText(d catalog.Date, col string) string {
	if col == colCertYear && len(d.String()) >= 4 {
		return d.String()[:4]
	}
	return d.String()
}

// differs reports col when this row's value differs from the one on an
// earlier line for the same object.
func (r *row) differs(col, now, was string, wasLine int, what string) {
	if !r.ok(col) || now == was {
		return
	}
	r.fail(col, CodeInconsistent, fmt.Sprintf("%q differs from %q on line %d for %s", now, was, wasLine, what))
}

func (b *builder) checkVariant(r *row) {
	v := r.product.Variants[0]
	if r.ok(colCoopCode, colSKU) {
		key := productKey{r.coop.Code, string(v.SKU)}
		if line, dup := b.skus[key]; dup {
			r.fail(colSKU, CodeDuplicate, fmt.Sprintf("SKU %s is already on line %d for co-op %s", v.SKU, line, key.coop))
		} else {
			b.skus[key] = r.line
		}
	}
	if v.GTIN != "" && r.ok(colGTIN) {
		if line, dup := b.gtins[v.GTIN]; dup {
			r.fail(colGTIN, CodeDuplicate, fmt.Sprintf("GTIN %s is already on line %d", v.GTIN, line))
		} else {
			b.gtins[v.GTIN] = r.line
		}
	}
}

// finish builds the batch from the valid rows. An alliance or co-op is in it
// only when one of its products is, with the line of its first valid row.
func (b *builder) finish() *catalog.ImportBatch {
	batch := &catalog.ImportBatch{}
	coopLine := map[string]int{}
	for _, p := range b.productOrder {
		if !b.revalidate(p) {
			continue
		}
		batch.Products = append(batch.Products, catalog.ImportProduct{
			CoopCode:     p.coopCode,
			Product:      p.product,
			Lines:        p.lines,
			OpeningStock: p.stock,
			Stock:        p.cells,
		})
		if l, ok := coopLine[p.coopCode]; !ok || p.lines[0] < l {
			coopLine[p.coopCode] = p.lines[0]
		}
	}
	allianceLine := map[string]int{}
	for _, c := range b.coopOrder {
		line, ok := coopLine[c.coop.Code]
		if !ok {
			continue
		}
		batch.Coops = append(batch.Coops, catalog.ImportCoop{Line: line, AllianceCode: c.allianceCode, Coop: c.coop})
		if l, ok := allianceLine[c.allianceCode]; !ok || line < l {
			allianceLine[c.allianceCode] = line
		}
	}
	for _, a := range b.allianceOrder {
		if line, ok := allianceLine[a.alliance.Code]; ok {
			batch.Alliances = append(batch.Alliances, catalog.ImportAlliance{Line: line, Alliance: a.alliance})
		}
	}
	if b.more > 0 {
		b.errs = append(b.errs, catalog.RowError{Line: b.last, Code: CodeTooManyErrors, Reason: fmt.Sprintf(
			"%d more problems are not listed: fix the ones above and try again", b.more)})
	}
	sortErrors(b.errs)
	return batch
}

// revalidate runs Product.Validate on the whole product, as the store will.
// Every row passed it on its own, so this only guards rules that span
// variants; a variant it refuses is dropped and reported on its line. It
// reports whether the product still has variants.
func (b *builder) revalidate(p *productEntry) bool {
	for len(p.product.Variants) > 0 {
		fields := fieldErrors(p.product.Validate())
		delete(fields, "coop_id") // assigned when the batch is imported
		if len(fields) == 0 {
			return true
		}
		drop := map[int]bool{}
		for field, msg := range fields {
			i, col, ok := variantField(p, field)
			if !ok {
				// A product-level rule: every row of the product shares it.
				for _, line := range p.lines {
					b.report(catalog.RowError{Line: line, Column: col, Code: CodeInvalidValue, Reason: msg})
				}
				return false
			}
			b.report(catalog.RowError{Line: p.lines[i], Column: col, Code: CodeInvalidValue, Reason: msg})
			drop[i] = true
		}
		keep := 0
		for i := range p.product.Variants {
			if !drop[i] {
				p.product.Variants[keep], p.lines[keep], p.stock[keep] = p.product.Variants[i], p.lines[i], p.stock[i]
				p.cells[keep] = p.cells[i]
				keep++
			}
		}
		p.product.Variants, p.lines, p.stock = p.product.Variants[:keep], p.lines[:keep], p.stock[:keep]
		p.cells = p.cells[:keep]
	}
	return false
}

// variantField maps a Product.Validate field path to a column, with the
// variant index for "variants[i]." paths; ok is false for a product field.
func variantField(p *productEntry, field string) (i int, col string, ok bool) {
	var sub string
	if n, _ := fmt.Sscanf(field, "variants[%d].%s", &i, &sub); n == 2 && i >= 0 && i < len(p.lines) {
		if col, ok = variantFields[sub]; !ok {
			col = sub
		}
		return i, col, true
	}
	switch col = productFields[field]; {
	case col != "":
	case field == "certificate.certified_on":
		col = p.certCol
	case field == "certificate.expires_on":
		col = colExpiresOn
	default:
		col = field
	}
	return 0, col, false
}
