package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"ocophub/catalog"
)

type userRow struct {
	ID           int64 `gorm:"primaryKey"`
	Username     string
	Name         string
	Role         string
	AllianceID   *int64
	CoopID       *int64
	PasswordHash string
	Disabled     bool
	// MayConsent: the password was set only by the platform or by a
	// manager of the co-op who may consent (speaksForCoop), so the account
	// may give the co-op's consent.
	MayConsent bool
	Version    int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (userRow) TableName() string { return "users" }

func (r userRow) asDomain() catalog.User {
	return catalog.User{ID: r.ID, Username: r.Username, Name: r.Name, Role: catalog.Role(r.Role),
		AllianceID: deref64(r.AllianceID), CoopID: deref64(r.CoopID), Disabled: r.Disabled, Version: r.Version,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

func deref64(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// idOrNull is NULL for 0, so optional references stay NULL.
func idOrNull(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

var _ catalog.Accounts = (*Store)(nil)

var users = entity[userRow, catalog.User]{what: "user", table: "users", scope: usersIn,
	asDomain: userRow.asDomain, id: func(r userRow) int64 { return r.ID }}

// usersIn limits the users table to the scope. Staff manage no one and see
// themselves only.
func usersIn(db *gorm.DB, s catalog.Scope) *gorm.DB {
	if s.IsStaff() {
		return db.Where("users.id = ?", s.UserID())
	}
	return membersIn(db, s, "users")
}

// membersIn limits a table of tenant members (users, API tokens: columns
// alliance_id and coop_id) to the scope: an alliance sees its own and its
// co-ops', a co-op its own.
func membersIn(db *gorm.DB, s catalog.Scope, table string) *gorm.DB {
	switch {
	case s.IsOperator():
		return db
	case s.IsStaff():
		return db.Where("1 = 0")
	case s.AllianceID() != 0:
		return db.Where("("+table+".alliance_id = ? OR "+table+".coop_id IN (SELECT id FROM coops WHERE alliance_id = ?))",
			s.AllianceID(), s.AllianceID())
	default:
		return db.Where(table+".coop_id IN ?", s.CoopIDs())
	}
}

// checkAssignable refuses to give role r in the named tenant unless the
// scope may: its role must be able to assign r (CanAssign), and the tenant
// must be one it sees; one it does not see is reported like one that does
// not exist.
func (s *Store) checkAssignable(ctx context.Context, sc catalog.Scope, r catalog.Role, allianceID, coopID int64) error {
	if !sc.Role().CanAssign(r) {
		return catalog.Errorf(catalog.CodePermissionDenied, "a %s cannot give the role %s", roleName(sc.Role()), roleName(r))
	}
	switch {
	case r.OfAlliance():
		if _, err := s.Alliance(ctx, allianceID); err != nil {
			return fieldNotFound(err, "alliance_id", "alliance not found")
		}
		if !sc.IsOperator() && sc.AllianceID() != allianceID {
			return fieldNotFound(catalog.ErrNotFound, "alliance_id", "alliance not found")
		}
	case r.OfCoop():
		if _, err := s.Coop(ctx, coopID); err != nil {
			return fieldNotFound(err, "coop_id", "co-op not found")
		}
	}
	return nil
}

// CreateUser adds a user with password (hashed with argon2id here; the
// password itself is never stored or logged). Operators add anyone,
// alliance admins the people of their alliance and its co-ops, co-op
// managers their co-op's managers and sellers.
func (s *Store) CreateUser(ctx context.Context, u *catalog.User, password string) error {
	sc, err := allowed(ctx, catalog.PermUsersManage)
	if err != nil {
		return err
	}
	if err := u.Validate(); err != nil {
		return err
	}
	if err := catalog.ValidatePassword(password, u.Username); err != nil {
		return fieldError(err, "password")
	}
	if err := s.checkAssignable(ctx, sc, u.Role, u.AllianceID, u.CoopID); err != nil {
		return err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	may, err := s.speaksForCoop(ctx, sc, u.CoopID)
	if err != nil {
		return err
	}
	row := userRow{Username: u.Username, Name: u.Name, Role: string(u.Role), AllianceID: idOrNull(u.AllianceID),
		CoopID: idOrNull(u.CoopID), PasswordHash: hash, MayConsent: may && u.Role.OfCoop(), Version: 1}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			return translate(err, "user "+u.Username)
		}
		return s.auditMember(tx, sc, row.asDomain(), "user.created", "role "+row.Role+consentNote(row))
	})
	if err != nil {
		return err
	}
	*u = row.asDomain()
	return nil
}

// speaksForCoop reports whether the caller may hand the co-op's voice to
// an account it sets the password of: the platform (the operator, or the
// system itself), or a signed-in manager of the co-op whose own account
// may consent. An alliance admin may not (it would then know the password
// of an account that consents for the co-op), nor any token.
func (s *Store) speaksForCoop(ctx context.Context, sc catalog.Scope, coopID int64) (bool, error) {
	switch {
	case coopID == 0 || sc.TokenID() != 0:
		return false, nil
	case sc.IsOperator():
		return true, nil
	case sc.Role() != catalog.RoleCoopManager || !sc.MemberOf(coopID):
		return false, nil
	case sc.UserID() == 0:
		return true, nil // the system acting as the co-op
	}
	var me userRow
	if err := s.db.WithContext(ctx).Select("may_consent", "coop_id").Take(&me, sc.UserID()).Error; err != nil {
		return false, translate(err, "user")
	}
	return me.MayConsent && deref64(me.CoopID) == coopID, nil
}

// consentNote tells the co-op's audit log that an account of its own
// cannot give its consent.
func consentNote(r userRow) string {
	if catalog.Role(r.Role) == catalog.RoleCoopManager && !r.MayConsent {
		return ", cannot give consent"
	}
	return ""
}

// auditMember records a change of a co-op's people (users, tokens) in
// that co-op's audit log; alliance and platform accounts have no co-op log.
func (s *Store) auditMember(tx *gorm.DB, sc catalog.Scope, u catalog.User, action, detail string) error {
	if u.CoopID == 0 {
		return nil
	}
	return s.recordAudit(tx, sc, u.CoopID, action, "user", u.ID, u.Username+": "+detail)
}

// fieldError names the request field a coded error is about.
func fieldError(err error, field string) error {
	var ce *catalog.Error
	if errors.As(err, &ce) {
		return &catalog.Error{Code: ce.Code, Message: ce.Message, Fields: map[string]string{field: ce.Message}}
	}
	return err
}

// User reads a user the caller manages, or the caller itself.
func (s *Store) User(ctx context.Context, id int64) (catalog.User, error) {
	sc, err := scopeOf(ctx)
	if err != nil {
		return catalog.User{}, err
	}
	if id != sc.UserID() && !sc.Can(catalog.PermUsersManage) {
		return catalog.User{}, catalog.Errorf(catalog.CodePermissionDenied, "a %s manages no users", roleName(sc.Role()))
	}
	if id == sc.UserID() {
		var r userRow
		if err := s.db.WithContext(ctx).Take(&r, id).Error; err != nil {
			return catalog.User{}, translate(err, "user")
		}
		return r.asDomain(), nil
	}
	return users.get(ctx, s.db, id)
}

// ListUsers lists the users the caller manages (q.CoopID and q.Alliance
// filter).
func (s *Store) ListUsers(ctx context.Context, q catalog.ListQuery) ([]catalog.User, string, error) {
	if _, err := allowed(ctx, catalog.PermUsersManage); err != nil {
		return nil, "", err
	}
	return users.list(ctx, s.db, q, func(db *gorm.DB) *gorm.DB {
		db = coopFilter("users", q.CoopID)(db)
		if q.Alliance != 0 {
			db = db.Where("users.alliance_id = ?", q.Alliance)
		}
		return db
	})
}

// UpdateUser writes u.Name, u.Role and u.Disabled if u.Version is current
// and, with newPassword, sets the password. Username and tenant stay. A
// disabled user or a new password ends the user's sessions; a disabled
// user or a new role revokes the API tokens the user made (a token must not
// outlive the power of its maker). No one changes
// their own role or disables themselves (an alliance would lose its last
// admin by a slip).
func (s *Store) UpdateUser(ctx context.Context, u *catalog.User, newPassword string) error {
	sc, err := allowed(ctx, catalog.PermUsersManage)
	if err != nil {
		return err
	}
	current, err := users.get(ctx, s.db, u.ID)
	if err != nil {
		return err
	}
	u.Username, u.AllianceID, u.CoopID = current.Username, current.AllianceID, current.CoopID
	if err := u.Validate(); err != nil {
		return err
	}
	if !sc.Role().CanAssign(current.Role) || !sc.Role().CanAssign(u.Role) {
		return catalog.Errorf(catalog.CodePermissionDenied, "a %s cannot give or take the role %s", roleName(sc.Role()), roleName(current.Role))
	}
	if u.ID == sc.UserID() && (u.Role != current.Role || u.Disabled) {
		return &catalog.Error{Code: catalog.CodeFailedPrecondition, Message: "you cannot change your own role or disable yourself"}
	}
	set := map[string]any{"name": u.Name, "role": string(u.Role), "disabled": u.Disabled,
		"version": u.Version + 1, "updated_at": s.now().UTC()}
	if newPassword != "" {
		if err := catalog.ValidatePassword(newPassword, u.Username); err != nil {
			return fieldError(err, "password")
		}
		hash, err := hashPassword(newPassword)
		if err != nil {
			return fmt.Errorf("hash password: %w", err)
		}
		set["password_hash"] = hash
		// Whoever sets a password knows it: the account speaks for the
		// co-op only if they may.
		may, err := s.speaksForCoop(ctx, sc, current.CoopID)
		if err != nil {
			return err
		}
		set["may_consent"] = may && u.Role.OfCoop()
	}
	revokeTokens := u.Disabled || u.Role != current.Role
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&userRow{}).Where("id = ? AND version = ?", u.ID, u.Version).Updates(set)
		if res.Error != nil {
			return translate(res.Error, "user")
		}
		if res.RowsAffected == 0 {
			return users.staleOrMissing(ctx, s.db, u.ID)
		}
		if u.Disabled || newPassword != "" {
			if err := endSessions(tx, u.ID); err != nil {
				return err
			}
		}
		if revokeTokens {
			if err := s.revokeTokensOf(tx, sc, u.ID); err != nil {
				return err
			}
		}
		detail := userChange(current, *u, newPassword != "")
		if may, ok := set["may_consent"].(bool); ok && !may && u.Role == catalog.RoleCoopManager {
			detail += ", cannot give consent"
		}
		return s.auditMember(tx, sc, *u, "user.changed", detail)
	})
	if err != nil {
		return err
	}
	*u, err = users.get(ctx, s.db, u.ID)
	return err
}

