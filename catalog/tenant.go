package catalog

import (
	"slices"
	"strings"
	"time"
)

// Alliance is a province's co-op union (Liên minh HTX tỉnh), the top tenant.
type Alliance struct {
	ID        int64     `json:"id"`
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	Province  string    `json:"province"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate normalizes text and checks required fields.
func (a *Alliance) Validate() error {
	fe := FieldErrors{}
	a.Code = strings.ToUpper(NormalizeText(a.Code))
	a.Name = NormalizeText(a.Name)
	a.Province = NormalizeText(a.Province)
	fe.Check("code", validateCode(a.Code))
	required(fe, "name", a.Name)
	required(fe, "province", a.Province)
	return fe.Err()
}

// Coop is a co-operative (hợp tác xã), the tenant that owns a catalog.
type Coop struct {
	ID         int64     `json:"id"`
	AllianceID int64     `json:"alliance_id"`
	Code       string    `json:"code"`
	Name       string    `json:"name"`
	Province   string    `json:"province"`
	Commune    string    `json:"commune"`
	TaxCode    string    `json:"tax_code,omitempty"`
	Version    int64     `json:"version"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Validate normalizes text and checks required fields. A Vietnamese tax
// code (mã số thuế) has 10 digits, or 10 digits, a dash and 3 for a branch.
func (c *Coop) Validate() error {
	fe := FieldErrors{}
	c.Code = strings.ToUpper(NormalizeText(c.Code))
	c.Name = NormalizeText(c.Name)
	c.Province = NormalizeText(c.Province)
	c.Commune = NormalizeText(c.Commune)
	c.TaxCode = strings.TrimSpace(c.TaxCode)
	fe.Check("code", validateCode(c.Code))
	if c.AllianceID <= 0 {
		fe.Add("alliance_id", "alliance is required")
	}
	required(fe, "name", c.Name)
	required(fe, "province", c.Province)
	if c.TaxCode != "" && !validTaxCode(c.TaxCode) {
		fe.Add("tax_code", "tax code must be 10 digits, or 10 digits-3 digits for a branch")
	}
	return fe.Err()
}

func validTaxCode(s string) bool {
	main, branch, hasBranch := strings.Cut(s, "-")
	if !allDigits(main) || len(main) != 10 {
		return false
	}
	return !hasBranch || (len(branch) == 3 && allDigits(branch))
}

// Warehouse is a place where a co-op keeps stock.
type Warehouse struct {
	ID        int64     `json:"id"`
	CoopID    int64     `json:"coop_id"`
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	Address   string    `json:"address,omitempty"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// DefaultWarehouseCode names the warehouse an import creates for a co-op
// that has none.
const DefaultWarehouseCode = "MAIN"

// Validate normalizes text and checks required fields.
func (w *Warehouse) Validate() error {
	fe := FieldErrors{}
	w.Code = strings.ToUpper(NormalizeText(w.Code))
	w.Name = NormalizeText(w.Name)
	w.Address = NormalizeText(w.Address)
	fe.Check("code", validateCode(w.Code))
	if w.CoopID <= 0 {
		fe.Add("coop_id", "co-op is required")
	}
	required(fe, "name", w.Name)
	return fe.Err()
}

// validateCode accepts the short upper-case codes used for alliances, co-ops,
// warehouses and products ("HTX-HAODAT"): the same alphabet as a SKU.
func validateCode(s string) error {
	if s == "" {
		return Errorf(CodeInvalidArgument, "code is required")
	}
	for _, r := range s {
		ok := r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'
		if !ok {
			return Errorf(CodeInvalidArgument, "code may contain only A-Z, 0-9, '-', '_' and '.', found %q", r)
		}
	}
	if len(s) > MaxSKULength {
		return Errorf(CodeInvalidArgument, "code is longer than %d characters", MaxSKULength)
	}
	return nil
}

func required(fe FieldErrors, field, value string) {
	if value == "" {
		fe.Add(field, field+" is required")
	}
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// Scope is the tenant a caller acts for. The store applies it to every query,
// so a handler that forgets a check still cannot read another co-op's rows:
// an object outside the scope simply does not exist (not_found).
//
// A scope made by Principal.Scope also carries who acts (role, user or
// token) for permission checks, ledgers and the audit log. The system's
// scopes (worker, command line, tests) carry no role: they act with the
// role their kind implies (Role).
type Scope struct {
	operator   bool
	allianceID int64
	coopIDs    []int64
	// staffOf is the alliance of a staff member, who sees the alliance's
	// directory and, per co-op, what that co-op granted.
	staffOf int64
	rights  map[int64]Rights

	role    Role
	userID  int64
	tokenID int64
	actor   string
}

// OperatorScope sees every tenant: the platform operator, imports and tests.
func OperatorScope() Scope { return Scope{operator: true} }

// AllianceScope sees one alliance and all its co-ops.
func AllianceScope(allianceID int64) Scope { return Scope{allianceID: allianceID} }

// CoopScope sees the listed co-ops only.
func CoopScope(coopIDs ...int64) Scope { return Scope{coopIDs: coopIDs} }

// StaffScope is alliance staff of allianceID holding the rights each
// co-op granted (co-op id → rights); co-ops not in the map granted nothing.
func StaffScope(allianceID int64, rights map[int64]Rights) Scope {
	return Scope{staffOf: allianceID, rights: rights, role: RoleAllianceStaff}
}

// IsOperator reports whether the scope is unrestricted.
func (s Scope) IsOperator() bool { return s.operator }

// AllianceID is the alliance of an alliance scope, 0 otherwise (staff
// included: they do not own the alliance's co-ops).
func (s Scope) AllianceID() int64 { return s.allianceID }

// CoopIDs are the co-ops of a co-op scope.
func (s Scope) CoopIDs() []int64 { return s.coopIDs }

// IsStaff reports whether the scope is an alliance staff member's.
func (s Scope) IsStaff() bool { return s.staffOf != 0 }

// StaffAllianceID is the alliance of a staff scope, 0 otherwise.
func (s Scope) StaffAllianceID() int64 { return s.staffOf }

// RightsOn are the rights co-op coopID granted a staff scope.
func (s Scope) RightsOn(coopID int64) Rights { return s.rights[coopID] }

// GrantedCoops are the co-ops that granted a staff scope any right, in
// id order.
func (s Scope) GrantedCoops() []int64 {
	out := make([]int64, 0, len(s.rights))
	for id, r := range s.rights {
		if len(r) > 0 {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// IsZero reports whether no scope was set; the store refuses such calls.
func (s Scope) IsZero() bool {
	return !s.operator && s.allianceID == 0 && len(s.coopIDs) == 0 && s.staffOf == 0
}

// Role is the role the scope acts with: the principal's, or for a system
// scope the one its kind implies (operator, alliance admin, co-op manager).
func (s Scope) Role() Role {
	switch {
	case s.role != "":
		return s.role
	case s.operator:
		return RoleOperator
	case s.staffOf != 0:
		return RoleAllianceStaff
	case s.allianceID != 0:
		return RoleAllianceAdmin
	case len(s.coopIDs) > 0:
		return RoleCoopManager
	}
	return ""
}

// Can reports whether the scope's role may do p.
func (s Scope) Can(p Permission) bool { return s.Role().Can(p) }

// UserID is the signed-in user, 0 for a token or the system.
func (s Scope) UserID() int64 { return s.userID }

// TokenID is the API token acting, 0 otherwise.
func (s Scope) TokenID() int64 { return s.tokenID }

// HasPrincipal reports whether a user or a token acts (not the system).
func (s Scope) HasPrincipal() bool { return s.userID != 0 || s.tokenID != 0 }

// Actor names who acts, for ledgers and the audit log: a username,
// "token:<name>", or "system".
func (s Scope) Actor() string {
	if s.actor == "" {
		return "system"
	}
	return s.actor
}

// MemberOf reports whether the scope belongs to co-op coopID itself (a
// co-op scope listing it), as opposed to its alliance, staff or the
// platform.
func (s Scope) MemberOf(coopID int64) bool { return slices.Contains(s.coopIDs, coopID) }
