package store_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

func TestMigrationsNumbered(t *testing.T) {
	byDialect := map[store.Dialect][]store.Migration{}
	for _, d := range []store.Dialect{store.Postgres, store.SQLite} {
		ms, err := store.Migrations(d)
		require.NoError(t, err, d)
		require.NotEmpty(t, ms, d)
		for i, m := range ms {
			require.Equal(t, i+1, m.Version, "%s migration %d", d, i)
			require.NotEmpty(t, m.Name, "%s %04d", d, m.Version)
			require.NotEmpty(t, m.SQL, "%s %04d", d, m.Version)
			require.Len(t, m.Checksum, 64, "%s %04d: sha256 hex", d, m.Version)
		}
		byDialect[d] = ms
	}
	pg, lite := byDialect[store.Postgres], byDialect[store.SQLite]
	require.Equal(t, len(pg), len(lite), "both dialects have the same migrations")
	for i := range pg {
		require.Equal(t, pg[i].Version, lite[i].Version)
		require.Equal(t, pg[i].Name, lite[i].Name, "migration %04d has the same name on both dialects", pg[i].Version)
	}
}

func TestMigrateTwiceAppliesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		all, err := store.Migrations(s.Dialect())
		require.NoError(t, err)
		// storetest.Open already migrated once.
		require.Equal(t, int64(len(all)), count(t, s, "schema_migrations"))
		for range 2 {
			applied, err := s.Migrate(ctx)
			require.NoError(t, err)
			require.Zero(t, applied, "nothing left to apply")
		}
		require.Equal(t, int64(len(all)), count(t, s, "schema_migrations"))
		var versions []int
		require.NoError(t, s.DB().Table("schema_migrations").Order("version").Pluck("version", &versions).Error)
		for i, v := range versions {
			require.Equal(t, all[i].Version, v)
		}
	})
}

func TestMigrateRefusesChangedOrUnknownMigration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		db := s.DB()
		require.NoError(t, db.Exec("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1").Error)
		_, err := s.Migrate(ctx)
		require.ErrorContains(t, err, "was changed after it was applied")

		all, err := store.Migrations(s.Dialect())
		require.NoError(t, err)
		require.NoError(t, db.Exec("UPDATE schema_migrations SET checksum = ? WHERE version = 1", all[0].Checksum).Error)
		require.NoError(t, db.Exec("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (9999, 'future', 'x', CURRENT_TIMESTAMP)").Error)
		_, err = s.Migrate(ctx)
		require.ErrorContains(t, err, "older than the schema")
	})
}