func userChange(before, after catalog.User, password bool) string {
	d := "role " + string(after.Role)
	if before.Role != after.Role {
		d = "role " + string(before.Role) + " → " + string(after.Role)
	}
	if after.Disabled {
		d += ", disabled"
	}
	if password {
		d += ", password reset"
	}
	return d
}

// ChangePassword sets the signed-in user's password after checking the
// current one, and ends every session of the user: the caller signs in
// anew.
func (s *Store) ChangePassword(ctx context.Context, current, next string) error {
	sc, err := scopeOf(ctx)
	if err != nil {
		return err
	}
	if sc.UserID() == 0 {
		return &catalog.Error{Code: catalog.CodeFailedPrecondition, Message: "only a signed-in user has a password"}
	}
	var row userRow
	if err := s.db.WithContext(ctx).Take(&row, sc.UserID()).Error; err != nil {
		return translate(err, "user")
	}
	if ok, _ := checkPassword(current, row.PasswordHash); !ok {
		return &catalog.Error{Code: catalog.CodeInvalidArgument, Message: "the current password is wrong",
			Fields: map[string]string{"current_password": "the current password is wrong"}}
	}
	if err := catalog.ValidatePassword(next, row.Username); err != nil {
		return fieldError(err, "new_password")
	}
	hash, err := hashPassword(next)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&userRow{}).Where("id = ?", row.ID).Updates(map[string]any{"password_hash": hash,
			"version": gorm.Expr("version + 1"), "updated_at": s.now().UTC()}).Error; err != nil {
			return translate(err, "user")
		}
		return endSessions(tx, row.ID)
	})
}

