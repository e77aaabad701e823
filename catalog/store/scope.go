package store

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"ocophub/catalog"
)

// scopeOf returns the caller's scope or permission_denied: a call that
// reached the store without a tenant is a bug, and failing closed keeps it
// from becoming a leak.
func scopeOf(ctx context.Context) (catalog.Scope, error) {
	s := catalog.ScopeFrom(ctx)
	if s.IsZero() {
		return s, &catalog.Error{Code: catalog.CodePermissionDenied, Message: "no tenant scope"}
	}
	return s, nil
}

// allowed returns the caller's scope, or permission_denied when its role
// may not do p. Handlers check the same table first; this keeps a route
// that forgot from acting for a role that may not.
func allowed(ctx context.Context, p catalog.Permission) (catalog.Scope, error) {
	s, err := scopeOf(ctx)
	if err != nil {
		return s, err
	}
	if !s.Can(p) {
		return s, catalog.Errorf(catalog.CodePermissionDenied, "a %s may not do %s", roleName(s.Role()), p)
	}
	return s, nil
}

func roleName(r catalog.Role) string { return strings.ReplaceAll(string(r), "_", " ") }

// staffTables are the tables a consent grant opens to alliance staff: the
// co-op's products and their variants (stock is read through a variant).
// Shops, orders, warehouses and the rest stay the co-op's own.
var staffTables = map[string]bool{"products": true, "variants": true}

// ownedBy limits a table with a coop_id column to the scope's co-ops.
func ownedBy(db *gorm.DB, s catalog.Scope, table string) *gorm.DB {
	switch {
	case s.IsOperator():
		return db
	case s.IsStaff():
		if !staffTables[table] {
			return db.Where("1 = 0")
		}
		return db.Where(table+".coop_id IN ?", s.GrantedCoops())
	case s.AllianceID() != 0:
		return db.Where(table+".coop_id IN (SELECT id FROM coops WHERE alliance_id = ?)", s.AllianceID())
	default:
		return db.Where(table+".coop_id IN ?", s.CoopIDs())
	}
}

// coopsIn limits the coops table to the scope. Staff see their alliance's
// directory of co-ops (to know whom to ask for consent), not their data.
func coopsIn(db *gorm.DB, s catalog.Scope) *gorm.DB {
	switch {
	case s.IsOperator():
		return db
	case s.IsStaff():
		return db.Where("coops.alliance_id = ?", s.StaffAllianceID())
	case s.AllianceID() != 0:
		return db.Where("coops.alliance_id = ?", s.AllianceID())
	default:
		return db.Where("coops.id IN ?", s.CoopIDs())
	}
}

// alliancesIn limits the alliances table to the scope: a co-op sees the
// alliance it belongs to, staff the one they work for.
func alliancesIn(db *gorm.DB, s catalog.Scope) *gorm.DB {
	switch {
	case s.IsOperator():
		return db
	case s.IsStaff():
		return db.Where("alliances.id = ?", s.StaffAllianceID())
	case s.AllianceID() != 0:
		return db.Where("alliances.id = ?", s.AllianceID())
	default:
		return db.Where("alliances.id IN (SELECT alliance_id FROM coops WHERE id IN ?)", s.CoopIDs())
	}
}

// page applies cursor and limit to an id-ordered query; it fetches one row
// more than the limit to learn whether there is a next page.
func page(db *gorm.DB, table string, q catalog.ListQuery) (*gorm.DB, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	if q.Cursor != "" {
		after, err := decodeCursor(q.Cursor)
		if err != nil {
			return nil, err
		}
		db = db.Where(table+".id > ?", after)
	}
	return db.Order(table + ".id").Limit(q.Limit + 1), nil
}

// newestFirst reads a page of rows from db (already filtered) by
// descending id, for logs read from the latest entry back (the stock
// ledger, an audit log), and converts them.
func newestFirst[R, D any](db *gorm.DB, q catalog.ListQuery, what string, id func(R) int64, asDomain func(R) D) ([]D, string, error) {
	if err := q.Normalize(); err != nil {
		return nil, "", err
	}
	if q.Cursor != "" {
		before, err := decodeCursor(q.Cursor)
		if err != nil {
			return nil, "", err
		}
		db = db.Where("id < ?", before)
	}
	var rows []R
	if err := db.Order("id DESC").Limit(q.Limit + 1).Find(&rows).Error; err != nil {
		return nil, "", translate(err, what)
	}
	rows, next := nextCursor(rows, q.Limit, id)
	out := make([]D, len(rows))
	for i, r := range rows {
		out[i] = asDomain(r)
	}
	return out, next, nil
}

// nextCursor trims the extra row fetched by page and returns the cursor of
// the next page, "" at the end.
func nextCursor[R any](rows []R, limit int, id func(R) int64) ([]R, string) {
	if limit == 0 {
		limit = catalog.DefaultLimit
	}
	if len(rows) <= limit {
		return rows, ""
	}
	rows = rows[:limit]
	return rows, encodeCursor(id(rows[limit-1]))
}

func encodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(id, 10)))
}

func decodeCursor(c string) (int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil {
		if id, err := strconv.ParseInt(string(b), 10, 64); err == nil && id >= 0 {
			return id, nil
		}
	}
	return 0, &catalog.Error{Code: catalog.CodeInvalidArgument, Message: "cursor is not valid",
		Fields: map[string]string{"cursor": "use next_cursor of the previous page"}}
}
