package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"ocophub/catalog"
)

// Reads for people's screens (the web UI's dashboard, audit log and public
// pages). Each needs its permission and is scoped like every other read.

// DaySales is one co-op's orders and revenue on one channel on one day
// (Day 0 is the first day asked for); cancelled orders are no sale.
type DaySales struct {
	Day      int
	CoopID   int64
	Platform catalog.Platform
	Orders   int
	Revenue  catalog.VND
}

// Sales sums the orders of some days in scope.
type Sales struct {
	Days []DaySales
	// Open counts the orders of those days still to be paid or shipped.
	Open int
}

// DailySales sums the orders in scope placed in the days days from
// (midnight of the first day, in the people's time zone), per day, co-op
// and channel. The database sums: a page never reads order by order, so a
// busy month costs the same as a quiet one.
func (s *Store) DailySales(ctx context.Context, from time.Time, days int) (Sales, error) {
	sc, err := allowed(ctx, catalog.PermOrdersRead)
	if err != nil {
		return Sales{}, err
	}
	since, until := from.UTC(), from.AddDate(0, 0, days).UTC()
	// Days are counted in seconds from from: the people's zone (Vietnam)
	// has no daylight saving, so every day is 86,400 s long.
	day := "CAST(FLOOR((EXTRACT(EPOCH FROM placed_at) - ?) / 86400) AS INT)"
	if s.dialect == SQLite {
		day = "CAST((unixepoch(placed_at) - ?) / 86400 AS INT)"
	}
	in := func() *gorm.DB {
		return ownedBy(s.db.WithContext(ctx).Model(&orderRow{}), sc, "orders").
			Where("placed_at >= ? AND placed_at < ?", since, until)
	}
	var out Sales
	err = in().Where("status <> ?", string(catalog.OrderCancelled)).
		Select(day+" AS day, coop_id, platform, COUNT(*) AS orders, COALESCE(SUM(total_vnd), 0) AS revenue", since.Unix()).
		Group("day, coop_id, platform").Order("day, coop_id, platform").Scan(&out.Days).Error
	if err != nil {
		return Sales{}, translate(err, "order")
	}
	var open int64
	err = in().Where("status IN ?", []string{string(catalog.OrderUnpaid), string(catalog.OrderReadyToShip)}).Count(&open).Error
	if err != nil {
		return Sales{}, translate(err, "order")
	}
	out.Open = int(open)
	return out, nil
}

// ShopSync is what the hub knows about how a shop's sync is going.
type ShopSync struct {
	// Listings counts the shop's listings by status.
	Listings map[catalog.ListingStatus]int
	// Behind counts live listings whose pushed stock is older than the
	// hub's stock.
	Behind int
	// LastOK and LastError are the shop's newest successful and failed
	// pushes (nil: none).
	LastOK, LastError *PushAudit
}

