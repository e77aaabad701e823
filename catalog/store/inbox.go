package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ocophub/catalog"
)

type inboxRow struct {
	ID            int64 `gorm:"primaryKey"`
	Platform      string
	EventID       string
	ShopExtID     string `gorm:"column:shop_ext_id"`
	OrderExtID    string `gorm:"column:order_ext_id"`
	Body          string
	ReceivedAt    time.Time `gorm:"autoCreateTime"`
	ProcessedAt   *time.Time
	Attempts      int
	NextAttemptAt *time.Time
	DeadAt        *time.Time
	Error         string
}

func (inboxRow) TableName() string { return "webhook_inbox" }

func (r inboxRow) asDomain() InboxEvent {
	return InboxEvent{ID: r.ID, Platform: catalog.Platform(r.Platform), EventID: r.EventID, ShopExtID: r.ShopExtID,
		OrderExtID: r.OrderExtID, ReceivedAt: r.ReceivedAt, Attempts: r.Attempts, Error: r.Error, DeadAt: deref(r.DeadAt)}
}

// InboxEvent is a stored push.
type InboxEvent struct {
	ID         int64
	Platform   catalog.Platform
	EventID    string
	ShopExtID  string
	OrderExtID string
	ReceivedAt time.Time
	// Attempts counts the times its order was queued for ingestion: the
	// webhook's own, then each re-drive of the sweep.
	Attempts int
	// Error is why the last attempt failed, or why it is a dead letter.
	Error string
	// DeadAt is when it stopped being retried (zero while it is).
	DeadAt time.Time
}

// InboxAdd stores a verified webhook event unless its (platform, event id)
// is already there; added reports whether this delivery is the first, and
// id is the stored event's either way. The webhook queues its ingestion at
// once: that is its first attempt.
func (s *Store) InboxAdd(ctx context.Context, platform catalog.Platform, eventID, shopExtID, orderExtID string, body []byte) (id int64, added bool, err error) {
	if err := operatorOnly(ctx); err != nil {
		return 0, false, err
	}
	now := s.now().UTC()
	row := inboxRow{Platform: string(platform), EventID: eventID, ShopExtID: shopExtID, OrderExtID: orderExtID,
		Body: string(body), ReceivedAt: now, Attempts: 1, NextAttemptAt: &now}
	return s.addInbox(ctx, &row)
}

// InboxDeadLetter keeps a push whose signature is good but whose body the
// driver cannot read: acknowledged (a platform retrying it would never
// succeed), never retried, kept for a person. Its id is a hash of the
// body, so a redelivery is one letter. Like every inbox method it is the
// operator's: the webhooks and the worker serve every co-op.
func (s *Store) InboxDeadLetter(ctx context.Context, platform catalog.Platform, body []byte, reason string) (id int64, added bool, err error) {
	if err := operatorOnly(ctx); err != nil {
		return 0, false, err
	}
	now := s.now().UTC()
	sum := sha256.Sum256(body)
	row := inboxRow{Platform: string(platform), EventID: "unread:" + hex.EncodeToString(sum[:16]), Body: string(body),
		ReceivedAt: now, Attempts: 1, DeadAt: &now, Error: reason}
	return s.addInbox(ctx, &row)
}

func (s *Store) addInbox(ctx context.Context, row *inboxRow) (int64, bool, error) {
	// PostgreSQL text holds neither NUL nor invalid UTF-8: a push that
	// carries them is still kept, readably.
	row.Body = strings.ToValidUTF8(strings.ReplaceAll(row.Body, "\x00", ""), "\uFFFD")
	res := s.db.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "platform"}, {Name: "event_id"}}, DoNothing: true}).Create(row)
	if res.Error != nil {
		return 0, false, translate(res.Error, "webhook event")
	}
	if res.RowsAffected == 1 {
		return row.ID, true, nil
	}
	// A redelivery inserted nothing and so has no id of its own: hand back
	// the stored event's, so the ingestion queued for it marks that row.
	var id int64
	if err := s.db.WithContext(ctx).Model(&inboxRow{}).Where("platform = ? AND event_id = ?", row.Platform, row.EventID).
		Pluck("id", &id).Error; err != nil {
		return 0, false, translate(err, "webhook event")
	}
	return id, false, nil
}

