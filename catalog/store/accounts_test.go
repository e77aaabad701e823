package store_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// clock is a settable clock for sessions, tokens and grants.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

const testPassword = "tra-xanh-tan-cuong-2026"

// eachClocked runs body on both engines with a store on a settable clock.
func eachClocked(t *testing.T, body func(t *testing.T, s *store.Store, clk *clock)) {
	t.Helper()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			clk := newClock()
			body(t, storetest.OpenWith(t, d, store.Options{Now: clk.Now}), clk)
		})
	}
}

// addUser creates a user as the operator and returns it.
func addUser(t testing.TB, s *store.Store, username string, role catalog.Role, allianceID, coopID int64) catalog.User {
	t.Helper()
	u := catalog.User{Username: username, Name: "Người dùng " + username, Role: role, AllianceID: allianceID, CoopID: coopID}
	require.NoError(t, s.CreateUser(storetest.Operator(), &u, testPassword))
	return u
}

// as is the context of a user acting through the store, with the grants
// the store gives it now (as the API's authentication does).
func as(t testing.TB, s *store.Store, u catalog.User) context.Context {
	t.Helper()
	secret, _, err := s.CreateSession(context.Background(), u.ID, time.Hour, "", "")
	require.NoError(t, err)
	p, err := s.SessionPrincipal(context.Background(), secret, time.Hour)
	require.NoError(t, err)
	return catalog.WithScope(context.Background(), p.Scope())
}

func TestUsersWhoMayAddWhom(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		A := storetest.NewFixture(t, s, "UA")
		B := storetest.NewFixture(t, s, "UB")
		admin := addUser(t, s, "admin.a", catalog.RoleAllianceAdmin, A.Alliance.ID, 0)
		manager := addUser(t, s, "manager.a", catalog.RoleCoopManager, 0, A.Coop.ID)
		seller := addUser(t, s, "seller.a", catalog.RoleCoopSeller, 0, A.Coop.ID)
		staff := addUser(t, s, "staff.a", catalog.RoleAllianceStaff, A.Alliance.ID, 0)

		try := func(ctx context.Context, username string, role catalog.Role, allianceID, coopID int64) error {
			return s.CreateUser(ctx, &catalog.User{Username: username, Name: "X", Role: role, AllianceID: allianceID, CoopID: coopID}, testPassword)
		}
		mctx, actx := as(t, s, manager), as(t, s, admin)
		require.NoError(t, try(mctx, "seller2.a", catalog.RoleCoopSeller, 0, A.Coop.ID))
		require.NoError(t, try(mctx, "manager2.a", catalog.RoleCoopManager, 0, A.Coop.ID))
		requireCode(t, catalog.CodePermissionDenied, try(mctx, "xx-1", catalog.RoleAllianceAdmin, A.Alliance.ID, 0), "a manager makes no alliance admin")
		requireCode(t, catalog.CodePermissionDenied, try(mctx, "xx-2", catalog.RoleOperator, 0, 0), "a manager makes no operator")
		// Another tenant's co-op is reported like one that does not exist.
		otherErr := try(mctx, "xx-3", catalog.RoleCoopSeller, 0, B.Coop.ID)
		requireFieldError(t, catalog.CodeInvalidArgument, otherErr, "coop_id")
		missingErr := try(mctx, "xx-4", catalog.RoleCoopSeller, 0, 999999)
		require.Equal(t, missingErr.Error(), otherErr.Error())

		require.NoError(t, try(actx, "staff2.a", catalog.RoleAllianceStaff, A.Alliance.ID, 0))
		require.NoError(t, try(actx, "manager3.a", catalog.RoleCoopManager, 0, A.Coop.ID))
		requireFieldError(t, catalog.CodeInvalidArgument, try(actx, "xx-5", catalog.RoleAllianceStaff, B.Alliance.ID, 0), "alliance_id")
		requireFieldError(t, catalog.CodeInvalidArgument, try(actx, "xx-6", catalog.RoleCoopManager, 0, B.Coop.ID), "coop_id")
		requireCode(t, catalog.CodePermissionDenied, try(actx, "xx-7", catalog.RoleOperator, 0, 0), "an alliance admin makes no operator")

		for _, u := range []catalog.User{seller, staff} {
			requireCode(t, catalog.CodePermissionDenied, try(as(t, s, u), "xx-8", catalog.RoleCoopSeller, 0, A.Coop.ID), "%s manages no users", u.Role)
		}

		// Rules of the fields themselves, all reported at once.
		err := try(storetest.Operator(), "A B", catalog.RoleCoopSeller, A.Alliance.ID, 0)
		requireFieldError(t, catalog.CodeInvalidArgument, err, "username", "coop_id")
		requireFieldError(t, catalog.CodeInvalidArgument,
			s.CreateUser(storetest.Operator(), &catalog.User{Username: "short.pw", Name: "X", Role: catalog.RoleOperator}, "short"), "password")
		requireCode(t, catalog.CodeConflict, try(storetest.Operator(), "Manager.A", catalog.RoleCoopSeller, 0, A.Coop.ID), "usernames are unique whatever the case")

		// Lists: each manager sees its own people.
		list, _, err := s.ListUsers(mctx, catalog.ListQuery{})
		require.NoError(t, err)
		require.ElementsMatch(t, []string{"manager.a", "seller.a", "seller2.a", "manager2.a", "manager3.a"}, usernames(list))
		list, _, err = s.ListUsers(actx, catalog.ListQuery{})
		require.NoError(t, err)
		require.Len(t, list, 8, "the alliance's own people and its co-op's")
		_, err = s.User(mctx, admin.ID)
		requireCode(t, catalog.CodeNotFound, err, "a manager does not see the alliance's people")
		me, err := s.User(as(t, s, seller), seller.ID)
		require.NoError(t, err, "anyone reads themselves")
		require.Equal(t, "seller.a", me.Username)
	})
}