// ShopSyncs reports the sync state of every shop in scope, by shop id.
func (s *Store) ShopSyncs(ctx context.Context) (map[int64]*ShopSync, error) {
	sc, err := allowed(ctx, catalog.PermShopsRead)
	if err != nil {
		return nil, err
	}
	out := map[int64]*ShopSync{}
	get := func(id int64) *ShopSync {
		if out[id] == nil {
			out[id] = &ShopSync{Listings: map[catalog.ListingStatus]int{}}
		}
		return out[id]
	}
	db := s.db.WithContext(ctx)
	var counts []struct {
		ShopID int64
		Status string
		N      int
	}
	if err := ownedBy(db.Table("listings"), sc, "listings").Select("shop_id, status, COUNT(*) AS n").
		Group("shop_id, status").Scan(&counts).Error; err != nil {
		return nil, translate(err, "listing")
	}
	for _, c := range counts {
		get(c.ShopID).Listings[catalog.ListingStatus(c.Status)] = c.N
	}
	var behind []struct {
		ShopID int64
		N      int
	}
	if err := ownedBy(db.Table("listings"), sc, "listings").
		Joins("JOIN (SELECT variant_id, SUM(version) AS v FROM stock_levels GROUP BY variant_id) sv ON sv.variant_id = listings.variant_id").
		Where("listings.status = ? AND listings.pushed_version < sv.v", string(catalog.ListingLive)).
		Select("listings.shop_id, COUNT(*) AS n").Group("listings.shop_id").Scan(&behind).Error; err != nil {
		return nil, translate(err, "listing")
	}
	for _, b := range behind {
		get(b.ShopID).Behind = b.N
	}
	var last []struct {
		ShopID int64
		OK     *int64 `gorm:"column:ok_id"`
		Failed *int64 `gorm:"column:error_id"`
	}
	if err := ownedBy(db.Table("push_audit"), sc, "push_audit").
		Select("shop_id, MAX(CASE WHEN result <> 'error' THEN id END) AS ok_id, MAX(CASE WHEN result = 'error' THEN id END) AS error_id").
		Group("shop_id").Scan(&last).Error; err != nil {
		return nil, translate(err, "push audit")
	}
	var ids []int64
	for _, l := range last {
		for _, id := range []*int64{l.OK, l.Failed} {
			if id != nil {
				ids = append(ids, *id)
			}
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []pushAuditRow
	if err := db.Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, translate(err, "push audit")
	}
	for _, r := range rows {
		a := r.asDomain()
		if r.Result == "error" {
			get(r.ShopID).LastError = &a
		} else {
			get(r.ShopID).LastOK = &a
		}
	}
	return out, nil
}

// PushQuery selects audited pushes.
type PushQuery struct {
	ShopID     int64 // 0: every shop in scope
	ListingIDs []int64
	ErrorsOnly bool
	Limit      int // 1..MaxLimit, 0: DefaultLimit
}

// Pushes lists audited pushes in scope, newest first.
func (s *Store) Pushes(ctx context.Context, q PushQuery) ([]PushAudit, error) {
	sc, err := allowed(ctx, catalog.PermShopsRead)
	if err != nil {
		return nil, err
	}
	if q.Limit <= 0 || q.Limit > catalog.MaxLimit {
		q.Limit = catalog.DefaultLimit
	}
	db := ownedBy(s.db.WithContext(ctx).Model(&pushAuditRow{}), sc, "push_audit")
	if q.ShopID != 0 {
		db = db.Where("shop_id = ?", q.ShopID)
	}
	if len(q.ListingIDs) > 0 {
		db = db.Where("listing_id IN ?", q.ListingIDs)
	}
	if q.ErrorsOnly {
		db = db.Where("result = ?", "error")
	}
	var rows []pushAuditRow
	if err := db.Order("id DESC").Limit(q.Limit).Find(&rows).Error; err != nil {
		return nil, translate(err, "push audit")
	}
	out := make([]PushAudit, len(rows))
	for i, r := range rows {
		out[i] = r.asDomain()
	}
	return out, nil
}

func (r pushAuditRow) asDomain() PushAudit {
	return PushAudit{ID: r.ID, ListingID: r.ListingID, ShopID: r.ShopID, Kind: r.Kind, Before: r.BeforeQty,
		After: r.AfterQty, Version: r.Version, Result: r.Result, Error: r.Error, RequestID: r.RequestID,
		LatencyMS: r.LatencyMS, At: r.CreatedAt}
}

// LowStock is a variant whose available stock (on hand less reserved, in
// every warehouse) is at or below a threshold.
type LowStock struct {
	VariantID int64
	ProductID int64
	SKU       catalog.SKU
	Name      catalog.Text // the product's name
	Variant   catalog.Text // the variant's name
	Available int64
}

// LowStocks lists the variants in scope with at most threshold units
// available, fewest first.
func (s *Store) LowStocks(ctx context.Context, threshold int64, limit int) ([]LowStock, error) {
	sc, err := allowed(ctx, catalog.PermCatalogRead)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > catalog.MaxLimit {
		limit = catalog.DefaultLimit
	}
	var rows []struct {
		VariantID, ProductID int64
		SKU                  string `gorm:"column:sku"`
		NameVI               string `gorm:"column:name_vi"`
		NameEN               string `gorm:"column:name_en"`
		VariantVI            string `gorm:"column:variant_vi"`
		VariantEN            string `gorm:"column:variant_en"`
		Available            int64
	}
	err = ownedBy(s.db.WithContext(ctx).Table("variants"), sc, "variants").
		Joins("JOIN products ON products.id = variants.product_id").
		Joins("LEFT JOIN stock_levels ON stock_levels.variant_id = variants.id").
		Select(`variants.id AS variant_id, variants.product_id, variants.sku, products.name_vi AS name_vi,
			products.name_en AS name_en, variants.name_vi AS variant_vi, variants.name_en AS variant_en,
			COALESCE(SUM(stock_levels.on_hand - stock_levels.reserved), 0) AS available`).
		Group("variants.id, variants.product_id, variants.sku, products.name_vi, products.name_en, variants.name_vi, variants.name_en").
		Having("COALESCE(SUM(stock_levels.on_hand - stock_levels.reserved), 0) <= ?", threshold).
		Order("available, variants.id").Limit(limit).Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "variant")
	}
	out := make([]LowStock, len(rows))
	for i, r := range rows {
		out[i] = LowStock{VariantID: r.VariantID, ProductID: r.ProductID, SKU: catalog.SKU(r.SKU),
			Name: catalog.Text{VI: r.NameVI, EN: r.NameEN}, Variant: catalog.Text{VI: r.VariantVI, EN: r.VariantEN},
			Available: r.Available}
	}
	return out, nil
}

