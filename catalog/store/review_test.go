package store_test

// Tests of the security review's findings (issue 16, section 3) in the
// store.

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// TestConsentIsTheCoopsOwn (finding 5): an alliance admin cannot give
// consent through an account or token it made, nor through a manager
// whose password it reset; the co-op's own manager can, and each refusal
// is in the co-op's audit log.
func TestConsentIsTheCoopsOwn(t *testing.T) {
	eachClocked(t, func(t *testing.T, s *store.Store, clk *clock) {
		A := storetest.NewFixture(t, s, "CB")
		admin := addUser(t, s, "admin.cb", catalog.RoleAllianceAdmin, A.Alliance.ID, 0)
		staff := addUser(t, s, "staff.cb", catalog.RoleAllianceStaff, A.Alliance.ID, 0)
		owner := addUser(t, s, "manager.cb", catalog.RoleCoopManager, 0, A.Coop.ID) // made by the platform
		actx := as(t, s, admin)
		grant := func() *catalog.Grant {
			return &catalog.Grant{CoopID: A.Coop.ID, StaffUserID: staff.ID, Rights: catalog.Rights{catalog.RightChangePrices},
				ExpiresAt: clk.Now().Add(24 * time.Hour)}
		}

		// A manager account minted by the admin.
		minted := catalog.User{Username: "fake.manager.cb", Name: "Giả", Role: catalog.RoleCoopManager, CoopID: A.Coop.ID}
		require.NoError(t, s.CreateUser(actx, &minted, testPassword))
		requireCode(t, catalog.CodePermissionDenied, s.CreateGrant(as(t, s, minted), grant()), "an account the alliance made")
		// Changing its password itself does not help: the admin knew the old one.
		mctx := as(t, s, minted)
		require.NoError(t, s.ChangePassword(mctx, testPassword, "mat-khau-moi-cua-toi-2026"))
		requireCode(t, catalog.CodePermissionDenied, s.CreateGrant(as(t, s, minted), grant()), "still the alliance's account")
		// Nor can it make a manager that may.
		second := catalog.User{Username: "second.cb", Name: "Hai", Role: catalog.RoleCoopManager, CoopID: A.Coop.ID}
		require.NoError(t, s.CreateUser(as(t, s, minted), &second, testPassword))
		requireCode(t, catalog.CodePermissionDenied, s.CreateGrant(as(t, s, second), grant()), "made by an account that may not")

		// A manager token minted by the admin, or by the manager: no token gives consent.
		for _, ctx := range []context.Context{actx, as(t, s, owner)} {
			tok := catalog.APIToken{Name: "tok", Role: catalog.RoleCoopManager, CoopID: A.Coop.ID}
			secret, err := s.CreateAPIToken(ctx, &tok)
			require.NoError(t, err)
			p, err := s.TokenPrincipal(context.Background(), secret)
			require.NoError(t, err)
			requireCode(t, catalog.CodePermissionDenied, s.CreateGrant(catalog.WithScope(context.Background(), p.Scope()), grant()), "a token")
		}

		// The real manager gives consent; after the admin resets its password, it no longer can.
		require.NoError(t, s.CreateGrant(as(t, s, owner), grant()))
		current, err := s.User(actx, owner.ID)
		require.NoError(t, err)
		require.NoError(t, s.UpdateUser(actx, &current, "mat-khau-cua-lien-minh-2026"))
		requireCode(t, catalog.CodePermissionDenied, s.CreateGrant(as(t, s, owner), grant()), "a password the alliance set")
		// The platform restores it by setting a new password.
		current, err = s.User(storetest.Operator(), owner.ID)
		require.NoError(t, err)
		require.NoError(t, s.UpdateUser(storetest.Operator(), &current, "mat-khau-tu-nen-tang-2026"))
		require.NoError(t, s.CreateGrant(as(t, s, owner), grant()))
		// A manager the real manager makes may give consent too.
		third := catalog.User{Username: "third.cb", Name: "Ba", Role: catalog.RoleCoopManager, CoopID: A.Coop.ID}
		require.NoError(t, s.CreateUser(as(t, s, owner), &third, testPassword))
		require.NoError(t, s.CreateGrant(as(t, s, third), grant()))

		log, _, err := s.AuditLog(as(t, s, owner), A.Coop.ID, catalog.ListQuery{Limit: catalog.MaxLimit})
		require.NoError(t, err)
		refused := 0
		for _, e := range log {
			if e.Action == "grant.refused" {
				refused++
			}
			if e.Action == "user.created" && strings.HasPrefix(e.Detail, "fake.manager.cb:") {
				require.Contains(t, e.Detail, "cannot give consent")
			}
		}
		require.Equal(t, 6, refused, "every refused consent is in the co-op's log")
	})
}

