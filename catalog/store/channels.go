package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ocophub/catalog"
)

type shopRow struct {
	ID               int64 `gorm:"primaryKey"`
	CoopID           int64
	Platform         string
	ExternalID       string
	Name             string
	BufferUnits      int64
	RatioPercent     int64
	MaxShown         int64
	SplitBelow       int64
	WarehouseIDs     string `gorm:"column:warehouse_ids"`
	PriceRuleKind    string
	PriceRuleValue   int64
	PriceRuleRoundTo int64
	Connected        bool
	TokenKeyID       string `gorm:"column:token_key_id"`
	TokenCiphertext  []byte `gorm:"column:token_ciphertext"`
	AccessExpiresAt  *time.Time
	RefreshExpiresAt *time.Time
	AuthorizedUntil  *time.Time
	OrdersCursor     *time.Time
	Version          int64
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

func (shopRow) TableName() string { return "shops" }

func (r shopRow) asDomain() catalog.Shop {
	s := catalog.Shop{ID: r.ID, CoopID: r.CoopID, Platform: catalog.Platform(r.Platform), ExternalID: r.ExternalID,
		Name: r.Name, Connected: r.Connected, Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Rule: catalog.StockRule{BufferUnits: r.BufferUnits, RatioPercent: r.RatioPercent, MaxShown: r.MaxShown,
			SplitBelow: r.SplitBelow, WarehouseIDs: parseIDs(r.WarehouseIDs)},
		PriceRule: r.priceRule()}
	s.AccessExpiresAt, s.RefreshExpiresAt = deref(r.AccessExpiresAt), deref(r.RefreshExpiresAt)
	s.AuthorizedUntil, s.OrdersCursor = deref(r.AuthorizedUntil), deref(r.OrdersCursor)
	return s
}

func (r shopRow) priceRule() catalog.PriceRule {
	return catalog.PriceRule{Kind: catalog.PriceRuleKind(r.PriceRuleKind), Value: r.PriceRuleValue, RoundTo: catalog.VND(r.PriceRuleRoundTo)}
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func ptr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func formatIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

func parseIDs(s string) []int64 {
	var out []int64
	for _, p := range strings.Split(s, ",") {
		if id, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

var shops = entity[shopRow, catalog.Shop]{what: "shop", table: "shops",
	scope:    func(db *gorm.DB, s catalog.Scope) *gorm.DB { return ownedBy(db, s, "shops") },
	asDomain: shopRow.asDomain, id: func(r shopRow) int64 { return r.ID }}

// ConnectShop records a shop the seller just authorized, with its token
// (opaque bytes, sealed here), or refreshes the grant of a shop connected
// before (same platform and external id, same co-op).
func (s *Store) ConnectShop(ctx context.Context, sh *catalog.Shop, token []byte, accessExp, refreshExp, authorizedUntil time.Time) error {
	if _, err := allowed(ctx, catalog.PermShopsWrite); err != nil {
		return err
	}
	if _, err := s.Coop(ctx, sh.CoopID); err != nil {
		return fieldNotFound(err, "coop_id", "co-op not found")
	}
	if _, err := catalog.ParsePlatform(string(sh.Platform)); err != nil || sh.ExternalID == "" {
		return &catalog.Error{Code: catalog.CodeInvalidArgument, Message: "platform and external shop id are required"}
	}
	if err := sh.Rule.Validate(); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var row shopRow
		err := tx.Where("platform = ? AND external_id = ?", sh.Platform, sh.ExternalID).Take(&row).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			row = shopRow{CoopID: sh.CoopID, Platform: string(sh.Platform), ExternalID: sh.ExternalID, Name: sh.Name,
				BufferUnits: sh.Rule.BufferUnits, RatioPercent: ratioOrFull(sh.Rule.RatioPercent), MaxShown: sh.Rule.MaxShown, SplitBelow: sh.Rule.SplitBelow,
				WarehouseIDs: formatIDs(sh.Rule.WarehouseIDs), Connected: true, Version: 1}
			if err := tx.Create(&row).Error; err != nil {
				return translate(err, "shop")
			}
		case err != nil:
			return translate(err, "shop")
		case row.CoopID != sh.CoopID:
			return &catalog.Error{Code: catalog.CodeConflict, Message: "this marketplace shop is connected to another co-op"}
		}
		if err := s.saveToken(tx, row.ID, token, accessExp, refreshExp, authorizedUntil); err != nil {
			return err
		}
		if err := tx.Take(&row, row.ID).Error; err != nil {
			return translate(err, "shop")
		}
		*sh = row.asDomain()
		return nil
	})
}

func ratioOrFull(r int64) int64 {
	if r == 0 {
		return 100
	}
	return r
}

// Shop reads a shop in scope.
func (s *Store) Shop(ctx context.Context, id int64) (catalog.Shop, error) {
	return shops.get(ctx, s.db, id)
}

// ListShops lists shops in scope, optionally of one co-op.
func (s *Store) ListShops(ctx context.Context, q catalog.ListQuery) ([]catalog.Shop, string, error) {
	return shops.list(ctx, s.db, q, coopFilter("shops", q.CoopID))
}

// ShopByExternalID finds a shop by the platform's id, for webhooks: the
// push names the shop, and only a shop connected here is accepted.
func (s *Store) ShopByExternalID(ctx context.Context, p catalog.Platform, externalID string) (catalog.Shop, error) {
	sc, err := scopeOf(ctx)
	if err != nil {
		return catalog.Shop{}, err
	}
	var row shopRow
	err = ownedBy(s.db.WithContext(ctx).Table("shops"), sc, "shops").
		Where("platform = ? AND external_id = ?", string(p), externalID).Take(&row).Error
	if err != nil {
		return catalog.Shop{}, translate(err, "shop")
	}
	return row.asDomain(), nil
}

// SetShopRule changes a shop's stock rule if version is current.
func (s *Store) SetShopRule(ctx context.Context, id, version int64, rule catalog.StockRule) (catalog.Shop, error) {
	if err := rule.Validate(); err != nil {
		return catalog.Shop{}, err
	}
	sc, err := allowed(ctx, catalog.PermShopsWrite)
	if err != nil {
		return catalog.Shop{}, err
	}
	res := ownedBy(s.db.WithContext(ctx).Model(&shopRow{}), sc, "shops").Where("shops.id = ? AND shops.version = ?", id, version).
		Updates(map[string]any{"buffer_units": rule.BufferUnits, "ratio_percent": ratioOrFull(rule.RatioPercent),
			"max_shown": rule.MaxShown, "split_below": rule.SplitBelow, "warehouse_ids": formatIDs(rule.WarehouseIDs), "version": version + 1,
			"updated_at": s.now().UTC()})
	if res.Error != nil {
		return catalog.Shop{}, translate(res.Error, "shop")
	}
	if res.RowsAffected == 0 {
		return catalog.Shop{}, shops.staleOrMissing(ctx, s.db, id)
	}
	return s.Shop(ctx, id)
}

// SetShopPriceRule changes a shop's price rule if version is current, in
// one transaction with its audit entry (an outsider's change is written to
// the co-op's audit log, as every other change of co-op data). The worker
// re-pushes the shop's prices (ops.SetPriceRule queues it).
func (s *Store) SetShopPriceRule(ctx context.Context, id, version int64, rule catalog.PriceRule) (catalog.Shop, error) {
	if err := rule.Validate(); err != nil {
		return catalog.Shop{}, err
	}
	sc, err := allowed(ctx, catalog.PermShopsWrite)
	if err != nil {
		return catalog.Shop{}, err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var before shopRow
		if err := ownedBy(tx.Model(&shopRow{}), sc, "shops").Where("shops.id = ?", id).Take(&before).Error; err != nil {
			return translate(err, "shop")
		}
		res := tx.Model(&shopRow{}).Where("id = ? AND version = ?", id, version).
			Updates(map[string]any{"price_rule_kind": string(rule.Kind), "price_rule_value": rule.Value,
				"price_rule_round_to": int64(rule.RoundTo), "version": version + 1, "updated_at": s.now().UTC()})
		if res.Error != nil {
			return translate(res.Error, "shop")
		}
		if res.RowsAffected == 0 {
			return &catalog.Error{Code: catalog.CodeConflict, Message: "shop was changed by someone else; reload it and try again"}
		}
		return s.auditOutsider(tx, sc, before.CoopID, "shop.price_rule_changed", "shop", id,
			fmt.Sprintf("%s: %s → %s", before.Name, describePriceRule(before.priceRule()), describePriceRule(rule)))
	})
	if err != nil {
		return catalog.Shop{}, err
	}
	return s.Shop(ctx, id)
}

