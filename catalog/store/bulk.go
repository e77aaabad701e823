package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"ocophub/catalog"
)

// BulkCreateProducts inserts many new products and their variants in one
// transaction with multi-row INSERTs, for seeding large generated catalogs
// (benchmarks, load tests). Unlike Import it neither upserts nor sets
// stock, and it is for the operator only. Every product is validated first.
func (s *Store) BulkCreateProducts(ctx context.Context, ps []catalog.Product) error {
	sc, err := scopeOf(ctx)
	if err != nil {
		return err
	}
	if !sc.IsOperator() {
		return &catalog.Error{Code: catalog.CodePermissionDenied, Message: "bulk creation is for the operator"}
	}
	rows := make([]productRow, len(ps))
	for i := range ps {
		if err := ps[i].Validate(); err != nil {
			return fmt.Errorf("product %d (%s): %w", i, ps[i].Code, err)
		}
		rows[i] = toProductRow(&ps[i])
		rows[i].ID, rows[i].Version = 0, 1
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.CreateInBatches(&rows, 500).Error; err != nil {
			return translate(err, "product")
		}
		var variants []variantRow
		for i := range ps {
			ps[i].ID = rows[i].ID
			for j := range ps[i].Variants {
				variants = append(variants, toVariantRow(&ps[i].Variants[j], rows[i].ID, ps[i].CoopID, j))
			}
		}
		if err := tx.CreateInBatches(&variants, 1000).Error; err != nil {
			return translate(err, "variant")
		}
		return nil
	})
}
