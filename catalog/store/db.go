// Package store implements catalog.Store with gorm on PostgreSQL (production)
// and pure-Go SQLite (the embedded default). Row structs with gorm tags live
// here only; the domain types in catalog know nothing of tables.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/ncruces/go-sqlite3/gormlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"ocophub/catalog"
)

// Dialect names the database engine behind a Store.
type Dialect string

// The two supported engines.
const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// Store is the gorm implementation of catalog.Store.
type Store struct {
	db      *gorm.DB
	dialect Dialect
	now     func() time.Time
	keys    *Keys
}

var _ catalog.Store = (*Store)(nil)

// Options tune Open; the zero value is right for production.
type Options struct {
	// Logger receives slow-query and error logs; nil means slog.Default().
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Keys encrypt channel tokens at rest; without them saving a token
	// fails.
	Keys *Keys
}

// Open connects to databaseURL: "postgres://…" (or "postgresql://…") for
// PostgreSQL, "file:path.db" for SQLite. It does not migrate; call Migrate.
func Open(ctx context.Context, databaseURL string, opts Options) (*Store, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	cfg := &gorm.Config{
		TranslateError:         true,
		SkipDefaultTransaction: true, // every write that needs one opens its own
		NowFunc:                func() time.Time { return opts.Now().UTC() },
		Logger: logger.NewSlogLogger(opts.Logger, logger.Config{
			SlowThreshold:             500 * time.Millisecond,
			LogLevel:                  logger.Warn,
			IgnoreRecordNotFoundError: true,
			// Logged statements show placeholders, never values: a slow or
			// failed write must not put a password hash, a session hash, a
			// sealed token or a buyer's address in the logs.
			ParameterizedQueries: true,
		}),
	}
	var (
		dialector gorm.Dialector
		dialect   Dialect
	)
	switch {
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		dsn, err := postgresDSN(databaseURL)
		if err != nil {
			return nil, err
		}
		dialector, dialect = postgres.Open(dsn), Postgres
	case strings.HasPrefix(databaseURL, "file:"):
		dsn, err := sqliteDSN(databaseURL)
		if err != nil {
			return nil, err
		}
		dialector, dialect = gormlite.Open(dsn), SQLite
	default:
		return nil, fmt.Errorf("open store: database URL must start with postgres:// or file:, got %q", RedactURL(databaseURL))
	}
	db, err := gorm.Open(dialector, cfg)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", RedactURL(databaseURL), err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	if dialect == Postgres {
		// Idle = open: a closed idle connection costs a new backend with
		// cold caches (1–2 ms of planning on its first queries).
		sqlDB.SetMaxOpenConns(16)
		sqlDB.SetMaxIdleConns(16)
	} else {
		// SQLite writes are serialized by BEGIN IMMEDIATE; a few connections
		// let reads run beside the writer in WAL mode.
		sqlDB.SetMaxOpenConns(8)
		sqlDB.SetMaxIdleConns(8)
	}
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	if err := sqlDB.PingContext(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("open store %s: %w", RedactURL(databaseURL), err)
	}
	return &Store{db: db, dialect: dialect, now: opts.Now, keys: opts.Keys}, nil
}

// postgresDSN asks PostgreSQL to plan every execution of a prepared
// statement for its actual parameters (plan_cache_mode=force_custom_plan),
// unless the URL says otherwise. pgx prepares and caches every statement;
// after five executions PostgreSQL may switch to a generic plan, and for
// the search (LIKE $1 … ORDER BY id LIMIT $2) a generic plan cannot use the
// trigram index or know the selectivity: it scans the table. Planning per
// execution costs ~0.1 ms; a wrong generic plan costs tens of ms.
func postgresDSN(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("database URL: %w", err)
	}
	q := u.Query()
	if q.Get("plan_cache_mode") == "" {
		q.Set("plan_cache_mode", "force_custom_plan")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// sqliteDSN adds the settings the store relies on to a file: URL: WAL so
// readers never block the writer, a busy timeout instead of SQLITE_BUSY, and
// BEGIN IMMEDIATE so a transaction takes the write lock before it reads the
// stock row it is about to change (SQLite's answer to SELECT … FOR UPDATE).
// The directory of the file is created.
func sqliteDSN(raw string) (string, error) {
	path, query, _ := strings.Cut(strings.TrimPrefix(raw, "file:"), "?")
	values, err := url.ParseQuery(query)
	if err != nil {
		return "", fmt.Errorf("sqlite URL %q: %w", raw, err)
	}
	if !strings.HasPrefix(path, ":memory:") && values.Get("mode") != "memory" {
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return "", fmt.Errorf("create database folder: %w", err)
			}
		}
	}
	values.Set("_txlock", "immediate")
	pragmas := []string{"busy_timeout(10000)", "journal_mode(wal)", "foreign_keys(1)", "synchronous(normal)"}
	if len(values["_pragma"]) == 0 {
		values["_pragma"] = pragmas
	}
	return "file:" + path + "?" + values.Encode(), nil
}

// RedactURL hides the password of a database or Redis URL for logs.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	return u.Redacted()
}

// Dialect reports the engine.
func (s *Store) Dialect() Dialect { return s.dialect }

// Ping checks the database answers, for readiness probes.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Close releases the connections.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// DB exposes the gorm handle to sibling stores of later features (shops,
// orders) that share the same database and transactions.
func (s *Store) DB() *gorm.DB { return s.db }

// isDataException reports PostgreSQL's SQLSTATE class 22 (a number out of
// range, a NUL byte in text): bad input, not a server fault.
func isDataException(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && strings.HasPrefix(pg.Code, "22")
}

// translate maps gorm and driver errors to catalog errors; what stays
// unknown becomes internal with the cause kept for logs.
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	var ce *catalog.Error
	switch {
	case errors.As(err, &ce):
		return err
	case errors.Is(err, gorm.ErrRecordNotFound):
		return &catalog.Error{Code: catalog.CodeNotFound, Message: what + " not found"}
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return &catalog.Error{Code: catalog.CodeConflict, Message: what + " already exists", Err: err}
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return &catalog.Error{Code: catalog.CodeFailedPrecondition,
			Message: what + " is still in use or refers to something that does not exist", Err: err}
	case isDataException(err):
		return &catalog.Error{Code: catalog.CodeInvalidArgument, Message: "a value is out of range or is not valid text", Err: err}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return &catalog.Error{Code: catalog.CodeUnavailable, Message: "request cancelled or timed out", Err: err}
	}
	return &catalog.Error{Code: catalog.CodeInternal, Message: "database error", Err: err}
}
