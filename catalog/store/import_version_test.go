package store_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// beforeImportWrite runs change once, just before the next UPDATE of table
// (the import's, between its read of the row and its write). change gets
// the import's statement, for engines where no other writer can get in.
func beforeImportWrite(t *testing.T, s *store.Store, table string, change func(tx *gorm.DB)) *atomic.Bool {
	t.Helper()
	var fired atomic.Bool
	armed := atomic.Bool{}
	armed.Store(true)
	require.NoError(t, s.DB().Callback().Update().Before("gorm:update").Register("test:between-read-and-write:"+table,
		func(db *gorm.DB) {
			if db.Statement.Table == table && armed.CompareAndSwap(true, false) {
				change(db)
				fired.Store(true)
			}
		}))
	return &fired
}

// TestImportDoesNotOverwriteAConcurrentUpdate: an API update that lands
// between the import's read of a row and its write wins; the import fails
// with a conflict and writes nothing. On PostgreSQL the update comes from
// another connection and commits; SQLite lets no other writer in during
// the import (BEGIN IMMEDIATE), so there the row is changed inside the
// import's own transaction to exercise the same check.
func TestImportDoesNotOverwriteAConcurrentUpdate(t *testing.T) {
	cases := []struct {
		table string
		edit  func(b *catalog.ImportBatch)
		// api changes the row the way a PUT does, from another connection.
		api func(t *testing.T, s *store.Store, ctx context.Context)
	}{
		{"alliances", func(b *catalog.ImportBatch) { b.Alliances[0].Alliance.Name = "Liên minh (tệp)" },
			func(t *testing.T, s *store.Store, ctx context.Context) {
				list, _, err := s.ListAlliances(ctx, catalog.ListQuery{})
				require.NoError(t, err)
				a := list[0]
				a.Name = "Liên minh (API)"
				require.NoError(t, s.UpdateAlliance(ctx, &a))
			}},
		{"coops", func(b *catalog.ImportBatch) { b.Coops[0].Coop.Commune = "Phúc Xuân (tệp)" },
			func(t *testing.T, s *store.Store, ctx context.Context) {
				list, _, err := s.ListCoops(ctx, catalog.ListQuery{})
				require.NoError(t, err)
				c := list[0]
				c.Commune = "Phúc Xuân (API)"
				require.NoError(t, s.UpdateCoop(ctx, &c))
			}},
		{"products", func(b *catalog.ImportBatch) { b.Products[0].Product.Stars = 5 },
			func(t *testing.T, s *store.Store, ctx context.Context) {
				p := productByCode(t, s, "TRA-V")
				p.Name.VI = "Trà hoa cúc (API)"
				require.NoError(t, s.UpdateProduct(ctx, &p))
			}},
	}
	for _, tc := range cases {
		t.Run(tc.table, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				ctx := storetest.Operator()
				_, err := s.Import(ctx, newBatch("V", 61), catalog.ImportOptions{})
				require.NoError(t, err)
				fired := beforeImportWrite(t, s, tc.table, func(tx *gorm.DB) {
					if s.Dialect() == store.Postgres {
						tc.api(t, s, ctx) // another connection; commits
						return
					}
					require.NoError(t, tx.Session(&gorm.Session{NewDB: true}).
						Exec("UPDATE "+tc.table+" SET version = version + 1").Error)
				})
				before := takeSnapshot(t, s)

				b := newBatch("V", 61)
				tc.edit(b)
				rep, err := s.Import(ctx, b, catalog.ImportOptions{})
				require.True(t, fired.Load(), "the import wrote %s", tc.table)
				requireCode(t, catalog.CodeConflict, err, "import over a concurrent update of %s", tc.table)
				require.Contains(t, err.Error(), "changed by someone else")
				require.False(t, rep.Written)

				after := takeSnapshot(t, s)
				if s.Dialect() == store.Postgres {
					// The API's change is there, the file's is not. (A
					// product update announces itself in the outbox.)
					if tc.table == "products" {
						before.Counts["outbox"]++
					}
					require.Equal(t, before.Counts, after.Counts)
					switch tc.table {
					case "alliances":
						require.Equal(t, "Liên minh (API)", after.Alliances[0].Name)
						require.Equal(t, before.Alliances[0].Version+1, after.Alliances[0].Version)
					case "coops":
						require.Equal(t, "Phúc Xuân (API)", after.Coops[0].Commune)
						require.Equal(t, before.Coops[0].Version+1, after.Coops[0].Version)
					case "products":
						tra := productByCode(t, s, "TRA-V")
						require.Equal(t, "Trà hoa cúc (API)", tra.Name.VI)
						require.Equal(t, catalog.Stars(4), tra.Stars)
					}
					return
				}
				require.Equal(t, before, after, "nothing of the import was written")
			})
		})
	}
}
