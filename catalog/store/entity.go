package store

import (
	"context"

	"gorm.io/gorm"

	"ocophub/catalog"
)

// entity holds what the generic get/list/update/delete need to know about
// one simple table (alliances, co-ops, warehouses), so the three differ only
// in their rules, not in copied query code.
type entity[R any, D any] struct {
	what     string // for messages: "co-op"
	table    string
	scope    func(*gorm.DB, catalog.Scope) *gorm.DB
	asDomain func(R) D
	id       func(R) int64
}

func (e entity[R, D]) get(ctx context.Context, db *gorm.DB, id int64) (D, error) {
	var zero D
	s, err := scopeOf(ctx)
	if err != nil {
		return zero, err
	}
	var r R
	err = e.scope(db.WithContext(ctx).Table(e.table), s).Where(e.table+".id = ?", id).Take(&r).Error
	if err != nil {
		return zero, translate(err, e.what)
	}
	return e.asDomain(r), nil
}

func (e entity[R, D]) list(ctx context.Context, db *gorm.DB, q catalog.ListQuery, filter func(*gorm.DB) *gorm.DB) ([]D, string, error) {
	s, err := scopeOf(ctx)
	if err != nil {
		return nil, "", err
	}
	query, err := page(e.scope(db.WithContext(ctx).Table(e.table), s), e.table, q)
	if err != nil {
		return nil, "", err
	}
	if filter != nil {
		query = filter(query)
	}
	var rows []R
	if err := query.Find(&rows).Error; err != nil {
		return nil, "", translate(err, e.what)
	}
	rows, next := nextCursor(rows, q.Limit, e.id)
	out := make([]D, len(rows))
	for i, r := range rows {
		out[i] = e.asDomain(r)
	}
	return out, next, nil
}

// update writes every column of row where id and version match inside the
// scope, bumping the version. No row matched means stale (conflict) or
// invisible (not_found); a second read tells which.
func (e entity[R, D]) update(ctx context.Context, db *gorm.DB, id, version int64, row *R, omit ...string) error {
	s, err := scopeOf(ctx)
	if err != nil {
		return err
	}
	omit = append(omit, "id", "created_at")
	res := e.scope(db.WithContext(ctx).Model(row), s).
		Where(e.table+".id = ? AND "+e.table+".version = ?", id, version).
		Select("*").Omit(omit...).Updates(row)
	if res.Error != nil {
		return translate(res.Error, e.what)
	}
	if res.RowsAffected == 0 {
		return e.staleOrMissing(ctx, db, id)
	}
	return nil
}

func (e entity[R, D]) delete(ctx context.Context, db *gorm.DB, id, version int64) error {
	s, err := scopeOf(ctx)
	if err != nil {
		return err
	}
	res := e.scope(db.WithContext(ctx).Table(e.table), s).
		Where(e.table+".id = ? AND "+e.table+".version = ?", id, version).Delete(new(R))
	if res.Error != nil {
		return translate(res.Error, e.what)
	}
	if res.RowsAffected == 0 {
		return e.staleOrMissing(ctx, db, id)
	}
	return nil
}

func (e entity[R, D]) staleOrMissing(ctx context.Context, db *gorm.DB, id int64) error {
	if _, err := e.get(ctx, db, id); err != nil {
		return err
	}
	return &catalog.Error{Code: catalog.CodeConflict,
		Message: e.what + " was changed by someone else; reload it and try again"}
}
