package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"ocophub/catalog"
)

type auditRow struct {
	ID         int64 `gorm:"primaryKey"`
	CoopID     int64
	Actor      string
	ActorRole  string
	UserID     *int64
	TokenID    *int64
	Action     string
	ObjectType string
	ObjectID   *int64
	Detail     string
	CreatedAt  time.Time
}

func (auditRow) TableName() string { return "audit_log" }

func (r auditRow) asDomain() catalog.AuditEntry {
	return catalog.AuditEntry{ID: r.ID, CoopID: r.CoopID, Actor: r.Actor, ActorRole: catalog.Role(r.ActorRole),
		UserID: deref64(r.UserID), TokenID: deref64(r.TokenID), Action: r.Action, ObjectType: r.ObjectType,
		ObjectID: deref64(r.ObjectID), Detail: r.Detail, At: r.CreatedAt}
}

const maxAuditDetail = 2000

// recordAudit writes one entry of co-op coopID's audit log in the caller's
// transaction, so the action and its record commit together.
func (s *Store) recordAudit(tx *gorm.DB, sc catalog.Scope, coopID int64, action, objectType string, objectID int64, detail string) error {
	if len(detail) > maxAuditDetail {
		detail = detail[:maxAuditDetail] + "…"
	}
	row := auditRow{CoopID: coopID, Actor: sc.Actor(), ActorRole: string(sc.Role()), UserID: idOrNull(sc.UserID()),
		TokenID: idOrNull(sc.TokenID()), Action: action, ObjectType: objectType, ObjectID: idOrNull(objectID),
		Detail: detail, CreatedAt: s.now().UTC()}
	return translate(tx.Create(&row).Error, "audit entry")
}

// auditOutsider records an action on co-op coopID's data when a person or
// token from outside the co-op did it: alliance staff under consent, an
// alliance admin or the operator. The co-op's own people and the system
// (worker, imports from the command line) are not logged here; their
// traces are the stock ledger and the order events.
func (s *Store) auditOutsider(tx *gorm.DB, sc catalog.Scope, coopID int64, action, objectType string, objectID int64, detail string) error {
	if !sc.HasPrincipal() || sc.MemberOf(coopID) {
		return nil
	}
	return s.recordAudit(tx, sc, coopID, action, objectType, objectID, detail)
}

// auditStaffRead records that a staff member read a co-op's data under
// its consent; a failed write of the record fails the read, so nothing is
// seen unrecorded.
func (s *Store) auditStaffRead(ctx context.Context, coopID int64, action, objectType string, objectID int64, detail string) error {
	sc := catalog.ScopeFrom(ctx)
	if !sc.IsStaff() {
		return nil
	}
	return s.recordAudit(s.db.WithContext(ctx), sc, coopID, action, objectType, objectID, detail)
}

// AuditLog lists co-op coopID's audit log, newest first: what outsiders
// did with its data and who changed who may act on it.
func (s *Store) AuditLog(ctx context.Context, coopID int64, q catalog.ListQuery) ([]catalog.AuditEntry, string, error) {
	sc, err := allowed(ctx, catalog.PermAuditRead)
	if err != nil {
		return nil, "", err
	}
	if _, err := s.Coop(ctx, coopID); err != nil {
		return nil, "", err
	}
	return newestFirst(ownedBy(s.db.WithContext(ctx).Model(&auditRow{}), sc, "audit_log").Where("coop_id = ?", coopID), q,
		"audit entry", func(r auditRow) int64 { return r.ID }, auditRow.asDomain)
}