// errBadLogin is the one answer to every failed login, so it does not
// tell a wrong password from an unknown or disabled account.
var errBadLogin = &catalog.Error{Code: catalog.CodeUnauthenticated, Message: "wrong username or password"}

// Login checks a username and password and returns the user. It takes no
// scope: it is how a caller gets one. Hashes made with older parameters
// are made again with the current ones.
func (s *Store) Login(ctx context.Context, username, password string) (catalog.User, error) {
	username = catalog.NormalizeUsername(username)
	if username == "" || len(password) > 4*catalog.MaxPasswordLength {
		burnPasswordCheck(password)
		return catalog.User{}, errBadLogin
	}
	var row userRow
	err := s.db.WithContext(ctx).Where("username = ?", username).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		burnPasswordCheck(password)
		return catalog.User{}, errBadLogin
	}
	if err != nil {
		return catalog.User{}, translate(err, "user")
	}
	ok, rehash := checkPassword(password, row.PasswordHash)
	if !ok || row.Disabled {
		return catalog.User{}, errBadLogin
	}
	if rehash {
		if hash, err := hashPassword(password); err == nil {
			_ = s.db.WithContext(ctx).Model(&userRow{}).Where("id = ?", row.ID).Update("password_hash", hash).Error
		}
	}
	return row.asDomain(), nil
}

// principalOf is who a user acts as, with the live grants of a staff
// member.
func (s *Store) principalOf(ctx context.Context, u userRow) (catalog.Principal, error) {
	p := catalog.Principal{UserID: u.ID, Name: u.Username, Role: catalog.Role(u.Role),
		AllianceID: deref64(u.AllianceID), CoopID: deref64(u.CoopID)}
	if p.Role == catalog.RoleAllianceStaff {
		grants, err := s.liveGrants(ctx, u.ID)
		if err != nil {
			return catalog.Principal{}, err
		}
		p.Grants = grants
	}
	return p, nil
}
