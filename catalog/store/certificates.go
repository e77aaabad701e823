package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"ocophub/catalog"
)

// AnnounceCertificateDays writes a product.changed event for every
// product (not archived) whose certificate came into force or expired on a
// day in (after, upTo]: the worker then re-sends its content to every
// shop, so an OCOP claim appears or is withdrawn within one push cycle of
// the day it changes (listing descriptions say "Sản phẩm OCOP N sao" only
// while the certificate is in force). It reports how many it announced.
// Only the system calls it.
func (s *Store) AnnounceCertificateDays(ctx context.Context, after, upTo catalog.Date) (int, error) {
	sc, err := scopeOf(ctx)
	if err != nil {
		return 0, err
	}
	if !sc.IsOperator() {
		return 0, &catalog.Error{Code: catalog.CodePermissionDenied, Message: "only the system announces certificate days"}
	}
	var rows []productRow
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		a, b := after.String(), upTo.String()
		if err := tx.Select("id", "version").Where("archived_at IS NULL").
			Where("(certified_on > ? AND certified_on <= ?) OR (expires_on > ? AND expires_on <= ?)", a, b, a, b).
			Order("id").Find(&rows).Error; err != nil {
			return translate(err, "products")
		}
		for _, r := range rows {
			if err := writeOutbox(tx, catalog.TopicProductChanged, catalog.ProductChanged{ProductID: r.ID, Version: r.Version}); err != nil {
				return err
			}
		}
		return nil
	})
	return len(rows), err
}

// ExpiringCertificates lists the products in scope whose certificate
// ends within the widest warning (catalog.CertificateWarnings) of day d,
// soonest first, then those already expired, latest first, limit in all:
// the dashboard's warnings for a co-op and its alliance. A product ending
// next week is never pushed off the list by old expiries.
func (s *Store) ExpiringCertificates(ctx context.Context, d catalog.Date, limit int) ([]catalog.Product, error) {
	sc, err := allowed(ctx, catalog.PermCatalogRead)
	if err != nil {
		return nil, err
	}
	scoped := func() *gorm.DB {
		return ownedBy(s.db.WithContext(ctx).Model(&productRow{}), sc, "products").
			Where("products.archived_at IS NULL AND products.expires_on <> ''")
	}
	var upcoming, expired []productRow
	horizon := d.AddDays(catalog.CertificateWarnings[0])
	if err := scoped().Where("products.expires_on >= ? AND products.expires_on <= ?", d.String(), horizon.String()).
		Order("products.expires_on, products.id").Limit(limit).Find(&upcoming).Error; err != nil {
		return nil, translate(err, "products")
	}
	if rest := limit - len(upcoming); rest > 0 {
		if err := scoped().Where("products.expires_on < ?", d.String()).
			Order("products.expires_on DESC, products.id").Limit(rest).Find(&expired).Error; err != nil {
			return nil, translate(err, "products")
		}
	}
	out := make([]catalog.Product, 0, len(upcoming)+len(expired))
	read := map[int64]int{}
	for _, r := range append(upcoming, expired...) {
		out = append(out, r.asDomain(nil))
		read[r.CoopID]++
	}
	for coopID, n := range read {
		if err := s.auditStaffRead(ctx, coopID, "certificates.listed", "", 0, fmt.Sprintf("%d certificates", n)); err != nil {
			return nil, err
		}
	}
	return out, nil
}
