package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ocophub/catalog"
)

// idempotencyRow is one Idempotency-Key of one caller: pending (status 0)
// while its request runs, then the request's answer until expires_at.
type idempotencyRow struct {
	ID          int64 `gorm:"primaryKey"`
	Principal   string
	Key         string
	Fingerprint string
	Status      int
	ContentType string
	Location    string
	Body        []byte
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

func (idempotencyRow) TableName() string { return "idempotency_keys" }

var _ catalog.Idempotency = (*Store)(nil)

// ClaimKey implements catalog.Idempotency. Keys are kept in the database,
// shared by every replica; expired ones are removed by the next claim.
func (s *Store) ClaimKey(ctx context.Context, caller, key, fingerprint string) (int64, *catalog.Replay, error) {
	now := s.now().UTC()
	db := s.db.WithContext(ctx)
	if err := db.Where("expires_at < ?", now).Delete(&idempotencyRow{}).Error; err != nil {
		return 0, nil, translate(err, "idempotency key")
	}
	row := idempotencyRow{Principal: caller, Key: key, Fingerprint: fingerprint, CreatedAt: now,
		ExpiresAt: now.Add(catalog.IdempotencyPending)}
	res := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	if res.Error != nil {
		return 0, nil, translate(res.Error, "idempotency key")
	}
	if res.RowsAffected == 1 {
		return row.ID, nil, nil
	}
	var got idempotencyRow
	err := db.Where("principal = ? AND key = ?", caller, key).Take(&got).Error
	if errors.Is(err, gorm.ErrRecordNotFound) { // expired and removed since: try once more
		return s.ClaimKey(ctx, caller, key, fingerprint)
	}
	switch {
	case err != nil:
		return 0, nil, translate(err, "idempotency key")
	case got.Fingerprint != fingerprint:
		return 0, nil, catalog.ErrKeyReused
	case got.Status == 0:
		return 0, nil, &catalog.Error{Code: catalog.CodeConflict, Message: "a request with this Idempotency-Key is still running; retry later"}
	}
	return 0, &catalog.Replay{Status: got.Status, ContentType: got.ContentType, Location: got.Location, Body: got.Body}, nil
}

// FinishKey keeps the answer of claim id for catalog.IdempotencyTTL. A
// claim that expired and was claimed again is another row: it is left alone.
func (s *Store) FinishKey(ctx context.Context, id int64, r catalog.Replay) error {
	err := s.db.WithContext(ctx).Model(&idempotencyRow{}).Where("id = ? AND status = 0", id).
		Updates(map[string]any{"status": r.Status, "content_type": r.ContentType, "location": r.Location,
			"body": r.Body, "expires_at": s.now().UTC().Add(catalog.IdempotencyTTL)}).Error
	return translate(err, "idempotency key")
}

// ReleaseKey frees claim id, whose request failed, so a retry runs.
func (s *Store) ReleaseKey(ctx context.Context, id int64) error {
	err := s.db.WithContext(ctx).Where("id = ? AND status = 0", id).Delete(&idempotencyRow{}).Error
	return translate(err, "idempotency key")
}
