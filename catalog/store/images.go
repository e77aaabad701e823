package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ocophub/catalog"
)

type productImageRow struct {
	ID          int64 `gorm:"primaryKey"`
	CoopID      int64
	ProductID   int64
	VariantID   *int64
	Position    int
	Width       int
	Height      int
	Bytes       int64
	SHA256      string `gorm:"column:sha256"`
	OriginalKey string
	ThumbKey    string
	SquareKey   string
	CreatedAt   time.Time
}

func (productImageRow) TableName() string { return "product_images" }

func (r productImageRow) asDomain() catalog.ProductImage {
	return catalog.ProductImage{ID: r.ID, ProductID: r.ProductID, CoopID: r.CoopID, VariantID: r.VariantID,
		Position: r.Position, Width: r.Width, Height: r.Height, Bytes: r.Bytes, SHA256: r.SHA256,
		OriginalKey: r.OriginalKey, ThumbKey: r.ThumbKey, SquareKey: r.SquareKey, CreatedAt: r.CreatedAt}
}

// AddProductImages appends images to a product's gallery in one
// transaction (all or none), after the ones it has. Their files must be
// stored already. It takes the permission of a catalog change (alliance
// staff, who may change prices only, may not), refuses a gallery over
// catalog.MaxProductImages and a variant of another product, and writes
// product.changed so the shops' items get the new photos.
func (s *Store) AddProductImages(ctx context.Context, productID int64, images []catalog.ProductImage) ([]catalog.ProductImage, error) {
	sc, err := allowed(ctx, catalog.PermCatalogWrite)
	if err != nil {
		return nil, err
	}
	p, err := s.product(ctx, productID)
	if err != nil {
		return nil, err
	}
	variants := map[int64]bool{}
	for _, v := range p.Variants {
		variants[v.ID] = true
	}
	for _, im := range images {
		if im.VariantID != nil && !variants[*im.VariantID] {
			return nil, &catalog.Error{Code: catalog.CodeInvalidArgument, Message: "the variant is not one of this product's",
				Fields: map[string]string{"variant_id": "not a variant of this product"}}
		}
	}
	var out []catalog.ProductImage
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		version, err := s.lockProduct(tx, productID)
		if err != nil {
			return err
		}
		var have []productImageRow
		if err := tx.Where("product_id = ?", productID).Order("position, id").Find(&have).Error; err != nil {
			return translate(err, "image")
		}
		if len(have)+len(images) > catalog.MaxProductImages {
			return &catalog.Error{Code: catalog.CodeInvalidArgument,
				Message: fmt.Sprintf("a product has at most %d photos; it has %d", catalog.MaxProductImages, len(have)),
				Fields:  map[string]string{"file": "too_many_images"}}
		}
		next := 0
		if len(have) > 0 {
			next = have[len(have)-1].Position + 1
		}
		for i, im := range images {
			row := productImageRow{CoopID: p.CoopID, ProductID: productID, VariantID: im.VariantID, Position: next + i,
				Width: im.Width, Height: im.Height, Bytes: im.Bytes, SHA256: im.SHA256,
				OriginalKey: im.OriginalKey, ThumbKey: im.ThumbKey, SquareKey: im.SquareKey, CreatedAt: s.now().UTC()}
			if err := tx.Create(&row).Error; err != nil {
				return translate(err, "image")
			}
			out = append(out, row.asDomain())
		}
		return s.galleryChanged(tx, sc, p, version, fmt.Sprintf("%s: %d photo(s) added", p.Code, len(images)))
	})
	return out, err
}

// ProductImages lists a product's gallery, cover first.
func (s *Store) ProductImages(ctx context.Context, productID int64) ([]catalog.ProductImage, error) {
	if _, err := products.get(ctx, s.db, productID); err != nil {
		return nil, err
	}
	return s.galleryOf(s.db.WithContext(ctx), productID)
}

func (s *Store) galleryOf(db *gorm.DB, productID int64) ([]catalog.ProductImage, error) {
	var rows []productImageRow
	if err := db.Where("product_id = ?", productID).Order("position, id").Find(&rows).Error; err != nil {
		return nil, translate(err, "image")
	}
	out := make([]catalog.ProductImage, len(rows))
	for i, r := range rows {
		out[i] = r.asDomain()
	}
	return out, nil
}

// CoverImages returns the cover (first photo) of each product that has
// one, for lists. Products outside the scope are left out.
func (s *Store) CoverImages(ctx context.Context, productIDs []int64) (map[int64]catalog.ProductImage, error) {
	sc, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	out := map[int64]catalog.ProductImage{}
	if len(productIDs) == 0 {
		return out, nil
	}
	var rows []productImageRow
	q := ownedBy(s.db.WithContext(ctx).Table("product_images"), sc, "product_images").
		Where("product_images.product_id IN ?", productIDs).Order("product_id, position, id")
	if err := q.Find(&rows).Error; err != nil {
		return nil, translate(err, "image")
	}
	for _, r := range rows {
		if _, seen := out[r.ProductID]; !seen {
			out[r.ProductID] = r.asDomain()
		}
	}
	return out, nil
}

