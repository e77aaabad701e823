package store

import (
	"context"
	"encoding/json"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ocophub/catalog"
)

// StockLevels lists the variant's stock per warehouse.
func (s *Store) StockLevels(ctx context.Context, variantID int64) ([]catalog.StockLevel, error) {
	if _, err := s.stockReader(ctx, variantID, "stock.read"); err != nil {
		return nil, err
	}
	var rows []stockLevelRow
	if err := s.db.WithContext(ctx).Where("variant_id = ?", variantID).Order("warehouse_id").Find(&rows).Error; err != nil {
		return nil, translate(err, "stock")
	}
	out := make([]catalog.StockLevel, len(rows))
	for i, r := range rows {
		out[i] = r.asDomain()
	}
	return out, nil
}

// ChangeStock applies c in one transaction: lock the level row (FOR UPDATE
// on PostgreSQL; on SQLite the transaction already holds the write lock
// from BEGIN IMMEDIATE), apply the catalog rule, write the level with a new
// version, a ledger row and a stock.changed outbox row.
func (s *Store) ChangeStock(ctx context.Context, c catalog.StockChange) (catalog.StockLevel, error) {
	sc, err := allowed(ctx, catalog.PermStockAdjust)
	if err != nil {
		return catalog.StockLevel{}, err
	}
	if err := c.Validate(); err != nil {
		return catalog.StockLevel{}, err
	}
	var out catalog.StockLevel
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if out, err = s.changeStock(ctx, tx, c); err != nil {
			return err
		}
		var coopID int64
		if err := tx.Model(&variantRow{}).Where("id = ?", c.VariantID).Pluck("coop_id", &coopID).Error; err != nil {
			return translate(err, "variant")
		}
		return s.auditOutsider(tx, sc, coopID, "stock.changed", "variant", c.VariantID,
			fmt.Sprintf("%s %+d in warehouse %d (%s)", c.Op, c.Quantity, c.WarehouseID, c.Reason))
	})
	return out, err
}

// changeStock is ChangeStock inside a caller's transaction, so an import or
// an order can change several levels atomically.
func (s *Store) changeStock(ctx context.Context, tx *gorm.DB, c catalog.StockChange) (catalog.StockLevel, error) {
	v, err := s.variant(ctx, tx, c.VariantID)
	if err != nil {
		return catalog.StockLevel{}, err // not_found: the variant is the resource changed
	}
	var w warehouseRow
	if err := tx.Where("id = ? AND coop_id = ?", c.WarehouseID, v.CoopID).Take(&w).Error; err != nil {
		return catalog.StockLevel{}, fieldNotFound(translate(err, "warehouse"), "warehouse_id", "warehouse not found in the variant's co-op")
	}
	now := s.now().UTC()
	// Make sure the row exists, then lock it. Two first-ever changes racing
	// both insert-or-ignore and then queue on the same row lock.
	seed := stockLevelRow{VariantID: v.ID, WarehouseID: w.ID, CoopID: v.CoopID, UpdatedAt: now}
	if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&seed).Error; err != nil {
		return catalog.StockLevel{}, translate(err, "stock")
	}
	var row stockLevelRow
	lock := tx
	if s.dialect == Postgres {
		lock = tx.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate})
	}
	if err := lock.Where("variant_id = ? AND warehouse_id = ?", v.ID, w.ID).Take(&row).Error; err != nil {
		return catalog.StockLevel{}, translate(err, "stock")
	}
	next, onHandDelta, reservedDelta, err := c.Apply(row.asDomain())
	if err != nil {
		return catalog.StockLevel{}, err
	}
	res := tx.Model(&stockLevelRow{}).Where("variant_id = ? AND warehouse_id = ? AND version = ?", v.ID, w.ID, row.Version).
		Updates(map[string]any{"on_hand": next.OnHand, "reserved": next.Reserved, "held": next.Held, "version": next.Version, "updated_at": now})
	if res.Error != nil {
		return catalog.StockLevel{}, translate(res.Error, "stock")
	}
	if res.RowsAffected != 1 { // impossible under the lock; refuse rather than lose an update
		return catalog.StockLevel{}, &catalog.Error{Code: catalog.CodeConflict, Message: "stock changed concurrently; try again"}
	}
	movement := movementRow{VariantID: v.ID, WarehouseID: w.ID, CoopID: v.CoopID, Op: string(c.Op),
		OnHandDelta: onHandDelta, ReservedDelta: reservedDelta, HeldDelta: next.Held - row.Held, Reason: string(c.Reason), Actor: c.Actor,
		OrderRef: c.OrderRef, Note: c.Note, Version: next.Version, CreatedAt: now}
	if c.LotID != 0 {
		movement.LotID = &c.LotID
	}
	if err := tx.Create(&movement).Error; err != nil {
		return catalog.StockLevel{}, translate(err, "stock movement")
	}
	if err := writeOutbox(tx, catalog.TopicStockChanged, catalog.StockChanged{
		VariantID: v.ID, WarehouseID: w.ID, Version: next.Version}); err != nil {
		return catalog.StockLevel{}, err
	}
	next.UpdatedAt = now
	return next, nil
}

