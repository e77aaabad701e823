package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ocophub/catalog"
)

type orderRow struct {
	ID             int64 `gorm:"primaryKey"`
	ShopID         int64
	CoopID         int64
	Platform       string
	ExternalID     string
	Status         string
	PlatformStatus string
	StockState     string
	TotalVND       int64 `gorm:"column:total_vnd"`
	Tracking       string
	Flagged        string
	PlacedAt       time.Time
	Version        int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (orderRow) TableName() string { return "orders" }

type orderLineRow struct {
	ID          int64 `gorm:"primaryKey"`
	OrderID     int64
	Position    int
	SellerSKU   string `gorm:"column:seller_sku"`
	VariantID   *int64
	WarehouseID *int64
	Quantity    int64
	PriceVND    int64 `gorm:"column:price_vnd"`
}

func (orderLineRow) TableName() string { return "order_lines" }

func (r orderRow) asDomain(lines []orderLineRow) catalog.Order {
	o := catalog.Order{ID: r.ID, ShopID: r.ShopID, CoopID: r.CoopID, Platform: catalog.Platform(r.Platform),
		ExternalID: r.ExternalID, Status: catalog.OrderStatus(r.Status), PlatformStatus: r.PlatformStatus,
		StockState: catalog.StockState(r.StockState), Total: catalog.VND(r.TotalVND), Tracking: r.Tracking,
		Flagged: r.Flagged, PlacedAt: r.PlacedAt, Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Lines: []catalog.OrderLine{}}
	for _, l := range lines {
		ol := catalog.OrderLine{SellerSKU: l.SellerSKU, Quantity: l.Quantity, Price: catalog.VND(l.PriceVND)}
		if l.VariantID != nil {
			ol.VariantID = *l.VariantID
		}
		if l.WarehouseID != nil {
			ol.WarehouseID = *l.WarehouseID
		}
		o.Lines = append(o.Lines, ol)
	}
	return o
}

var orders = entity[orderRow, orderRow]{what: "order", table: "orders",
	scope:    func(db *gorm.DB, s catalog.Scope) *gorm.DB { return ownedBy(db, s, "orders") },
	asDomain: func(r orderRow) orderRow { return r }, id: func(r orderRow) int64 { return r.ID }}

// OrderIn is an order as a channel reports it.
type OrderIn struct {
	ShopID         int64
	ExternalID     string
	Status         catalog.OrderStatus
	PlatformStatus string
	Total          catalog.VND
	Tracking       string
	PlacedAt       time.Time
	Lines          []catalog.OrderLine // SellerSKU, Quantity, Price
}

// statusRank orders statuses so an older push arriving after a newer one
// never moves an order back. An unknown status ranks lowest: any known
// status replaces it, and it never replaces a known one (the order keeps
// its status and stock and is flagged with the channel's word instead).
var statusRank = map[catalog.OrderStatus]int{
	catalog.OrderUnknown: 0, catalog.OrderUnpaid: 1, catalog.OrderReadyToShip: 2, catalog.OrderShipped: 3,
	catalog.OrderDelivered: 4, catalog.OrderCancelled: 5,
}

// IngestOrder upserts an order on (shop, external id) and applies the stock
// operations its new status calls for, in ONE transaction: reserve when new
// or paid, deduct when shipped, release when cancelled. Re-ingesting the
// same state changes nothing. Lines whose SKU matches no variant are kept
// and the order is flagged, never dropped; a line the hub cannot reserve
// (stock already gone: an oversell) flags the order too. Reserving counts
// the units on the shop's listing as sold since its last push. A status no
// driver could map (catalog.OrderUnknown) is stored and flagged for a
// person; new, it reserves like any new order. A known order that moves to
// such a status (a return, a dispute) keeps its status and its stock, for
// the hub cannot tell what the units did, and is flagged with the
// channel's word until a later status is known.
func (s *Store) IngestOrder(ctx context.Context, in OrderIn) (catalog.Order, bool, error) {
	sh, err := s.Shop(ctx, in.ShopID)
	if err != nil {
		return catalog.Order{}, false, err
	}
	if _, ok := statusRank[in.Status]; in.ExternalID == "" || !ok {
		return catalog.Order{}, false, &catalog.Error{Code: catalog.CodeInvalidArgument, Message: "order id and a status are required"}
	}
	out, changed, err := s.ingestOrder(ctx, sh, in)
	if catalog.ErrorCode(err) == catalog.CodeConflict {
		// Two ingests of a new order raced (a webhook and the poll): the
		// loser's insert hit the unique key; once more, it finds the row.
		out, changed, err = s.ingestOrder(ctx, sh, in)
	}
	return out, changed, err
}

func (s *Store) ingestOrder(ctx context.Context, sh catalog.Shop, in OrderIn) (catalog.Order, bool, error) {
	var out catalog.Order
	changed := false
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var row orderRow
		review := false
		q := tx
		if s.dialect == Postgres {
			q = tx.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate})
		}
		err := q.Where("shop_id = ? AND external_id = ?", sh.ID, in.ExternalID).Take(&row).Error
		var lines []orderLineRow
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			row = orderRow{ShopID: sh.ID, CoopID: sh.CoopID, Platform: string(sh.Platform), ExternalID: in.ExternalID,
				Status: string(in.Status), PlatformStatus: in.PlatformStatus, StockState: string(catalog.StockNone),
				TotalVND: int64(in.Total), Tracking: in.Tracking, PlacedAt: in.PlacedAt, Version: 1}
			if row.PlacedAt.IsZero() {
				row.PlacedAt = s.now().UTC()
			}
			if err := tx.Create(&row).Error; err != nil {
				return translate(err, "order")
			}
			if lines, err = s.resolveLines(tx, sh, row.ID, in.Lines); err != nil {
				return err
			}
			changed = true
		case err != nil:
			return translate(err, "order")
		default:
			if err := tx.Where("order_id = ?", row.ID).Order("position").Find(&lines).Error; err != nil {
				return translate(err, "order line")
			}
			switch {
			case in.Status == catalog.OrderUnknown && in.PlatformStatus != row.PlatformStatus:
				// The channel moved the order to a status no driver maps:
				// its status and stock stay, its review names the new word.
				row.Flagged = strings.TrimSpace(strings.TrimPrefix(row.Flagged, unknownStatusNote(row.PlatformStatus)))
				row.PlatformStatus = in.PlatformStatus
				review = true
				changed = true
			case statusRank[in.Status] > statusRank[catalog.OrderStatus(row.Status)]:
				// A known status ends the review an unknown one asked for.
				row.Flagged = strings.TrimSpace(strings.TrimPrefix(row.Flagged, unknownStatusNote(row.PlatformStatus)))
				row.Status, row.PlatformStatus = string(in.Status), in.PlatformStatus
				changed = true
			}
			if in.Tracking != "" && in.Tracking != row.Tracking {
				row.Tracking = in.Tracking
				changed = true
			}
		}
		flags, err := s.applyOrderStock(ctx, tx, sh, &row, lines)
		if err != nil {
			return err
		}
		note := unknownStatusNote(row.PlatformStatus)
		// Under review while its status is unknown, or while the channel's
		// last word about a known order is one no driver maps.
		review = review || row.Status == string(catalog.OrderUnknown) || strings.HasPrefix(row.Flagged, note)
		flagged := strings.TrimSpace(strings.TrimPrefix(row.Flagged, note))
		if flags != "" {
			flagged = flags
		}
		if review {
			flagged = strings.TrimSpace(note + " " + flagged)
		}
		if flagged != row.Flagged {
			row.Flagged = flagged
			changed = true
		}
		if changed {
			row.Version++
			row.UpdatedAt = s.now().UTC()
			if err := tx.Select("*").Omit("created_at").Updates(&row).Error; err != nil {
				return translate(err, "order")
			}
			if err := tx.Create(&orderEventRow{OrderID: row.ID, Status: row.Status, StockState: row.StockState,
				Tracking: row.Tracking, Flagged: row.Flagged, CreatedAt: row.UpdatedAt}).Error; err != nil {
				return translate(err, "order event")
			}
		}
		out = row.asDomain(lines)
		return nil
	})
	return out, changed, err
}

