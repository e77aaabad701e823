package store

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ocophub/catalog"
)

// A co-op's reserved quantity for a campaign is a hold like a
// livestream's: when the campaign starts, the units move out of shared
// stock (OpHold); shops outside the campaign's channels no longer see
// them, shops on its channels see them on top of the shared stock, and
// their orders draw from the hold first; at the end (or a cancellation)
// what is left goes back (OpUnhold).

type campaignHoldRow struct {
	ID          int64 `gorm:"primaryKey"`
	CampaignID  int64
	CoopID      int64
	VariantID   int64
	WarehouseID int64
	Channels    string // ",shopee,lazada,"
	Requested   int64
	Held        int64
	Sold        int64
	Returned    int64
	Active      bool
}

func (campaignHoldRow) TableName() string { return "campaign_holds" }

// sellsOn reports whether the hold's campaign runs on the platform.
func (h campaignHoldRow) sellsOn(p catalog.Platform) bool {
	return strings.Contains(h.Channels, ","+string(p)+",")
}

func campaignActor(id int64) string { return fmt.Sprintf("campaign:%d", id) }

// asCampaign is the scope a campaign's stock moves run in: the campaign
// acts (whoever cancelled it may not see the co-op's stock), and the
// co-op's audit log already says so (campaign.started, .ended, .cancelled).
func asCampaign(ctx context.Context) context.Context {
	return catalog.WithScope(ctx, catalog.OperatorScope())
}

// holdCampaignStock sets aside, as campaign c starts, the reserved
// quantity of each SKU that takes part (held: at least one listing at the
// campaign price): as much of it as is available then, from the
// warehouse with the most.
func (s *Store) holdCampaignStock(ctx context.Context, tx *gorm.DB, c catalog.Campaign, items []campaignItemRow, taking map[int64]bool) error {
	channels := make([]string, len(c.Channels))
	for i, ch := range c.Channels {
		channels[i] = string(ch)
	}
	for _, it := range items {
		if it.ReservedQty <= 0 || !taking[it.VariantID] {
			continue
		}
		var levels []stockLevelRow // locked: an order between the read and the hold must not make it fail
		if err := lockRows(s, tx).Where("variant_id = ?", it.VariantID).Order("warehouse_id").Find(&levels).Error; err != nil {
			return translate(err, "stock")
		}
		if len(levels) == 0 {
			continue
		}
		best := levels[0]
		for _, l := range levels[1:] {
			if l.asDomain().Available() > best.asDomain().Available() {
				best = l
			}
		}
		qty := min(it.ReservedQty, max(0, best.asDomain().Available()))
		row := campaignHoldRow{CampaignID: c.ID, CoopID: it.CoopID, VariantID: it.VariantID, WarehouseID: best.WarehouseID,
			Channels: "," + strings.Join(channels, ",") + ",", Requested: it.ReservedQty, Held: qty, Active: true}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
		if res.Error != nil {
			return translate(res.Error, "campaign hold")
		}
		if res.RowsAffected == 0 || qty == 0 {
			continue
		}
		if _, err := s.changeStock(asCampaign(ctx), tx, catalog.StockChange{Op: catalog.OpHold, VariantID: it.VariantID, WarehouseID: best.WarehouseID,
			Quantity: qty, Reason: catalog.ReasonCampaign, Actor: campaignActor(c.ID)}); err != nil {
			return err
		}
	}
	return nil
}

// releaseCampaignStock gives back what is left of a campaign's holds.
func (s *Store) releaseCampaignStock(ctx context.Context, tx *gorm.DB, campaignID int64) error {
	var holds []campaignHoldRow
	if err := lockRows(s, tx).Where("campaign_id = ? AND active", campaignID).Order("id").Find(&holds).Error; err != nil {
		return translate(err, "campaign hold")
	}
	for _, h := range holds {
		if err := s.giveBack(asCampaign(ctx), tx, "campaign_holds", h.ID, catalog.StockChange{VariantID: h.VariantID, WarehouseID: h.WarehouseID,
			Quantity: h.Held, Reason: catalog.ReasonCampaign, Actor: campaignActor(campaignID)}); err != nil {
			return err
		}
	}
	return nil
}

// giveBack ends one hold (a live's or a campaign's, row id of table):
// what is left of it (back.Quantity) returns to shared stock. A hold that
// sold out moves no stock but still changes what every shop may show (the
// shop it served shares again), so it writes the stock event the pushes
// follow.
func (s *Store) giveBack(ctx context.Context, tx *gorm.DB, table string, id int64, back catalog.StockChange) error {
	if back.Quantity > 0 {
		back.Op = catalog.OpUnhold
		if _, err := s.changeStock(ctx, tx, back); err != nil {
			return err
		}
	} else if err := writeOutbox(tx, catalog.TopicStockChanged, catalog.StockChanged{VariantID: back.VariantID, WarehouseID: back.WarehouseID}); err != nil {
		return err
	}
	return translate(tx.Table(table).Where("id = ?", id).
		Updates(map[string]any{"returned": back.Quantity, "held": 0, "active": false}).Error, "hold")
}

// holdPool is a hold an order line may draw from: a live's or a
// campaign's.
type holdPool struct {
	table           string
	id, warehouseID int64
	held, sold      int64
}

// orderPool is the hold an order of shop sh for the variant draws from
// first: the shop's live hold, else a running campaign's hold on the
// shop's platform (inside the order's transaction, locked).
func (s *Store) orderPool(tx *gorm.DB, sh catalog.Shop, variantID int64) (holdPool, bool, error) {
	live, ok, err := s.activeHold(tx, sh.ID, variantID)
	if err != nil || ok {
		return holdPool{table: "live_holds", id: live.ID, warehouseID: live.WarehouseID, held: live.Held, sold: live.Sold}, ok, err
	}
	// Only a hold with units left, in a warehouse that feeds this shop
	// (the shop is shown only those: PushSnapshots).
	var holds []campaignHoldRow
	if err := lockRows(s, tx).Where("variant_id = ? AND active AND held > 0 AND channels LIKE ?", variantID, "%,"+string(sh.Platform)+",%").
		Order("id").Find(&holds).Error; err != nil {
		return holdPool{}, false, translate(err, "campaign hold")
	}
	for _, h := range holds {
		if sh.Rule.Feeds(h.WarehouseID) {
			return holdPool{table: "campaign_holds", id: h.ID, warehouseID: h.WarehouseID, held: h.Held, sold: h.Sold}, true, nil
		}
	}
	return holdPool{}, false, nil
}
