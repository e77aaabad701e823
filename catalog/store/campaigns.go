package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ocophub/catalog"
)

// Alliance promotion campaigns (issue 9). The alliance makes a campaign;
// co-ops (their manager, or staff holding the co-op's join_campaigns
// right) opt SKUs in; at the start the store turns every opted-in live
// listing on the campaign's channels into a campaign_listings row in state
// applied, and at the end (or a cancellation) into restored. The worker
// pushes whatever price a listing's rows say (PriceTargets) and records
// that the channel was told (SettleCampaignPrices); rows still owed a push
// are re-driven by the sweep. Every transition is one transaction that
// checks the current status, so running it twice, or on two workers,
// changes nothing the second time.

type campaignRow struct {
	ID            int64 `gorm:"primaryKey"`
	AllianceID    int64
	Name          string
	Description   string
	Rules         string
	TargetCoops   string
	DiscountKind  string
	DiscountValue int64
	Channels      string
	StartsAt      time.Time
	EndsAt        time.Time
	Status        string
	StartedAt     *time.Time
	EndedAt       *time.Time
	CreatedBy     string
	Version       int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (campaignRow) TableName() string { return "campaigns" }

func (r campaignRow) asDomain() catalog.Campaign {
	c := catalog.Campaign{ID: r.ID, AllianceID: r.AllianceID, Name: r.Name, Description: r.Description,
		Discount: catalog.Discount{Kind: catalog.DiscountKind(r.DiscountKind), Value: r.DiscountValue},
		StartsAt: r.StartsAt, EndsAt: r.EndsAt, Status: catalog.CampaignStatus(r.Status), StartedAt: r.StartedAt,
		EndedAt: r.EndedAt, CreatedBy: r.CreatedBy, Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	_ = json.Unmarshal([]byte(r.Rules), &c.Rules)
	for _, p := range strings.Split(r.Channels, ",") {
		if p != "" {
			c.Channels = append(c.Channels, catalog.Platform(p))
		}
	}
	return c
}

type campaignFloorRow struct {
	CampaignID int64
	VariantID  int64
	FloorVND   int64 `gorm:"column:floor_vnd"`
}

func (campaignFloorRow) TableName() string { return "campaign_floors" }

type campaignItemRow struct {
	ID           int64 `gorm:"primaryKey"`
	CampaignID   int64
	CoopID       int64
	ProductID    int64
	VariantID    int64
	ReservedQty  int64
	JoinedBy     string
	JoinedRole   string
	JoinedUserID *int64
	CreatedAt    time.Time
}

func (campaignItemRow) TableName() string { return "campaign_items" }

type campaignListingRow struct {
	ID               int64 `gorm:"primaryKey"`
	CampaignID       int64
	ListingID        int64
	ShopID           int64
	CoopID           int64
	ProductID        int64
	VariantID        int64
	Platform         string
	State            string
	BasePriceVND     int64 `gorm:"column:base_price_vnd"`
	CampaignPriceVND int64 `gorm:"column:campaign_price_vnd"`
	RestoredPriceVND int64 `gorm:"column:restored_price_vnd"`
	Reason           string
	Error            string
	Gen              int64
	SyncedGen        int64
	Attempts         int
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

func (campaignListingRow) TableName() string { return "campaign_listings" }

func (r campaignListingRow) asDomain(sku string) catalog.CampaignListing {
	return catalog.CampaignListing{ID: r.ID, CampaignID: r.CampaignID, ListingID: r.ListingID, ShopID: r.ShopID,
		CoopID: r.CoopID, VariantID: r.VariantID, Platform: catalog.Platform(r.Platform), SKU: catalog.SKU(sku),
		State: catalog.CampaignListingState(r.State), BasePrice: catalog.VND(r.BasePriceVND),
		CampaignPrice: catalog.VND(r.CampaignPriceVND), RestoredPrice: catalog.VND(r.RestoredPriceVND),
		Synced: r.SyncedGen >= r.Gen, Reason: r.Reason, Error: r.Error, UpdatedAt: r.UpdatedAt}
}

// MaxCampaignPushAttempts is how often a listing's owed campaign price is
// tried before the sweep leaves it to a person (shown in the live view).
const MaxCampaignPushAttempts = 20

var campaigns = entity[campaignRow, campaignRow]{what: "campaign", table: "campaigns", scope: campaignsIn,
	asDomain: func(r campaignRow) campaignRow { return r }, id: func(r campaignRow) int64 { return r.ID }}

// campaignsIn limits campaigns to the scope: an alliance (admin or staff)
// sees its own; a co-op sees the campaigns of its alliance offered to it
// (target_coops empty, or naming it).
func campaignsIn(db *gorm.DB, s catalog.Scope) *gorm.DB {
	switch {
	case s.IsOperator():
		return db
	case s.IsStaff():
		return db.Where("campaigns.alliance_id = ?", s.StaffAllianceID())
	case s.AllianceID() != 0:
		return db.Where("campaigns.alliance_id = ?", s.AllianceID())
	default:
		return db.Where(`EXISTS (SELECT 1 FROM coops c WHERE c.id IN ? AND c.alliance_id = campaigns.alliance_id
			AND (campaigns.target_coops = '' OR campaigns.target_coops LIKE '%,' || CAST(c.id AS TEXT) || ',%'))`, s.CoopIDs())
	}
}

// ofCampaignCoops limits a campaign's co-op rows (items, listings) to
// the scope's co-ops for a co-op: it sees only its own part. The alliance
// and the operator see every participant of a campaign they can see.
func ofCampaignCoops(db *gorm.DB, s catalog.Scope, table string) *gorm.DB {
	if len(s.CoopIDs()) > 0 {
		return db.Where(table+".coop_id IN ?", s.CoopIDs())
	}
	return db
}

// CreateCampaign stores a new campaign of the caller's alliance (the
// operator names one), scheduled. Its co-op and province rules are
// resolved to the alliance's co-ops now; rule co-ops and floor SKUs must
// be the alliance's.
func (s *Store) CreateCampaign(ctx context.Context, c *catalog.Campaign) error {
	sc, err := allowed(ctx, catalog.PermCampaignsManage)
	if err != nil {
		return err
	}
	switch {
	case sc.IsStaff():
		c.AllianceID = sc.StaffAllianceID()
	case sc.AllianceID() != 0:
		c.AllianceID = sc.AllianceID()
	}
	now := s.now().UTC()
	if err := c.Validate(now); err != nil {
		return err
	}
	if _, err := s.Alliance(ctx, c.AllianceID); err != nil {
		return fieldNotFound(err, "alliance_id", "alliance not found")
	}
	targets, err := s.campaignTargets(ctx, *c)
	if err != nil {
		return err
	}
	row := campaignRow{AllianceID: c.AllianceID, Name: c.Name, Description: c.Description,
		TargetCoops: targets, DiscountKind: string(c.Discount.Kind), DiscountValue: c.Discount.Value,
		Channels: joinPlatforms(c.Channels), StartsAt: c.StartsAt.UTC(), EndsAt: c.EndsAt.UTC(),
		Status: string(catalog.CampaignScheduled), CreatedBy: sc.Actor(), Version: 1, CreatedAt: now, UpdatedAt: now}
	rules, _ := json.Marshal(c.Rules)
	row.Rules = string(rules)
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			return translate(err, "campaign")
		}
		for _, f := range c.Floors {
			if err := tx.Create(&campaignFloorRow{CampaignID: row.ID, VariantID: f.VariantID, FloorVND: int64(f.Floor)}).Error; err != nil {
				return translate(err, "price floor")
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	*c, err = s.Campaign(ctx, row.ID)
	return err
}

// campaignTargets checks the rules' co-ops and the floors' SKUs belong to
// the alliance, and returns the co-ops the co-op and province rules
// select as ",id,id," ("" when there are no such rules).
func (s *Store) campaignTargets(ctx context.Context, c catalog.Campaign) (string, error) {
	var coops []coopRow
	if err := s.db.WithContext(ctx).Where("alliance_id = ?", c.AllianceID).Order("id").Find(&coops).Error; err != nil {
		return "", translate(err, "co-op")
	}
	fe := catalog.FieldErrors{}
	for _, id := range c.Rules.CoopIDs {
		if !slices.ContainsFunc(coops, func(r coopRow) bool { return r.ID == id }) {
			fe.Add("rules.coop_ids", fmt.Sprintf("co-op %d is not a member of the alliance", id))
		}
	}
	if len(c.Floors) > 0 {
		ids := make([]int64, len(c.Floors))
		for i, f := range c.Floors {
			ids[i] = f.VariantID
		}
		var found []int64
		if err := s.db.WithContext(ctx).Table("variants").Joins("JOIN coops ON coops.id = variants.coop_id").
			Where("variants.id IN ? AND coops.alliance_id = ?", ids, c.AllianceID).Pluck("variants.id", &found).Error; err != nil {
			return "", translate(err, "variant")
		}
		for i, f := range c.Floors {
			if !slices.Contains(found, f.VariantID) {
				fe.Add(fmt.Sprintf("floors[%d].variant_id", i), "no SKU of the alliance has this id")
			}
		}
	}
	if err := fe.Err(); err != nil {
		return "", err
	}
	if len(c.Rules.CoopIDs) == 0 && len(c.Rules.Provinces) == 0 {
		return "", nil
	}
	var ids []string
	for _, r := range coops {
		if c.Rules.MatchesCoop(r.asDomain()) {
			ids = append(ids, strconv.FormatInt(r.ID, 10))
		}
	}
	if len(ids) == 0 {
		return "", &catalog.Error{Code: catalog.CodeInvalidArgument, Message: "validation failed",
			Fields: map[string]string{"rules.provinces": "no co-op of the alliance matches these co-op and province rules"}}
	}
	return "," + strings.Join(ids, ",") + ",", nil
}

func joinPlatforms(ps []catalog.Platform) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = string(p)
	}
	return strings.Join(parts, ",")
}

// Campaign reads a campaign in scope with its price floors (a co-op sees
// the floors of its own SKUs only).
func (s *Store) Campaign(ctx context.Context, id int64) (catalog.Campaign, error) {
	if _, err := allowed(ctx, catalog.PermCampaignsRead); err != nil {
		return catalog.Campaign{}, err
	}
	row, err := campaigns.get(ctx, s.db, id)
	if err != nil {
		return catalog.Campaign{}, err
	}
	out := []catalog.Campaign{row.asDomain()}
	if err := s.loadFloors(ctx, out); err != nil {
		return catalog.Campaign{}, err
	}
	return out[0], nil
}

// ListCampaigns lists campaigns in scope, newest id last (q.Alliance
// filters).
func (s *Store) ListCampaigns(ctx context.Context, q catalog.ListQuery) ([]catalog.Campaign, string, error) {
	if _, err := allowed(ctx, catalog.PermCampaignsRead); err != nil {
		return nil, "", err
	}
	rows, next, err := campaigns.list(ctx, s.db, q, func(db *gorm.DB) *gorm.DB {
		if q.Alliance != 0 {
			db = db.Where("campaigns.alliance_id = ?", q.Alliance)
		}
		return db
	})
	if err != nil {
		return nil, "", err
	}
	out := make([]catalog.Campaign, len(rows))
	for i, r := range rows {
		out[i] = r.asDomain()
	}
	return out, next, s.loadFloors(ctx, out)
}

func (s *Store) loadFloors(ctx context.Context, cs []catalog.Campaign) error {
	if len(cs) == 0 {
		return nil
	}
	sc, err := scopeOf(ctx)
	if err != nil {
		return err
	}
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	db := s.db.WithContext(ctx).Table("campaign_floors").Where("campaign_id IN ?", ids)
	if len(sc.CoopIDs()) > 0 {
		db = db.Where("variant_id IN (SELECT id FROM variants WHERE coop_id IN ?)", sc.CoopIDs())
	}
	var rows []campaignFloorRow
	if err := db.Order("campaign_id, variant_id").Find(&rows).Error; err != nil {
		return translate(err, "price floor")
	}
	for _, r := range rows {
		for i := range cs {
			if cs[i].ID == r.CampaignID {
				cs[i].Floors = append(cs[i].Floors, catalog.PriceFloor{VariantID: r.VariantID, Floor: catalog.VND(r.FloorVND)})
			}
		}
	}
	return nil
}

// CampaignMatches lists the SKUs campaign c's rules select with the price
// each would sell at: the preview of a campaign being made (c.ID 0) or the
// offers of a stored one (with each co-op's opt-in). A co-op sees its own
// SKUs; the alliance every co-op's, except that staff see only how many
// SKUs match at a co-op that has not granted them consent, and what they
// do see is recorded in the co-op's audit log.
func (s *Store) CampaignMatches(ctx context.Context, c catalog.Campaign) ([]catalog.CampaignMatch, error) {
	sc, err := allowed(ctx, catalog.PermCampaignsRead)
	if err != nil {
		return nil, err
	}
	switch {
	case c.ID != 0:
		if c, err = s.Campaign(ctx, c.ID); err != nil {
			return nil, err
		}
	case sc.IsStaff():
		c.AllianceID = sc.StaffAllianceID()
	case sc.AllianceID() != 0:
		c.AllianceID = sc.AllianceID()
	}
	if _, err := s.Alliance(ctx, c.AllianceID); err != nil {
		return nil, err
	}
	if c.ID == 0 {
		if _, err := s.campaignTargets(ctx, c); err != nil {
			return nil, err
		}
	}
	db := s.db.WithContext(ctx)
	coopQ := db.Where("alliance_id = ?", c.AllianceID)
	if len(sc.CoopIDs()) > 0 {
		coopQ = coopQ.Where("id IN ?", sc.CoopIDs())
	}
	var coops []coopRow
	if err := coopQ.Order("id").Find(&coops).Error; err != nil {
		return nil, translate(err, "co-op")
	}
	coopByID := map[int64]catalog.Coop{}
	var coopIDs []int64
	for _, r := range coops {
		if co := r.asDomain(); c.Rules.MatchesCoop(co) {
			coopByID[r.ID] = co
			coopIDs = append(coopIDs, r.ID)
		}
	}
	if len(coopIDs) == 0 {
		return []catalog.CampaignMatch{}, nil
	}
	pq := db.Where("coop_id IN ? AND archived_at IS NULL", coopIDs) // an archived product is sold nowhere
	if c.Rules.MinStars != 0 {
		pq = pq.Where("ocop_stars >= ?", int(c.Rules.MinStars))
	}
	if len(c.Rules.Groups) > 0 {
		pq = pq.Where("ocop_group IN ?", c.Rules.Groups)
	}
	var products []productRow
	if err := pq.Order("coop_id, id").Find(&products).Error; err != nil {
		return nil, translate(err, "product")
	}
	if len(products) == 0 {
		return []catalog.CampaignMatch{}, nil
	}
	pids := make([]int64, len(products))
	for i, p := range products {
		pids[i] = p.ID
	}
	variants, err := s.variantsOf(ctx, db, pids)
	if err != nil {
		return nil, err
	}
	var vids []int64
	for _, vs := range variants {
		for _, v := range vs {
			vids = append(vids, v.ID)
		}
	}
	avail, err := s.available(ctx, vids)
	if err != nil {
		return nil, err
	}
	joined := map[int64]int64{}
	if c.ID != 0 {
		var items []campaignItemRow
		if err := db.Where("campaign_id = ?", c.ID).Find(&items).Error; err != nil {
			return nil, translate(err, "campaign item")
		}
		for _, it := range items {
			joined[it.VariantID] = it.ReservedQty + 1 // +1: joined with 0 reserved is still joined
		}
	}
	var out []catalog.CampaignMatch
	hidden := map[int64]int{}
	shown := map[int64]int{}
	for _, pr := range products {
		co := coopByID[pr.CoopID]
		p := pr.asDomain(variants[pr.ID])
		if !c.Rules.Matches(co, p, catalog.Today(s.now())) {
			continue
		}
		for _, v := range p.Variants {
			if sc.IsStaff() && len(sc.RightsOn(co.ID)) == 0 {
				hidden[co.ID]++
				continue
			}
			m := catalog.CampaignMatch{CoopID: co.ID, CoopName: co.Name, ProductID: p.ID, ProductName: p.Name,
				Stars: p.Stars, Group: p.Group, VariantID: v.ID, SKU: v.SKU, VariantName: v.Name, Price: v.Price,
				Available: avail[v.ID]}
			m.CampaignPrice, m.Applicable = c.Discount.Price(v.Price, c.FloorOf(v.ID))
			if r, ok := joined[v.ID]; ok {
				m.Joined, m.ReservedQty = true, r-1
			}
			out = append(out, m)
			shown[co.ID]++
		}
	}
	for _, id := range coopIDs {
		if n := hidden[id]; n > 0 {
			out = append(out, catalog.CampaignMatch{CoopID: id, CoopName: coopByID[id].Name, Hidden: n})
		}
		if n := shown[id]; n > 0 {
			if err := s.auditStaffRead(ctx, id, "campaign.matches.read", "campaign", c.ID, fmt.Sprintf("%d SKUs", n)); err != nil {
				return nil, err
			}
		}
	}
	if out == nil {
		out = []catalog.CampaignMatch{}
	}
	return out, nil
}

// available is each variant's stock on hand less reserved, in every
// warehouse.
func (s *Store) available(ctx context.Context, variantIDs []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	if len(variantIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		VariantID int64
		N         int64
	}
	if err := s.db.WithContext(ctx).Table("stock_levels").Select("variant_id, SUM(on_hand - reserved) AS n").
		Where("variant_id IN ?", variantIDs).Group("variant_id").Scan(&rows).Error; err != nil {
		return nil, translate(err, "stock")
	}
	for _, r := range rows {
		out[r.VariantID] = r.N
	}
	return out, nil
}

// SetCampaignItems makes items the SKUs co-op coopID has in a campaign
// (an empty list withdraws the co-op), while the campaign is scheduled.
// The co-op's manager decides for it, or an alliance staff member holding
// the co-op's join_campaigns right, recorded in the co-op's audit log.
// Each SKU must be the co-op's, match the rules, get a discount above its
// floor, reserve no more than is available, and be in no other campaign
// at the same time. coopID 0 is the caller's own co-op.
func (s *Store) SetCampaignItems(ctx context.Context, campaignID, coopID int64, items []catalog.CampaignOptIn) ([]catalog.CampaignItem, error) {
	sc, err := allowed(ctx, catalog.PermCampaignsJoin)
	if err != nil {
		return nil, err
	}
	c, err := s.Campaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	if coopID == 0 && len(sc.CoopIDs()) == 1 {
		coopID = sc.CoopIDs()[0]
	}
	var coop catalog.Coop
	switch {
	case sc.MemberOf(coopID):
		coop, err = s.Coop(ctx, coopID)
	case sc.IsStaff():
		if coop, err = s.Coop(ctx, coopID); err == nil && !sc.RightsOn(coopID).Has(catalog.RightJoinCampaigns) {
			return nil, &catalog.Error{Code: catalog.CodePermissionDenied, Message: "the co-op has not granted you join_campaigns"}
		}
	default:
		err = catalog.Errorf(catalog.CodeNotFound, "co-op not found")
	}
	if err != nil {
		return nil, fieldNotFound(err, "coop_id", "co-op not found")
	}
	if c.Status != catalog.CampaignScheduled {
		return nil, &catalog.Error{Code: catalog.CodeFailedPrecondition, Message: "SKUs can be put in or taken out only until the campaign starts"}
	}
	if coop.AllianceID != c.AllianceID || !c.Rules.MatchesCoop(coop) {
		return nil, &catalog.Error{Code: catalog.CodeInvalidArgument, Message: "validation failed",
			Fields: map[string]string{"coop_id": "this campaign is not offered to the co-op"}}
	}
	rows, err := s.checkOptIns(ctx, c, coop, items)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// The campaign may have started since it was read: lock it and
		// look again, so no SKU joins a running campaign.
		var cur campaignRow
		q := tx
		if s.dialect == Postgres {
			q = tx.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate})
		}
		if err := q.Take(&cur, c.ID).Error; err != nil {
			return translate(err, "campaign")
		}
		if cur.Status != string(catalog.CampaignScheduled) {
			return &catalog.Error{Code: catalog.CodeFailedPrecondition, Message: "SKUs can be put in or taken out only until the campaign starts"}
		}
		keep := make([]int64, 0, len(rows))
		for _, r := range rows {
			keep = append(keep, r.VariantID)
		}
		del := tx.Where("campaign_id = ? AND coop_id = ?", c.ID, coop.ID)
		if len(keep) > 0 {
			del = del.Where("variant_id NOT IN ?", keep)
		}
		if err := del.Delete(&campaignItemRow{}).Error; err != nil {
			return translate(err, "campaign item")
		}
		for _, r := range rows {
			r.CampaignID, r.CoopID, r.CreatedAt = c.ID, coop.ID, now
			r.JoinedBy, r.JoinedRole, r.JoinedUserID = sc.Actor(), string(sc.Role()), idOrNull(sc.UserID())
			err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "campaign_id"}, {Name: "variant_id"}},
				DoUpdates: clause.AssignmentColumns([]string{"reserved_qty", "joined_by", "joined_role", "joined_user_id"})}).Create(&r).Error
			if err != nil {
				return translate(err, "campaign item")
			}
		}
		return s.auditOutsider(tx, sc, coop.ID, "campaign.joined", "campaign", c.ID, describeOptIns(c, rows))
	})
	if err != nil {
		return nil, err
	}
	return s.campaignItems(ctx, c.ID, coop.ID)
}

