package store

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"ocophub/catalog"
)

type grantRow struct {
	ID          int64 `gorm:"primaryKey"`
	CoopID      int64
	StaffUserID int64
	Rights      string
	ExpiresAt   time.Time
	GrantedBy   *int64
	CreatedAt   time.Time
	RevokedAt   *time.Time
	RevokedBy   *int64
}

func (grantRow) TableName() string { return "consent_grants" }

func (r grantRow) asDomain() catalog.Grant {
	rights, _ := catalog.ParseRights(strings.Split(r.Rights, ","))
	return catalog.Grant{ID: r.ID, CoopID: r.CoopID, StaffUserID: r.StaffUserID, Rights: rights,
		ExpiresAt: r.ExpiresAt, GrantedBy: deref64(r.GrantedBy), CreatedAt: r.CreatedAt, RevokedAt: r.RevokedAt}
}

var grants = entity[grantRow, catalog.Grant]{what: "grant", table: "consent_grants", scope: grantsIn,
	asDomain: grantRow.asDomain, id: func(r grantRow) int64 { return r.ID }}

// grantsIn limits consent grants to the scope: a co-op sees what it gave,
// an alliance what its co-ops gave, a staff member what was given to them.
func grantsIn(db *gorm.DB, s catalog.Scope) *gorm.DB {
	if s.IsStaff() {
		return db.Where("consent_grants.staff_user_id = ?", s.UserID())
	}
	return ownedBy(db, s, "consent_grants")
}

// CreateGrant records a co-op's consent: staff member g.StaffUserID of the
// co-op's alliance may use g.Rights on the co-op's data until g.ExpiresAt.
// Only the co-op's own manager gives it, signed in as a person whose
// account speaks for the co-op (speaksForCoop): never a token, never an
// account the alliance made or set the password of. It is written to the
// co-op's audit log, and so is a refusal.
func (s *Store) CreateGrant(ctx context.Context, g *catalog.Grant) error {
	sc, err := allowed(ctx, catalog.PermGrantsManage)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	if err := g.Validate(now); err != nil {
		return err
	}
	coop, err := s.Coop(ctx, g.CoopID)
	if err != nil {
		return fieldNotFound(err, "coop_id", "co-op not found")
	}
	if may, err := s.speaksForCoop(ctx, sc, g.CoopID); err != nil || !may {
		if err != nil {
			return err
		}
		_ = s.recordAudit(s.db.WithContext(ctx), sc, g.CoopID, "grant.refused", "grant", 0,
			"consent refused: only the co-op's own manager, signed in, gives it")
		return &catalog.Error{Code: catalog.CodePermissionDenied,
			Message: "only the co-op's own manager, signed in with an account the alliance did not make or reset, gives consent"}
	}
	var staff userRow
	err = s.db.WithContext(ctx).Where("id = ? AND role = ? AND alliance_id = ? AND NOT disabled",
		g.StaffUserID, string(catalog.RoleAllianceStaff), coop.AllianceID).Take(&staff).Error
	if err != nil {
		return fieldNotFound(translate(err, "staff member"), "staff_user_id", "not a staff member of the co-op's alliance")
	}
	row := grantRow{CoopID: g.CoopID, StaffUserID: g.StaffUserID, Rights: g.Rights.String(), ExpiresAt: g.ExpiresAt.UTC(),
		GrantedBy: idOrNull(sc.UserID()), CreatedAt: now}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			return translate(err, "grant")
		}
		return s.recordAudit(tx, sc, g.CoopID, "grant.created", "grant", row.ID,
			staff.Username+": "+row.Rights+" until "+row.ExpiresAt.Format(time.RFC3339))
	})
	if err != nil {
		return err
	}
	*g = row.asDomain()
	return nil
}

// Grant reads a grant in scope.
func (s *Store) Grant(ctx context.Context, id int64) (catalog.Grant, error) {
	if _, err := allowed(ctx, catalog.PermGrantsRead); err != nil {
		return catalog.Grant{}, err
	}
	return grants.get(ctx, s.db, id)
}

// ListGrants lists grants in scope, revoked and expired ones too
// (q.CoopID filters).
func (s *Store) ListGrants(ctx context.Context, q catalog.ListQuery) ([]catalog.Grant, string, error) {
	if _, err := allowed(ctx, catalog.PermGrantsRead); err != nil {
		return nil, "", err
	}
	return grants.list(ctx, s.db, q, coopFilter("consent_grants", q.CoopID))
}

// RevokeGrant ends a consent at once (the staff member's next request no
// longer has it); revoking it again changes nothing.
func (s *Store) RevokeGrant(ctx context.Context, id int64) (catalog.Grant, error) {
	sc, err := allowed(ctx, catalog.PermGrantsManage)
	if err != nil {
		return catalog.Grant{}, err
	}
	g, err := grants.get(ctx, s.db, id)
	if err != nil {
		return catalog.Grant{}, err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&grantRow{}).Where("id = ? AND revoked_at IS NULL", id).
			Updates(map[string]any{"revoked_at": s.now().UTC(), "revoked_by": idOrNull(sc.UserID())})
		if res.Error != nil || res.RowsAffected == 0 {
			return translate(res.Error, "grant")
		}
		return s.recordAudit(tx, sc, g.CoopID, "grant.revoked", "grant", id, g.Rights.String())
	})
	if err != nil {
		return catalog.Grant{}, err
	}
	return grants.get(ctx, s.db, id)
}

// liveGrants are the consents a staff member may use now.
func (s *Store) liveGrants(ctx context.Context, staffUserID int64) ([]catalog.Grant, error) {
	var rows []grantRow
	err := s.db.WithContext(ctx).Where("staff_user_id = ? AND revoked_at IS NULL AND expires_at > ?", staffUserID, s.now().UTC()).
		Order("id").Find(&rows).Error
	if err != nil {
		return nil, translate(err, "grant")
	}
	out := make([]catalog.Grant, len(rows))
	for i, r := range rows {
		out[i] = r.asDomain()
	}
	return out, nil
}
