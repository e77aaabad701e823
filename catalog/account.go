package catalog

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what a user or an API token is to the hub. Each role belongs to
// one kind of tenant: the platform (operator), an alliance, or a co-op.
type Role string

// The roles. Alliance staff act on a co-op only within a consent Grant.
const (
	RoleOperator      Role = "operator"
	RoleAllianceAdmin Role = "alliance_admin"
	RoleAllianceStaff Role = "alliance_staff"
	RoleCoopManager   Role = "coop_manager"
	RoleCoopSeller    Role = "coop_seller" // livestream seller
)

// Roles lists every role, most powerful first.
var Roles = []Role{RoleOperator, RoleAllianceAdmin, RoleAllianceStaff, RoleCoopManager, RoleCoopSeller}

// ParseRole reads a role name.
func ParseRole(s string) (Role, error) {
	r := Role(strings.TrimSpace(s))
	if !slices.Contains(Roles, r) {
		return "", Errorf(CodeInvalidArgument, "role must be one of operator, alliance_admin, alliance_staff, coop_manager, coop_seller")
	}
	return r, nil
}

// OfAlliance reports whether the role belongs to an alliance.
func (r Role) OfAlliance() bool { return r == RoleAllianceAdmin || r == RoleAllianceStaff }

// OfCoop reports whether the role belongs to a co-op.
func (r Role) OfCoop() bool { return r == RoleCoopManager || r == RoleCoopSeller }

// Permission is one kind of action a route or a store method needs. The
// store narrows further by tenant (not_found) and, for alliance staff, by
// the rights a co-op granted.
type Permission string

// The permissions, one per kind of action.
const (
	PermCatalogRead  Permission = "catalog.read"  // alliances, co-ops, warehouses, products, stock, ledger
	PermCatalogWrite Permission = "catalog.write" // warehouses and products: add, change, remove; import
	PermPriceWrite   Permission = "prices.write"  // change a product (staff: its prices only)
	PermStockAdjust  Permission = "stock.adjust"
	PermTenantWrite  Permission = "tenants.write" // alliances and co-ops (the store says which)
	PermShopsRead    Permission = "shops.read"    // shops, listings, push history
	PermShopsWrite   Permission = "shops.write"   // connect, stock rule, list, delist
	PermListingPush  Permission = "listings.push" // "Đẩy lại"
	PermOrdersRead   Permission = "orders.read"
	PermOrdersShip   Permission = "orders.ship"
	PermUsersManage  Permission = "users.manage"
	PermTokensManage Permission = "tokens.manage"
	PermGrantsManage Permission = "grants.manage" // a co-op's consent is its manager's to give
	PermGrantsRead   Permission = "grants.read"
	PermAuditRead    Permission = "audit.read"
	// Alliance promotions: read campaigns (a co-op: those offered to it),
	// create and cancel them (the alliance), put a co-op's SKUs in one
	// (its manager, or staff holding its join_campaigns right).
	PermCampaignsRead   Permission = "campaigns.read"
	PermCampaignsManage Permission = "campaigns.manage"
	PermCampaignsJoin   Permission = "campaigns.join"
	PermLiveRun         Permission = "live.run" // start, top up and end livestream sessions
)

// Permissions lists every permission.
var Permissions = []Permission{PermCatalogRead, PermCatalogWrite, PermPriceWrite, PermStockAdjust, PermTenantWrite,
	PermShopsRead, PermShopsWrite, PermListingPush, PermOrdersRead, PermOrdersShip, PermUsersManage,
	PermTokensManage, PermGrantsManage, PermGrantsRead, PermAuditRead, PermCampaignsRead, PermCampaignsManage,
	PermCampaignsJoin, PermLiveRun}

// rolePermissions is the ONE table of what each role may do.
var rolePermissions = map[Role][]Permission{
	// Consent is the co-op's: not even the platform gives it, nor joins
	// a campaign for a co-op.
	RoleOperator:      without(Permissions, PermGrantsManage, PermCampaignsJoin),
	RoleAllianceAdmin: without(Permissions, PermGrantsManage, PermCampaignsJoin),
	RoleAllianceStaff: {PermCatalogRead, PermPriceWrite, PermGrantsRead, PermCampaignsRead, PermCampaignsManage,
		PermCampaignsJoin},
	RoleCoopManager: without(Permissions, PermCampaignsManage), // campaigns are the alliance's
	RoleCoopSeller:  {PermCatalogRead, PermShopsRead, PermListingPush, PermOrdersRead, PermOrdersShip, PermLiveRun},
}