// checkOptIns validates a co-op's opt-ins against the campaign, every
// problem keyed "items[i].field".
func (s *Store) checkOptIns(ctx context.Context, c catalog.Campaign, coop catalog.Coop, items []catalog.CampaignOptIn) ([]campaignItemRow, error) {
	fe := catalog.FieldErrors{}
	db := s.db.WithContext(ctx)
	vids := make([]int64, len(items))
	for i, it := range items {
		vids[i] = it.VariantID
	}
	var vrows []variantRow
	if len(vids) > 0 {
		if err := db.Where("id IN ? AND coop_id = ?", vids, coop.ID).Find(&vrows).Error; err != nil {
			return nil, translate(err, "variant")
		}
	}
	byID := map[int64]variantRow{}
	var pids []int64
	for _, v := range vrows {
		byID[v.ID] = v
		pids = append(pids, v.ProductID)
	}
	var prows []productRow
	if len(pids) > 0 {
		if err := db.Where("id IN ? AND archived_at IS NULL", pids).Find(&prows).Error; err != nil {
			return nil, translate(err, "product")
		}
	}
	avail, err := s.available(ctx, vids)
	if err != nil {
		return nil, err
	}
	// The same SKU in another live campaign whose time overlaps this one.
	var clashes []struct {
		VariantID int64
		Name      string
	}
	if len(vids) > 0 {
		if err := db.Table("campaign_items").Joins("JOIN campaigns ON campaigns.id = campaign_items.campaign_id").
			Where("campaign_items.variant_id IN ? AND campaigns.id <> ? AND campaigns.status IN ? AND campaigns.starts_at < ? AND campaigns.ends_at > ?",
				vids, c.ID, []string{string(catalog.CampaignScheduled), string(catalog.CampaignRunning)}, c.EndsAt.UTC(), c.StartsAt.UTC()).
			Select("campaign_items.variant_id, campaigns.name").Scan(&clashes).Error; err != nil {
			return nil, translate(err, "campaign item")
		}
	}
	seen := map[int64]bool{}
	out := make([]campaignItemRow, 0, len(items))
	for i, it := range items {
		field := fmt.Sprintf("items[%d].", i)
		v, ok := byID[it.VariantID]
		switch {
		case !ok:
			fe.Add(field+"variant_id", "no SKU of the co-op has this id")
			continue
		case seen[v.ID]:
			fe.Add(field+"variant_id", "SKU named twice")
			continue
		}
		seen[v.ID] = true
		idx := slices.IndexFunc(prows, func(p productRow) bool { return p.ID == v.ProductID })
		if idx < 0 || !c.Rules.Matches(coop, prows[idx].asDomain(nil), catalog.Today(s.now())) {
			fe.Add(field+"variant_id", "SKU "+v.SKU+" does not match the campaign's rules")
		} else if _, ok := c.Discount.Price(catalog.VND(v.PriceVND), c.FloorOf(v.ID)); !ok {
			fe.Add(field+"variant_id", "the price floor leaves no discount for SKU "+v.SKU)
		}
		for _, cl := range clashes {
			if cl.VariantID == v.ID {
				fe.Add(field+"variant_id", "SKU "+v.SKU+" is already in campaign "+cl.Name+" at that time")
			}
		}
		switch {
		case it.ReservedQty < 0:
			fe.Add(field+"reserved_qty", "reserved quantity must not be negative")
		case it.ReservedQty > max(avail[v.ID], 0):
			fe.Add(field+"reserved_qty", fmt.Sprintf("only %d available", max(avail[v.ID], 0)))
		}
		out = append(out, campaignItemRow{ProductID: v.ProductID, VariantID: v.ID, ReservedQty: it.ReservedQty})
	}
	return out, fe.Err()
}