func writeOutbox(tx *gorm.DB, topic string, payload any) error {
	body, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("outbox %s: %w", topic, err)
	}
	if err := tx.Create(&outboxRow{Topic: topic, Payload: string(body)}).Error; err != nil {
		return translate(err, "outbox event")
	}
	return nil
}

// Movements lists the variant's ledger, newest first.
func (s *Store) Movements(ctx context.Context, variantID int64, q catalog.ListQuery) ([]catalog.Movement, string, error) {
	if _, err := s.stockReader(ctx, variantID, "movements.read"); err != nil {
		return nil, "", err
	}
	return newestFirst(s.db.WithContext(ctx).Model(&movementRow{}).Where("variant_id = ?", variantID), q, "stock movement",
		func(r movementRow) int64 { return r.ID }, movementRow.asDomain)
}

// stockReader reads the variant whose stock the caller asks for: alliance
// staff need the co-op's list_products right, and their reading is
// recorded in its audit log.
func (s *Store) stockReader(ctx context.Context, variantID int64, action string) (variantRow, error) {
	v, err := s.variant(ctx, s.db, variantID)
	if err != nil {
		return v, err
	}
	sc := catalog.ScopeFrom(ctx)
	if sc.IsStaff() && !sc.RightsOn(v.CoopID).Has(catalog.RightListProducts) {
		return v, &catalog.Error{Code: catalog.CodePermissionDenied, Message: "the co-op has not granted you list_products, which shows stock"}
	}
	return v, s.auditStaffRead(ctx, v.CoopID, action, "variant", v.ID, v.SKU)
}

// variant reads a variant row inside the caller's scope.
func (s *Store) variant(ctx context.Context, db *gorm.DB, id int64) (variantRow, error) {
	sc, err := scopeOf(ctx)
	if err != nil {
		return variantRow{}, err
	}
	var r variantRow
	if err := ownedBy(db.WithContext(ctx).Table("variants"), sc, "variants").Where("variants.id = ?", id).Take(&r).Error; err != nil {
		return variantRow{}, translate(err, "variant")
	}
	return r, nil
}

// PendingOutbox returns up to limit unsent outbox events, oldest first. The
// relay of the sync engine claims them; tests read them to check the spine.
func (s *Store) PendingOutbox(ctx context.Context, limit int) ([]catalog.OutboxEvent, error) {
	var rows []outboxRow
	if err := s.db.WithContext(ctx).Where("sent_at IS NULL").Order("id").Limit(limit).Find(&rows).Error; err != nil {
		return nil, translate(err, "outbox event")
	}
	out := make([]catalog.OutboxEvent, len(rows))
	for i, r := range rows {
		out[i] = catalog.OutboxEvent{ID: r.ID, Topic: r.Topic, Payload: []byte(r.Payload), CreatedAt: r.CreatedAt, SentAt: r.SentAt}
	}
	return out, nil
}

// StockLevelsOf returns the stock per warehouse of many variants at once,
// keyed by variant id, for an export: one query per call instead of one per
// variant. Variants outside the scope have no entry; alliance staff see the
// stock of the co-ops that granted them list_products only, as StockLevels.
func (s *Store) StockLevelsOf(ctx context.Context, variantIDs []int64) (map[int64][]catalog.StockLevel, error) {
	sc, err := allowed(ctx, catalog.PermCatalogRead)
	if err != nil {
		return nil, err
	}
	out := map[int64][]catalog.StockLevel{}
	if len(variantIDs) == 0 {
		return out, nil
	}
	db := s.db.WithContext(ctx).Where("variant_id IN ?", variantIDs)
	if sc.IsStaff() {
		var coops []int64
		for _, id := range sc.GrantedCoops() {
			if sc.RightsOn(id).Has(catalog.RightListProducts) {
				coops = append(coops, id)
			}
		}
		db = db.Where("stock_levels.coop_id IN ?", append(coops, 0))
	} else {
		db = ownedBy(db, sc, "stock_levels")
	}
	var rows []stockLevelRow
	if err := db.Order("variant_id, warehouse_id").Find(&rows).Error; err != nil {
		return nil, translate(err, "stock")
	}
	for _, r := range rows {
		out[r.VariantID] = append(out[r.VariantID], r.asDomain())
	}
	return out, nil
}
