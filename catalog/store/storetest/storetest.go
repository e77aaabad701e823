// Package storetest opens real, migrated, isolated stores for tests: a fresh
// SQLite file, and a fresh schema in the PostgreSQL test database. The same
// test body runs on both through Each. There is no mock store.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
)

// DefaultPostgresURL is the test database `make test` creates.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/ocophub_test?sslmode=disable"

// PostgresURL is TEST_DATABASE_URL or DefaultPostgresURL.
func PostgresURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultPostgresURL
}

// Dialects are the engines every store test runs on.
var Dialects = []store.Dialect{store.SQLite, store.Postgres}

// Each runs body once per dialect as a subtest.
func Each(t *testing.T, body func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(string(d), func(t *testing.T) {
			body(t, Open(t, d))
		})
	}
}

// Open returns a migrated store of dialect d that only this test sees; it
// is closed and dropped in t.Cleanup. A missing PostgreSQL fails the test:
// `make test` starts one, and a skipped store test proves nothing.
func Open(t testing.TB, d store.Dialect) *store.Store {
	t.Helper()
	return OpenWith(t, d, store.Options{})
}

// OpenWith is Open with store options (secret keys, a clock).
func OpenWith(t testing.TB, d store.Dialect, opts store.Options) *store.Store {
	t.Helper()
	ctx := context.Background()
	var databaseURL string
	switch d {
	case store.SQLite:
		databaseURL = "file:" + filepath.Join(t.TempDir(), "ocophub.db")
	case store.Postgres:
		databaseURL = freshSchema(t)
	default:
		t.Fatalf("unknown dialect %q", d)
	}
	s, err := store.Open(ctx, databaseURL, opts)
	require.NoError(t, err, "open %s store (is PostgreSQL running? run `make test`, which starts it)", d)
	t.Cleanup(func() { _ = s.Close() })
	_, err = s.Migrate(ctx)
	require.NoError(t, err)
	return s
}

var (
	adminOnce  sync.Once
	adminStore *store.Store
	adminErr   error
)

// freshSchema creates a schema with a random name in the test database and
// returns a URL whose search_path points at it (public stays on the path
// for the pg_trgm extension).
func freshSchema(t testing.TB) string {
	t.Helper()
	base := PostgresURL()
	adminOnce.Do(func() {
		adminStore, adminErr = store.Open(context.Background(), base, store.Options{})
	})
	require.NoError(t, adminErr, "connect to PostgreSQL at %s (run `make test`, which starts it)", store.RedactURL(base))
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	require.NoError(t, adminStore.DB().Exec("CREATE SCHEMA "+schema).Error)
	t.Cleanup(func() { adminStore.DB().Exec("DROP SCHEMA " + schema + " CASCADE") })
	u, err := url.Parse(base)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	return u.String()
}

// Operator is a context with the operator scope, for fixtures.
func Operator() context.Context {
	return catalog.WithScope(context.Background(), catalog.OperatorScope())
}

// Fixture is a small tenant tree: one alliance, one co-op, one warehouse.
type Fixture struct {
	Alliance  catalog.Alliance
	Coop      catalog.Coop
	Warehouse catalog.Warehouse
}

// NewFixture creates a tenant tree whose codes end in suffix.
func NewFixture(t testing.TB, s catalog.Store, suffix string) Fixture {
	t.Helper()
	ctx := Operator()
	f := Fixture{
		Alliance: catalog.Alliance{Code: "LM-" + suffix, Name: "Liên minh HTX " + suffix, Province: "Thái Nguyên"},
	}
	require.NoError(t, s.CreateAlliance(ctx, &f.Alliance))
	f.Coop = catalog.Coop{AllianceID: f.Alliance.ID, Code: "HTX-" + suffix, Name: "HTX chè " + suffix, Province: "Thái Nguyên", Commune: "Tân Cương"}
	require.NoError(t, s.CreateCoop(ctx, &f.Coop))
	f.Warehouse = catalog.Warehouse{CoopID: f.Coop.ID, Code: "MAIN", Name: "Kho chính"}
	require.NoError(t, s.CreateWarehouse(ctx, &f.Warehouse))
	return f
}

// Product returns a valid product of the fixture's co-op with n variants;
// GTINs are derived from seed so fixtures never collide.
func (f Fixture) Product(code string, seed int, n int) catalog.Product {
	p := catalog.Product{
		CoopID: f.Coop.ID, Code: code,
		Name:        catalog.Text{VI: "Chè Tân Cương " + code, EN: "Tan Cuong tea " + code},
		Description: catalog.Text{VI: "Chè búp sao sấy thủ công."},
		Group:       catalog.GroupBeverage, Stars: 4,
		Certificate: catalog.Certificate{Number: "OCOP-" + code, CertifiedOn: catalog.NewDate(2024, 3, 1)},
	}
	for i := 0; i < n; i++ {
		body := fmt.Sprintf("893%05d%04d", seed%100000, i)
		p.Variants = append(p.Variants, catalog.Variant{
			SKU:        catalog.SKU(fmt.Sprintf("%s-%d", code, i)),
			Name:       catalog.Text{VI: fmt.Sprintf("Hộp %dg", 100*(i+1))},
			GTIN:       catalog.GTIN(body + string(catalog.GTINCheckDigit(body))),
			NetWeightG: 100 * (i + 1), Price: catalog.VND(95000 * (i + 1)),
		})
	}
	return p
}

// FreshSchemaURL returns the URL of a new, empty schema in the PostgreSQL
// test database, dropped at the end of the test, for tests that open the
// database themselves (the CLI).
func FreshSchemaURL(t testing.TB) string {
	t.Helper()
	return freshSchema(t)
}