func usernames(us []catalog.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Username
	}
	return out
}

func TestLoginAndSessions(t *testing.T) {
	eachClocked(t, func(t *testing.T, s *store.Store, clk *clock) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s, "LS")
		u := addUser(t, s, "Nguyen.Van.A", catalog.RoleCoopManager, 0, f.Coop.ID)
		require.Equal(t, "nguyen.van.a", u.Username)
		var hash string
		require.NoError(t, s.DB().Raw("SELECT password_hash FROM users WHERE id = ?", u.ID).Scan(&hash).Error)
		require.True(t, strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$"), hash)
		require.NotContains(t, hash, testPassword)

		got, err := s.Login(ctx, " NGUYEN.van.a ", testPassword)
		require.NoError(t, err)
		require.Equal(t, u.ID, got.ID)
		wrong, err1 := s.Login(ctx, "nguyen.van.a", testPassword+"x")
		_, err2 := s.Login(ctx, "nobody", testPassword)
		requireCode(t, catalog.CodeUnauthenticated, err1, "wrong password")
		require.Zero(t, wrong.ID)
		require.Equal(t, err1, err2, "an unknown user gets the very same answer")

		// A session lives until idle for 30 minutes or 12 hours old.
		const idle, lifetime = 30 * time.Minute, 12 * time.Hour
		secret, expires, err := s.CreateSession(ctx, u.ID, lifetime, "203.0.113.7", "test")
		require.NoError(t, err)
		require.Equal(t, clk.Now().Add(lifetime), expires)
		var stored int64
		require.NoError(t, s.DB().Raw("SELECT count(*) FROM sessions WHERE token_hash = ?", secret).Scan(&stored).Error)
		require.Zero(t, stored, "the secret itself is not stored")
		p, err := s.SessionPrincipal(ctx, secret, idle)
		require.NoError(t, err)
		require.Equal(t, catalog.Principal{UserID: u.ID, Name: u.Username, Role: catalog.RoleCoopManager, CoopID: f.Coop.ID}, p)
		for range 30 { // active use keeps it alive until its absolute end
			clk.Advance(25 * time.Minute)
			_, err = s.SessionPrincipal(ctx, secret, idle)
			if clk.Now().Before(expires) {
				require.NoError(t, err, "at %s", clk.Now())
			} else {
				requireCode(t, catalog.CodeUnauthenticated, err, "past the absolute end")
				break
			}
		}
		secret, _, err = s.CreateSession(ctx, u.ID, lifetime, "", "")
		require.NoError(t, err)
		clk.Advance(31 * time.Minute)
		_, err = s.SessionPrincipal(ctx, secret, idle)
		requireCode(t, catalog.CodeUnauthenticated, err, "idle too long")

		secret, _, err = s.CreateSession(ctx, u.ID, lifetime, "", "")
		require.NoError(t, err)
		require.NoError(t, s.EndSession(ctx, secret))
		_, err = s.SessionPrincipal(ctx, secret, idle)
		requireCode(t, catalog.CodeUnauthenticated, err, "signed out")

		// Disabling a user or resetting the password ends its sessions.
		secret, _, err = s.CreateSession(ctx, u.ID, lifetime, "", "")
		require.NoError(t, err)
		u.Disabled = true
		require.NoError(t, s.UpdateUser(storetest.Operator(), &u, ""))
		_, err = s.SessionPrincipal(ctx, secret, idle)
		requireCode(t, catalog.CodeUnauthenticated, err, "disabled")
		_, err = s.Login(ctx, "nguyen.van.a", testPassword)
		requireCode(t, catalog.CodeUnauthenticated, err, "disabled users cannot sign in")
		u.Disabled = false
		require.NoError(t, s.UpdateUser(storetest.Operator(), &u, ""))
		uctx := as(t, s, u)
		secret, _, err = s.CreateSession(ctx, u.ID, lifetime, "", "")
		require.NoError(t, err)
		requireFieldError(t, catalog.CodeInvalidArgument, s.ChangePassword(uctx, "not it", "a-new-long-password"), "current_password")
		require.NoError(t, s.ChangePassword(uctx, testPassword, "a-new-long-password"))
		_, err = s.SessionPrincipal(ctx, secret, idle)
		requireCode(t, catalog.CodeUnauthenticated, err, "a new password ends the old sessions")
		_, err = s.Login(ctx, "nguyen.van.a", "a-new-long-password")
		require.NoError(t, err)
		u, err = s.User(storetest.Operator(), u.ID)
		require.NoError(t, err)
		requireCode(t, catalog.CodeFailedPrecondition, func() error { u.Role = catalog.RoleCoopSeller; return s.UpdateUser(as(t, s, u), &u, "") }(),
			"no one changes their own role")
	})
}