// ReorderProductImages puts the gallery in the order of ids (every image
// once; the first becomes the cover).
func (s *Store) ReorderProductImages(ctx context.Context, productID int64, ids []int64) ([]catalog.ProductImage, error) {
	sc, err := allowed(ctx, catalog.PermCatalogWrite)
	if err != nil {
		return nil, err
	}
	p, err := products.get(ctx, s.db, productID)
	if err != nil {
		return nil, err
	}
	var out []catalog.ProductImage
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		version, err := s.lockProduct(tx, productID)
		if err != nil {
			return err
		}
		current, err := s.galleryOf(tx, productID)
		if err != nil {
			return err
		}
		if err := catalog.ImageOrder(current, ids); err != nil {
			return err
		}
		for pos, id := range ids {
			if err := tx.Model(&productImageRow{}).Where("id = ?", id).Update("position", pos).Error; err != nil {
				return translate(err, "image")
			}
		}
		if err := s.galleryChanged(tx, sc, p.asDomain(nil), version, p.Code+": photos reordered"); err != nil {
			return err
		}
		out, err = s.galleryOf(tx, productID)
		return err
	})
	return out, err
}

// DeleteProductImage removes one photo of a product's gallery and returns
// it, with whether its files are still used by another row (they are
// content-addressed: two galleries may share them).
func (s *Store) DeleteProductImage(ctx context.Context, productID, imageID int64) (img catalog.ProductImage, shared bool, err error) {
	sc, err := allowed(ctx, catalog.PermCatalogWrite)
	if err != nil {
		return img, false, err
	}
	p, err := products.get(ctx, s.db, productID)
	if err != nil {
		return img, false, err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		version, err := s.lockProduct(tx, productID)
		if err != nil {
			return err
		}
		var row productImageRow
		if err := tx.Where("id = ? AND product_id = ?", imageID, productID).Take(&row).Error; err != nil {
			return translate(err, "image")
		}
		if err := tx.Delete(&productImageRow{}, row.ID).Error; err != nil {
			return translate(err, "image")
		}
		var n int64
		if err := tx.Model(&productImageRow{}).Where("original_key = ?", row.OriginalKey).Count(&n).Error; err != nil {
			return translate(err, "image")
		}
		img, shared = row.asDomain(), n > 0
		return s.galleryChanged(tx, sc, p.asDomain(nil), version, p.Code+": a photo removed")
	})
	return img, shared, err
}

// lockProduct locks the product's row for the gallery change (PostgreSQL;
// SQLite's BEGIN IMMEDIATE already serialises writers) and returns its
// version.
func (s *Store) lockProduct(tx *gorm.DB, productID int64) (int64, error) {
	var row productRow
	q := tx
	if s.dialect == Postgres {
		q = tx.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate})
	}
	if err := q.Select("id", "version").Take(&row, productID).Error; err != nil {
		return 0, translate(err, "product")
	}
	return row.Version, nil
}

// galleryChanged audits a change by an outsider and writes product.changed:
// the worker re-pushes the item's content (its photos) to every shop.
func (s *Store) galleryChanged(tx *gorm.DB, sc catalog.Scope, p catalog.Product, version int64, detail string) error {
	if err := s.auditOutsider(tx, sc, p.CoopID, "product.photos_changed", "product", p.ID, detail); err != nil {
		return err
	}
	return writeOutbox(tx, catalog.TopicProductChanged, catalog.ProductChanged{ProductID: p.ID, Version: version})
}

// ShopImageRef is what the shop's platform answered when the photo file
// key was uploaded to it ("" when it never was).
func (s *Store) ShopImageRef(ctx context.Context, shopID int64, key string) (string, error) {
	if _, err := s.Shop(ctx, shopID); err != nil {
		return "", err
	}
	var refs []string
	if err := s.db.WithContext(ctx).Table("shop_images").Where("shop_id = ? AND image_key = ?", shopID, key).
		Limit(1).Pluck("ref", &refs).Error; err != nil {
		return "", translate(err, "shop image")
	}
	if len(refs) == 0 {
		return "", nil
	}
	return refs[0], nil
}

// SaveShopImageRef remembers the platform's reference of an uploaded file.
func (s *Store) SaveShopImageRef(ctx context.Context, shopID int64, key, ref string) error {
	if _, err := s.Shop(ctx, shopID); err != nil {
		return err
	}
	row := map[string]any{"shop_id": shopID, "image_key": key, "ref": ref, "created_at": s.now().UTC()}
	err := s.db.WithContext(ctx).Table("shop_images").
		Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "shop_id"}, {Name: "image_key"}}, DoUpdates: clause.AssignmentColumns([]string{"ref", "created_at"})}).
		Create(row).Error
	return translate(err, "shop image")
}