// ProductByGTIN finds the product one of whose variants carries gtin;
// not_found otherwise.
func (s *Store) ProductByGTIN(ctx context.Context, gtin catalog.GTIN) (catalog.Product, error) {
	sc, err := allowed(ctx, catalog.PermCatalogRead)
	if err != nil {
		return catalog.Product{}, err
	}
	var v variantRow
	err = ownedBy(s.db.WithContext(ctx).Model(&variantRow{}), sc, "variants").
		Where("gtin13 = ?", string(gtin)).Take(&v).Error
	if err != nil {
		return catalog.Product{}, translate(err, "product")
	}
	return s.Product(ctx, v.ProductID)
}

// OrderQuery selects orders for the order inbox.
type OrderQuery struct {
	Status   catalog.OrderStatus // "": every status
	Platform catalog.Platform    // "": every platform
	Flagged  bool                // only orders that need a person
	Before   int64               // only ids below this (the next page), 0: from the newest
	Limit    int                 // 1..MaxLimit, 0: DefaultLimit
}

// OrderInbox lists the orders in scope, newest first, with their lines.
func (s *Store) OrderInbox(ctx context.Context, q OrderQuery) ([]catalog.Order, error) {
	sc, err := allowed(ctx, catalog.PermOrdersRead)
	if err != nil {
		return nil, err
	}
	if q.Limit <= 0 || q.Limit > catalog.MaxLimit {
		q.Limit = catalog.DefaultLimit
	}
	db := ownedBy(s.db.WithContext(ctx).Model(&orderRow{}), sc, "orders")
	if q.Status != "" {
		db = db.Where("status = ?", string(q.Status))
	}
	if q.Platform != "" {
		db = db.Where("platform = ?", string(q.Platform))
	}
	if q.Flagged {
		db = db.Where("flagged <> ''")
	}
	if q.Before > 0 {
		db = db.Where("id < ?", q.Before)
	}
	var ids []int64
	if err := db.Order("id DESC").Limit(q.Limit).Pluck("id", &ids).Error; err != nil {
		return nil, translate(err, "order")
	}
	out := make([]catalog.Order, 0, len(ids))
	for _, id := range ids {
		o, err := s.Order(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}