func without(all []Permission, drop ...Permission) []Permission {
	return slices.DeleteFunc(slices.Clone(all), func(p Permission) bool { return slices.Contains(drop, p) })
}

// Can reports whether the role may do p.
func (r Role) Can(p Permission) bool { return slices.Contains(rolePermissions[r], p) }

// PermissionsOf lists what the role may do.
func PermissionsOf(r Role) []Permission { return slices.Clone(rolePermissions[r]) }

// CanAssign reports whether a holder of r may give role target to a user
// or a token: never more than its own, and only inside its own tenant kind
// or below it.
func (r Role) CanAssign(target Role) bool {
	switch r {
	case RoleOperator:
		return true
	case RoleAllianceAdmin:
		return target != RoleOperator
	case RoleCoopManager:
		return target.OfCoop()
	}
	return false
}

// Right is what a co-op lets alliance staff do with its data.
type Right string

// The rights of a consent grant. Each lets the staff member read the
// co-op's products; list_products also its stock.
const (
	RightListProducts  Right = "list_products"
	RightChangePrices  Right = "change_prices"
	RightJoinCampaigns Right = "join_campaigns"
)

// AllRights lists every right.
var AllRights = []Right{RightListProducts, RightChangePrices, RightJoinCampaigns}

// Rights is a set of rights, kept sorted and without repeats.
type Rights []Right

// ParseRights reads rights from a list of names; an unknown one is an
// invalid_argument.
func ParseRights(names []string) (Rights, error) {
	var out Rights
	for _, n := range names {
		r := Right(strings.TrimSpace(n))
		if !slices.Contains(AllRights, r) {
			return nil, Errorf(CodeInvalidArgument, "unknown right %q: use list_products, change_prices or join_campaigns", n)
		}
		out = append(out, r)
	}
	return out.normalized(), nil
}

func (rs Rights) normalized() Rights {
	out := slices.Clone(rs)
	slices.Sort(out)
	return slices.Compact(out)
}

// Has reports whether r is in the set.
func (rs Rights) Has(r Right) bool { return slices.Contains(rs, r) }

// Union adds other's rights.
func (rs Rights) Union(other Rights) Rights { return append(slices.Clone(rs), other...).normalized() }

// String is the comma-separated form the store keeps.
func (rs Rights) String() string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = string(r)
	}
	return strings.Join(parts, ",")
}