// unknownStatusNote flags an order in a status no driver maps; it goes
// when a known status arrives.
func unknownStatusNote(platformStatus string) string {
	return fmt.Sprintf("status %q of the channel is not known to the hub: check the order there.", platformStatus)
}

// resolveLines stores the lines with their variants (by seller SKU within
// the co-op) and the warehouse to take stock from.
func (s *Store) resolveLines(tx *gorm.DB, sh catalog.Shop, orderID int64, in []catalog.OrderLine) ([]orderLineRow, error) {
	var warehouse int64
	if len(sh.Rule.WarehouseIDs) > 0 {
		warehouse = sh.Rule.WarehouseIDs[0]
	} else {
		var w warehouseRow
		if err := tx.Where("coop_id = ?", sh.CoopID).Order("id").Take(&w).Error; err == nil {
			warehouse = w.ID
		}
	}
	rows := make([]orderLineRow, 0, len(in))
	for i, l := range in {
		r := orderLineRow{OrderID: orderID, Position: i, SellerSKU: l.SellerSKU, Quantity: l.Quantity, PriceVND: int64(l.Price)}
		var v variantRow
		if err := tx.Where("coop_id = ? AND sku = ?", sh.CoopID, l.SellerSKU).Take(&v).Error; err == nil && warehouse != 0 {
			w := warehouse // reserveLine moves it to a hold's warehouse
			r.VariantID, r.WarehouseID = &v.ID, &w
		}
		if err := tx.Create(&r).Error; err != nil {
			return nil, translate(err, "order line")
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// reserveLine reserves an order line's units. An order of a shop with a
// live hold on the variant draws from the hold first (the live shop was
// shown exactly its hold), then from shared stock.
func (s *Store) reserveLine(ctx context.Context, tx *gorm.DB, sh catalog.Shop, row *orderRow, l *orderLineRow) error {
	change := catalog.StockChange{Op: catalog.OpReserve, VariantID: *l.VariantID, WarehouseID: *l.WarehouseID,
		Quantity: l.Quantity, Reason: catalog.ReasonOrder, Actor: "order:" + string(sh.Platform), OrderRef: row.ExternalID}
	hold, ok, err := s.orderPool(tx, sh, *l.VariantID)
	if err != nil || !ok {
		if err == nil {
			_, err = s.changeStock(ctx, tx, change)
		}
		return err
	}
	// All or nothing: a line that cannot be reserved in full leaves the
	// hold, and the line's warehouse, as they were (the order is flagged
	// oversold).
	if err := tx.SavePoint("line").Error; err != nil {
		return translate(err, "order")
	}
	err = s.moveToHoldWarehouse(tx, l, hold, &change)
	if err == nil {
		err = s.reserveFromHold(ctx, tx, hold, change)
	}
	if err != nil {
		if rerr := tx.RollbackTo("line").Error; rerr != nil {
			return translate(rerr, "order")
		}
		return err
	}
	return nil
}

// moveToHoldWarehouse makes a line drawing from a hold come out of the
// hold's warehouse (and ship, or come back, from there).
func (s *Store) moveToHoldWarehouse(tx *gorm.DB, l *orderLineRow, hold holdPool, change *catalog.StockChange) error {
	if hold.warehouseID == *l.WarehouseID {
		return nil
	}
	if err := tx.Model(&orderLineRow{}).Where("id = ?", l.ID).Update("warehouse_id", hold.warehouseID).Error; err != nil {
		return translate(err, "order line")
	}
	w := hold.warehouseID
	l.WarehouseID, change.WarehouseID = &w, w
	return nil
}

func (s *Store) reserveFromHold(ctx context.Context, tx *gorm.DB, hold holdPool, change catalog.StockChange) error {
	fromHold := min(change.Quantity, hold.held)
	if fromHold > 0 {
		held := change
		held.Op, held.Quantity = catalog.OpReserveHeld, fromHold
		if _, err := s.changeStock(ctx, tx, held); err != nil {
			return err
		}
	}
	if err := tx.Table(hold.table).Where("id = ?", hold.id).Updates(map[string]any{
		"held": hold.held - fromHold, "sold": hold.sold + change.Quantity}).Error; err != nil {
		return translate(err, "hold")
	}
	if change.Quantity -= fromHold; change.Quantity == 0 {
		return nil
	}
	_, err := s.changeStock(ctx, tx, change)
	return err
}

// applyOrderStock runs the stock plan of the order's status over its lines
// and returns the reasons to flag the order ("" when none).
func (s *Store) applyOrderStock(ctx context.Context, tx *gorm.DB, sh catalog.Shop, row *orderRow, lines []orderLineRow) (string, error) {
	ops, to := catalog.StockPlan(catalog.StockState(row.StockState), catalog.OrderStatus(row.Status))
	var flags []string
	for i := range lines {
		l := &lines[i]
		if l.VariantID == nil {
			flags = append(flags, fmt.Sprintf("SKU %s matches no product of the co-op", l.SellerSKU))
			continue
		}
		for _, op := range ops {
			var err error
			if op == catalog.OpReserve {
				err = s.reserveLine(ctx, tx, sh, row, l)
			} else {
				_, err = s.changeStock(ctx, tx, catalog.StockChange{Op: op, VariantID: *l.VariantID, WarehouseID: *l.WarehouseID,
					Quantity: l.Quantity, Reason: catalog.ReasonOrder, Actor: "order:" + string(sh.Platform), OrderRef: row.ExternalID})
			}
			if catalog.ErrorCode(err) == catalog.CodeInsufficientStock {
				flags = append(flags, fmt.Sprintf("SKU %s: %s (oversold)", l.SellerSKU, err.(*catalog.Error).Message))
				break
			}
			if err != nil {
				return "", err
			}
			if op == catalog.OpReserve {
				if err := tx.Model(&listingRow{}).Where("shop_id = ? AND variant_id = ?", sh.ID, *l.VariantID).
					Update("sold_since_push", gorm.Expr("sold_since_push + ?", l.Quantity)).Error; err != nil {
					return "", translate(err, "listing")
				}
			}
		}
	}
	row.StockState = string(to)
	if len(flags) == 0 {
		return "", nil
	}
	return fmt.Sprint(flags), nil
}

// Order reads an order with its lines.
func (s *Store) Order(ctx context.Context, id int64) (catalog.Order, error) {
	row, err := orders.get(ctx, s.db, id)
	if err != nil {
		return catalog.Order{}, err
	}
	var lines []orderLineRow
	if err := s.db.WithContext(ctx).Where("order_id = ?", id).Order("position").Find(&lines).Error; err != nil {
		return catalog.Order{}, translate(err, "order line")
	}
	return row.asDomain(lines), nil
}

// OrderByExternalID finds an order of a shop by the channel's id.
func (s *Store) OrderByExternalID(ctx context.Context, shopID int64, externalID string) (catalog.Order, error) {
	sc, err := scopeOf(ctx)
	if err != nil {
		return catalog.Order{}, err
	}
	var row orderRow
	if err := ownedBy(s.db.WithContext(ctx).Table("orders"), sc, "orders").
		Where("shop_id = ? AND external_id = ?", shopID, externalID).Take(&row).Error; err != nil {
		return catalog.Order{}, translate(err, "order")
	}
	return s.Order(ctx, row.ID)
}

// ListOrders lists orders in scope, newest first by id.
func (s *Store) ListOrders(ctx context.Context, q catalog.ListQuery) ([]catalog.Order, string, error) {
	rows, next, err := orders.list(ctx, s.db, q, coopFilter("orders", q.CoopID))
	if err != nil {
		return nil, "", err
	}
	out := make([]catalog.Order, 0, len(rows))
	for _, r := range rows {
		o, err := s.Order(ctx, r.ID)
		if err != nil {
			return nil, "", err
		}
		out = append(out, o)
	}
	return out, next, nil
}

type orderEventRow struct {
	ID         int64 `gorm:"primaryKey"`
	OrderID    int64
	Status     string
	StockState string
	Tracking   string
	Flagged    string
	CreatedAt  time.Time
}

func (orderEventRow) TableName() string { return "order_events" }

// OrderEvent is one recorded change of an order.
type OrderEvent struct {
	Status     catalog.OrderStatus `json:"status"`
	StockState catalog.StockState  `json:"stock_state"`
	Tracking   string              `json:"tracking,omitempty"`
	Flagged    string              `json:"flagged,omitempty"`
	At         time.Time           `json:"at"`
}

// OrderHistory lists an order's changes, oldest first.
func (s *Store) OrderHistory(ctx context.Context, orderID int64) ([]OrderEvent, error) {
	if _, err := orders.get(ctx, s.db, orderID); err != nil {
		return nil, err
	}
	var rows []orderEventRow
	if err := s.db.WithContext(ctx).Where("order_id = ?", orderID).Order("id").Find(&rows).Error; err != nil {
		return nil, translate(err, "order event")
	}
	out := make([]OrderEvent, len(rows))
	for i, r := range rows {
		out[i] = OrderEvent{Status: catalog.OrderStatus(r.Status), StockState: catalog.StockState(r.StockState),
			Tracking: r.Tracking, Flagged: r.Flagged, At: r.CreatedAt}
	}
	return out, nil
}

// ClaimOutbox hands up to limit unsent outbox events to send and marks them
// sent in the same transaction; if send fails nothing is marked. On
// PostgreSQL rows are claimed with FOR UPDATE SKIP LOCKED, so several relays
// share the work without sending a row twice at once.
func (s *Store) ClaimOutbox(ctx context.Context, limit int, send func([]catalog.OutboxEvent) error) (int, error) {
	n := 0
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		q := tx.Where("sent_at IS NULL").Order("id").Limit(limit)
		if s.dialect == Postgres {
			q = q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate, Options: clause.LockingOptionsSkipLocked})
		}
		var rows []outboxRow
		if err := q.Find(&rows).Error; err != nil {
			return translate(err, "outbox event")
		}
		if len(rows) == 0 {
			return nil
		}
		events := make([]catalog.OutboxEvent, len(rows))
		ids := make([]int64, len(rows))
		for i, r := range rows {
			events[i] = catalog.OutboxEvent{ID: r.ID, Topic: r.Topic, Payload: []byte(r.Payload), CreatedAt: r.CreatedAt}
			ids[i] = r.ID
		}
		if err := send(events); err != nil {
			return err
		}
		n = len(rows)
		return translate(tx.Model(&outboxRow{}).Where("id IN ?", ids).Update("sent_at", s.now().UTC()).Error, "outbox event")
	})
	return n, err
}
