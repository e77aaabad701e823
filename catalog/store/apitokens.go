package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"

	"ocophub/catalog"
)

type apiTokenRow struct {
	ID         int64 `gorm:"primaryKey"`
	Name       string
	TokenHash  string
	Prefix     string
	Role       string
	AllianceID *int64
	CoopID     *int64
	CreatedBy  *int64
	CreatedAt  time.Time
	ExpiresAt  *time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

func (apiTokenRow) TableName() string { return "api_tokens" }

func (r apiTokenRow) asDomain() catalog.APIToken {
	return catalog.APIToken{ID: r.ID, Name: r.Name, Prefix: r.Prefix, Role: catalog.Role(r.Role),
		AllianceID: deref64(r.AllianceID), CoopID: deref64(r.CoopID), CreatedBy: deref64(r.CreatedBy),
		CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt, LastUsedAt: r.LastUsedAt, RevokedAt: r.RevokedAt}
}

var apiTokens = entity[apiTokenRow, catalog.APIToken]{what: "API token", table: "api_tokens",
	scope:    func(db *gorm.DB, s catalog.Scope) *gorm.DB { return membersIn(db, s, "api_tokens") },
	asDomain: apiTokenRow.asDomain, id: func(r apiTokenRow) int64 { return r.ID }}

// APITokenPrefix starts every API token, so a leaked one is recognisable
// (secret scanners) and a session secret is never taken for one.
const APITokenPrefix = "ocp_"

// CreateAPIToken adds a token acting as t.Role in t's tenant and returns
// its secret, which exists only in this answer: the store keeps its
// SHA-256 and a short prefix to recognise it by. The same rules as for
// users say who may make which.
func (s *Store) CreateAPIToken(ctx context.Context, t *catalog.APIToken) (string, error) {
	sc, err := allowed(ctx, catalog.PermTokensManage)
	if err != nil {
		return "", err
	}
	if err := t.Validate(s.now()); err != nil {
		return "", err
	}
	if err := s.checkAssignable(ctx, sc, t.Role, t.AllianceID, t.CoopID); err != nil {
		return "", err
	}
	secret := APITokenPrefix + randomSecret(32)
	row := apiTokenRow{Name: t.Name, TokenHash: secretHash(secret), Prefix: secret[:len(APITokenPrefix)+6],
		Role: string(t.Role), AllianceID: idOrNull(t.AllianceID), CoopID: idOrNull(t.CoopID),
		CreatedBy: idOrNull(sc.UserID()), CreatedAt: s.now().UTC(), ExpiresAt: utcOrNil(t.ExpiresAt)}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			return translate(err, "API token")
		}
		return s.auditToken(tx, sc, row, "token.created")
	})
	if err != nil {
		return "", err
	}
	*t = row.asDomain()
	return secret, nil
}

func utcOrNil(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func (s *Store) auditToken(tx *gorm.DB, sc catalog.Scope, r apiTokenRow, action string) error {
	if r.CoopID == nil {
		return nil
	}
	return s.recordAudit(tx, sc, *r.CoopID, action, "api_token", r.ID, r.Name+" ("+r.Prefix+"…, "+r.Role+")")
}

// APIToken reads a token the caller manages (never its secret).
func (s *Store) APIToken(ctx context.Context, id int64) (catalog.APIToken, error) {
	if _, err := allowed(ctx, catalog.PermTokensManage); err != nil {
		return catalog.APIToken{}, err
	}
	return apiTokens.get(ctx, s.db, id)
}

// ListAPITokens lists the tokens the caller manages, revoked ones too.
func (s *Store) ListAPITokens(ctx context.Context, q catalog.ListQuery) ([]catalog.APIToken, string, error) {
	if _, err := allowed(ctx, catalog.PermTokensManage); err != nil {
		return nil, "", err
	}
	return apiTokens.list(ctx, s.db, q, coopFilter("api_tokens", q.CoopID))
}

// RevokeAPIToken stops a token at once; revoking it again changes nothing.
func (s *Store) RevokeAPIToken(ctx context.Context, id int64) (catalog.APIToken, error) {
	sc, err := allowed(ctx, catalog.PermTokensManage)
	if err != nil {
		return catalog.APIToken{}, err
	}
	if _, err := apiTokens.get(ctx, s.db, id); err != nil {
		return catalog.APIToken{}, err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&apiTokenRow{}).Where("id = ? AND revoked_at IS NULL", id).Update("revoked_at", s.now().UTC())
		if res.Error != nil || res.RowsAffected == 0 {
			return translate(res.Error, "API token")
		}
		var row apiTokenRow
		if err := tx.Take(&row, id).Error; err != nil {
			return translate(err, "API token")
		}
		return s.auditToken(tx, sc, row, "token.revoked")
	})
	if err != nil {
		return catalog.APIToken{}, err
	}
	return apiTokens.get(ctx, s.db, id)
}

// revokeTokensOf revokes every live token the user made, in tx, each in
// its co-op's audit log.
func (s *Store) revokeTokensOf(tx *gorm.DB, sc catalog.Scope, userID int64) error {
	var rows []apiTokenRow
	if err := tx.Where("created_by = ? AND revoked_at IS NULL", userID).Find(&rows).Error; err != nil {
		return translate(err, "API token")
	}
	now := s.now().UTC()
	for _, r := range rows {
		if err := tx.Model(&apiTokenRow{}).Where("id = ?", r.ID).Update("revoked_at", now).Error; err != nil {
			return translate(err, "API token")
		}
		if err := s.auditToken(tx, sc, r, "token.revoked"); err != nil {
			return err
		}
	}
	return nil
}

var errBadToken = &catalog.Error{Code: catalog.CodeUnauthenticated, Message: "the API token is unknown, revoked or expired"}

// TokenPrincipal returns who an API token secret acts as: unauthenticated
// when unknown, revoked or expired. It takes no scope: it is how a request
// gets one.
func (s *Store) TokenPrincipal(ctx context.Context, secret string) (catalog.Principal, error) {
	if !strings.HasPrefix(secret, APITokenPrefix) || len(secret) > 128 {
		return catalog.Principal{}, errBadToken
	}
	now := s.now().UTC()
	db := s.db.WithContext(ctx)
	var row apiTokenRow
	err := db.Where("token_hash = ?", secretHash(secret)).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return catalog.Principal{}, errBadToken
	}
	if err != nil {
		return catalog.Principal{}, translate(err, "API token")
	}
	if row.RevokedAt != nil || row.ExpiresAt != nil && !now.Before(*row.ExpiresAt) {
		return catalog.Principal{}, errBadToken
	}
	if row.LastUsedAt == nil || now.Sub(*row.LastUsedAt) >= touchEvery {
		if err := db.Model(&apiTokenRow{}).Where("id = ?", row.ID).Update("last_used_at", now).Error; err != nil {
			return catalog.Principal{}, translate(err, "API token")
		}
	}
	return catalog.Principal{TokenID: row.ID, Name: row.Name, Role: catalog.Role(row.Role),
		AllianceID: deref64(row.AllianceID), CoopID: deref64(row.CoopID)}, nil
}
