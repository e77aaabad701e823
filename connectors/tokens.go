package connectors

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/bsm/redislock"

	"ocophub/connectors/driver"
)

// TokenStore persists a shop's token pair. SaveToken writes both tokens in
// one step (one row, one value): a refresh token is single-use, so losing
// the new one after spending the old would lock the shop out.
type TokenStore interface {
	LoadToken(ctx context.Context, key string) (driver.Token, error)
	SaveToken(ctx context.Context, key string, t driver.Token) error
}

// SharedTokens is a shop's Tokens for a fleet of processes: the token lives
// in a TokenStore, and a refresh holds a Redis lock per shop so two workers
// that see the same expired token spend the refresh token once.
type SharedTokens struct {
	// Key names the shop: "shopee:123456".
	Key    string
	Store  TokenStore
	Locker *redislock.Client
	// Refresher spends a refresh token: the driver's RefreshToken.
	Refresher func(ctx context.Context, t driver.Token) (driver.Token, error)
	// LockTTL bounds how long a crashed refresher blocks others (default 30 s).
	LockTTL time.Duration
	// CacheFor is how long a loaded pair is used without reading the store
	// again (default 2 s; negative: every call reads). A pair refreshed by
	// another process meanwhile is found by the first Unauthenticated
	// answer: Refresh returns the stored newer pair without spending the
	// refresh token.
	CacheFor time.Duration

	mu       sync.Mutex
	cached   driver.Token
	cachedAt time.Time
}

var _ Tokens = (*SharedTokens)(nil)

// Token returns the current pair: from the store, or the pair loaded less
// than CacheFor ago (every platform call asks; a store read each time costs
// a query and a decryption).
func (s *SharedTokens) Token(ctx context.Context) (driver.Token, error) {
	cacheFor := s.CacheFor
	if cacheFor == 0 {
		cacheFor = 2 * time.Second
	}
	now := time.Now()
	s.mu.Lock()
	t, at := s.cached, s.cachedAt
	s.mu.Unlock()
	if t.AccessToken != "" && now.Sub(at) < cacheFor && (t.AccessExpiresAt.IsZero() || now.Before(t.AccessExpiresAt)) {
		return t, nil
	}
	t, err := s.Store.LoadToken(ctx, s.Key)
	if err == nil {
		s.remember(t)
	}
	return t, err
}

func (s *SharedTokens) remember(t driver.Token) {
	s.mu.Lock()
	s.cached, s.cachedAt = t, time.Now()
	s.mu.Unlock()
}

// Refresh replaces stale under the shop's lock. If the stored token is no
// longer stale, another process refreshed while this one waited: its pair
// is returned and no refresh token is spent.
func (s *SharedTokens) Refresh(ctx context.Context, stale driver.Token) (driver.Token, error) {
	ttl := s.LockTTL
	if ttl <= 0 {
		ttl = 30 * time.Second
	}
	lock, err := s.Locker.Obtain(ctx, "ocophub:lock:token:"+s.Key, ttl, &redislock.Options{
		RetryStrategy: redislock.LimitRetry(redislock.LinearBackoff(25*time.Millisecond), int(ttl/(25*time.Millisecond))),
	})
	if err != nil {
		return driver.Token{}, &driver.Error{Code: driver.CodeUnavailable, Message: "token refresh lock: " + err.Error()}
	}
	defer func() { _ = lock.Release(context.WithoutCancel(ctx)) }()
	current, err := s.Store.LoadToken(ctx, s.Key)
	if err != nil {
		return driver.Token{}, err
	}
	if current.AccessToken != stale.AccessToken {
		s.remember(current)
		return current, nil
	}
	// Once the platform rotates the pair the old refresh token is spent:
	// finish and persist even if the caller gives up, within the lock.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ttl*2/3)
	defer cancel()
	next, err := s.Refresher(ctx, current)
	if err != nil {
		return driver.Token{}, fmt.Errorf("refresh token of %s: %w", s.Key, err)
	}
	if err := s.Store.SaveToken(ctx, s.Key, next); err != nil {
		return driver.Token{}, fmt.Errorf("save refreshed token of %s: %w", s.Key, err)
	}
	s.remember(next)
	return next, nil
}

// MemoryTokens is a TokenStore in memory, for one process (tests, dev).
type MemoryTokens struct {
	mu     sync.Mutex
	tokens map[string]driver.Token
}

// ErrNoToken is returned for a shop with no stored token.
var ErrNoToken = errors.New("no token stored for this shop")

// LoadToken returns the stored pair.
func (m *MemoryTokens) LoadToken(_ context.Context, key string) (driver.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tokens[key]
	if !ok {
		return driver.Token{}, &driver.Error{Code: driver.CodeUnauthenticated, Message: "shop is not connected", Err: ErrNoToken}
	}
	return t, nil
}

// SaveToken stores the pair.
func (m *MemoryTokens) SaveToken(_ context.Context, key string, t driver.Token) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tokens == nil {
		m.tokens = map[string]driver.Token{}
	}
	m.tokens[key] = t
	return nil
}