// InboxProcessed marks inbox events handled.
func (s *Store) InboxProcessed(ctx context.Context, ids ...int64) error {
	if err := operatorOnly(ctx); err != nil {
		return err
	}
	if len(ids) == 0 {
		return nil
	}
	return translate(s.db.WithContext(ctx).Model(&inboxRow{}).Where("id IN ?", ids).
		Updates(map[string]any{"processed_at": s.now().UTC(), "error": ""}).Error, "webhook event")
}

// InboxFailed records why the ingestion of inbox events failed; the sweep
// tries them again after their back-off.
func (s *Store) InboxFailed(ctx context.Context, reason string, ids ...int64) error {
	if err := operatorOnly(ctx); err != nil {
		return err
	}
	if len(ids) == 0 {
		return nil
	}
	return translate(s.db.WithContext(ctx).Model(&inboxRow{}).Where("id IN ? AND processed_at IS NULL", ids).
		Update("error", truncate(reason, 500)).Error, "webhook event")
}

// InboxRetry is how the sweep retries stored pushes.
type InboxRetry struct {
	// Grace is how long past its time an event is left to the ingestion
	// already queued for it before the sweep queues it again.
	Grace time.Duration
	// MaxAttempts is how many attempts an event gets before it becomes a
	// dead letter.
	MaxAttempts int
	// Backoff is the wait after the n-th attempt (n ≥ 1).
	Backoff func(n int) time.Duration
	// Limit is how many events one call hands back.
	Limit int
}

// RetryInbox claims the unprocessed events whose next attempt is due (by
// more than the grace), oldest first: due are to be queued again, each
// with its attempt counted and its next one set after the back-off; dead
// had all their attempts and become dead letters. On PostgreSQL rows are
// claimed with FOR UPDATE SKIP LOCKED, so two workers never queue the same
// event twice in one round. Claimed rows leave the due set, so calling it
// until it hands back less than the limit reaches every due event.
func (s *Store) RetryInbox(ctx context.Context, r InboxRetry) (due, dead []InboxEvent, err error) {
	if err := operatorOnly(ctx); err != nil {
		return nil, nil, err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now().UTC()
		q := tx.Where("processed_at IS NULL AND dead_at IS NULL AND next_attempt_at < ?", now.Add(-r.Grace)).
			Order("next_attempt_at").Limit(r.Limit)
		if s.dialect == Postgres {
			q = q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate, Options: clause.LockingOptionsSkipLocked})
		}
		var rows []inboxRow
		if err := q.Find(&rows).Error; err != nil {
			return translate(err, "webhook event")
		}
		for _, row := range rows {
			set := map[string]any{}
			if row.Attempts >= r.MaxAttempts {
				set["dead_at"] = now
				if row.Error == "" {
					set["error"] = "no attempt brought its order in"
				}
				dead = append(dead, row.asDomain())
			} else {
				row.Attempts++
				set["attempts"], set["next_attempt_at"] = row.Attempts, now.Add(r.Backoff(row.Attempts))
				due = append(due, row.asDomain())
			}
			if err := tx.Model(&inboxRow{}).Where("id = ?", row.ID).Updates(set).Error; err != nil {
				return translate(err, "webhook event")
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return due, dead, nil
}

// InboxDead makes an event a dead letter at once: nothing can process it
// (its shop is gone or disconnected).
func (s *Store) InboxDead(ctx context.Context, id int64, reason string) error {
	if err := operatorOnly(ctx); err != nil {
		return err
	}
	return translate(s.db.WithContext(ctx).Model(&inboxRow{}).Where("id = ? AND processed_at IS NULL", id).
		Updates(map[string]any{"dead_at": s.now().UTC(), "error": truncate(reason, 500)}).Error, "webhook event")
}

// DeadLetters are the newest dead letters and how many there are, for the
// job monitor (the operator's: they belong to every co-op).
func (s *Store) DeadLetters(ctx context.Context, limit int) ([]InboxEvent, int64, error) {
	if err := operatorOnly(ctx); err != nil {
		return nil, 0, err
	}
	db := s.db.WithContext(ctx).Model(&inboxRow{}).Where("dead_at IS NOT NULL")
	var total int64
	if err := db.Count(&total).Error; err != nil {
		return nil, 0, translate(err, "webhook event")
	}
	var rows []inboxRow
	if err := db.Order("dead_at DESC, id DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, 0, translate(err, "webhook event")
	}
	out := make([]InboxEvent, len(rows))
	for i, r := range rows {
		out[i] = r.asDomain()
	}
	return out, total, nil
}
