package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"ocophub/catalog"
)

type sessionRow struct {
	ID         int64 `gorm:"primaryKey"`
	TokenHash  string
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	ClientIP   string `gorm:"column:client_ip"`
	UserAgent  string
}

func (sessionRow) TableName() string { return "sessions" }

// SessionSecretBytes is the entropy of a session secret.
const SessionSecretBytes = 32

// touchEvery bounds the writes a busy session costs: its last-seen time
// moves at most once a minute, which is precise enough for an idle limit
// counted in minutes.
const touchEvery = time.Minute

var errNoSession = &catalog.Error{Code: catalog.CodeUnauthenticated, Message: "not signed in, or the session has ended: sign in again"}

// CreateSession starts a session for a user who just signed in and
// returns its secret (for the cookie; the store keeps its SHA-256) and
// when it ends at the latest. Expired sessions of the user are dropped.
func (s *Store) CreateSession(ctx context.Context, userID int64, lifetime time.Duration, clientIP, userAgent string) (string, time.Time, error) {
	now := s.now().UTC()
	secret := randomSecret(SessionSecretBytes)
	if len(userAgent) > 256 {
		userAgent = userAgent[:256]
	}
	row := sessionRow{TokenHash: secretHash(secret), UserID: userID, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(lifetime), ClientIP: clientIP, UserAgent: userAgent}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("user_id = ? AND expires_at < ?", userID, now).Delete(&sessionRow{}).Error; err != nil {
			return translate(err, "session")
		}
		return translate(tx.Create(&row).Error, "session")
	})
	if err != nil {
		return "", time.Time{}, err
	}
	return secret, row.ExpiresAt, nil
}

// SessionPrincipal returns who a session secret signs in: unauthenticated
// when the session is unknown, past its absolute end, idle longer than
// idle, or its user is disabled. It takes no scope: it is how a request
// gets one.
func (s *Store) SessionPrincipal(ctx context.Context, secret string, idle time.Duration) (catalog.Principal, error) {
	if secret == "" {
		return catalog.Principal{}, errNoSession
	}
	now := s.now().UTC()
	db := s.db.WithContext(ctx)
	var row sessionRow
	err := db.Where("token_hash = ?", secretHash(secret)).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return catalog.Principal{}, errNoSession
	}
	if err != nil {
		return catalog.Principal{}, translate(err, "session")
	}
	if !now.Before(row.ExpiresAt) || !now.Before(row.LastSeenAt.Add(idle)) {
		_ = db.Delete(&sessionRow{}, row.ID).Error
		return catalog.Principal{}, errNoSession
	}
	var u userRow
	if err := db.Take(&u, row.UserID).Error; err != nil || u.Disabled {
		return catalog.Principal{}, errNoSession
	}
	if now.Sub(row.LastSeenAt) >= touchEvery {
		if err := db.Model(&sessionRow{}).Where("id = ?", row.ID).Update("last_seen_at", now).Error; err != nil {
			return catalog.Principal{}, translate(err, "session")
		}
	}
	return s.principalOf(ctx, u)
}

// EndSession signs a session out; an unknown secret is not an error.
func (s *Store) EndSession(ctx context.Context, secret string) error {
	return translate(s.db.WithContext(ctx).Where("token_hash = ?", secretHash(secret)).Delete(&sessionRow{}).Error, "session")
}

// endSessions signs a user out everywhere.
func endSessions(tx *gorm.DB, userID int64) error {
	return translate(tx.Where("user_id = ?", userID).Delete(&sessionRow{}).Error, "session")
}