func TestAPITokens(t *testing.T) {
	eachClocked(t, func(t *testing.T, s *store.Store, clk *clock) {
		ctx := context.Background()
		A := storetest.NewFixture(t, s, "TA")
		B := storetest.NewFixture(t, s, "TB")
		manager := addUser(t, s, "manager.ta", catalog.RoleCoopManager, 0, A.Coop.ID)
		mctx := as(t, s, manager)

		exp := clk.Now().Add(24 * time.Hour)
		tok := catalog.APIToken{Name: "Kế toán MISA", Role: catalog.RoleCoopSeller, CoopID: A.Coop.ID, ExpiresAt: &exp}
		secret, err := s.CreateAPIToken(mctx, &tok)
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(secret, store.APITokenPrefix))
		require.Greater(t, len(secret), 40)
		require.True(t, strings.HasPrefix(secret, tok.Prefix))
		require.Equal(t, manager.ID, tok.CreatedBy)
		var leaked int64
		require.NoError(t, s.DB().Raw("SELECT count(*) FROM api_tokens WHERE token_hash = ? OR name = ?", secret, secret).Scan(&leaked).Error)
		require.Zero(t, leaked)

		p, err := s.TokenPrincipal(ctx, secret)
		require.NoError(t, err)
		require.Equal(t, catalog.Principal{TokenID: tok.ID, Name: "Kế toán MISA", Role: catalog.RoleCoopSeller, CoopID: A.Coop.ID}, p)
		require.Equal(t, "token:Kế toán MISA", p.Scope().Actor())
		for _, bad := range []string{"", "ocp_", secret + "x", strings.TrimPrefix(secret, store.APITokenPrefix)} {
			_, err := s.TokenPrincipal(ctx, bad)
			requireCode(t, catalog.CodeUnauthenticated, err, "token %q", bad)
		}

		requireCode(t, catalog.CodePermissionDenied, func() error {
			_, err := s.CreateAPIToken(mctx, &catalog.APIToken{Name: "x", Role: catalog.RoleAllianceAdmin, AllianceID: A.Alliance.ID})
			return err
		}(), "a manager makes no alliance token")
		_, err = s.CreateAPIToken(mctx, &catalog.APIToken{Name: "x", Role: catalog.RoleCoopManager, CoopID: B.Coop.ID})
		requireFieldError(t, catalog.CodeInvalidArgument, err, "coop_id")
		_, err = s.CreateAPIToken(storetest.Operator(), &catalog.APIToken{Name: "x", Role: catalog.RoleAllianceStaff, AllianceID: A.Alliance.ID})
		requireFieldError(t, catalog.CodeInvalidArgument, err, "role")

		list, _, err := s.ListAPITokens(as(t, s, addUser(t, s, "manager.tb", catalog.RoleCoopManager, 0, B.Coop.ID)), catalog.ListQuery{})
		require.NoError(t, err)
		require.Empty(t, list, "B sees none of A's tokens")
		_, err = s.RevokeAPIToken(as(t, s, addUser(t, s, "manager2.tb", catalog.RoleCoopManager, 0, B.Coop.ID)), tok.ID)
		requireCode(t, catalog.CodeNotFound, err, "B cannot revoke A's token")

		clk.Advance(25 * time.Hour)
		_, err = s.TokenPrincipal(ctx, secret)
		requireCode(t, catalog.CodeUnauthenticated, err, "expired")

		forever := catalog.APIToken{Name: "ERP", Role: catalog.RoleCoopManager, CoopID: A.Coop.ID}
		secret, err = s.CreateAPIToken(mctx, &forever)
		require.NoError(t, err)
		_, err = s.TokenPrincipal(ctx, secret)
		require.NoError(t, err)
		revoked, err := s.RevokeAPIToken(mctx, forever.ID)
		require.NoError(t, err)
		require.NotNil(t, revoked.RevokedAt)
		_, err = s.RevokeAPIToken(mctx, forever.ID)
		require.NoError(t, err, "revoking twice is fine")
		_, err = s.TokenPrincipal(ctx, secret)
		requireCode(t, catalog.CodeUnauthenticated, err, "revoked")

		log, _, err := s.AuditLog(mctx, A.Coop.ID, catalog.ListQuery{})
		require.NoError(t, err)
		require.Equal(t, []string{"token.revoked", "token.created", "token.created", "user.created"}, actions(log))
	})
}

