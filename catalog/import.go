package catalog

import (
	"fmt"
	"sort"
)

// ImportBatch is a whole catalog file, parsed and grouped: alliances, their
// co-ops, the co-ops' products with variants, and opening stock. Every part
// keeps the file line it came from so errors found later (a SKU already used
// by another product, say) still name the line.
type ImportBatch struct {
	Alliances []ImportAlliance
	Coops     []ImportCoop
	Products  []ImportProduct
}

// ImportAlliance is an alliance row, matched by code.
type ImportAlliance struct {
	Line     int
	Alliance Alliance
}

// ImportCoop is a co-op row, matched by code, belonging to AllianceCode.
type ImportCoop struct {
	Line         int
	AllianceCode string
	Coop         Coop
}

// ImportProduct is a product of CoopCode, matched by (co-op, product code);
// its variants are matched by (co-op, SKU). Lines[i] is the file line of
// Product.Variants[i]; OpeningStock[i] is its opening on-hand quantity;
// Stock[i], when present, its per-warehouse cells of an exported file
// (StockCell: applied only where edited, and only to unmoved stock).
type ImportProduct struct {
	CoopCode     string
	Product      Product
	Lines        []int
	OpeningStock []int64
	Stock        [][]StockCell
}

// ImportOptions change how Import treats bad rows.
type ImportOptions struct {
	// SkipInvalid writes the valid products and skips the ones with an
	// error; without it one bad row means nothing is written.
	SkipInvalid bool
	// DryRun validates against the database and writes nothing.
	DryRun bool
	Actor  string
}

// RowError is one problem in an import file: its line (1 is the header),
// column name and a reason a person can act on.
type RowError struct {
	Line   int    `json:"line"`
	Column string `json:"column"`
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

func (e RowError) String() string {
	return fmt.Sprintf("line %d, column %s: %s", e.Line, e.Column, e.Reason)
}

// Counts of what an import did to one kind of object.
type Counts struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// ImportReport says what an import did. Opening stock applies only to a
// variant that has no stock level yet: a re-import never overwrites stock
// that orders have since moved.
type ImportReport struct {
	Rows             int        `json:"rows"`
	Written          bool       `json:"written"`
	Alliances        Counts     `json:"alliances"`
	Coops            Counts     `json:"coops"`
	Products         Counts     `json:"products"`
	Variants         Counts     `json:"variants"`
	OpeningStockSet  int        `json:"opening_stock_set"`
	OpeningStockKept int        `json:"opening_stock_kept"`
	StockChanged     int        `json:"stock_changed"` // stock@ cells applied
	StockUnchanged   int        `json:"stock_unchanged"`
	SkippedRows      int        `json:"skipped_rows"`
	Errors           []RowError `json:"errors"`
}

// SortErrors orders errors by line, then column, so reports read top-down.
func (r *ImportReport) SortErrors() {
	sort.SliceStable(r.Errors, func(i, j int) bool {
		if r.Errors[i].Line != r.Errors[j].Line {
			return r.Errors[i].Line < r.Errors[j].Line
		}
		return r.Errors[i].Column < r.Errors[j].Column
	})
}

// ImportRejected is the invalid_argument error of an import that had bad
// rows while SkipInvalid was off: nothing was written.
func ImportRejected(r ImportReport) error {
	return &Error{Code: CodeInvalidArgument,
		Message: fmt.Sprintf("%d error(s) in the file; nothing was imported", len(r.Errors))}
}
