package catalog

import (
	"context"
	"strings"
)

// ListQuery selects a page of a list. Cursor is opaque: the NextCursor of the
// previous page. Lists are ordered by id, so a page never repeats or skips a
// row while others are inserted.
type ListQuery struct {
	Limit    int    // 1..MaxLimit, 0 means DefaultLimit
	Cursor   string // "" for the first page
	CoopID   int64  // products, warehouses: only this co-op
	Stars    Stars  // products: only this rating
	Group    Group  // products: only this group
	Q        string // products: search in names, codes and SKUs, ignoring case and diacritics
	Alliance int64  // co-ops: only this alliance
	Archived bool   // products: the archived ones instead of the others
}

// Page sizes of list endpoints.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// Normalize applies the default limit and rejects bad values.
func (q *ListQuery) Normalize() error {
	fe := FieldErrors{}
	switch {
	case q.Limit == 0:
		q.Limit = DefaultLimit
	case q.Limit < 0 || q.Limit > MaxLimit:
		fe.Add("limit", "limit must be between 1 and 200")
	}
	if q.Stars != 0 {
		fe.Check("stars", q.Stars.Validate())
	}
	if q.Group != "" {
		fe.Check("group", q.Group.Validate())
	}
	q.Q = strings.Join(SearchTerms(Fold(q.Q)), " ")
	checkSearch(fe, q.Q)
	return fe.Err()
}

// Store keeps the catalog. Every method reads the caller's Scope from ctx
// (WithScope) and fails closed with permission_denied when there is none;
// objects outside the scope are not_found. Updates and deletes carry the
// version the caller read and fail with conflict when it is stale.
//
// Errors are *Error with codes not_found, conflict, invalid_argument,
// insufficient_stock and permission_denied; anything else is internal.
type Store interface {
	CreateAlliance(ctx context.Context, a *Alliance) error
	Alliance(ctx context.Context, id int64) (Alliance, error)
	ListAlliances(ctx context.Context, q ListQuery) (items []Alliance, next string, err error)
	UpdateAlliance(ctx context.Context, a *Alliance) error
	DeleteAlliance(ctx context.Context, id, version int64) error

	CreateCoop(ctx context.Context, c *Coop) error
	Coop(ctx context.Context, id int64) (Coop, error)
	ListCoops(ctx context.Context, q ListQuery) (items []Coop, next string, err error)
	UpdateCoop(ctx context.Context, c *Coop) error
	DeleteCoop(ctx context.Context, id, version int64) error

	CreateWarehouse(ctx context.Context, w *Warehouse) error
	Warehouse(ctx context.Context, id int64) (Warehouse, error)
	ListWarehouses(ctx context.Context, q ListQuery) (items []Warehouse, next string, err error)
	UpdateWarehouse(ctx context.Context, w *Warehouse) error
	DeleteWarehouse(ctx context.Context, id, version int64) error

	// CreateProduct stores a product and its variants. SKUs are unique
	// within the co-op and GTINs across the hub (conflict otherwise).
	CreateProduct(ctx context.Context, p *Product, opening ...OpeningStock) error
	Product(ctx context.Context, id int64) (Product, error)
	ListProducts(ctx context.Context, q ListQuery) (items []Product, next string, err error)
	// UpdateProduct replaces the product's fields and its variant list:
	// variants are matched by SKU; a dropped variant that still has stock
	// fails with failed_precondition.
	UpdateProduct(ctx context.Context, p *Product) error
	DeleteProduct(ctx context.Context, id, version int64) error
	// ArchiveProduct archives (true) or restores (false) a product at
	// version: archived, it is delisted everywhere and left out of lists,
	// its history kept.
	ArchiveProduct(ctx context.Context, id, version int64, archived bool) (Product, error)

	// StockLevels lists a variant's stock per warehouse.
	StockLevels(ctx context.Context, variantID int64) ([]StockLevel, error)
	// ChangeStock applies one stock operation in one transaction that locks
	// the level row, checks availability, bumps the version, writes a ledger
	// Movement and a TopicStockChanged outbox event.
	ChangeStock(ctx context.Context, c StockChange) (StockLevel, error)
	// Movements lists a variant's ledger, newest first.
	Movements(ctx context.Context, variantID int64, q ListQuery) (items []Movement, next string, err error)

	// ReceiveLot stores a lot and adds its quantity to stock in one
	// transaction (a ledger Movement naming the lot); a code the variant
	// already has is conflict, a variant or warehouse out of scope
	// invalid_argument on its field.
	ReceiveLot(ctx context.Context, l *Lot) error
	// Lots lists a variant's lots, newest first (none outside the scope).
	Lots(ctx context.Context, variantID int64) ([]Lot, error)
	// Lot reads one lot (not_found outside the scope).
	Lot(ctx context.Context, id int64) (Lot, error)
	// Trace reads what a buyer may see of a lot, by GTIN and lot code.
	Trace(ctx context.Context, gtin GTIN, code string) (Trace, error)

	// Import upserts a whole catalog batch in one transaction (see Import).
	Import(ctx context.Context, b *ImportBatch, opts ImportOptions) (ImportReport, error)
}

type scopeKey struct{}

// WithScope returns ctx carrying the tenant scope the store applies.
func WithScope(ctx context.Context, s Scope) context.Context {
	return context.WithValue(ctx, scopeKey{}, s)
}

// ScopeFrom returns the scope in ctx, the zero Scope if none.
func ScopeFrom(ctx context.Context) Scope {
	s, _ := ctx.Value(scopeKey{}).(Scope)
	return s
}