func actions(entries []catalog.AuditEntry) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.Action
	}
	return out
}

// TestConsent: alliance staff see and change a co-op's data only within a
// live grant, only with the rights it names, and every such action lands
// in the co-op's audit log.
func TestConsent(t *testing.T) {
	eachClocked(t, func(t *testing.T, s *store.Store, clk *clock) {
		op := storetest.Operator()
		A := newTenant(t, s, "CA", 301)
		other := storetest.NewFixture(t, s, "CX") // another alliance
		sib := catalog.Coop{AllianceID: A.Alliance.ID, Code: "HTX-CS2", Name: "HTX bên cạnh", Province: "Thái Nguyên"}
		require.NoError(t, s.CreateCoop(op, &sib))
		sibProduct := newProduct(sib.ID, "SIB-1", "Chè bên cạnh", 3, catalog.GroupBeverage, 302)
		require.NoError(t, s.CreateProduct(op, &sibProduct))

		manager := addUser(t, s, "manager.ca", catalog.RoleCoopManager, 0, A.Coop.ID)
		staff := addUser(t, s, "staff.ca", catalog.RoleAllianceStaff, A.Alliance.ID, 0)
		outsider := addUser(t, s, "staff.cx", catalog.RoleAllianceStaff, other.Alliance.ID, 0)
		mctx := as(t, s, manager)

		// No grant: the alliance and its directory of co-ops, nothing else.
		sctx := as(t, s, staff)
		_, err := s.Alliance(sctx, A.Alliance.ID)
		require.NoError(t, err)
		coops, _, err := s.ListCoops(sctx, catalog.ListQuery{})
		require.NoError(t, err)
		require.Len(t, coops, 2)
		_, err = s.Product(sctx, A.Product.ID)
		requireCode(t, catalog.CodeNotFound, err, "no grant, no products")
		prods, _, err := s.ListProducts(sctx, catalog.ListQuery{})
		require.NoError(t, err)
		require.Empty(t, prods)

		// Only the co-op's manager grants, only to staff of its alliance.
		expires := clk.Now().Add(7 * 24 * time.Hour)
		grant := catalog.Grant{CoopID: A.Coop.ID, StaffUserID: staff.ID, Rights: catalog.Rights{catalog.RightChangePrices}, ExpiresAt: expires}
		for _, ctx := range []context.Context{sctx, as(t, s, addUser(t, s, "admin.ca", catalog.RoleAllianceAdmin, A.Alliance.ID, 0)), op} {
			g := grant
			requireCode(t, catalog.CodePermissionDenied, s.CreateGrant(ctx, &g), "only the co-op's manager grants")
		}
		g := grant
		g.StaffUserID = outsider.ID
		requireFieldError(t, catalog.CodeInvalidArgument, s.CreateGrant(mctx, &g), "staff_user_id")
		g.StaffUserID = manager.ID
		requireFieldError(t, catalog.CodeInvalidArgument, s.CreateGrant(mctx, &g), "staff_user_id")
		g = grant
		g.ExpiresAt = clk.Now().Add(400 * 24 * time.Hour)
		requireFieldError(t, catalog.CodeInvalidArgument, s.CreateGrant(mctx, &g), "expires_at")
		g = grant
		require.NoError(t, s.CreateGrant(mctx, &g))

		// change_prices: products of A (not of the sibling), prices only,
		// and no stock (that is list_products).
		sctx = as(t, s, staff)
		p, err := s.Product(sctx, A.Product.ID)
		require.NoError(t, err)
		_, err = s.Product(sctx, sibProduct.ID)
		requireCode(t, catalog.CodeNotFound, err, "the sibling granted nothing")
		_, err = s.StockLevels(sctx, p.Variants[0].ID)
		requireCode(t, catalog.CodePermissionDenied, err, "stock needs list_products")
		_, err = s.Warehouse(sctx, A.Warehouse.ID)
		requireCode(t, catalog.CodeNotFound, err, "a grant opens products, not warehouses")
		p.Variants[0].Price = 90000
		require.NoError(t, s.UpdateProduct(sctx, &p))
		require.Equal(t, catalog.VND(90000), p.Variants[0].Price)
		p.Name.VI = "Đổi tên"
		requireCode(t, catalog.CodePermissionDenied, s.UpdateProduct(sctx, &p), "staff change prices only")
		p, _ = s.Product(sctx, A.Product.ID)
		p.Variants = p.Variants[:1]
		requireCode(t, catalog.CodePermissionDenied, s.UpdateProduct(sctx, &p), "nor the variant list")
		_, err = s.ChangeStock(sctx, catalog.StockChange{Op: catalog.OpAdjust, VariantID: p.Variants[0].ID, WarehouseID: A.Warehouse.ID,
			Quantity: 1, Reason: catalog.ReasonReceived})
		requireCode(t, catalog.CodePermissionDenied, err, "nor stock")

		// A second grant adds list_products; its expiry ends it alone.
		g2 := catalog.Grant{CoopID: A.Coop.ID, StaffUserID: staff.ID, Rights: catalog.Rights{catalog.RightListProducts}, ExpiresAt: clk.Now().Add(time.Hour)}
		require.NoError(t, s.CreateGrant(mctx, &g2))
		sctx = as(t, s, staff)
		levels, err := s.StockLevels(sctx, p.Variants[0].ID)
		require.NoError(t, err)
		require.Len(t, levels, 1)
		clk.Advance(2 * time.Hour)
		sctx = as(t, s, staff)
		_, err = s.StockLevels(sctx, p.Variants[0].ID)
		requireCode(t, catalog.CodePermissionDenied, err, "the list_products grant expired")

		// Staff see the grants given to them, not the audit log.
		mine, _, err := s.ListGrants(sctx, catalog.ListQuery{})
		require.NoError(t, err)
		require.Len(t, mine, 2)
		_, _, err = s.AuditLog(sctx, A.Coop.ID, catalog.ListQuery{})
		requireCode(t, catalog.CodePermissionDenied, err, "staff do not read audit logs")

		// Revoked: gone at the next request.
		revoked, err := s.RevokeGrant(mctx, g.ID)
		require.NoError(t, err)
		require.NotNil(t, revoked.RevokedAt)
		sctx = as(t, s, staff)
		_, err = s.Product(sctx, A.Product.ID)
		requireCode(t, catalog.CodeNotFound, err, "revoked")

		// The co-op reads everything that happened, newest first.
		log, _, err := s.AuditLog(mctx, A.Coop.ID, catalog.ListQuery{})
		require.NoError(t, err)
		require.Equal(t, []string{"grant.revoked", "stock.read", "grant.created", "product.read", "product.changed",
			"product.read", "grant.created", "user.created"}, actions(log))
		changed := log[4]
		require.Equal(t, "staff.ca", changed.Actor)
		require.Equal(t, catalog.RoleAllianceStaff, changed.ActorRole)
		require.Equal(t, staff.ID, changed.UserID)
		require.Equal(t, "P-CA: P-CA-0 95000 → 90000", changed.Detail)
		page1, next, err := s.AuditLog(mctx, A.Coop.ID, catalog.ListQuery{Limit: 4})
		require.NoError(t, err)
		require.Len(t, page1, 4)
		page2, _, err := s.AuditLog(mctx, A.Coop.ID, catalog.ListQuery{Limit: 10, Cursor: next})
		require.NoError(t, err)
		require.Equal(t, actions(log[4:]), actions(page2))
		_, _, err = s.AuditLog(as(t, s, addUser(t, s, "manager.cs", catalog.RoleCoopManager, 0, sib.ID)), A.Coop.ID, catalog.ListQuery{})
		requireCode(t, catalog.CodeNotFound, err, "another co-op's log")
	})
}

