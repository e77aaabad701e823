package store

import (
	"context"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ocophub/catalog"
)

type liveSessionRow struct {
	ID           int64 `gorm:"primaryKey"`
	CoopID       int64
	ShopID       int64
	Title        string
	Status       string
	PlannedEndAt *time.Time
	StartedAt    *time.Time
	EndedAt      *time.Time
	Version      int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (liveSessionRow) TableName() string { return "live_sessions" }

type liveHoldRow struct {
	ID          int64 `gorm:"primaryKey"`
	SessionID   int64
	CoopID      int64
	ShopID      int64
	VariantID   int64
	WarehouseID int64
	Requested   int64
	Held        int64
	Sold        int64
	Returned    int64
	Active      bool
}

func (liveHoldRow) TableName() string { return "live_holds" }

func (r liveSessionRow) asDomain(holds []liveHoldRow, skus map[int64]string) catalog.LiveSession {
	out := catalog.LiveSession{ID: r.ID, CoopID: r.CoopID, ShopID: r.ShopID, Title: r.Title, Status: catalog.LiveStatus(r.Status),
		PlannedEndAt: r.PlannedEndAt, StartedAt: r.StartedAt, EndedAt: r.EndedAt, Version: r.Version, CreatedAt: r.CreatedAt,
		Holds: []catalog.LiveHold{}}
	for _, h := range holds {
		out.Holds = append(out.Holds, catalog.LiveHold{VariantID: h.VariantID, WarehouseID: h.WarehouseID, SKU: skus[h.VariantID],
			Requested: h.Requested, Held: h.Held, Sold: h.Sold, Returned: h.Returned})
	}
	return out
}

// liveActor is the ledger's actor for a session's hold movements.
func liveActor(id int64) string { return fmt.Sprintf("live:%d", id) }

// StartLive starts a livestream session: in ONE transaction every hold
// moves out of shared stock into the pool (a stock change per variant, so
// the outbox pushes every shop at once), and the session is live. A hold
// larger than what is available fails the whole start with
// insufficient_stock; a variant already held by another live is a
// conflict.
func (s *Store) StartLive(ctx context.Context, in catalog.LiveStart) (catalog.LiveSession, error) {
	if _, err := allowed(ctx, catalog.PermLiveRun); err != nil {
		return catalog.LiveSession{}, err
	}
	now := s.now().UTC()
	if err := in.Validate(now); err != nil {
		return catalog.LiveSession{}, err
	}
	shop, err := s.Shop(ctx, in.ShopID)
	if err != nil {
		return catalog.LiveSession{}, fieldNotFound(err, "shop_id", "shop not found")
	}
	var id int64
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row := liveSessionRow{CoopID: shop.CoopID, ShopID: shop.ID, Title: in.Title, Status: string(catalog.LiveOn),
			PlannedEndAt: utcPtr(in.PlannedEndAt), StartedAt: &now, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&row).Error; err != nil {
			return translate(err, "live session")
		}
		id = row.ID
		for i, h := range in.Holds {
			v, err := s.variant(ctx, tx, h.VariantID)
			if err != nil || v.CoopID != shop.CoopID {
				return fieldNotFound(orNotFound(err, "variant"), fmt.Sprintf("holds[%d].variant_id", i), "variant not found in the shop's co-op")
			}
			wh, err := s.holdWarehouse(tx, shop, v.ID, h.Quantity)
			if err != nil {
				return err
			}
			hold := liveHoldRow{SessionID: id, CoopID: shop.CoopID, ShopID: shop.ID, VariantID: v.ID, WarehouseID: wh,
				Requested: h.Quantity, Held: h.Quantity, Active: true}
			if err := tx.Create(&hold).Error; err != nil {
				if catalog.ErrorCode(translate(err, "live hold")) == catalog.CodeConflict {
					return &catalog.Error{Code: catalog.CodeConflict, Message: fmt.Sprintf("SKU %s is already held by another live", v.SKU),
						Fields: map[string]string{fmt.Sprintf("holds[%d].variant_id", i): "held by another live"}}
				}
				return translate(err, "live hold")
			}
			if _, err := s.changeStock(ctx, tx, catalog.StockChange{Op: catalog.OpHold, VariantID: v.ID, WarehouseID: wh,
				Quantity: h.Quantity, Reason: catalog.ReasonLive, Actor: liveActor(id)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return catalog.LiveSession{}, err
	}
	return s.LiveSession(ctx, id)
}

// holdWarehouse picks the warehouse feeding the shop with the most units
// available for the variant; it must hold qty.
func (s *Store) holdWarehouse(tx *gorm.DB, shop catalog.Shop, variantID, qty int64) (int64, error) {
	var levels []stockLevelRow
	if err := tx.Where("variant_id = ?", variantID).Find(&levels).Error; err != nil {
		return 0, translate(err, "stock")
	}
	best, bestAvail := int64(0), int64(-1)
	for _, l := range levels {
		if !shop.Rule.Feeds(l.WarehouseID) {
			continue
		}
		if a := l.asDomain().Available(); a > bestAvail {
			best, bestAvail = l.WarehouseID, a
		}
	}
	if bestAvail < qty {
		return 0, &catalog.Error{Code: catalog.CodeInsufficientStock,
			Message: fmt.Sprintf("cannot hold %d: only %d available in one warehouse feeding the shop", qty, max(bestAvail, 0))}
	}
	return best, nil
}

// AdjustLiveHold tops a variant's hold up (delta > 0, from shared stock)
// or gives units back (delta < 0, at most what is left in the pool) while
// the session is live.
func (s *Store) AdjustLiveHold(ctx context.Context, sessionID, variantID, delta int64) (catalog.LiveSession, error) {
	if _, err := allowed(ctx, catalog.PermLiveRun); err != nil {
		return catalog.LiveSession{}, err
	}
	if delta == 0 {
		return catalog.LiveSession{}, &catalog.Error{Code: catalog.CodeInvalidArgument, Message: "delta must not be zero",
			Fields: map[string]string{"delta": "must not be zero"}}
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sess, err := s.liveSessionRow(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		if sess.Status != string(catalog.LiveOn) {
			return &catalog.Error{Code: catalog.CodeFailedPrecondition, Message: "the live has ended"}
		}
		hold, err := lockHold(s, tx, "session_id = ? AND variant_id = ?", sessionID, variantID)
		if err != nil {
			return err
		}
		op, qty := catalog.OpHold, delta
		if delta < 0 {
			op, qty = catalog.OpUnhold, -delta
		}
		if _, err := s.changeStock(ctx, tx, catalog.StockChange{Op: op, VariantID: variantID, WarehouseID: hold.WarehouseID,
			Quantity: qty, Reason: catalog.ReasonLive, Actor: liveActor(sessionID)}); err != nil {
			return err
		}
		return translate(tx.Model(&liveHoldRow{}).Where("id = ?", hold.ID).
			Updates(map[string]any{"held": hold.Held + delta, "requested": hold.Requested + delta}).Error, "live hold")
	})
	if err != nil {
		return catalog.LiveSession{}, err
	}
	return s.LiveSession(ctx, sessionID)
}

// EndLive returns every hold's leftovers to shared stock and ends the
// session, in one transaction. Ending an ended session changes nothing.
func (s *Store) EndLive(ctx context.Context, sessionID int64) (catalog.LiveSession, error) {
	if _, err := allowed(ctx, catalog.PermLiveRun); err != nil {
		return catalog.LiveSession{}, err
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sess, err := s.liveSessionRow(ctx, tx, sessionID)
		if err != nil || sess.Status != string(catalog.LiveOn) {
			return err
		}
		var holds []liveHoldRow
		if err := lockRows(s, tx).Where("session_id = ? AND active", sessionID).Order("id").Find(&holds).Error; err != nil {
			return translate(err, "live hold")
		}
		for _, h := range holds {
			if err := s.giveBack(ctx, tx, "live_holds", h.ID, catalog.StockChange{VariantID: h.VariantID, WarehouseID: h.WarehouseID,
				Quantity: h.Held, Reason: catalog.ReasonLive, Actor: liveActor(sessionID)}); err != nil {
				return err
			}
		}
		now := s.now().UTC()
		return translate(tx.Model(&liveSessionRow{}).Where("id = ?", sessionID).Updates(map[string]any{
			"status": string(catalog.LiveEnded), "ended_at": now, "updated_at": now, "version": gorm.Expr("version + 1")}).Error, "live session")
	})
	if err != nil {
		return catalog.LiveSession{}, err
	}
	return s.LiveSession(ctx, sessionID)
}

// LiveSession reads a session with its holds.
func (s *Store) LiveSession(ctx context.Context, id int64) (catalog.LiveSession, error) {
	row, err := s.liveSessionRow(ctx, s.db, id)
	if err != nil {
		return catalog.LiveSession{}, err
	}
	out, err := s.withHolds(ctx, []liveSessionRow{row})
	if err != nil {
		return catalog.LiveSession{}, err
	}
	return out[0], nil
}

// ListLiveSessions lists sessions in scope, newest first (q.CoopID filters).
func (s *Store) ListLiveSessions(ctx context.Context, q catalog.ListQuery) ([]catalog.LiveSession, error) {
	sc, err := allowed(ctx, catalog.PermShopsRead)
	if err != nil {
		return nil, err
	}
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	var rows []liveSessionRow
	db := coopFilter("live_sessions", q.CoopID)(ownedBy(s.db.WithContext(ctx).Table("live_sessions"), sc, "live_sessions"))
	if err := db.Order("id DESC").Limit(q.Limit).Find(&rows).Error; err != nil {
		return nil, translate(err, "live session")
	}
	return s.withHolds(ctx, rows)
}

// DueLiveSessions are live sessions whose planned end has passed; the
// worker ends them (operator scope).
func (s *Store) DueLiveSessions(ctx context.Context, now time.Time) ([]int64, error) {
	if sc, err := scopeOf(ctx); err != nil || !sc.IsOperator() {
		return nil, &catalog.Error{Code: catalog.CodePermissionDenied, Message: "ending due lives runs as the operator"}
	}
	var ids []int64
	err := s.db.WithContext(ctx).Model(&liveSessionRow{}).Where("status = ? AND planned_end_at IS NOT NULL AND planned_end_at <= ?",
		string(catalog.LiveOn), now.UTC()).Order("id").Pluck("id", &ids).Error
	return ids, translate(err, "live session")
}

func (s *Store) liveSessionRow(ctx context.Context, db *gorm.DB, id int64) (liveSessionRow, error) {
	sc, err := scopeOf(ctx)
	if err != nil {
		return liveSessionRow{}, err
	}
	var row liveSessionRow
	err = ownedBy(db.WithContext(ctx).Table("live_sessions"), sc, "live_sessions").Where("live_sessions.id = ?", id).Take(&row).Error
	return row, translate(err, "live session")
}

func (s *Store) withHolds(ctx context.Context, rows []liveSessionRow) ([]catalog.LiveSession, error) {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var holds []liveHoldRow
	if err := s.db.WithContext(ctx).Where("session_id IN ?", ids).Order("id").Find(&holds).Error; err != nil {
		return nil, translate(err, "live hold")
	}
	variantIDs := make([]int64, len(holds))
	for i, h := range holds {
		variantIDs[i] = h.VariantID
	}
	var variants []variantRow
	if err := s.db.WithContext(ctx).Select("id", "sku").Where("id IN ?", variantIDs).Find(&variants).Error; err != nil {
		return nil, translate(err, "variant")
	}
	skus := make(map[int64]string, len(variants))
	for _, v := range variants {
		skus[v.ID] = v.SKU
	}
	bySession := map[int64][]liveHoldRow{}
	for _, h := range holds {
		bySession[h.SessionID] = append(bySession[h.SessionID], h)
	}
	out := make([]catalog.LiveSession, len(rows))
	for i, r := range rows {
		out[i] = r.asDomain(bySession[r.ID], skus)
	}
	return out, nil
}

// lockRows locks what it reads on PostgreSQL; SQLite's write transaction
// already holds the database.
func lockRows(s *Store, tx *gorm.DB) *gorm.DB {
	if s.dialect == Postgres {
		return tx.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate})
	}
	return tx
}

