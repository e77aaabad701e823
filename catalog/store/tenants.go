package store

import (
	"context"

	"gorm.io/gorm"

	"ocophub/catalog"
)

var (
	alliances = entity[allianceRow, catalog.Alliance]{what: "alliance", table: "alliances", scope: alliancesIn,
		asDomain: allianceRow.asDomain, id: func(r allianceRow) int64 { return r.ID }}
	coops = entity[coopRow, catalog.Coop]{what: "co-op", table: "coops", scope: coopsIn,
		asDomain: coopRow.asDomain, id: func(r coopRow) int64 { return r.ID }}
	warehouses = entity[warehouseRow, catalog.Warehouse]{what: "warehouse", table: "warehouses",
		scope:    func(db *gorm.DB, s catalog.Scope) *gorm.DB { return ownedBy(db, s, "warehouses") },
		asDomain: warehouseRow.asDomain, id: func(r warehouseRow) int64 { return r.ID }}
)

// CreateAlliance adds an alliance; only the operator may.
func (s *Store) CreateAlliance(ctx context.Context, a *catalog.Alliance) error {
	sc, err := scopeOf(ctx)
	if err != nil {
		return err
	}
	if !sc.IsOperator() {
		return &catalog.Error{Code: catalog.CodePermissionDenied, Message: "only the operator can add alliances"}
	}
	if err := a.Validate(); err != nil {
		return err
	}
	row := toAllianceRow(a)
	row.ID, row.Version = 0, 1
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return translate(err, "alliance "+a.Code)
	}
	*a = row.asDomain()
	return nil
}

// Alliance reads one alliance.
func (s *Store) Alliance(ctx context.Context, id int64) (catalog.Alliance, error) {
	return alliances.get(ctx, s.db, id)
}

// ListAlliances lists the alliances in scope.
func (s *Store) ListAlliances(ctx context.Context, q catalog.ListQuery) ([]catalog.Alliance, string, error) {
	return alliances.list(ctx, s.db, q, nil)
}

// UpdateAlliance writes a.Name, Code and Province if a.Version is current.
// Only the operator and the alliance itself may: its co-ops see it but do
// not own it.
func (s *Store) UpdateAlliance(ctx context.Context, a *catalog.Alliance) error {
	if _, err := s.Alliance(ctx, a.ID); err != nil {
		return err
	}
	if sc := catalog.ScopeFrom(ctx); !sc.IsOperator() && sc.AllianceID() != a.ID {
		return &catalog.Error{Code: catalog.CodePermissionDenied, Message: "only the operator or the alliance itself can change an alliance"}
	}
	if err := a.Validate(); err != nil {
		return err
	}
	row := toAllianceRow(a)
	row.Version = a.Version + 1
	row.UpdatedAt = s.now().UTC()
	if err := alliances.update(ctx, s.db, a.ID, a.Version, &row); err != nil {
		return err
	}
	*a, _ = alliances.get(ctx, s.db, a.ID)
	return nil
}

// DeleteAlliance removes an alliance that has no co-ops left. An alliance
// the caller does not see is not_found before its role is judged, like
// every other object.
func (s *Store) DeleteAlliance(ctx context.Context, id, version int64) error {
	if _, err := s.Alliance(ctx, id); err != nil {
		return err
	}
	if !catalog.ScopeFrom(ctx).IsOperator() {
		return &catalog.Error{Code: catalog.CodePermissionDenied, Message: "only the operator can remove alliances"}
	}
	return alliances.delete(ctx, s.db, id, version)
}

// CreateCoop adds a co-op to an alliance the caller's scope covers.
func (s *Store) CreateCoop(ctx context.Context, c *catalog.Coop) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if _, err := s.Alliance(ctx, c.AllianceID); err != nil {
		return fieldNotFound(err, "alliance_id", "alliance not found")
	}
	sc, err := allowed(ctx, catalog.PermTenantWrite)
	if err != nil {
		return err
	}
	if !sc.IsOperator() && sc.AllianceID() != c.AllianceID {
		return &catalog.Error{Code: catalog.CodePermissionDenied, Message: "only the alliance can add co-ops"}
	}
	row := toCoopRow(c)
	row.ID, row.Version = 0, 1
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return translate(err, "co-op "+c.Code)
	}
	*c = row.asDomain()
	return nil
}

// Coop reads one co-op.
func (s *Store) Coop(ctx context.Context, id int64) (catalog.Coop, error) {
	return coops.get(ctx, s.db, id)
}

// ListCoops lists the co-ops in scope, optionally of one alliance.
func (s *Store) ListCoops(ctx context.Context, q catalog.ListQuery) ([]catalog.Coop, string, error) {
	return coops.list(ctx, s.db, q, func(db *gorm.DB) *gorm.DB {
		if q.Alliance != 0 {
			db = db.Where("coops.alliance_id = ?", q.Alliance)
		}
		return db
	})
}