// TestRolesInTheStore: the store refuses what a role may not do even when
// a handler forgot to check.
func TestRolesInTheStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		A := newTenant(t, s, "RA", 401)
		seller := as(t, s, addUser(t, s, "seller.ra", catalog.RoleCoopSeller, 0, A.Coop.ID))
		_, err := s.Product(seller, A.Product.ID)
		require.NoError(t, err, "sellers read the catalog")
		_, err = s.StockLevels(seller, A.Product.Variants[0].ID)
		require.NoError(t, err)
		p := A.Fixture.Product("NEW-RA", 402, 1)
		requireCode(t, catalog.CodePermissionDenied, s.CreateProduct(seller, &p), "create product")
		cur := A.Product
		cur.Variants = slices.Clone(cur.Variants)
		cur.Variants[0].Price++
		requireCode(t, catalog.CodePermissionDenied, s.UpdateProduct(seller, &cur), "update product")
		requireCode(t, catalog.CodePermissionDenied, s.DeleteProduct(seller, A.Product.ID, A.Product.Version), "delete product")
		_, err = s.ChangeStock(seller, catalog.StockChange{Op: catalog.OpAdjust, VariantID: A.Product.Variants[0].ID,
			WarehouseID: A.Warehouse.ID, Quantity: 1, Reason: catalog.ReasonReceived})
		requireCode(t, catalog.CodePermissionDenied, err, "adjust stock")
		c := A.Coop
		requireCode(t, catalog.CodePermissionDenied, s.UpdateCoop(seller, &c), "update co-op")
		w := catalog.Warehouse{CoopID: A.Coop.ID, Code: "W2", Name: "Kho 2"}
		requireCode(t, catalog.CodePermissionDenied, s.CreateWarehouse(seller, &w), "add warehouse")
		_, err = s.Import(seller, &catalog.ImportBatch{}, catalog.ImportOptions{})
		requireCode(t, catalog.CodePermissionDenied, err, "import")
		requireUntouched(t, s, A)
	})
}