// TestDisablingRevokesTokens (finding 6): disabling a user, or changing
// its role, revokes the API tokens it made, in the same transaction.
func TestDisablingRevokesTokens(t *testing.T) {
	eachClocked(t, func(t *testing.T, s *store.Store, clk *clock) {
		A := storetest.NewFixture(t, s, "DR")
		op := storetest.Operator()
		for _, change := range []string{"disabled", "role"} {
			u := addUser(t, s, "manager."+change+".dr", catalog.RoleCoopManager, 0, A.Coop.ID)
			tok := catalog.APIToken{Name: "erp " + change, Role: catalog.RoleCoopSeller, CoopID: A.Coop.ID}
			secret, err := s.CreateAPIToken(as(t, s, u), &tok)
			require.NoError(t, err)
			_, err = s.TokenPrincipal(context.Background(), secret)
			require.NoError(t, err)

			current, err := s.User(op, u.ID)
			require.NoError(t, err)
			if change == "disabled" {
				current.Disabled = true
			} else {
				current.Role = catalog.RoleCoopSeller
			}
			require.NoError(t, s.UpdateUser(op, &current, ""))
			_, err = s.TokenPrincipal(context.Background(), secret)
			requireCode(t, catalog.CodeUnauthenticated, err, "the token of a user whose %s changed", change)
			got, err := s.APIToken(op, tok.ID)
			require.NoError(t, err)
			require.NotNil(t, got.RevokedAt)
		}
		log, _, err := s.AuditLog(op, A.Coop.ID, catalog.ListQuery{})
		require.NoError(t, err)
		require.Contains(t, actions(log), "token.revoked")
	})
}