func describeOptIns(c catalog.Campaign, rows []campaignItemRow) string {
	if len(rows) == 0 {
		return c.Name + ": withdrawn"
	}
	parts := make([]string, len(rows))
	for i, r := range rows {
		parts[i] = fmt.Sprintf("variant %d reserve %d", r.VariantID, r.ReservedQty)
	}
	return c.Name + ": " + strings.Join(parts, "; ")
}

// CampaignItems lists the SKUs co-ops put in a campaign: a co-op its own,
// the alliance every co-op's.
func (s *Store) CampaignItems(ctx context.Context, campaignID int64) ([]catalog.CampaignItem, error) {
	if _, err := s.Campaign(ctx, campaignID); err != nil {
		return nil, err
	}
	return s.campaignItems(ctx, campaignID, 0)
}

func (s *Store) campaignItems(ctx context.Context, campaignID, coopID int64) ([]catalog.CampaignItem, error) {
	sc, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	var rows []campaignItemRow
	db := ofCampaignCoops(s.db.WithContext(ctx).Table("campaign_items"), sc, "campaign_items").Where("campaign_id = ?", campaignID)
	if coopID != 0 {
		db = db.Where("coop_id = ?", coopID)
	}
	if err := db.Order("coop_id, id").Find(&rows).Error; err != nil {
		return nil, translate(err, "campaign item")
	}
	sku, err := skusOf(s.db.WithContext(ctx), rows, func(r campaignItemRow) int64 { return r.VariantID })
	if err != nil {
		return nil, err
	}
	out := make([]catalog.CampaignItem, len(rows))
	for i, r := range rows {
		out[i] = catalog.CampaignItem{ID: r.ID, CampaignID: r.CampaignID, CoopID: r.CoopID, ProductID: r.ProductID,
			VariantID: r.VariantID, SKU: catalog.SKU(sku[r.VariantID]), ReservedQty: r.ReservedQty, JoinedBy: r.JoinedBy,
			JoinedRole: catalog.Role(r.JoinedRole), CreatedAt: r.CreatedAt}
	}
	return out, nil
}

