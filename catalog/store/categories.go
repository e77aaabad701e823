package store

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"gorm.io/gorm"

	"ocophub/catalog"
)

// productCategoryRow is a product's confirmed category on one platform.
type productCategoryRow struct {
	ProductID  int64     `gorm:"column:product_id;primaryKey"`
	Platform   string    `gorm:"column:platform;primaryKey"`
	CoopID     int64     `gorm:"column:coop_id"`
	CategoryID string    `gorm:"column:category_id"`
	Attributes string    `gorm:"column:attributes"`
	Version    int64     `gorm:"column:version"`
	UpdatedAt  time.Time `gorm:"column:updated_at"`
}

func (productCategoryRow) TableName() string { return "product_categories" }

func (r productCategoryRow) asDomain() catalog.CategoryChoice {
	c := catalog.CategoryChoice{ProductID: r.ProductID, Platform: catalog.Platform(r.Platform), CategoryID: r.CategoryID,
		Attributes: map[string]string{}, Version: r.Version}
	_ = json.Unmarshal([]byte(r.Attributes), &c.Attributes)
	return c
}

// ProductCategories returns the categories confirmed for a product, one
// per platform (none for a platform where the manager confirmed nothing:
// the suggestion applies there).
func (s *Store) ProductCategories(ctx context.Context, productID int64) ([]catalog.CategoryChoice, error) {
	if _, err := s.product(ctx, productID); err != nil {
		return nil, err
	}
	var rows []productCategoryRow
	if err := s.db.WithContext(ctx).Where("product_id = ?", productID).Order("platform").Find(&rows).Error; err != nil {
		return nil, translate(err, "product category")
	}
	out := make([]catalog.CategoryChoice, len(rows))
	for i, r := range rows {
		out[i] = r.asDomain()
	}
	return out, nil
}

// SetProductCategory records the manager's category and attribute values
// for a product on a platform. Version 0 creates the choice; otherwise it
// must be the stored version (optimistic concurrency, as every row). The
// product's live items are updated through the outbox (product.changed),
// in the same transaction.
func (s *Store) SetProductCategory(ctx context.Context, c *catalog.CategoryChoice) error {
	sc, err := allowed(ctx, catalog.PermCatalogWrite)
	if err != nil {
		return err
	}
	c.CategoryID = strings.TrimSpace(c.CategoryID)
	for k, v := range c.Attributes {
		c.Attributes[k] = catalog.NormalizeText(v)
		if c.Attributes[k] == "" {
			delete(c.Attributes, k)
		}
	}
	if err := c.Validate(); err != nil {
		return err
	}
	p, err := s.product(ctx, c.ProductID)
	if err != nil {
		return err
	}
	if c.Attributes == nil {
		c.Attributes = map[string]string{}
	}
	attrs, err := json.Marshal(c.Attributes)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	next := c.Version + 1
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if c.Version == 0 {
			row := productCategoryRow{ProductID: c.ProductID, Platform: string(c.Platform), CoopID: p.CoopID,
				CategoryID: c.CategoryID, Attributes: string(attrs), Version: 1, UpdatedAt: now}
			if err := tx.Create(&row).Error; err != nil {
				if catalog.ErrorCode(translate(err, "product category")) == catalog.CodeConflict {
					return &catalog.Error{Code: catalog.CodeConflict, Message: "the product already has a category on this platform: send its version"}
				}
				return translate(err, "product category")
			}
		} else {
			res := tx.Model(&productCategoryRow{}).Where("product_id = ? AND platform = ? AND version = ?", c.ProductID, string(c.Platform), c.Version).
				Updates(map[string]any{"category_id": c.CategoryID, "attributes": string(attrs), "version": c.Version + 1, "updated_at": now})
			if res.Error != nil {
				return translate(res.Error, "product category")
			}
			if res.RowsAffected == 0 {
				return &catalog.Error{Code: catalog.CodeConflict, Message: "the product's category was changed by someone else: reload it"}
			}
		}
		if err := s.auditOutsider(tx, sc, p.CoopID, "product.category", "product", p.ID, string(c.Platform)+" "+c.CategoryID); err != nil {
			return err
		}
		return writeOutbox(tx, catalog.TopicProductChanged, catalog.ProductChanged{ProductID: p.ID, Version: p.Version})
	})
	if err != nil {
		return err
	}
	c.Version = next
	return nil
}