func lockHold(s *Store, tx *gorm.DB, where string, args ...any) (liveHoldRow, error) {
	var h liveHoldRow
	err := lockRows(s, tx).Where(where+" AND active", args...).Take(&h).Error
	return h, translate(err, "live hold")
}

// activeHold is the live hold of a variant on a shop, if any (inside an
// order's transaction).
func (s *Store) activeHold(tx *gorm.DB, shopID, variantID int64) (liveHoldRow, bool, error) {
	h, err := lockHold(s, tx, "shop_id = ? AND variant_id = ?", shopID, variantID)
	if catalog.ErrorCode(err) == catalog.CodeNotFound {
		return h, false, nil
	}
	return h, err == nil, err
}

// LiveReport sums a session: units and revenue per variant and channel of
// orders placed during the session (on every shop, for the session's
// variants), the busiest minute, and the stock writes made.
func (s *Store) LiveReport(ctx context.Context, id int64) (catalog.LiveReport, error) {
	sess, err := s.LiveSession(ctx, id)
	if err != nil {
		return catalog.LiveReport{}, err
	}
	rep := catalog.LiveReport{SessionID: id, Lines: []catalog.LiveReportRow{}}
	if sess.StartedAt != nil {
		rep.From = *sess.StartedAt
	}
	rep.To = s.now().UTC()
	if sess.EndedAt != nil {
		rep.To = *sess.EndedAt
	}
	// Platforms stamp orders to the second: the window is whole seconds.
	rep.From, rep.To = rep.From.Truncate(time.Second), rep.To.Truncate(time.Second).Add(time.Second)
	variantIDs := make([]int64, len(sess.Holds))
	skus := map[int64]string{}
	for i, h := range sess.Holds {
		variantIDs[i] = h.VariantID
		skus[h.VariantID] = h.SKU
	}
	type line struct {
		VariantID int64
		Platform  string
		ShopID    int64
		Quantity  int64
		PriceVND  int64
		PlacedAt  time.Time
		OrderID   int64
	}
	var lines []line
	if err := s.db.WithContext(ctx).Table("order_lines").
		Select("order_lines.variant_id, orders.platform, orders.shop_id, order_lines.quantity, order_lines.price_vnd, orders.placed_at, orders.id AS order_id").
		Joins("JOIN orders ON orders.id = order_lines.order_id").
		Where("orders.coop_id = ? AND order_lines.variant_id IN ? AND orders.placed_at >= ? AND orders.placed_at < ? AND orders.status <> ?",
			sess.CoopID, variantIDs, rep.From, rep.To, string(catalog.OrderCancelled)).
		Scan(&lines).Error; err != nil {
		return rep, translate(err, "order")
	}
	type key struct {
		variant, shop int64
		platform      string
	}
	sums := map[key]*catalog.LiveReportRow{}
	perMinute := map[int64]map[int64]bool{}
	for _, l := range lines {
		k := key{l.VariantID, l.ShopID, l.Platform}
		r, ok := sums[k]
		if !ok {
			r = &catalog.LiveReportRow{VariantID: l.VariantID, SKU: skus[l.VariantID], Platform: catalog.Platform(l.Platform), ShopID: l.ShopID}
			sums[k] = r
		}
		r.Units += l.Quantity
		r.Revenue += catalog.VND(l.Quantity * l.PriceVND)
		m := l.PlacedAt.Unix() / 60
		if perMinute[m] == nil {
			perMinute[m] = map[int64]bool{}
		}
		perMinute[m][l.OrderID] = true
	}
	for _, r := range sums {
		rep.Lines = append(rep.Lines, *r)
	}
	sort.Slice(rep.Lines, func(i, j int) bool {
		a, b := rep.Lines[i], rep.Lines[j]
		if a.SKU != b.SKU {
			return a.SKU < b.SKU
		}
		return a.ShopID < b.ShopID
	})
	for _, orders := range perMinute {
		rep.PeakPerMinute = max(rep.PeakPerMinute, int64(len(orders)))
	}
	err = s.db.WithContext(ctx).Table("push_audit").
		Joins("JOIN listings ON listings.id = push_audit.listing_id").
		Where("listings.variant_id IN ? AND push_audit.kind = ? AND push_audit.result = ? AND push_audit.created_at >= ? AND push_audit.created_at <= ?",
			variantIDs, "stock", "ok", rep.From, rep.To).Count(&rep.Pushes).Error
	return rep, translate(err, "push audit")
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func orNotFound(err error, what string) error {
	if err == nil {
		return catalog.Errorf(catalog.CodeNotFound, "%s not found", what)
	}
	return err
}