// CampaignListings lists the listings of a campaign with their price
// state, for watching it live: a co-op its own, the alliance every one.
func (s *Store) CampaignListings(ctx context.Context, campaignID int64) ([]catalog.CampaignListing, error) {
	sc, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.Campaign(ctx, campaignID); err != nil {
		return nil, err
	}
	var rows []campaignListingRow
	if err := ofCampaignCoops(s.db.WithContext(ctx).Table("campaign_listings"), sc, "campaign_listings").
		Where("campaign_id = ?", campaignID).Order("coop_id, id").Find(&rows).Error; err != nil {
		return nil, translate(err, "campaign listing")
	}
	sku, err := skusOf(s.db.WithContext(ctx), rows, func(r campaignListingRow) int64 { return r.VariantID })
	if err != nil {
		return nil, err
	}
	out := make([]catalog.CampaignListing, len(rows))
	for i, r := range rows {
		out[i] = r.asDomain(sku[r.VariantID])
	}
	return out, nil
}

// CancelCampaign ends a scheduled or running campaign now: a running
// one's listings are set to go back to their base price (the worker
// pushes them). Cancelling an ended or cancelled campaign is a
// failed_precondition.
func (s *Store) CancelCampaign(ctx context.Context, id int64) (catalog.Campaign, error) {
	sc, err := allowed(ctx, catalog.PermCampaignsManage)
	if err != nil {
		return catalog.Campaign{}, err
	}
	c, err := s.Campaign(ctx, id)
	if err != nil {
		return catalog.Campaign{}, err
	}
	if c.Status.Over() {
		return catalog.Campaign{}, &catalog.Error{Code: catalog.CodeFailedPrecondition, Message: "the campaign is already " + string(c.Status)}
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row, err := s.lockCampaign(tx, id)
		if err != nil {
			return err
		}
		if catalog.CampaignStatus(row.Status).Over() {
			return &catalog.Error{Code: catalog.CodeFailedPrecondition, Message: "the campaign is already " + row.Status}
		}
		coops, err := s.finishCampaign(ctx, tx, row, catalog.CampaignCancelled)
		if err != nil {
			return err
		}
		for _, coopID := range coops {
			if err := s.auditOutsider(tx, sc, coopID, "campaign.cancelled", "campaign", id, row.Name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return catalog.Campaign{}, err
	}
	return s.Campaign(ctx, id)
}

func (s *Store) lockCampaign(tx *gorm.DB, id int64) (campaignRow, error) {
	var row campaignRow
	q := tx
	if s.dialect == Postgres {
		q = tx.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate})
	}
	if err := q.Take(&row, id).Error; err != nil {
		return row, translate(err, "campaign")
	}
	return row, nil
}

