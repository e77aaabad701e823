package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"ocophub/api"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// redisPing pings Redis at addr on DB 11, the tests' database; it creates
// no keys.
func redisPing(t *testing.T, addr string) api.Pinger {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: addr, DB: 11, MaxRetries: -1,
		DialTimeout: 300 * time.Millisecond, ReadTimeout: 300 * time.Millisecond})
	t.Cleanup(func() { _ = rdb.Close() })
	return func(ctx context.Context) error { return rdb.Ping(ctx).Err() }
}

type readiness struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks"`
}

func TestHealthReadinessMetrics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		srv := newServer(t, s, map[string]api.Pinger{"database": s.Ping, "redis": redisPing(t, redisAddr)})

		r := srv.get("/healthz")
		requireSchema(t, "Health", r.Body)
		require.JSONEq(t, `{"status":"ok"}`, string(r.Body))
		require.Len(t, r.Header.Get("X-Request-Id"), 16)
		require.Equal(t, "my-trace-1", srv.get("/healthz", "X-Request-Id", "my-trace-1").Header.Get("X-Request-Id"))

		r = srv.get("/readyz")
		requireSchema(t, "Readiness", r.Body)
		require.Equal(t, readiness{Status: "OK", Checks: map[string]string{"database": "ok", "redis": "ok"}},
			decode[readiness](t, r, http.StatusOK))

		// a Redis that does not answer
		down := newServer(t, s, map[string]api.Pinger{"database": s.Ping, "redis": redisPing(t, "127.0.0.1:1")})
		r = down.get("/readyz")
		requireSchema(t, "Readiness", r.Body)
		require.Equal(t, readiness{Status: "Service Unavailable", Checks: map[string]string{"database": "ok", "redis": "unavailable"}},
			decode[readiness](t, r, http.StatusServiceUnavailable))

		// a database that is gone
		closed := storetest.Open(t, store.SQLite)
		require.NoError(t, closed.Close())
		gone := newServer(t, s, map[string]api.Pinger{"database": closed.Ping})
		require.Equal(t, readiness{Status: "Service Unavailable", Checks: map[string]string{"database": "unavailable"}},
			decode[readiness](t, gone.get("/readyz"), http.StatusServiceUnavailable))

		// metrics are labelled by route template
		require.Equal(t, http.StatusNotFound, srv.get("/api/v1/products/424242").Status)
		require.Equal(t, http.StatusNotFound, srv.get("/api/v1/products/434343").Status)
		require.Equal(t, http.StatusOK, srv.get("/api/v1/products").Status)
		require.Equal(t, http.StatusNotFound, srv.get("/no/such/page").Status)
		r = srv.get("/metrics")
		require.Equal(t, http.StatusOK, r.Status)
		require.True(t, strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain"), r.Header.Get("Content-Type"))
		body := string(r.Body)
		require.Contains(t, body, `ocophub_http_requests_total{method="GET",route="/api/v1/products/:id",status="404"} 2`)
		require.Contains(t, body, `ocophub_http_requests_total{method="GET",route="/api/v1/products",status="200"} 1`)
		require.Contains(t, body, `ocophub_http_requests_total{method="GET",route="unmatched",status="404"} 1`)
		require.Contains(t, body, `ocophub_http_request_duration_seconds_bucket{method="GET",route="/api/v1/products/:id",le="`)
		require.NotContains(t, body, "424242", "raw paths never become labels")
	})
}

// TestReadinessWithoutChecks: no dependencies configured means ready.
func TestReadinessWithoutChecks(t *testing.T) {
	srv := newServer(t, storetest.Open(t, store.SQLite), nil)
	r := srv.get("/readyz")
	var got readiness
	require.NoError(t, json.Unmarshal(r.Body, &got))
	require.Equal(t, http.StatusOK, r.Status)
	require.Equal(t, "OK", got.Status)
	require.Empty(t, got.Checks)
}