// describePriceRule is a rule in the audit log's words: "+10% (1000)".
func describePriceRule(r catalog.PriceRule) string {
	switch r.Kind {
	case catalog.PriceRulePercent:
		return fmt.Sprintf("%+d%% (round %d)", r.Value, r.RoundTo)
	case catalog.PriceRuleAmount:
		return fmt.Sprintf("%+d VND (round %d)", r.Value, r.RoundTo)
	}
	return "none"
}

// ShopToken opens the shop's sealed token. Only the operator's scope (the
// worker calling the channel) gets it: no co-op user ever needs the plain
// marketplace token.
func (s *Store) ShopToken(ctx context.Context, shopID int64) ([]byte, error) {
	if err := operatorOnly(ctx); err != nil {
		return nil, err
	}
	if _, err := s.Shop(ctx, shopID); err != nil {
		return nil, err
	}
	var row shopRow
	if err := s.db.WithContext(ctx).Select("id", "token_key_id", "token_ciphertext").Take(&row, shopID).Error; err != nil {
		return nil, translate(err, "shop")
	}
	if len(row.TokenCiphertext) == 0 {
		return nil, &catalog.Error{Code: catalog.CodeFailedPrecondition, Message: "shop has no token: connect it again"}
	}
	if s.keys == nil {
		return nil, &catalog.Error{Code: catalog.CodeInternal, Message: "no secret keys configured"}
	}
	plain, err := s.keys.Open(row.TokenKeyID, row.TokenCiphertext, tokenAD(shopID))
	if err != nil {
		return nil, &catalog.Error{Code: catalog.CodeInternal, Message: "cannot open the shop's token", Err: err}
	}
	return plain, nil
}

// SaveShopToken seals and stores a new token pair in one write: the
// worker's refresh, as the operator (a co-op connects with ConnectShop).
func (s *Store) SaveShopToken(ctx context.Context, shopID int64, token []byte, accessExp, refreshExp time.Time) error {
	if err := operatorOnly(ctx); err != nil {
		return err
	}
	if _, err := s.Shop(ctx, shopID); err != nil {
		return err
	}
	return s.saveToken(s.db.WithContext(ctx), shopID, token, accessExp, refreshExp, time.Time{})
}

func (s *Store) saveToken(db *gorm.DB, shopID int64, token []byte, accessExp, refreshExp, authorizedUntil time.Time) error {
	if s.keys == nil {
		return &catalog.Error{Code: catalog.CodeInternal, Message: "no secret keys configured: set OCOPHUB_SECRET_KEYS"}
	}
	keyID, sealed := s.keys.Seal(token, tokenAD(shopID))
	set := map[string]any{"token_key_id": keyID, "token_ciphertext": sealed, "connected": true,
		"access_expires_at": ptr(accessExp), "refresh_expires_at": ptr(refreshExp), "updated_at": s.now().UTC()}
	if !authorizedUntil.IsZero() {
		set["authorized_until"] = authorizedUntil
	}
	return translate(db.Model(&shopRow{}).Where("id = ?", shopID).Updates(set).Error, "shop")
}

func tokenAD(shopID int64) string { return "shop-token:" + strconv.FormatInt(shopID, 10) }

// SetShopConnected marks a shop (dis)connected: a revoked grant stops
// pushes until the seller reconnects.
func (s *Store) SetShopConnected(ctx context.Context, shopID int64, connected bool) error {
	if _, err := allowed(ctx, catalog.PermShopsWrite); err != nil {
		return err
	}
	if _, err := s.Shop(ctx, shopID); err != nil {
		return err
	}
	return translate(s.db.WithContext(ctx).Model(&shopRow{}).Where("id = ?", shopID).
		Updates(map[string]any{"connected": connected, "updated_at": s.now().UTC()}).Error, "shop")
}

// SetOrdersCursor persists where the polling backstop resumes (the
// worker's, as the operator).
func (s *Store) SetOrdersCursor(ctx context.Context, shopID int64, at time.Time) error {
	if err := operatorOnly(ctx); err != nil {
		return err
	}
	if _, err := s.Shop(ctx, shopID); err != nil {
		return err
	}
	return translate(s.db.WithContext(ctx).Model(&shopRow{}).Where("id = ?", shopID).
		Update("orders_cursor", at.UTC()).Error, "shop")
}

