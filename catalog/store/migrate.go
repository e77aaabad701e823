package store

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

//go:embed migrations
var migrationFiles embed.FS

// Migration is one forward-only schema step, numbered by its file name
// (0001_catalog.sql). Each dialect has its own folder with the same numbers.
type Migration struct {
	Version  int
	Name     string
	SQL      string
	Checksum string
}

type schemaMigration struct {
	Version   int    `gorm:"primaryKey"`
	Name      string `gorm:"not null"`
	Checksum  string `gorm:"not null"`
	AppliedAt time.Time
}

func (schemaMigration) TableName() string { return "schema_migrations" }

// Migrations lists the dialect's migrations in order.
func Migrations(d Dialect) ([]Migration, error) {
	dir := path.Join("migrations", string(d))
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration file %s: name must be NNNN_name.sql", e.Name())
		}
		body, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(body)
		out = append(out, Migration{Version: v, Name: name, SQL: string(body), Checksum: hex.EncodeToString(sum[:])})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migrations of %s: expected version %d, found %d", d, i+1, m.Version)
		}
	}
	return out, nil
}

// Migrate applies the migrations not yet applied, each in its own
// transaction, and returns how many it applied. On PostgreSQL an advisory
// lock makes concurrent starts of several replicas safe. A migration whose
// file changed after it was applied is an error: migrations are forward-only,
// fixes go in a new file.
func (s *Store) Migrate(ctx context.Context) (applied int, err error) {
	all, err := Migrations(s.dialect)
	if err != nil {
		return 0, err
	}
	err = s.db.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		if s.dialect == Postgres {
			if err := conn.Exec("SELECT pg_advisory_lock(hashtext('ocophub.migrate'))").Error; err != nil {
				return fmt.Errorf("take migration lock: %w", err)
			}
			defer conn.Exec("SELECT pg_advisory_unlock(hashtext('ocophub.migrate'))")
		}
		if err := conn.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)`).Error; err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		var done []schemaMigration
		if err := conn.Order("version").Find(&done).Error; err != nil {
			return err
		}
		have := map[int]schemaMigration{}
		for _, d := range done {
			have[d.Version] = d
		}
		for _, m := range all {
			if d, ok := have[m.Version]; ok {
				if d.Checksum != m.Checksum {
					return fmt.Errorf("migration %04d_%s was changed after it was applied; add a new migration instead", m.Version, m.Name)
				}
				continue
			}
			err := conn.Transaction(func(tx *gorm.DB) error {
				if err := tx.Exec(m.SQL).Error; err != nil {
					return err
				}
				return tx.Create(&schemaMigration{Version: m.Version, Name: m.Name, Checksum: m.Checksum, AppliedAt: s.now().UTC()}).Error
			})
			if err != nil {
				return fmt.Errorf("apply migration %04d_%s: %w", m.Version, m.Name, err)
			}
			applied++
		}
		if len(done) > len(all) {
			return fmt.Errorf("database has %d migrations, this binary knows %d: it is older than the schema", len(done), len(all))
		}
		return nil
	})
	return applied, err
}