// TestOutsidersAreAudited: an alliance admin's or operator's change to a
// co-op's catalog is in the co-op's log; the co-op's own are not.
func TestOutsidersAreAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		A := newTenant(t, s, "OA", 501)
		admin := as(t, s, addUser(t, s, "admin.oa", catalog.RoleAllianceAdmin, A.Alliance.ID, 0))
		manager := as(t, s, addUser(t, s, "manager.oa", catalog.RoleCoopManager, 0, A.Coop.ID))
		_, err := s.ChangeStock(admin, catalog.StockChange{Op: catalog.OpAdjust, VariantID: A.Product.Variants[0].ID,
			WarehouseID: A.Warehouse.ID, Quantity: 3, Reason: catalog.ReasonReceived, Actor: "admin.oa"})
		require.NoError(t, err)
		_, err = s.ChangeStock(manager, catalog.StockChange{Op: catalog.OpAdjust, VariantID: A.Product.Variants[0].ID,
			WarehouseID: A.Warehouse.ID, Quantity: 2, Reason: catalog.ReasonReceived, Actor: "manager.oa"})
		require.NoError(t, err)
		w := catalog.Warehouse{CoopID: A.Coop.ID, Code: "W2", Name: "Kho 2"}
		require.NoError(t, s.CreateWarehouse(admin, &w))
		log, _, err := s.AuditLog(manager, A.Coop.ID, catalog.ListQuery{})
		require.NoError(t, err)
		require.Equal(t, []string{"warehouse.created", "stock.changed", "user.created"}, actions(log))
		require.Equal(t, "admin.oa", log[1].Actor)
		require.Contains(t, log[1].Detail, "+3")
	})
}