type listingRow struct {
	ID              int64 `gorm:"primaryKey"`
	ShopID          int64
	CoopID          int64
	ProductID       int64
	VariantID       int64
	Title           string
	PriceVND        int64 `gorm:"column:price_vnd"`
	CategoryID      string
	Attributes      string
	ExternalItemID  string
	ExternalModelID string
	Status          string
	Error           string
	PushedVersion   int64
	PushedQuantity  int64
	PushedBase      int64
	PushedAvail     int64
	PushedAt        *time.Time
	SoldSincePush   int64
	Version         int64
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

func (listingRow) TableName() string { return "listings" }

func (r listingRow) asDomain() catalog.Listing {
	l := catalog.Listing{ID: r.ID, ShopID: r.ShopID, CoopID: r.CoopID, ProductID: r.ProductID, VariantID: r.VariantID,
		Title: r.Title, Price: catalog.VND(r.PriceVND), CategoryID: r.CategoryID, ExternalItemID: r.ExternalItemID,
		ExternalModelID: r.ExternalModelID, Status: catalog.ListingStatus(r.Status), Error: r.Error,
		PushedVersion: r.PushedVersion, PushedQuantity: r.PushedQuantity, PushedBase: r.PushedBase, PushedAvail: r.PushedAvail, PushedAt: r.PushedAt,
		SoldSincePush: r.SoldSincePush, Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if r.Attributes != "" {
		_ = json.Unmarshal([]byte(r.Attributes), &l.Attributes)
	}
	return l
}

var listings = entity[listingRow, catalog.Listing]{what: "listing", table: "listings",
	scope:    func(db *gorm.DB, s catalog.Scope) *gorm.DB { return ownedBy(db, s, "listings") },
	asDomain: listingRow.asDomain, id: func(r listingRow) int64 { return r.ID }}

// AddListing offers a variant in a shop of the same co-op as a draft, or
// returns the existing listing of that pair.
func (s *Store) AddListing(ctx context.Context, shopID, variantID int64) (catalog.Listing, error) {
	if _, err := allowed(ctx, catalog.PermShopsWrite); err != nil {
		return catalog.Listing{}, err
	}
	sh, err := s.Shop(ctx, shopID)
	if err != nil {
		return catalog.Listing{}, fieldNotFound(err, "shop_id", "shop not found")
	}
	v, err := s.variant(ctx, s.db, variantID)
	if err != nil {
		return catalog.Listing{}, fieldNotFound(err, "variant_id", "variant not found")
	}
	if v.CoopID != sh.CoopID {
		return catalog.Listing{}, &catalog.Error{Code: catalog.CodeInvalidArgument, Message: "the shop belongs to another co-op",
			Fields: map[string]string{"shop_id": "shop of another co-op"}}
	}
	var archived int64
	if err := s.db.WithContext(ctx).Model(&productRow{}).Where("id = ? AND archived_at IS NOT NULL", v.ProductID).
		Count(&archived).Error; err != nil {
		return catalog.Listing{}, translate(err, "product")
	}
	if archived > 0 {
		return catalog.Listing{}, catalog.Errorf(catalog.CodeFailedPrecondition, "the product is archived: restore it before publishing it")
	}
	row := listingRow{ShopID: shopID, CoopID: sh.CoopID, ProductID: v.ProductID, VariantID: variantID,
		Status: string(catalog.ListingDraft), Version: 1}
	err = s.db.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "shop_id"}, {Name: "variant_id"}}, DoNothing: true}).
		Create(&row).Error
	if err != nil {
		return catalog.Listing{}, translate(err, "listing")
	}
	var got listingRow
	if err := s.db.WithContext(ctx).Where("shop_id = ? AND variant_id = ?", shopID, variantID).Take(&got).Error; err != nil {
		return catalog.Listing{}, translate(err, "listing")
	}
	return got.asDomain(), nil
}

// Listing reads a listing in scope.
func (s *Store) Listing(ctx context.Context, id int64) (catalog.Listing, error) {
	return listings.get(ctx, s.db, id)
}

// ListListings lists listings in scope of a shop (q.CoopID filters by co-op).
func (s *Store) ListListings(ctx context.Context, shopID int64, q catalog.ListQuery) ([]catalog.Listing, string, error) {
	return listings.list(ctx, s.db, q, func(db *gorm.DB) *gorm.DB {
		db = coopFilter("listings", q.CoopID)(db)
		if shopID != 0 {
			db = db.Where("listings.shop_id = ?", shopID)
		}
		return db
	})
}

// ListingsOfVariant are the listings a change of the variant's stock must
// be pushed to.
func (s *Store) ListingsOfVariant(ctx context.Context, variantID int64) ([]catalog.Listing, error) {
	return s.ListingsOfVariants(ctx, []int64{variantID})
}