// UpdateCoop writes the co-op if c.Version is current. Moving a co-op to
// another alliance is the operator's call.
func (s *Store) UpdateCoop(ctx context.Context, c *catalog.Coop) error {
	sc, err := allowed(ctx, catalog.PermTenantWrite)
	if err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	current, err := s.Coop(ctx, c.ID)
	if err != nil {
		return err
	}
	if sc.IsStaff() {
		return &catalog.Error{Code: catalog.CodePermissionDenied, Message: "alliance staff do not change co-ops"}
	}
	if current.AllianceID != c.AllianceID && !sc.IsOperator() {
		return &catalog.Error{Code: catalog.CodePermissionDenied, Message: "only the operator can move a co-op to another alliance"}
	}
	row := toCoopRow(c)
	row.Version = c.Version + 1
	row.UpdatedAt = s.now().UTC()
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := coops.update(ctx, tx, c.ID, c.Version, &row); err != nil {
			return err
		}
		return s.auditOutsider(tx, sc, c.ID, "coop.changed", "coop", c.ID, c.Name)
	})
	if err != nil {
		return err
	}
	*c, _ = coops.get(ctx, s.db, c.ID)
	return nil
}

// DeleteCoop removes a co-op with nothing left in it; like adding one, it
// is the alliance's or the operator's call.
func (s *Store) DeleteCoop(ctx context.Context, id, version int64) error {
	c, err := s.Coop(ctx, id)
	if err != nil {
		return err
	}
	if sc := catalog.ScopeFrom(ctx); !sc.IsOperator() && sc.AllianceID() != c.AllianceID {
		return &catalog.Error{Code: catalog.CodePermissionDenied, Message: "only the alliance can remove a co-op"}
	}
	return coops.delete(ctx, s.db, id, version)
}

// CreateWarehouse adds a warehouse to a co-op in scope.
func (s *Store) CreateWarehouse(ctx context.Context, w *catalog.Warehouse) error {
	sc, err := allowed(ctx, catalog.PermCatalogWrite)
	if err != nil {
		return err
	}
	if err := w.Validate(); err != nil {
		return err
	}
	if _, err := s.Coop(ctx, w.CoopID); err != nil {
		return fieldNotFound(err, "coop_id", "co-op not found")
	}
	row := toWarehouseRow(w)
	row.ID, row.Version = 0, 1
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			return translate(err, "warehouse "+w.Code)
		}
		return s.auditOutsider(tx, sc, w.CoopID, "warehouse.created", "warehouse", row.ID, w.Code)
	})
	if err != nil {
		return err
	}
	*w = row.asDomain()
	return nil
}

// Warehouse reads one warehouse.
func (s *Store) Warehouse(ctx context.Context, id int64) (catalog.Warehouse, error) {
	return warehouses.get(ctx, s.db, id)
}

// ListWarehouses lists warehouses in scope, optionally of one co-op.
func (s *Store) ListWarehouses(ctx context.Context, q catalog.ListQuery) ([]catalog.Warehouse, string, error) {
	return warehouses.list(ctx, s.db, q, coopFilter("warehouses", q.CoopID))
}

// UpdateWarehouse writes the warehouse if w.Version is current; it stays
// with its co-op.
func (s *Store) UpdateWarehouse(ctx context.Context, w *catalog.Warehouse) error {
	sc, err := allowed(ctx, catalog.PermCatalogWrite)
	if err != nil {
		return err
	}
	current, err := s.Warehouse(ctx, w.ID)
	if err != nil {
		return err
	}
	w.CoopID = current.CoopID
	if err := w.Validate(); err != nil {
		return err
	}
	row := toWarehouseRow(w)
	row.Version = w.Version + 1
	row.UpdatedAt = s.now().UTC()
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := warehouses.update(ctx, tx, w.ID, w.Version, &row); err != nil {
			return err
		}
		return s.auditOutsider(tx, sc, w.CoopID, "warehouse.changed", "warehouse", w.ID, w.Code)
	})
	if err != nil {
		return err
	}
	*w, _ = warehouses.get(ctx, s.db, w.ID)
	return nil
}

// DeleteWarehouse removes a warehouse that holds no stock rows.
func (s *Store) DeleteWarehouse(ctx context.Context, id, version int64) error {
	sc, err := allowed(ctx, catalog.PermCatalogWrite)
	if err != nil {
		return err
	}
	w, err := s.Warehouse(ctx, id)
	if err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := warehouses.delete(ctx, tx, id, version); err != nil {
			return err
		}
		return s.auditOutsider(tx, sc, w.CoopID, "warehouse.removed", "warehouse", id, w.Code)
	})
}

func coopFilter(table string, coopID int64) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		if coopID != 0 {
			db = db.Where(table+".coop_id = ?", coopID)
		}
		return db
	}
}

// fieldNotFound turns a not_found on a referenced object into an
// invalid_argument on the field that referenced it.
func fieldNotFound(err error, field, reason string) error {
	if catalog.ErrorCode(err) == catalog.CodeNotFound {
		return &catalog.Error{Code: catalog.CodeInvalidArgument, Message: reason, Fields: map[string]string{field: reason}}
	}
	return err
}