// User is a person who signs in: an operator, alliance admin or staff, or a
// co-op manager or seller. AllianceID is set for alliance roles, CoopID for
// co-op roles.
type User struct {
	ID         int64     `json:"id"`
	Username   string    `json:"username"`
	Name       string    `json:"name"`
	Role       Role      `json:"role"`
	AllianceID int64     `json:"alliance_id,omitempty"`
	CoopID     int64     `json:"coop_id,omitempty"`
	Disabled   bool      `json:"disabled"`
	Version    int64     `json:"version"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Limits on account fields.
const (
	MinPasswordLength = 10
	MaxPasswordLength = 128
	maxUsername       = 64
	maxName           = 200
)

// NormalizeUsername is the form usernames are stored and looked up in:
// trimmed, lower case.
func NormalizeUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Validate normalizes the user and checks every field, and that the role
// names exactly its kind of tenant.
func (u *User) Validate() error {
	fe := FieldErrors{}
	u.Username = NormalizeUsername(u.Username)
	u.Name = NormalizeText(u.Name)
	fe.Check("username", validateUsername(u.Username))
	required(fe, "name", u.Name)
	if utf8.RuneCountInString(u.Name) > maxName {
		fe.Add("name", "name is longer than 200 characters")
	}
	_, err := ParseRole(string(u.Role))
	fe.Check("role", err)
	checkTenantOfRole(fe, u.Role, u.AllianceID, u.CoopID)
	return fe.Err()
}

// checkTenantOfRole reports a tenant field that does not fit the role.
func checkTenantOfRole(fe FieldErrors, r Role, allianceID, coopID int64) {
	switch {
	case r == RoleOperator && (allianceID != 0 || coopID != 0):
		fe.Add("role", "an operator belongs to no alliance or co-op")
	case r.OfAlliance() && allianceID <= 0:
		fe.Add("alliance_id", "an alliance role needs alliance_id")
	case r.OfAlliance() && coopID != 0:
		fe.Add("coop_id", "an alliance role belongs to no co-op")
	case r.OfCoop() && coopID <= 0:
		fe.Add("coop_id", "a co-op role needs coop_id")
	}
}

func validateUsername(s string) error {
	if len(s) < 3 || len(s) > maxUsername {
		return Errorf(CodeInvalidArgument, "username must be 3 to 64 characters")
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("._-@", r)
		if !ok {
			return Errorf(CodeInvalidArgument, "username may contain only a-z, 0-9, '.', '_', '-' and '@'")
		}
	}
	return nil
}

// ValidatePassword applies the password rules (NIST SP 800-63B: length
// over composition): 10 to 128 characters, not the username, not one
// character repeated.
func ValidatePassword(password, username string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case !utf8.ValidString(password):
		return Errorf(CodeInvalidArgument, "password is not valid text")
	case n < MinPasswordLength:
		return Errorf(CodeInvalidArgument, "password must have at least %d characters", MinPasswordLength)
	case n > MaxPasswordLength:
		return Errorf(CodeInvalidArgument, "password must have at most %d characters", MaxPasswordLength)
	case username != "" && strings.Contains(strings.ToLower(password), NormalizeUsername(username)):
		return Errorf(CodeInvalidArgument, "password must not contain the username")
	case strings.Count(password, string([]rune(password)[0])) == n:
		return Errorf(CodeInvalidArgument, "password must not be one character repeated")
	}
	return nil
}

// APIToken is an integrator's credential: it acts with its role in its
// tenant. The secret is shown once, when created; the hub keeps only its
// SHA-256.
type APIToken struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Role       Role       `json:"role"`
	AllianceID int64      `json:"alliance_id,omitempty"`
	CoopID     int64      `json:"coop_id,omitempty"`
	CreatedBy  int64      `json:"created_by,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// Validate checks the name, the role (staff act under consent, which is a
// person's, so no token is staff) and its tenant.
func (t *APIToken) Validate(now time.Time) error {
	fe := FieldErrors{}
	t.Name = NormalizeText(t.Name)
	required(fe, "name", t.Name)
	if utf8.RuneCountInString(t.Name) > maxName {
		fe.Add("name", "name is longer than 200 characters")
	}
	if _, err := ParseRole(string(t.Role)); err != nil {
		fe.Check("role", err)
	} else if t.Role == RoleAllianceStaff {
		fe.Add("role", "alliance staff act under a co-op's consent, which is given to a person: no token can be staff")
	}
	checkTenantOfRole(fe, t.Role, t.AllianceID, t.CoopID)
	if t.ExpiresAt != nil && !t.ExpiresAt.After(now) {
		fe.Add("expires_at", "expires_at must be in the future")
	}
	return fe.Err()
}

// MaxGrantDuration bounds a consent: a co-op renews it rather than
// forgetting it was given.
const MaxGrantDuration = 366 * 24 * time.Hour

// Grant is a co-op manager's consent: alliance staff member StaffUserID may
// use Rights on the co-op's data until ExpiresAt, unless revoked before.
type Grant struct {
	ID          int64      `json:"id"`
	CoopID      int64      `json:"coop_id"`
	StaffUserID int64      `json:"staff_user_id"`
	Rights      Rights     `json:"rights"`
	ExpiresAt   time.Time  `json:"expires_at"`
	GrantedBy   int64      `json:"granted_by,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	RevokedAt   *time.Time `json:"revoked_at,omitempty"`
}

// Validate checks a new grant at now.
func (g *Grant) Validate(now time.Time) error {
	fe := FieldErrors{}
	if g.CoopID <= 0 {
		fe.Add("coop_id", "co-op is required")
	}
	if g.StaffUserID <= 0 {
		fe.Add("staff_user_id", "the alliance staff member is required")
	}
	if len(g.Rights) == 0 {
		fe.Add("rights", "name at least one right: list_products, change_prices, join_campaigns")
	}
	for _, r := range g.Rights {
		if !slices.Contains(AllRights, r) {
			fe.Add("rights", "unknown right "+string(r))
		}
	}
	g.Rights = g.Rights.normalized()
	switch {
	case !g.ExpiresAt.After(now):
		fe.Add("expires_at", "expires_at must be in the future")
	case g.ExpiresAt.Sub(now) > MaxGrantDuration:
		fe.Add("expires_at", "a consent lasts at most one year; renew it then")
	}
	return fe.Err()
}

// LiveAt reports whether the grant may be used at now.
func (g Grant) LiveAt(now time.Time) bool { return g.RevokedAt == nil && now.Before(g.ExpiresAt) }

// AuditEntry is one recorded action on a co-op's data by someone outside
// it (alliance staff, alliance admin, operator), or a change of who may
// act on it (users, tokens, grants).
type AuditEntry struct {
	ID         int64     `json:"id"`
	CoopID     int64     `json:"coop_id"`
	Actor      string    `json:"actor"`
	ActorRole  Role      `json:"actor_role,omitempty"`
	UserID     int64     `json:"user_id,omitempty"`
	TokenID    int64     `json:"token_id,omitempty"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type,omitempty"`
	ObjectID   int64     `json:"object_id,omitempty"`
	Detail     string    `json:"detail,omitempty"`
	At         time.Time `json:"at"`
}

// Principal is who a request acts for: a signed-in user or an API token,
// with the live grants of an alliance staff member.
type Principal struct {
	UserID     int64
	TokenID    int64
	Name       string // username, or the token's name
	Role       Role
	AllianceID int64
	CoopID     int64
	Grants     []Grant
}

// Scope is the tenant scope the principal acts in: the role decides the
// kind, the user's or token's tenant the rows.
func (p Principal) Scope() Scope {
	var s Scope
	switch {
	case p.Role == RoleOperator:
		s = OperatorScope()
	case p.Role == RoleAllianceStaff:
		s = Scope{staffOf: p.AllianceID, rights: map[int64]Rights{}}
		for _, g := range p.Grants {
			s.rights[g.CoopID] = s.rights[g.CoopID].Union(g.Rights)
		}
	case p.Role.OfAlliance():
		s = AllianceScope(p.AllianceID)
	case p.Role.OfCoop():
		s = CoopScope(p.CoopID)
	default:
		return Scope{} // no role, no scope: the store refuses it
	}
	s.role, s.userID, s.tokenID = p.Role, p.UserID, p.TokenID
	s.actor = p.Name
	if p.TokenID != 0 {
		s.actor = "token:" + p.Name
	}
	return s
}

// Accounts keeps users, sessions, API tokens, consent grants and the audit
// log (*store.Store implements it). Login, SessionPrincipal and
// TokenPrincipal take no scope: they are how a request gets one. Every
// other method reads the Scope like Store's and returns the same codes,
// plus unauthenticated from the three above.
type Accounts interface {
	Login(ctx context.Context, username, password string) (User, error)
	CreateSession(ctx context.Context, userID int64, lifetime time.Duration, clientIP, userAgent string) (secret string, expires time.Time, err error)
	SessionPrincipal(ctx context.Context, secret string, idle time.Duration) (Principal, error)
	EndSession(ctx context.Context, secret string) error
	TokenPrincipal(ctx context.Context, secret string) (Principal, error)

	CreateUser(ctx context.Context, u *User, password string) error
	User(ctx context.Context, id int64) (User, error)
	ListUsers(ctx context.Context, q ListQuery) (items []User, next string, err error)
	UpdateUser(ctx context.Context, u *User, newPassword string) error
	ChangePassword(ctx context.Context, current, next string) error

	CreateAPIToken(ctx context.Context, t *APIToken) (secret string, err error)
	APIToken(ctx context.Context, id int64) (APIToken, error)
	ListAPITokens(ctx context.Context, q ListQuery) (items []APIToken, next string, err error)
	RevokeAPIToken(ctx context.Context, id int64) (APIToken, error)

	CreateGrant(ctx context.Context, g *Grant) error
	Grant(ctx context.Context, id int64) (Grant, error)
	ListGrants(ctx context.Context, q ListQuery) (items []Grant, next string, err error)
	RevokeGrant(ctx context.Context, id int64) (Grant, error)

	AuditLog(ctx context.Context, coopID int64, q ListQuery) (items []AuditEntry, next string, err error)
}