// ListingsOfVariants are the listings of many variants, in one query.
func (s *Store) ListingsOfVariants(ctx context.Context, variantIDs []int64) ([]catalog.Listing, error) {
	sc, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	var rows []listingRow
	if err := ownedBy(s.db.WithContext(ctx).Table("listings"), sc, "listings").Where("variant_id IN ?", variantIDs).
		Order("id").Find(&rows).Error; err != nil {
		return nil, translate(err, "listing")
	}
	out := make([]catalog.Listing, len(rows))
	for i, r := range rows {
		out[i] = r.asDomain()
	}
	return out, nil
}

// SetListingState records a publish step: status, the channel's message
// and, once known, its ids. Only the worker, as the operator, reports what
// the channel did; a co-op asks for it through the tasks.
func (s *Store) SetListingState(ctx context.Context, id int64, status catalog.ListingStatus, message, itemID, modelID string) error {
	if err := operatorOnly(ctx); err != nil {
		return err
	}
	if _, err := s.Listing(ctx, id); err != nil {
		return err
	}
	set := map[string]any{"status": string(status), "error": message, "updated_at": s.now().UTC()}
	if itemID != "" {
		set["external_item_id"] = itemID
		set["external_model_id"] = modelID
	}
	return translate(s.db.WithContext(ctx).Model(&listingRow{}).Where("id = ?", id).Updates(set).Error, "listing")
}

// SetListingOverrides replaces a listing's own content on its channel if
// version is current.
func (s *Store) SetListingOverrides(ctx context.Context, id, version int64, o catalog.ListingOverrides) (catalog.Listing, error) {
	if err := o.Validate(); err != nil {
		return catalog.Listing{}, err
	}
	sc, err := allowed(ctx, catalog.PermShopsWrite)
	if err != nil {
		return catalog.Listing{}, err
	}
	attrs := ""
	if len(o.Attributes) > 0 {
		b, err := json.Marshal(o.Attributes)
		if err != nil {
			return catalog.Listing{}, err
		}
		attrs = string(b)
	}
	res := ownedBy(s.db.WithContext(ctx).Model(&listingRow{}), sc, "listings").Where("listings.id = ? AND listings.version = ?", id, version).
		Updates(map[string]any{"title": strings.TrimSpace(o.Title), "price_vnd": int64(o.Price), "category_id": strings.TrimSpace(o.CategoryID),
			"attributes": attrs, "version": version + 1, "updated_at": s.now().UTC()})
	if res.Error != nil {
		return catalog.Listing{}, translate(res.Error, "listing")
	}
	if res.RowsAffected == 0 {
		return catalog.Listing{}, listings.staleOrMissing(ctx, s.db, id)
	}
	return s.Listing(ctx, id)
}

// VariantStock is a variant's stock in the warehouses that feed a shop,
// and a version that grows with every change of any of them (the sum of
// the levels' versions), for the push sequence guard.
func (s *Store) VariantStock(ctx context.Context, variantID int64, rule catalog.StockRule) (onHand, reserved, version int64, err error) {
	levels, err := s.StockLevels(ctx, variantID)
	if err != nil {
		return 0, 0, 0, err
	}
	for _, l := range levels {
		version += l.Version
		if rule.Feeds(l.WarehouseID) {
			onHand += l.OnHand
			reserved += l.Reserved
		}
	}
	return onHand, reserved, version, nil
}

// PushSnap is what one listing's push is computed from: the listing, its
// variant's seller SKU, and the variant's stock in the warehouses feeding
// the shop, all read in one snapshot.
type PushSnap struct {
	Listing   catalog.Listing
	SellerSKU string
	OnHand    int64
	Reserved  int64
	Held      int64
	// LiveHold is what is left of a live session's hold of the variant
	// when this listing's shop is the live shop; nil otherwise.
	LiveHold *int64
	// Sharers is how many shops list the variant live from the shared
	// stock (a live shop on its hold does not share); Rank is this
	// listing's place among them, for the rule's split of the last units.
	Sharers, Rank int
	// Others are the other sharing shops' listings of the variant: what
	// each may still sell, so one shop is never shown units another has
	// sold (catalog.StockRule.SharedAvail).
	Others []catalog.Sharer
	// CampaignHold is what running campaigns on this shop's platform
	// hold of the variant: on top of the shared stock for this shop
	// (other shops do not see it).
	CampaignHold int64
	// RecentSales are the variant's units reserved by orders of any shop
	// in the last catalog.BurstWindow: the rule's burst guard.
	RecentSales int64
	// Version sums the stock versions of every warehouse of the variant:
	// any stock change moves it forward.
	Version int64
}