// systemOnly refuses a campaign transition to anyone but the worker (the
// operator scope with no person behind it).
func systemOnly(ctx context.Context) error {
	if sc, err := scopeOf(ctx); err != nil || !sc.IsOperator() || sc.HasPrincipal() {
		return &catalog.Error{Code: catalog.CodePermissionDenied, Message: "campaigns start and end by the worker"}
	}
	return nil
}

// StartCampaign starts campaign id if it is scheduled and its start time
// has come: in one transaction it becomes running and every opted-in SKU's
// live listing on the campaign's channels gets a campaign_listings row,
// applied at the campaign price (skipped, with the reason, where the
// co-op's consent is gone, the floor leaves no discount or another
// campaign holds the listing). A campaign whose end has passed too ends
// without changing a price. Anything else changes nothing, so the task,
// the sweep and a second worker may all call it. changed reports whether
// this call moved it.
func (s *Store) StartCampaign(ctx context.Context, id int64) (c catalog.Campaign, changed bool, err error) {
	if err := systemOnly(ctx); err != nil {
		return c, false, err
	}
	now := s.now().UTC()
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row, err := s.lockCampaign(tx, id)
		if err != nil {
			return err
		}
		if row.Status != string(catalog.CampaignScheduled) || now.Before(row.StartsAt) {
			return nil
		}
		changed = true
		if !now.Before(row.EndsAt) {
			_, err := s.finishCampaign(ctx, tx, row, catalog.CampaignEnded)
			return err
		}
		res := tx.Model(&campaignRow{}).Where("id = ? AND status = ?", id, string(catalog.CampaignScheduled)).
			Updates(map[string]any{"status": string(catalog.CampaignRunning), "started_at": now, "version": gorm.Expr("version + 1"), "updated_at": now})
		if res.Error != nil {
			return translate(res.Error, "campaign")
		}
		_, err = s.applyCampaign(ctx, tx, row.asDomain(), now)
		return err
	})
	if err != nil {
		return c, false, err
	}
	c, err = s.Campaign(ctx, id)
	return c, changed, err
}

// applyCampaign writes the campaign_listings rows of a campaign that has
// just started.
func (s *Store) applyCampaign(ctx context.Context, tx *gorm.DB, c catalog.Campaign, now time.Time) (added int, err error) {
	var floors []campaignFloorRow
	if err := tx.Where("campaign_id = ?", c.ID).Find(&floors).Error; err != nil {
		return 0, translate(err, "price floor")
	}
	for _, f := range floors {
		c.Floors = append(c.Floors, catalog.PriceFloor{VariantID: f.VariantID, Floor: catalog.VND(f.FloorVND)})
	}
	var items []campaignItemRow
	if err := tx.Where("campaign_id = ?", c.ID).Find(&items).Error; err != nil {
		return 0, translate(err, "campaign item")
	}
	if len(items) == 0 {
		return 0, nil
	}
	// Staff who opted a co-op in must still hold its consent now.
	consent := map[int64]bool{}
	for _, it := range items {
		if it.JoinedRole != string(catalog.RoleAllianceStaff) || it.JoinedUserID == nil {
			consent[it.ID] = true
			continue
		}
		var grants []grantRow
		if err := tx.Where("coop_id = ? AND staff_user_id = ? AND revoked_at IS NULL AND expires_at > ?", it.CoopID, *it.JoinedUserID, now).
			Find(&grants).Error; err != nil {
			return 0, translate(err, "grant")
		}
		consent[it.ID] = slices.ContainsFunc(grants, func(g grantRow) bool { return g.asDomain().Rights.Has(catalog.RightJoinCampaigns) })
	}
	vids := make([]int64, len(items))
	for i, it := range items {
		vids[i] = it.VariantID
	}
	var ls []struct {
		ID, ShopID, CoopID, ProductID, VariantID int64
		Platform                                 string
		Price                                    listingPriceRow `gorm:"embedded"`
	}
	if err := tx.Table("listings").Joins("JOIN shops ON shops.id = listings.shop_id").Joins("JOIN variants ON variants.id = listings.variant_id").
		Select(`listings.id, listings.shop_id, listings.coop_id, listings.product_id, listings.variant_id,
			shops.platform, `+listingPriceColumns).
		Where("listings.variant_id IN ? AND listings.status = ? AND listings.external_item_id <> '' AND shops.connected AND shops.platform IN ?",
			vids, string(catalog.ListingLive), c.Channels).Order("listings.id").Scan(&ls).Error; err != nil {
		return 0, translate(err, "listing")
	}
	var held []int64 // listings another campaign holds
	if len(ls) > 0 {
		lids := make([]int64, len(ls))
		for i, l := range ls {
			lids[i] = l.ID
		}
		if err := tx.Table("campaign_listings").Where("listing_id IN ? AND state = ? AND campaign_id <> ?", lids,
			string(catalog.CampaignListingApplied), c.ID).Pluck("listing_id", &held).Error; err != nil {
			return 0, translate(err, "campaign listing")
		}
	}
	applied := map[int64]int{}
	taking := map[int64]bool{} // variants with a listing at the campaign price
	for _, l := range ls {
		idx := slices.IndexFunc(items, func(it campaignItemRow) bool { return it.VariantID == l.VariantID })
		it := items[idx]
		base := int64(l.Price.base())
		row := campaignListingRow{CampaignID: c.ID, ListingID: l.ID, ShopID: l.ShopID, CoopID: l.CoopID, ProductID: l.ProductID,
			VariantID: l.VariantID, Platform: l.Platform, BasePriceVND: base, State: string(catalog.CampaignListingSkipped),
			CreatedAt: now, UpdatedAt: now}
		price, ok := c.Discount.Price(catalog.VND(base), c.FloorOf(l.VariantID))
		switch {
		case !consent[it.ID]:
			row.Reason = "consent withdrawn: the staff member who opted this SKU in no longer holds the co-op's join_campaigns right"
		case !ok:
			row.Reason = "the price floor leaves no discount"
		case slices.Contains(held, l.ID):
			row.Reason = "another campaign holds this listing"
		default:
			row.State, row.CampaignPriceVND, row.Gen = string(catalog.CampaignListingApplied), int64(price), 1
			applied[l.CoopID]++
		}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
		if res.Error != nil {
			return 0, translate(res.Error, "campaign listing")
		}
		added += int(res.RowsAffected)
		switch {
		case res.RowsAffected == 0 && row.State == string(catalog.CampaignListingApplied):
			applied[l.CoopID]-- // there already (a listing that joined before, or was skipped)
		case row.State == string(catalog.CampaignListingApplied):
			taking[l.VariantID] = true
		}
	}
	action := "campaign.started"
	if c.Status == catalog.CampaignRunning {
		action = "campaign.listings_joined" // listings gone live since the start
	}
	for coopID, n := range applied {
		if n <= 0 {
			continue
		}
		if err := s.campaignAudit(tx, c, coopID, action, fmt.Sprintf("%s: %d listings at the campaign price", c.Name, n)); err != nil {
			return 0, err
		}
	}
	return added, s.holdCampaignStock(ctx, tx, c, items, taking)
}

