package csvimport

import (
	"fmt"
	"strings"

	"ocophub/catalog"
)

// Column names of the import format.
const (
	colAllianceCode = "alliance_code"
	colAllianceName = "alliance_name"
	colProvince     = "province"
	// colCoopProvince is the co-op's province when it differs from its
	// alliance's; without it (or empty) the co-op is in province.
	colCoopProvince = "coop_province"
	colCoopCode     = "coop_code"
	colCoopName     = "coop_name"
	colCommune      = "commune"
	colCoopTaxCode  = "coop_tax_code"
	colProductCode  = "product_code"
	colProductVI    = "product_name_vi"
	colProductEN    = "product_name_en"
	colGroup        = "ocop_group"
	colStars        = "ocop_stars"
	colCertYear     = "ocop_certified_year"
	colCertOn       = "ocop_certified_on"
	colExpiresOn    = "ocop_expires_on"
	colCertNo       = "ocop_certificate_no"
	colDescVI       = "description_vi"
	colDescEN       = "description_en"
	colSKU          = "sku"
	colVariantVI    = "variant_name_vi"
	colVariantEN    = "variant_name_en"
	colGTIN         = "gtin13"
	colNetWeight    = "net_weight_g"
	colLength       = "length_mm"
	colWidth        = "width_mm"
	colHeight       = "height_mm"
	colPackWeight   = "package_weight_g"
	colPrice        = "price_vnd"
	colStock        = "stock"

	// colStockAt prefixes a warehouse's stock column: "stock@MAIN" is the
	// on-hand quantity in the co-op's warehouse MAIN. An export writes one
	// per warehouse code of the co-ops it covers.
	colStockAt = "stock@"
	// colStockExported records what an export read, "MAIN=120@4; HCM=0@0"
	// (warehouse=on hand@level version), so a re-import applies only the
	// stock cells a person changed, and only to stock nothing moved since.
	colStockExported = "stock_exported"
)

// requiredColumns must be in the header and have a value on every row. The
// certification is required too, but may come from either colCertYear or
// colCertOn.
var requiredColumns = []string{
	colAllianceCode, colAllianceName, colProvince, colCoopCode, colCoopName,
	colProductCode, colProductVI, colGroup, colStars, colSKU, colVariantVI, colPrice,
}

// knownColumns is every column of the format.
var knownColumns = map[string]bool{}

func init() {
	for _, c := range []string{
		colAllianceCode, colAllianceName, colProvince, colCoopProvince, colCoopCode, colCoopName, colCommune,
		colCoopTaxCode, colProductCode, colProductVI, colProductEN, colGroup, colStars,
		colCertYear, colCertOn, colExpiresOn, colCertNo, colDescVI, colDescEN, colSKU,
		colVariantVI, colVariantEN, colGTIN, colNetWeight, colLength, colWidth, colHeight,
		colPackWeight, colPrice, colStock, colStockExported,
	} {
		knownColumns[c] = true
	}
}

// Columns of each object: a row may found or be compared with an alliance,
// co-op or product only when these columns of it are free of errors.
var (
	allianceColumns = []string{colAllianceCode, colAllianceName, colProvince}
	coopColumns     = []string{colCoopCode, colCoopName, colProvince, colCoopProvince, colCommune, colCoopTaxCode, colAllianceCode}
	productColumns  = []string{
		colCoopCode, colProductCode, colProductVI, colProductEN, colDescVI, colDescEN,
		colGroup, colStars, colCertYear, colCertOn, colExpiresOn, colCertNo,
	}
)

// JSON field paths of the catalog Validate methods, mapped to columns. An
// empty column means the field is not in the file: alliance_id and coop_id
// are assigned by the store when the batch is imported.
var (
	allianceFields = map[string]string{"code": colAllianceCode, "name": colAllianceName, "province": colProvince}
	coopFields     = map[string]string{
		"code": colCoopCode, "name": colCoopName, "province": colProvince, "commune": colCommune,
		"tax_code": colCoopTaxCode, "alliance_id": "",
	}
	productFields = map[string]string{
		"coop_id": "", "code": colProductCode, "name.vi": colProductVI, "name.en": colProductEN,
		"description.vi": colDescVI, "description.en": colDescEN, "group": colGroup, "stars": colStars,
		"certificate.number": colCertNo, "variants": colSKU,
		// certificate.certified_on and expires_on depend on the row: see certColumns.
	}
	variantFields = map[string]string{
		"sku": colSKU, "name.vi": colVariantVI, "name.en": colVariantEN, "gtin13": colGTIN,
		"net_weight_g": colNetWeight, "package": colPackWeight, "price": colPrice,
	}
)

// header maps the header row's cells to columns.
type header struct {
	line  int
	names []string       // column of each cell, "" for a blank header cell
	index map[string]int // cell of each column present
	// warehouses are the codes of the stock@ columns, in header order.
	warehouses []string
}

func (h *header) has(col string) bool { _, ok := h.index[col]; return ok }

// readHeader reads the header row. Any problem in it makes the file
// unusable: the rows cannot be read right under a misspelt or missing column.
func readHeader(rec record) (*header, []catalog.RowError) {
	h := &header{line: rec.line, names: make([]string, len(rec.cells)), index: map[string]int{}}
	var errs []catalog.RowError
	fail := func(col, code, reason string) {
		errs = append(errs, catalog.RowError{Line: rec.line, Column: col, Code: code, Reason: reason})
	}
	for i, cell := range rec.cells {
		written := catalog.NormalizeText(strings.TrimPrefix(cell, "\ufeff"))
		name := strings.ToLower(written)
		wh, perWarehouse := strings.CutPrefix(name, colStockAt)
		if perWarehouse {
			name = colStockAt + strings.ToUpper(wh)
		}
		switch j, dup := h.index[name]; {
		case name == "":
			continue
		case perWarehouse && wh == "":
			fail(written, CodeUnknownColumn, fmt.Sprintf("column %q names no warehouse: write stock@ and the warehouse code, as stock@MAIN", written))
		case !perWarehouse && !knownColumns[name]:
			fail(written, CodeUnknownColumn, fmt.Sprintf("unknown column %q", written))
		case dup:
			fail(name, CodeDuplicate, fmt.Sprintf("column %s appears twice (cells %d and %d)", name, j+1, i+1))
		default:
			h.names[i] = name
			h.index[name] = i
			if perWarehouse {
				h.warehouses = append(h.warehouses, strings.ToUpper(wh))
			}
		}
	}
	for _, col := range requiredColumns {
		if !h.has(col) {
			fail(col, CodeMissingColumn, fmt.Sprintf("the header has no %s column", col))
		}
	}
	if !h.has(colCertYear) && !h.has(colCertOn) {
		fail(colCertYear, CodeMissingColumn,
			fmt.Sprintf("the header has no %s column (or %s)", colCertYear, colCertOn))
	}
	return h, errs
}