// Avail is what the listing's shop may show: a live shop shows exactly
// what is left of its hold; every other shop its rule's share of the
// stock nobody holds, less what the other sharing shops may still sell of
// it (catalog.StockRule.SharedAvail). capped: the others' claims hold it
// below its share for now.
func (p PushSnap) Avail(rule catalog.StockRule) (avail int64, capped bool) {
	if p.LiveHold != nil {
		return *p.LiveHold, false
	}
	return rule.SharedAvail(p.shared(rule), p.RecentSales, p.Rank, p.Others)
}

// shared is what the shop's rule allows of the stock nobody holds.
func (p PushSnap) shared(rule catalog.StockRule) int64 {
	return rule.ChannelQuantity(p.OnHand, p.Reserved+p.Held-p.CampaignHold)
}

// SplitHot reports whether the shop is shown a share of the last units
// (by its rule's SplitBelow or by the burst guard) while the variant is
// selling: a push a moment later looks again, and once the variant is
// quiet a shop the guard split gets the rest back.
//
// (Keeping one more unit back in such a share, for a sale landing between
// reading the channel and writing it, was measured: with the hub seconds
// behind on orders it gave the unit back before those orders came in, and
// bench-livestream oversold 2 in hold mode instead of 0.)
func (p PushSnap) SplitHot(rule catalog.StockRule) bool {
	return p.RecentSales > 0 && p.Split(rule)
}

// Split reports whether the shop is shown a share of the last units (by
// its rule's SplitBelow or by the burst guard): only then can one
// sharing shop's claim hold another below its share.
func (p PushSnap) Split(rule catalog.StockRule) bool {
	return p.LiveHold == nil && rule.Splits(p.shared(rule), p.RecentSales, p.Sharers)
}

// PushSnapshot reads one listing's PushSnap.
func (s *Store) PushSnapshot(ctx context.Context, listingID int64, rule catalog.StockRule) (PushSnap, error) {
	snaps, err := s.PushSnapshots(ctx, []int64{listingID}, rule)
	if err != nil {
		return PushSnap{}, err
	}
	if len(snaps) == 0 {
		return PushSnap{}, catalog.Errorf(catalog.CodeNotFound, "listing %d not found", listingID)
	}
	return snaps[0], nil
}