// JoinRunningCampaigns puts listings that went live while a campaign
// runs (published, or relisted, after its start) into it, as the start
// would have: applied at the campaign price with a push owed, or skipped
// with the reason. It returns the campaigns that got rows, for the worker
// to push their prices.
func (s *Store) JoinRunningCampaigns(ctx context.Context, listingIDs []int64) ([]int64, error) {
	if err := systemOnly(ctx); err != nil {
		return nil, err
	}
	if len(listingIDs) == 0 {
		return nil, nil
	}
	var ids []int64
	err := s.db.WithContext(ctx).Table("campaigns").Distinct("campaigns.id").
		Joins("JOIN campaign_items ON campaign_items.campaign_id = campaigns.id").
		Joins("JOIN listings ON listings.variant_id = campaign_items.variant_id").
		Where("campaigns.status = ? AND listings.id IN ?", string(catalog.CampaignRunning), listingIDs).
		Where("NOT EXISTS (SELECT 1 FROM campaign_listings cl WHERE cl.campaign_id = campaigns.id AND cl.listing_id = listings.id)").
		Order("campaigns.id").Pluck("campaigns.id", &ids).Error
	if err != nil {
		return nil, translate(err, "campaign")
	}
	var joined []int64
	for _, id := range ids {
		added := 0
		err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			row, err := s.lockCampaign(tx, id)
			if err != nil || row.Status != string(catalog.CampaignRunning) {
				return err
			}
			added, err = s.applyCampaign(ctx, tx, row.asDomain(), s.now().UTC())
			return err
		})
		if err != nil {
			return joined, err
		}
		if added > 0 {
			joined = append(joined, id)
		}
	}
	return joined, nil
}

// campaignAudit records in a co-op's audit log what a campaign of its
// alliance did to its prices: the alliance acted, through the worker.
func (s *Store) campaignAudit(tx *gorm.DB, c catalog.Campaign, coopID int64, action, detail string) error {
	row := auditRow{CoopID: coopID, Actor: "campaign #" + strconv.FormatInt(c.ID, 10) + " (" + c.CreatedBy + ")",
		Action: action, ObjectType: "campaign", ObjectID: idOrNull(c.ID), Detail: detail, CreatedAt: s.now().UTC()}
	return translate(tx.Create(&row).Error, "audit entry")
}

// EndCampaign ends campaign id if it is running (or still scheduled) and
// its end time has come: it becomes ended and every applied listing is set
// to go back to its base price as it is NOW (a price the co-op changed
// during the campaign is the one restored). Anything else changes nothing.
func (s *Store) EndCampaign(ctx context.Context, id int64) (c catalog.Campaign, changed bool, err error) {
	if err := systemOnly(ctx); err != nil {
		return c, false, err
	}
	now := s.now().UTC()
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row, err := s.lockCampaign(tx, id)
		if err != nil {
			return err
		}
		if catalog.CampaignStatus(row.Status).Over() || now.Before(row.EndsAt) {
			return nil
		}
		changed = true
		_, err = s.finishCampaign(ctx, tx, row, catalog.CampaignEnded)
		return err
	})
	if err != nil {
		return c, false, err
	}
	c, err = s.Campaign(ctx, id)
	return c, changed, err
}

// finishCampaign moves a campaign to status (ended or cancelled) and its
// applied listings to restored at their current base price; rows never
// applied stay as they are. It returns the co-ops whose prices go back.
func (s *Store) finishCampaign(ctx context.Context, tx *gorm.DB, row campaignRow, status catalog.CampaignStatus) ([]int64, error) {
	now := s.now().UTC()
	res := tx.Model(&campaignRow{}).Where("id = ? AND status IN ?", row.ID, []string{string(catalog.CampaignScheduled), string(catalog.CampaignRunning)}).
		Updates(map[string]any{"status": string(status), "ended_at": now, "version": gorm.Expr("version + 1"), "updated_at": now})
	if res.Error != nil {
		return nil, translate(res.Error, "campaign")
	}
	if err := s.releaseCampaignStock(ctx, tx, row.ID); err != nil {
		return nil, err
	}
	var rows []campaignListingRow
	if err := tx.Where("campaign_id = ? AND state = ?", row.ID, string(catalog.CampaignListingApplied)).Find(&rows).Error; err != nil {
		return nil, translate(err, "campaign listing")
	}
	lids := make([]int64, len(rows))
	for i, r := range rows {
		lids[i] = r.ListingID
	}
	bases, err := basePrices(tx, lids)
	if err != nil {
		return nil, err
	}
	restored := map[int64]int{}
	var coops []int64
	for _, r := range rows {
		base := bases[r.ListingID]
		if err := tx.Model(&campaignListingRow{}).Where("id = ? AND state = ?", r.ID, string(catalog.CampaignListingApplied)).
			Updates(map[string]any{"state": string(catalog.CampaignListingRestored), "restored_price_vnd": base,
				"gen": gorm.Expr("gen + 1"), "attempts": 0, "error": "", "updated_at": now}).Error; err != nil {
			return nil, translate(err, "campaign listing")
		}
		if restored[r.CoopID] == 0 {
			coops = append(coops, r.CoopID)
		}
		restored[r.CoopID]++
	}
	c := row.asDomain()
	for _, coopID := range coops {
		if err := s.campaignAudit(tx, c, coopID, "campaign."+string(status),
			fmt.Sprintf("%s: %d listings back to their base price", c.Name, restored[coopID])); err != nil {
			return nil, err
		}
	}
	return coops, nil
}

// CampaignPhase names the transition a due campaign waits for.
type CampaignPhase string

// The phases of a campaign's life the worker runs.
const (
	PhaseStart CampaignPhase = "start"
	PhaseEnd   CampaignPhase = "end"
)

// DueCampaign is a campaign whose start or end time has passed without
// the transition having run (a lost task, a crashed worker).
type DueCampaign struct {
	ID    int64
	Phase CampaignPhase
}

// DueCampaigns lists the overdue transitions at now.
func (s *Store) DueCampaigns(ctx context.Context, now time.Time, limit int) ([]DueCampaign, error) {
	if err := systemOnly(ctx); err != nil {
		return nil, err
	}
	var rows []campaignRow
	now = now.UTC()
	if err := s.db.WithContext(ctx).Select("id", "status").
		Where("(status = ? AND starts_at <= ?) OR (status = ? AND ends_at <= ?)",
			string(catalog.CampaignScheduled), now, string(catalog.CampaignRunning), now).
		Order("id").Limit(limit).Find(&rows).Error; err != nil {
		return nil, translate(err, "campaign")
	}
	out := make([]DueCampaign, len(rows))
	for i, r := range rows {
		out[i] = DueCampaign{ID: r.ID, Phase: PhaseStart}
		if r.Status == string(catalog.CampaignRunning) {
			out[i].Phase = PhaseEnd
		}
	}
	return out, nil
}