func TestRotateShopTokens(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			old, newKey := store.NewKey("k1"), store.NewKey("k2")
			dbURL := freshURL(t, d)
			s := openAt(t, dbURL, old)
			f := storetest.NewFixture(t, s, "RK")
			ctx := storetest.Operator()
			var shops []catalog.Shop
			for _, ext := range []string{"1", "2", "3"} {
				sh := catalog.Shop{CoopID: f.Coop.ID, Platform: catalog.PlatformLazada, ExternalID: ext, Name: "Lazada " + ext}
				require.NoError(t, s.ConnectShop(ctx, &sh, []byte(`{"access_token":"secret-`+ext+`"}`), time.Now().Add(time.Hour), time.Time{}, time.Time{}))
				shops = append(shops, sh)
			}
			// Same database, new key first, old key still there to open.
			s2 := openAt(t, dbURL, newKey+","+old)
			_, err := s2.RotateShopTokens(coopCtx(f.Coop.ID))
			requireCode(t, catalog.CodePermissionDenied, err, "operator only")
			n, err := s2.RotateShopTokens(ctx)
			require.NoError(t, err)
			require.Equal(t, 3, n)
			n, err = s2.RotateShopTokens(ctx)
			require.NoError(t, err)
			require.Zero(t, n, "nothing left under the old key")
			var ids []string
			require.NoError(t, s2.DB().Raw("SELECT DISTINCT token_key_id FROM shops").Scan(&ids).Error)
			require.Equal(t, []string{"k2"}, ids)
			// The new key alone opens every token now.
			s3 := openAt(t, dbURL, newKey)
			for i, sh := range shops {
				tok, err := s3.ShopToken(ctx, sh.ID)
				require.NoError(t, err)
				require.Equal(t, `{"access_token":"secret-`+[]string{"1", "2", "3"}[i]+`"}`, string(tok))
			}
			// A token under a key no longer configured is named by shop.
			require.NoError(t, s3.DB().Exec("UPDATE shops SET token_key_id = 'gone' WHERE id = ?", shops[0].ID).Error)
			_, err = s3.RotateShopTokens(ctx)
			require.ErrorContains(t, err, "shop "+strconv.FormatInt(shops[0].ID, 10))
			require.NotContains(t, err.Error(), "secret-1")
			require.NotContains(t, err.Error(), strings.TrimPrefix(newKey, "k2:"))
		})
	}
}

// freshURL is a new empty database of dialect d for a test that opens it
// more than once.
func freshURL(t *testing.T, d store.Dialect) string {
	if d == store.SQLite {
		return "file:" + filepath.Join(t.TempDir(), "hub.db")
	}
	return storetest.FreshSchemaURL(t)
}

// openAt opens and migrates the database at dbURL with the secret keys.
func openAt(t *testing.T, dbURL, keys string) *store.Store {
	t.Helper()
	k, err := store.ParseKeys(keys)
	require.NoError(t, err)
	s, err := store.Open(context.Background(), dbURL, store.Options{Keys: k})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	_, err = s.Migrate(context.Background())
	require.NoError(t, err)
	return s
}

// TestSecretsStayOutOfTheLogs: a failed write is logged without its
// values, so a password hash, a token hash or a sealed shop token never
// reaches the logs.
func TestSecretsStayOutOfTheLogs(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			var logs strings.Builder
			keys, err := store.ParseKeys(store.NewKey("k1"))
			require.NoError(t, err)
			s := storetest.OpenWith(t, d, store.Options{Keys: keys, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			f := storetest.NewFixture(t, s, "LG")
			op := storetest.Operator()
			u := catalog.User{Username: "manager.lg", Name: "Quản lý", Role: catalog.RoleCoopManager, CoopID: f.Coop.ID}
			require.NoError(t, s.CreateUser(op, &u, testPassword))
			dup := u
			requireCode(t, catalog.CodeConflict, s.CreateUser(op, &dup, testPassword), "duplicate username")
			require.Contains(t, logs.String(), "INSERT INTO", "the failed statement is logged")
			var hash string
			require.NoError(t, s.DB().Raw("SELECT password_hash FROM users WHERE id = ?", u.ID).Scan(&hash).Error)
			for _, secret := range []string{testPassword, hash, "$argon2id$", "manager.lg"} {
				require.NotContains(t, logs.String(), secret)
			}
		})
	}
}