// PushSnapshots reads the PushSnap of many listings of one shop in one
// consistent snapshot (at most eight queries, whatever the count), so a batched
// push never mixes stock read at different moments. Listings out of scope
// or deleted are left out.
func (s *Store) PushSnapshots(ctx context.Context, listingIDs []int64, rule catalog.StockRule) ([]PushSnap, error) {
	sc, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	var out []PushSnap
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var rows []listingRow
		if err := ownedBy(tx.Table("listings"), sc, "listings").Where("listings.id IN ?", listingIDs).
			Order("listings.id").Find(&rows).Error; err != nil {
			return translate(err, "listing")
		}
		variantIDs := make([]int64, len(rows))
		for i, r := range rows {
			variantIDs[i] = r.VariantID
		}
		var variants []variantRow
		if err := tx.Select("id", "sku").Where("id IN ?", variantIDs).Find(&variants).Error; err != nil {
			return translate(err, "variant")
		}
		var levels []stockLevelRow
		if err := tx.Where("variant_id IN ?", variantIDs).Find(&levels).Error; err != nil {
			return translate(err, "stock")
		}
		sku := make(map[int64]string, len(variants))
		for _, v := range variants {
			sku[v.ID] = v.SKU
		}
		byVariant := make(map[int64][]int, len(rows))
		out = make([]PushSnap, len(rows))
		for i, r := range rows {
			out[i] = PushSnap{Listing: r.asDomain(), SellerSKU: sku[r.VariantID]}
			byVariant[r.VariantID] = append(byVariant[r.VariantID], i)
		}
		for _, lv := range levels {
			for _, i := range byVariant[lv.VariantID] {
				out[i].Version += lv.Version
				if rule.Feeds(lv.WarehouseID) {
					out[i].OnHand += lv.OnHand
					out[i].Reserved += lv.Reserved
					out[i].Held += lv.Held
				}
			}
		}
		var holds []liveHoldRow
		if err := tx.Where("active AND variant_id IN ?", variantIDs).Find(&holds).Error; err != nil {
			return translate(err, "live hold")
		}
		liveShop := map[int64]int64{}
		for _, h := range holds {
			liveShop[h.VariantID] = h.ShopID
			for _, i := range byVariant[h.VariantID] {
				if out[i].Listing.ShopID == h.ShopID {
					held := h.Held
					out[i].LiveHold = &held
				}
			}
		}
		var campaignHolds []campaignHoldRow
		if err := tx.Where("active AND variant_id IN ?", variantIDs).Find(&campaignHolds).Error; err != nil {
			return translate(err, "campaign hold")
		}
		if len(campaignHolds) > 0 {
			var shopsOf []shopRow
			if err := tx.Select("id", "platform").Where("id IN (?)", tx.Table("listings").Select("shop_id").Where("id IN ?", listingIDs)).
				Find(&shopsOf).Error; err != nil {
				return translate(err, "shop")
			}
			platform := map[int64]catalog.Platform{}
			for _, sh := range shopsOf {
				platform[sh.ID] = catalog.Platform(sh.Platform)
			}
			for _, h := range campaignHolds {
				for _, i := range byVariant[h.VariantID] {
					if h.sellsOn(platform[out[i].Listing.ShopID]) && rule.Feeds(h.WarehouseID) {
						out[i].CampaignHold += h.Held
					}
				}
			}
		}
		var recent []struct {
			VariantID int64
			Units     int64
		}
		if err := tx.Table("stock_movements").Select("variant_id, SUM(reserved_delta) AS units").
			Where("variant_id IN ? AND op = ? AND created_at > ?", variantIDs, string(catalog.OpReserve), s.now().UTC().Add(-catalog.BurstWindow)).
			Group("variant_id").Scan(&recent).Error; err != nil {
			return translate(err, "stock movement")
		}
		for _, r := range recent {
			for _, i := range byVariant[r.VariantID] {
				out[i].RecentSales = r.Units
			}
		}
		var sharing []listingRow
		if err := tx.Select("id", "variant_id", "shop_id", "pushed_base", "pushed_quantity", "sold_since_push").
			Where("status = ? AND variant_id IN ?", string(catalog.ListingLive), variantIDs).
			Order("shop_id").Find(&sharing).Error; err != nil {
			return translate(err, "listing")
		}
		rank := map[[2]int64]int{} // (variant, shop) → rank among the variant's sharers
		for _, l := range sharing {
			if liveShop[l.VariantID] == l.ShopID {
				continue
			}
			key := [2]int64{l.VariantID, 0}
			rank[[2]int64{l.VariantID, l.ShopID}] = rank[key]
			rank[key]++
		}
		for _, l := range sharing {
			if liveShop[l.VariantID] == l.ShopID {
				continue
			}
			other := l.asDomain()
			for _, i := range byVariant[l.VariantID] {
				out[i].Sharers++
				if l.ShopID == out[i].Listing.ShopID {
					out[i].Rank = rank[[2]int64{l.VariantID, l.ShopID}]
					continue
				}
				out[i].Others = append(out[i].Others, catalog.Sharer{ListingID: l.ID, ShopID: l.ShopID,
					Rank: rank[[2]int64{l.VariantID, l.ShopID}], Claim: other.Claim(), Unseen: other.KnownUnseen()})
			}
		}
		return nil
	}, &sql.TxOptions{Isolation: s.snapshotIsolation(), ReadOnly: s.dialect == Postgres})
	return out, err
}

// snapshotIsolation is REPEATABLE READ on PostgreSQL (one snapshot for the
// whole transaction); SQLite's transactions are serializable already.
func (s *Store) snapshotIsolation() sql.IsolationLevel {
	if s.dialect == Postgres {
		return sql.LevelRepeatableRead
	}
	return sql.LevelDefault
}

// PushRecord is the outcome of one push to a channel, for the audit and
// the listing's sequence guard.
type PushRecord struct {
	ListingID int64
	Kind      string // "stock", "price", "publish"
	Before    *int64
	After     *int64
	Version   int64
	Result    string // "ok", "own_sales", "unchanged" (nothing sent), "skipped", "error"
	Error     string
	RequestID string
	Latency   time.Duration
	// SoldAccounted is the listing's SoldSincePush the push accounted
	// for; orders ingested during the push stay counted for the next one.
	SoldAccounted int64
	// Base is the quantity pushed plus the sales unseen at the push;
	// Avail what the rule allowed.
	Base, Avail int64
}