// UnsyncedCampaigns lists campaigns with a listing whose channel has not
// yet been told the price of its state (and not given up on), owed since
// before the cutoff: younger ones are still their own task's.
func (s *Store) UnsyncedCampaigns(ctx context.Context, cutoff time.Time, limit int) ([]int64, error) {
	if err := systemOnly(ctx); err != nil {
		return nil, err
	}
	var ids []int64
	err := s.db.WithContext(ctx).Table("campaign_listings").Distinct("campaign_id").
		Where("synced_gen < gen AND attempts < ? AND updated_at <= ?", MaxCampaignPushAttempts, cutoff.UTC()).
		Order("campaign_id").Limit(limit).Pluck("campaign_id", &ids).Error
	return ids, translate(err, "campaign listing")
}

// ShopProduct names one product's item in one shop: the unit prices are
// pushed in.
type ShopProduct struct {
	ShopID    int64
	ProductID int64
}

// CampaignPushes lists the items of a campaign with a listing still owed
// a price push.
func (s *Store) CampaignPushes(ctx context.Context, campaignID int64) ([]ShopProduct, error) {
	if err := systemOnly(ctx); err != nil {
		return nil, err
	}
	var out []ShopProduct
	err := s.db.WithContext(ctx).Table("campaign_listings").Select("shop_id, product_id").
		Where("campaign_id = ? AND synced_gen < gen AND attempts < ?", campaignID, MaxCampaignPushAttempts).
		Group("shop_id, product_id").Order("shop_id, product_id").Scan(&out).Error
	return out, translate(err, "campaign listing")
}

// PriceTarget is the price a listing should show now: its campaign price
// while a campaign holds it, else its base price (the listing's own
// price, else the variant's). Owed are the campaign rows this price
// settles once the channel has it.
type PriceTarget struct {
	ListingID int64
	Price     catalog.VND
	// Promo is the campaign as a promotion over the listing's base price
	// (Price is then the base): open while the campaign runs, closed at
	// the moment it ended when its restore is still owed, so a platform
	// running the promotion itself ends it early. Nil without a campaign,
	// and when the campaign price is not below the base. Channels without
	// promotions of their own are sent the price to show now instead
	// (connectors.Channel.SetPrice).
	Promo *PromoTarget
	Owed  []CampaignRowRef
}

// PromoTarget is a campaign price over its window.
type PromoTarget struct {
	Price    catalog.VND
	From, To time.Time
}

// CampaignRowRef names one campaign_listings row at one generation.
type CampaignRowRef struct {
	ID  int64
	Gen int64
}

// PriceTargets reads the price each listing should show, in one snapshot.
// The worker reads it while it holds the item's price lock, after any
// transition committed, so whichever push runs last sends the right price.
func (s *Store) PriceTargets(ctx context.Context, listingIDs []int64) (map[int64]PriceTarget, error) {
	if err := systemOnly(ctx); err != nil {
		return nil, err
	}
	out := map[int64]PriceTarget{}
	if len(listingIDs) == 0 {
		return out, nil
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		bases, err := basePrices(tx, listingIDs)
		if err != nil {
			return err
		}
		for id, base := range bases {
			out[id] = PriceTarget{ListingID: id, Price: catalog.VND(base)}
		}
		var rows []campaignListingRow
		if err := tx.Where("listing_id IN ? AND (state = ? OR synced_gen < gen)", listingIDs, string(catalog.CampaignListingApplied)).
			Find(&rows).Error; err != nil {
			return translate(err, "campaign listing")
		}
		windows, err := campaignWindows(tx, rows)
		if err != nil {
			return err
		}
		for _, r := range rows {
			t, ok := out[r.ListingID]
			if !ok {
				continue
			}
			win := windows[r.CampaignID]
			if r.CampaignPriceVND < int64(t.Price) {
				switch {
				case r.State == string(catalog.CampaignListingApplied):
					t.Promo = &PromoTarget{Price: catalog.VND(r.CampaignPriceVND), From: win.StartsAt, To: win.EndsAt}
				case t.Promo == nil && win.StartedAt != nil && win.EndedAt != nil && win.EndedAt.After(*win.StartedAt):
					t.Promo = &PromoTarget{Price: catalog.VND(r.CampaignPriceVND), From: *win.StartedAt, To: *win.EndedAt}
				}
			}
			if r.SyncedGen < r.Gen {
				t.Owed = append(t.Owed, CampaignRowRef{ID: r.ID, Gen: r.Gen})
			}
			out[r.ListingID] = t
		}
		return nil
	}, snapshotTx(s))
	return out, err
}

// campaignWindow is when a campaign was to run and when it did.
type campaignWindow struct {
	ID                 int64
	StartsAt, EndsAt   time.Time
	StartedAt, EndedAt *time.Time
}

func campaignWindows(tx *gorm.DB, rows []campaignListingRow) (map[int64]campaignWindow, error) {
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.CampaignID)
	}
	out := map[int64]campaignWindow{}
	if len(ids) == 0 {
		return out, nil
	}
	var wins []campaignWindow
	if err := tx.Table("campaigns").Select("id, starts_at, ends_at, started_at, ended_at").Where("id IN ?", ids).Scan(&wins).Error; err != nil {
		return nil, translate(err, "campaign")
	}
	for _, w := range wins {
		out[w.ID] = w
	}
	return out, nil
}

// CampaignPushResult is the outcome of pushing the price of one campaign
// row's generation: Err empty means the channel has it.
type CampaignPushResult struct {
	Ref CampaignRowRef
	Err string
}

// SettleCampaignPrices records pushes: a row whose generation is still
// the one pushed is synced; a failure counts an attempt and keeps the
// channel's message for the live view.
func (s *Store) SettleCampaignPrices(ctx context.Context, results []CampaignPushResult) error {
	if err := systemOnly(ctx); err != nil {
		return err
	}
	if len(results) == 0 {
		return nil
	}
	now := s.now().UTC()
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, r := range results {
			set := map[string]any{"synced_gen": r.Ref.Gen, "error": "", "updated_at": now}
			if r.Err != "" {
				set = map[string]any{"attempts": gorm.Expr("attempts + 1"), "error": truncate(r.Err, 500), "updated_at": now}
			}
			if err := tx.Model(&campaignListingRow{}).Where("id = ? AND gen = ?", r.Ref.ID, r.Ref.Gen).Updates(set).Error; err != nil {
				return translate(err, "campaign listing")
			}
		}
		return nil
	})
}