// TestDailySales (finding 10): the dashboard's figures are summed by the
// database, per day and channel, never read order by order.
func TestDailySales(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		k := keyed(t, s)
		A := storetest.NewFixture(t, k, "DS")
		vn := time.FixedZone("ICT", 7*3600)
		from := time.Date(2026, 3, 1, 0, 0, 0, 0, vn)
		shop := connectShop(t, k, storetest.Operator(), A.Coop.ID, catalog.PlatformLazada, "ds-1")
		placed := []struct {
			at     time.Time
			status catalog.OrderStatus
			total  catalog.VND
		}{
			{from.Add(time.Hour), catalog.OrderShipped, 100_000},
			{from.Add(23 * time.Hour), catalog.OrderReadyToShip, 50_000},
			{from.Add(25 * time.Hour), catalog.OrderUnpaid, 70_000},
			{from.Add(26 * time.Hour), catalog.OrderCancelled, 999_000},
			{from.Add(-time.Hour), catalog.OrderShipped, 1},
		}
		for i, o := range placed {
			require.NoError(t, k.DB().Exec(`INSERT INTO orders (coop_id, shop_id, platform, external_id, status, total_vnd, placed_at, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, A.Coop.ID, shop.ID, string(catalog.PlatformLazada), "DS-"+string(rune('A'+i)),
				string(o.status), int64(o.total), o.at.UTC(), o.at.UTC(), o.at.UTC()).Error)
		}
		sales, err := k.DailySales(coopCtx(A.Coop.ID), from, 30)
		require.NoError(t, err)
		require.Equal(t, []store.DaySales{
			{Day: 0, CoopID: A.Coop.ID, Platform: catalog.PlatformLazada, Orders: 2, Revenue: 150_000},
			{Day: 1, CoopID: A.Coop.ID, Platform: catalog.PlatformLazada, Orders: 1, Revenue: 70_000},
		}, sales.Days)
		require.Equal(t, 2, sales.Open)
		other, err := k.DailySales(coopCtx(A.Coop.ID+1000), from, 30)
		require.NoError(t, err)
		require.Empty(t, other.Days, "another co-op's orders are not counted")
	})
}

// TestCancelledStatementStops (finding 3): a request whose deadline
// passes stops its statement on the PostgreSQL server too, so a slow
// search frees the database, not only the handler.
func TestCancelledStatementStops(t *testing.T) {
	s := storetest.Open(t, store.Postgres)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := s.DB().WithContext(ctx).Exec("SELECT pg_sleep(20) /* review-cancel */").Error
	require.Error(t, err)
	require.Less(t, time.Since(start), 5*time.Second)
	var running int64
	require.Eventually(t, func() bool {
		require.NoError(t, s.DB().Raw(`SELECT count(*) FROM pg_stat_activity
			WHERE state = 'active' AND query LIKE '%review-cancel%' AND pid <> pg_backend_pid()`).Scan(&running).Error)
		return running == 0
	}, 3*time.Second, 100*time.Millisecond, "the server still runs the statement")
}

// TestStoreWritesCheckThePermission: the store refuses a write to a role
// that may not make it even inside its own tenant, whatever the handler
// checked (defence in depth): a seller connects no shop, sets no rule,
// publishes and overrides nothing.
func TestStoreWritesCheckThePermission(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		k := keyed(t, s)
		A := storetest.NewFixture(t, k, "WP")
		p := A.Product("CHE-WP", 63, 1)
		require.NoError(t, k.CreateProduct(storetest.Operator(), &p))
		shop := connectShop(t, k, storetest.Operator(), A.Coop.ID, catalog.PlatformLazada, "wp-1")
		listing, err := k.AddListing(storetest.Operator(), shop.ID, p.Variants[0].ID)
		require.NoError(t, err)
		seller := as(t, k, addUser(t, k, "seller.wp", catalog.RoleCoopSeller, 0, A.Coop.ID))

		sh := catalog.Shop{CoopID: A.Coop.ID, Platform: catalog.PlatformShopee, ExternalID: "wp-2"}
		requireCode(t, catalog.CodePermissionDenied, k.ConnectShop(seller, &sh, []byte(`{}`), time.Now(), time.Now(), time.Time{}), "connect")
		_, err = k.SetShopRule(seller, shop.ID, shop.Version, catalog.StockRule{BufferUnits: 1})
		requireCode(t, catalog.CodePermissionDenied, err, "stock rule")
		_, err = k.AddListing(seller, shop.ID, p.Variants[0].ID)
		requireCode(t, catalog.CodePermissionDenied, err, "publish")
		_, err = k.SetListingOverrides(seller, listing.ID, listing.Version, catalog.ListingOverrides{Title: "x"})
		requireCode(t, catalog.CodePermissionDenied, err, "overrides")
		requireCode(t, catalog.CodePermissionDenied, k.SetShopConnected(seller, shop.ID, false), "disconnect")
		co := catalog.Coop{AllianceID: A.Alliance.ID, Code: "HTX-WP2", Name: "HTX", Province: "Thái Nguyên"}
		requireCode(t, catalog.CodePermissionDenied, k.CreateCoop(as(t, k, addUser(t, k, "staff.wp", catalog.RoleAllianceStaff, A.Alliance.ID, 0)), &co), "staff add no co-op")
		got, err := k.Shop(storetest.Operator(), shop.ID)
		require.NoError(t, err)
		require.True(t, got.Connected)
		require.Equal(t, shop.Version, got.Version)
	})
}