// RecordPush records one push (see RecordPushes).
func (s *Store) RecordPush(ctx context.Context, r PushRecord) error {
	return s.RecordPushes(ctx, []PushRecord{r})
}

// RecordPushes writes the audit rows of a batch of pushes and, for each
// successful stock push, moves the listing's pushed_version forward (never
// back) and takes the sales it accounted for off the listing's count, all
// in one transaction.
func (s *Store) RecordPushes(ctx context.Context, recs []PushRecord) error {
	if len(recs) == 0 {
		return nil
	}
	ids := make([]int64, len(recs))
	for i, r := range recs {
		ids[i] = r.ListingID
	}
	sc, err := scopeOf(ctx)
	if err != nil {
		return err
	}
	var owners []listingRow
	if err := ownedBy(s.db.WithContext(ctx).Table("listings"), sc, "listings").Select("listings.id", "listings.shop_id", "listings.coop_id").
		Where("listings.id IN ?", ids).Find(&owners).Error; err != nil {
		return translate(err, "listing")
	}
	owner := make(map[int64]listingRow, len(owners))
	for _, o := range owners {
		owner[o.ID] = o
	}
	audit := make([]pushAuditRow, 0, len(recs))
	for _, r := range recs {
		o, ok := owner[r.ListingID]
		if !ok {
			continue // deleted since, or out of scope
		}
		audit = append(audit, pushAuditRow{ListingID: o.ID, ShopID: o.ShopID, CoopID: o.CoopID, Kind: r.Kind,
			BeforeQty: r.Before, AfterQty: r.After, Version: r.Version, Result: r.Result, Error: r.Error,
			RequestID: r.RequestID, LatencyMS: r.Latency.Milliseconds()})
	}
	if len(audit) == 0 {
		return nil
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now().UTC()
		for _, r := range recs {
			if _, ok := owner[r.ListingID]; !ok || r.Kind != "stock" || (r.Result != "ok" && r.Result != "own_sales" && r.Result != "unchanged") || r.After == nil {
				continue
			}
			set := map[string]any{"pushed_version": r.Version, "pushed_quantity": *r.After, "pushed_base": r.Base, "pushed_avail": r.Avail,
				"sold_since_push": gorm.Expr("sold_since_push - ?", r.SoldAccounted), "updated_at": now}
			if r.Result == "ok" { // own_sales and unchanged sent nothing: pushed_at stays the time of the last write
				set["pushed_at"] = now
			}
			if err := tx.Model(&listingRow{}).Where("id = ? AND pushed_version <= ?", r.ListingID, r.Version).
				Updates(set).Error; err != nil {
				return translate(err, "listing")
			}
		}
		return translate(tx.CreateInBatches(audit, 200).Error, "push audit")
	})
}

type pushAuditRow struct {
	ID        int64 `gorm:"primaryKey"`
	ListingID int64
	ShopID    int64
	CoopID    int64
	Kind      string
	BeforeQty *int64
	AfterQty  *int64
	Version   int64
	Result    string
	Error     string
	RequestID string
	LatencyMS int64 `gorm:"column:latency_ms"`
	CreatedAt time.Time
}

func (pushAuditRow) TableName() string { return "push_audit" }

// PushAudit is one audited push as the API shows it.
type PushAudit struct {
	ID        int64     `json:"id"`
	ListingID int64     `json:"listing_id"`
	ShopID    int64     `json:"shop_id"`
	Kind      string    `json:"kind"`
	Before    *int64    `json:"before,omitempty"`
	After     *int64    `json:"after,omitempty"`
	Version   int64     `json:"version"`
	Result    string    `json:"result"`
	Error     string    `json:"error,omitempty"`
	RequestID string    `json:"request_id,omitempty"`
	LatencyMS int64     `json:"latency_ms"`
	At        time.Time `json:"at"`
}

// PushHistory lists a listing's audited pushes, newest first.
func (s *Store) PushHistory(ctx context.Context, listingID int64, limit int) ([]PushAudit, error) {
	if _, err := s.Listing(ctx, listingID); err != nil {
		return nil, err
	}
	var rows []pushAuditRow
	if err := s.db.WithContext(ctx).Where("listing_id = ?", listingID).Order("id DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, translate(err, "push audit")
	}
	out := make([]PushAudit, len(rows))
	for i, r := range rows {
		out[i] = r.asDomain()
	}
	return out, nil
}