// OwedCampaignRows lists, per listing, the rows of a campaign still owed
// a push on listings of one shop and product, for the worker to settle
// rows of listings that are no longer live (nothing to push).
func (s *Store) OwedCampaignRows(ctx context.Context, campaignID int64, sp ShopProduct) (map[int64][]CampaignRowRef, error) {
	if err := systemOnly(ctx); err != nil {
		return nil, err
	}
	var rows []campaignListingRow
	if err := s.db.WithContext(ctx).Where("campaign_id = ? AND shop_id = ? AND product_id = ? AND synced_gen < gen",
		campaignID, sp.ShopID, sp.ProductID).Find(&rows).Error; err != nil {
		return nil, translate(err, "campaign listing")
	}
	out := map[int64][]CampaignRowRef{}
	for _, r := range rows {
		out[r.ListingID] = append(out[r.ListingID], CampaignRowRef{ID: r.ID, Gen: r.Gen})
	}
	return out, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// CampaignReport is a campaign's results: its participating co-ops and
// SKUs, and per co-op and channel the units and revenue of those SKUs
// during the campaign window (up to now while it runs) against the same
// length of time just before it. A co-op sees its own lines. The figures
// come from the orders the hub brought in, cancelled ones left out; staff
// reading them is recorded in each co-op's audit log.
func (s *Store) CampaignReport(ctx context.Context, id int64) (catalog.CampaignReport, error) {
	c, err := s.Campaign(ctx, id)
	if err != nil {
		return catalog.CampaignReport{}, err
	}
	items, err := s.campaignItems(ctx, id, 0)
	if err != nil {
		return catalog.CampaignReport{}, err
	}
	from, to := c.Window()
	if now := s.now(); c.Status == catalog.CampaignRunning && now.Before(to) {
		to = now
	}
	if to.Before(from) {
		to = from
	}
	// Platforms stamp orders to the second: the window is whole seconds,
	// or an order placed in the campaign's first second falls before it.
	from, to = from.Truncate(time.Second), to.Truncate(time.Second).Add(time.Second)
	rep := catalog.CampaignReport{CampaignID: id, From: from, To: to, BeforeFrom: from.Add(-to.Sub(from)), Lines: []catalog.CampaignReportLine{}}
	if len(items) == 0 {
		return rep, nil
	}
	skus := map[int64]int{}
	var vids, coopIDs []int64
	for _, it := range items {
		vids = append(vids, it.VariantID)
		if skus[it.CoopID] == 0 {
			coopIDs = append(coopIDs, it.CoopID)
		}
		skus[it.CoopID]++
	}
	rep.Coops, rep.SKUs = len(coopIDs), len(items)
	var coops []coopRow
	if err := s.db.WithContext(ctx).Where("id IN ?", coopIDs).Order("id").Find(&coops).Error; err != nil {
		return rep, translate(err, "co-op")
	}
	type key struct {
		coop     int64
		platform catalog.Platform
	}
	lines := map[key]*catalog.CampaignReportLine{}
	var order []key
	line := func(k key) *catalog.CampaignReportLine {
		if l, ok := lines[k]; ok {
			return l
		}
		l := &catalog.CampaignReportLine{CoopID: k.coop, Platform: k.platform, SKUs: skus[k.coop]}
		for _, co := range coops {
			if co.ID == k.coop {
				l.CoopCode, l.CoopName = co.Code, co.Name
			}
		}
		lines[k] = l
		order = append(order, k)
		return l
	}
	for _, co := range coops {
		for _, p := range c.Channels {
			line(key{co.ID, p})
		}
	}
	sales := func(from, to time.Time, add func(l *catalog.CampaignReportLine, units int64, revenue catalog.VND)) error {
		var rows []struct {
			CoopID   int64
			Platform string
			Units    int64
			Revenue  int64
		}
		if err := s.db.WithContext(ctx).Table("order_lines").Joins("JOIN orders ON orders.id = order_lines.order_id").
			Select("orders.coop_id, orders.platform, SUM(order_lines.quantity) AS units, SUM(order_lines.quantity * order_lines.price_vnd) AS revenue").
			Where("order_lines.variant_id IN ? AND orders.status <> ? AND orders.placed_at >= ? AND orders.placed_at < ?",
				vids, string(catalog.OrderCancelled), from.UTC(), to.UTC()).
			Group("orders.coop_id, orders.platform").Scan(&rows).Error; err != nil {
			return translate(err, "order")
		}
		for _, r := range rows {
			add(line(key{r.CoopID, catalog.Platform(r.Platform)}), r.Units, catalog.VND(r.Revenue))
		}
		return nil
	}
	if to.After(from) {
		if err := sales(from, to, func(l *catalog.CampaignReportLine, u int64, r catalog.VND) { l.Units, l.Revenue = u, r }); err != nil {
			return rep, err
		}
		if err := sales(rep.BeforeFrom, from, func(l *catalog.CampaignReportLine, u int64, r catalog.VND) {
			l.UnitsBefore, l.RevenueBefore = u, r
		}); err != nil {
			return rep, err
		}
	}
	slices.SortStableFunc(order, func(a, b key) int {
		if a.coop != b.coop {
			return int(a.coop - b.coop)
		}
		return strings.Compare(string(a.platform), string(b.platform))
	})
	for _, k := range order {
		l := lines[k]
		rep.Lines = append(rep.Lines, *l)
		rep.Units += l.Units
		rep.Revenue += l.Revenue
		rep.UnitsBefore += l.UnitsBefore
		rep.RevenueBefore += l.RevenueBefore
	}
	for _, coopID := range coopIDs {
		if err := s.auditStaffRead(ctx, coopID, "campaign.report.read", "campaign", id, c.Name); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// basePrices is each listing's price outside campaigns
// (catalog.ListingBase): its own price, else its variant's under its
// shop's price rule.
func basePrices(tx *gorm.DB, listingIDs []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	if len(listingIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		ID    int64
		Price listingPriceRow `gorm:"embedded"`
	}
	if err := tx.Table("listings").Joins("JOIN variants ON variants.id = listings.variant_id").Joins("JOIN shops ON shops.id = listings.shop_id").
		Select("listings.id AS id, "+listingPriceColumns).
		Where("listings.id IN ?", listingIDs).Scan(&rows).Error; err != nil {
		return nil, translate(err, "listing")
	}
	for _, r := range rows {
		out[r.ID] = int64(r.Price.base())
	}
	return out, nil
}

// listingPriceColumns select a listingPriceRow from listings joined with
// their variants and shops.
const listingPriceColumns = `listings.price_vnd AS l_price, variants.price_vnd AS v_price,
	shops.price_rule_kind AS rule_kind, shops.price_rule_value AS rule_value, shops.price_rule_round_to AS rule_round_to`

// listingPriceRow is what a listing's base price is made of.
type listingPriceRow struct {
	LPrice      int64
	VPrice      int64
	RuleKind    string
	RuleValue   int64
	RuleRoundTo int64
}

func (r listingPriceRow) rule() catalog.PriceRule {
	return catalog.PriceRule{Kind: catalog.PriceRuleKind(r.RuleKind), Value: r.RuleValue, RoundTo: catalog.VND(r.RuleRoundTo)}
}

func (r listingPriceRow) base() catalog.VND {
	b, _ := catalog.ListingBase(catalog.VND(r.VPrice), catalog.VND(r.LPrice), r.rule())
	return b
}

// skusOf is the seller SKU of the variant of each row, by variant id.
func skusOf[R any](db *gorm.DB, rows []R, variant func(R) int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(rows) == 0 {
		return out, nil
	}
	variantIDs := make([]int64, len(rows))
	for i, r := range rows {
		variantIDs[i] = variant(r)
	}
	var variants []variantRow
	if err := db.Select("id", "sku").Where("id IN ?", variantIDs).Find(&variants).Error; err != nil {
		return nil, translate(err, "variant")
	}
	for _, v := range variants {
		out[v.ID] = v.SKU
	}
	return out, nil
}

// snapshotTx reads in one snapshot (see PushSnapshots).
func snapshotTx(s *Store) *sql.TxOptions {
	return &sql.TxOptions{Isolation: s.snapshotIsolation(), ReadOnly: s.dialect == Postgres}
}
