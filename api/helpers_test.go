package api_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/require"

	"ocophub/api"
	"ocophub/catalog"
	"ocophub/catalog/store/storetest"
)

// redisAddr is the test Redis (TEST_REDIS_ADDR, default the local one):
// engineers running suites side by side give each its own server.
var redisAddr = cmp.Or(os.Getenv("TEST_REDIS_ADDR"), "127.0.0.1:6379")

// testServer is the real router over a real store, served on a loopback
// port and spoken to with net/http. Requests carry an operator API token
// unless they set their own Authorization ("" sends none).
type testServer struct {
	t        *testing.T
	URL      string
	Registry *prometheus.Registry
	Auth     *api.Auth
	token    string
}

func newServer(t *testing.T, st catalog.Store, ready map[string]api.Pinger) *testServer {
	t.Helper()
	return startServer(t, api.Deps{Store: st, Ready: ready})
}

// startServer serves d with a fresh metrics registry, sign-in backed by
// the store (attempts counted in Redis DB 10 under a prefix of this test's
// own) and an operator token for the test's requests.
func startServer(t *testing.T, d api.Deps) *testServer {
	t.Helper()
	acc, ok := d.Store.(catalog.Accounts)
	require.True(t, ok, "the store keeps accounts")
	d.Registry = prometheus.NewRegistry()
	d.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	if d.Auth == nil {
		d.Auth = testAuth(t, acc, api.LoginLimits{})
	}
	router, err := api.New(d)
	require.NoError(t, err)
	srv := httptest.NewServer(router)
	t.Cleanup(srv.Close)
	return &testServer{t: t, URL: srv.URL, Registry: d.Registry, Auth: d.Auth, token: newToken(t, acc, catalog.APIToken{Name: "test operator", Role: catalog.RoleOperator})}
}

// testRedis is Redis DB 10, the API tests' own.
func testRedis(t testing.TB) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: redisAddr, DB: 10})
	t.Cleanup(func() { _ = rdb.Close() })
	require.NoError(t, rdb.Ping(context.Background()).Err(), "Redis at "+redisAddr+" (run `make test`, which starts it)")
	return rdb
}

// testAuth is sign-in over acc whose attempt counters no other test shares.
func testAuth(t testing.TB, acc catalog.Accounts, limits api.LoginLimits) *api.Auth {
	t.Helper()
	limits.Prefix = "ocophub:test:" + strings.ReplaceAll(t.Name(), "/", ":") + ":" + strconv.FormatInt(time.Now().UnixNano(), 36) + ":"
	a, err := api.NewAuth(api.AuthConfig{Accounts: acc, Limiter: api.NewLoginLimiter(testRedis(t), limits),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	return a
}

// newToken creates an API token as the operator and returns its secret.
func newToken(t testing.TB, acc catalog.Accounts, tok catalog.APIToken) string {
	t.Helper()
	secret, err := acc.CreateAPIToken(storetest.Operator(), &tok)
	require.NoError(t, err)
	return secret
}

type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// do sends body with the headers given as name, value pairs.
func (s *testServer) do(method, path string, body io.Reader, header ...string) response {
	s.t.Helper()
	req, err := http.NewRequest(method, s.URL+path, body)
	require.NoError(s.t, err)
	require.Zero(s.t, len(header)%2, "headers come in name, value pairs")
	req.Header.Set("Authorization", "Bearer "+s.token)
	for i := 0; i < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if req.Header.Get("Authorization") == "" {
		req.Header.Del("Authorization")
	}
	res, err := noRedirects.Do(req) // a redirect is an answer to check, not to follow
	require.NoError(s.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(s.t, err)
	return response{Status: res.StatusCode, Header: res.Header, Body: b}
}

func (s *testServer) get(path string, header ...string) response {
	s.t.Helper()
	return s.do(http.MethodGet, path, nil, header...)
}

// send marshals v as the JSON body (a string or []byte is sent as is).
func (s *testServer) send(method, path string, v any, header ...string) response {
	s.t.Helper()
	var b []byte
	switch x := v.(type) {
	case string:
		b = []byte(x)
	case []byte:
		b = x
	default:
		var err error
		b, err = json.Marshal(v)
		require.NoError(s.t, err)
	}
	return s.do(method, path, bytes.NewReader(b), append([]string{"Content-Type", "application/json"}, header...)...)
}

// decode requires status and decodes the body into a T.
func decode[T any](t *testing.T, r response, status int) T {
	t.Helper()
	require.Equal(t, status, r.Status, "body: %s", r.Body)
	var v T
	require.NoError(t, json.Unmarshal(r.Body, &v), "body: %s", r.Body)
	return v
}

type errorEnvelope struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

// requireError checks the status, the error envelope (against the OpenAPI
// schema too) and the code, and returns the fields.
func requireError(t *testing.T, r response, status int, code catalog.Code) map[string]string {
	t.Helper()
	require.Equal(t, status, r.Status, "body: %s", r.Body)
	require.Equal(t, "application/json; charset=utf-8", r.Header.Get("Content-Type"))
	requireSchema(t, "Error", r.Body)
	e := decode[errorEnvelope](t, r, status)
	require.Equal(t, string(code), e.Error.Code, "body: %s", r.Body)
	require.NotEmpty(t, e.Error.Message)
	return e.Error.Fields
}

type list[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// requireListShape checks the body is exactly {"items":[...],"next_cursor":"..."}.
func requireListShape(t *testing.T, body []byte) {
	t.Helper()
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(body, &raw))
	require.Len(t, raw, 2, "body: %s", body)
	require.Contains(t, raw, "next_cursor")
	require.Contains(t, raw, "items")
	require.True(t, bytes.HasPrefix(raw["items"], []byte("[")), "items must be an array, never null: %s", body)
}

func loadOpenAPI(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("openapi.json")
	require.NoError(t, err)
	return b
}

var (
	schemasOnce sync.Once
	schemas     map[string]*jsonschema.Schema
	schemasErr  error
)

// requireSchema validates body against #/components/schemas/name of
// openapi.json, made strict for the test: an object may not carry a
// property the document does not list, so a renamed JSON tag fails here.
// OpenAPI 3.0's nullable becomes a JSON Schema type list.
func requireSchema(t *testing.T, name string, body []byte) {
	t.Helper()
	schemasOnce.Do(func() { schemas, schemasErr = compileSchemas(loadOpenAPI(t)) })
	require.NoError(t, schemasErr)
	sch, ok := schemas[name]
	require.True(t, ok, "no schema %s in openapi.json", name)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	require.NoError(t, err)
	require.NoError(t, sch.Validate(inst), "response does not match #/components/schemas/%s: %s", name, body)
}

func compileSchemas(doc []byte) (map[string]*jsonschema.Schema, error) {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return nil, err
	}
	strict(v)
	const url = "mem:///openapi.json"
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(url, v); err != nil {
		return nil, err
	}
	out := map[string]*jsonschema.Schema{}
	for name := range v.(map[string]any)["components"].(map[string]any)["schemas"].(map[string]any) {
		sch, err := c.Compile(url + "#/components/schemas/" + name)
		if err != nil {
			return nil, err
		}
		out[name] = sch
	}
	return out, nil
}

func strict(v any) {
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			strict(e)
		}
		if _, ok := x["properties"].(map[string]any); ok {
			if _, set := x["additionalProperties"]; !set {
				x["additionalProperties"] = false
			}
		}
		if x["nullable"] == true {
			x["type"] = []any{x["type"], "null"}
			delete(x, "nullable")
		}
	case []any:
		for _, e := range x {
			strict(e)
		}
	}
}

// itoa formats an id for a URL.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }
