package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/catalog/demo"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// syncBuffer is a bytes.Buffer safe for the command's goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func noEnv(string) string { return "" }

// startCommand runs `ocophub args…` until the test ends, then stops it as
// Ctrl-C does and requires a clean exit.
func startCommand(t *testing.T, args ...string) (stdout, stderr *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr = &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, noEnv, stdout, stderr) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(15 * time.Second):
			t.Fatalf("%s did not stop", args[0])
		}
	})
	return stdout, stderr
}

// awaitLine waits for the command to print a line matching re and
// returns its submatches.
func awaitLine(t *testing.T, stdout, stderr *syncBuffer, re *regexp.Regexp) []string {
	t.Helper()
	var m []string
	require.Eventually(t, func() bool {
		m = re.FindStringSubmatch(stdout.String())
		return m != nil
	}, 60*time.Second, 50*time.Millisecond, "never printed %s; stderr:\n%s", re, stderr.String())
	return m
}

// demoPassword is the password `dev` printed for a demo account.
func demoPassword(t *testing.T, stdout, username string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^\s+\S+\s+` + regexp.QuoteMeta(username) + `\s+(\S+)`).FindStringSubmatch(stdout)
	require.NotNil(t, m, "no demo login for %s in:\n%s", username, stdout)
	return m[1]
}

// browser is a signed-in client of a running hub: its session cookie in
// a jar, redirects shown rather than followed.
type browser struct {
	*http.Client
	base, csrf string
}

// signIn signs in over the API like the web UI does.
func signIn(t *testing.T, base, password, username string) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	b := &browser{Client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, base: base}
	body, _ := json.Marshal(map[string]string{"username": username, "password": password})
	r, err := b.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	require.NoError(t, err)
	defer r.Body.Close()
	require.Equal(t, http.StatusOK, r.StatusCode)
	var out struct {
		CSRFToken string `json:"csrf_token"`
	}
	require.NoError(t, json.NewDecoder(r.Body).Decode(&out))
	b.csrf = out.CSRFToken
	return b
}

func (b *browser) getJSON(t *testing.T, path string, v any) {
	t.Helper()
	r, err := b.Get(b.base + path)
	require.NoError(t, err)
	defer r.Body.Close()
	require.Equal(t, http.StatusOK, r.StatusCode, path)
	require.NoError(t, json.NewDecoder(r.Body).Decode(v))
}

// TestDevServesDemoCatalog boots `ocophub dev` like `make run` does (on a
// free port and a temporary data folder), asks for the demo teas the way
// the README does, and stops it with a cancelled context (Ctrl-C).
func TestDevServesDemoCatalog(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"dev", "-http-addr", "127.0.0.1:0", "-data-dir", t.TempDir(),
			"-sandbox-shopee-addr", "127.0.0.1:0", "-sandbox-lazada-addr", "127.0.0.1:0", "-sandbox-zalo-addr", "127.0.0.1:0"}, noEnv, &stdout, &stderr)
	}()
	urlRE := regexp.MustCompile(`Products API\s+(http://\S+)/api/v1/products`)
	tokenRE := regexp.MustCompile(`API token\s+curl -H 'Authorization: Bearer (ocp_\S+)' '(http://\S+)/api/v1/products\?q=tra'`)
	var base string
	var m []string
	// The banner comes out line by line: wait for its token line, below
	// the URLs.
	require.Eventually(t, func() bool {
		out := stdout.String()
		if u := urlRE.FindStringSubmatch(out); u != nil {
			base = u[1]
		}
		m = tokenRE.FindStringSubmatch(out)
		return base != "" && m != nil
	}, 60*time.Second, 50*time.Millisecond, "dev never printed its URLs and a ready curl with a token; stderr:\n%s", stderr.String())

	// The printed curl works: the demo operator token sees every alliance.
	require.Equal(t, base, m[2])
	anonymous, err := http.Get(base + "/api/v1/products?q=tra")
	require.NoError(t, err)
	anonymous.Body.Close()
	require.Equal(t, http.StatusUnauthorized, anonymous.StatusCode, "nobody gets in without signing in")
	req, err := http.NewRequest(http.MethodGet, base+"/api/v1/products?q=tra", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+m[1])
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var page struct {
		Items []struct {
			Name struct{ VI string } `json:"name"`
		} `json:"items"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&page))
	var names []string
	for _, p := range page.Items {
		names = append(names, p.Name.VI)
	}
	require.ElementsMatch(t, []string{"Trà an toàn Phú Đô", "Trà hoa cúc chi hữu cơ Riti", "Trà xanh Tâm An Nguyên"}, names)

	// One demo account per role, printed with its password; a co-op
	// manager sees its own co-op's products only.
	for _, role := range []string{"operator", "alliance_admin", "alliance_staff", "coop_manager", "coop_seller"} {
		require.Regexp(t, `(?m)^\s+`+role+`\s+\S+\s+\S{26}\s`, stdout.String())
	}
	manager := signIn(t, base, demoPassword(t, stdout.String(), "manager.haodat"), "manager.haodat")
	var mine struct {
		Items []struct {
			Code string `json:"code"`
		} `json:"items"`
	}
	manager.getJSON(t, "/api/v1/products", &mine)
	require.NotEmpty(t, mine.Items)
	for _, p := range mine.Items {
		require.Equal(t, "CHE-HAODAT", p.Code, "manager.haodat sees Hảo Đạt's products only")
	}

	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/api/v1/openapi.json", "/.well-known/gs1resolver"} {
		r, err := http.Get(base + path)
		require.NoError(t, err)
		r.Body.Close()
		require.Equal(t, http.StatusOK, r.StatusCode, path)
	}
	// The GS1 Digital Link resolver is at the root: a demo tea's GTIN
	// opens its public page.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r, err := noFollow.Get(base + "/01/08936000001018")
	require.NoError(t, err)
	r.Body.Close()
	require.Equal(t, http.StatusTemporaryRedirect, r.StatusCode)
	require.Equal(t, base+"/p/8936000001018?lang=vi", r.Header.Get("Location"))

	sandboxRE := regexp.MustCompile(`(Shopee|Lazada|Zalo)\s+sandbox (http://\S+)`)
	found := sandboxRE.FindAllStringSubmatch(stdout.String(), -1)
	require.Len(t, found, 3, "dev prints the three sandboxes:\n%s", stdout.String())
	for _, m := range found {
		r, err := http.Get(m[2] + "/_sandbox/state")
		require.NoError(t, err, m[1])
		var st struct {
			Platform string
			Shops    []struct{ Name string }
		}
		require.NoError(t, json.NewDecoder(r.Body).Decode(&st))
		r.Body.Close()
		require.Equal(t, strings.ToLower(m[1]), st.Platform)
		require.Len(t, st.Shops, 2, "the demo shop and Riti's")
	}

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(15 * time.Second):
		t.Fatal("dev did not stop after Ctrl-C")
	}
	require.Contains(t, stderr.String(), "demo catalog imported")
}

// TestSandboxCommand starts `ocophub sandbox` on free ports and reads the
// state of each marketplace.
func TestSandboxCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"sandbox", "-sandbox-shopee-addr", "127.0.0.1:0", "-sandbox-lazada-addr", "127.0.0.1:0",
			"-sandbox-zalo-addr", "127.0.0.1:0"}, noEnv, &stdout, &stderr)
	}()
	re := regexp.MustCompile(`(Shopee|Lazada|Zalo)\s+sandbox (http://\S+)`)
	require.Eventually(t, func() bool { return len(re.FindAllString(stdout.String(), -1)) == 3 }, 10*time.Second, 20*time.Millisecond)
	for _, m := range re.FindAllStringSubmatch(stdout.String(), -1) {
		r, err := http.Get(m[2] + "/_sandbox/shops")
		require.NoError(t, err)
		r.Body.Close()
		require.Equal(t, http.StatusOK, r.StatusCode, m[1])
	}
	cancel()
	require.NoError(t, <-done)
}

// TestImportCommand runs `ocophub migrate` and `ocophub import` on both
// databases: a file with one bad row writes nothing and names the line,
// the good file imports, and importing it again changes nothing.
func TestImportCommand(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			dbURL := "file:" + filepath.Join(t.TempDir(), "hub.db")
			if dialect == "postgres" {
				dbURL = storetest.FreshSchemaURL(t)
			}
			env := func(k string) string {
				if k == "OCOPHUB_DATABASE_URL" {
					return dbURL
				}
				return ""
			}
			ctx := context.Background()
			var out bytes.Buffer
			require.NoError(t, run(ctx, []string{"migrate"}, env, &out, &out))
			require.Regexp(t, `[1-9]\d* migration\(s\) applied, schema at version \d+`, out.String())
			out.Reset()
			require.NoError(t, run(ctx, []string{"migrate"}, env, &out, &out))
			require.Contains(t, out.String(), ": 0 migration(s) applied", "a second run applies nothing")

			dir := t.TempDir()
			good := filepath.Join(dir, "catalog.csv")
			require.NoError(t, os.WriteFile(good, demo.CSV, 0o600))
			lines := strings.Split(string(demo.CSV), "\n")
			lines[4] = strings.Replace(lines[4], "8936000001049", "8936000001040", 1) // wrong check digit on line 5
			bad := filepath.Join(dir, "bad.csv")
			require.NoError(t, os.WriteFile(bad, []byte(strings.Join(lines, "\n")), 0o600))

			out.Reset()
			err := run(ctx, []string{"import", bad}, env, &out, &out)
			require.ErrorIs(t, err, errReported)
			require.Contains(t, out.String(), "bad.csv:5: column gtin13:")
			require.Contains(t, out.String(), "NOT written")

			// The report alone on stdout: a slow-query warning on a busy
			// machine goes to stderr and must not break the JSON.
			out.Reset()
			var logs bytes.Buffer
			require.NoError(t, run(ctx, []string{"import", "-json", good}, env, &out, &logs))
			var rep struct {
				Written  bool
				Products struct{ Created, Updated, Unchanged int }
				Variants struct{ Created, Updated, Unchanged int }
			}
			require.NoError(t, json.Unmarshal(out.Bytes(), &rep))
			require.True(t, rep.Written)
			require.Equal(t, 8, rep.Products.Created, "the bad run must have written nothing")
			require.Equal(t, 15, rep.Variants.Created)

			out.Reset()
			require.NoError(t, run(ctx, []string{"import", "-json", good}, env, &out, &logs))
			require.NoError(t, json.Unmarshal(out.Bytes(), &rep))
			require.Equal(t, 0, rep.Products.Created+rep.Products.Updated)
			require.Equal(t, 8, rep.Products.Unchanged)
			require.Equal(t, 15, rep.Variants.Unchanged)
		})
	}
}

func TestUnknownCommandAndConfigErrors(t *testing.T) {
	var out bytes.Buffer
	require.ErrorContains(t, run(context.Background(), []string{"frobnicate"}, noEnv, &out, &out), "unknown command")
	env := func(k string) string {
		if k == "OCOPHUB_LOG_FORMAT" {
			return "xml"
		}
		return ""
	}
	require.ErrorContains(t, run(context.Background(), []string{"migrate"}, env, &out, &out), "OCOPHUB_LOG_FORMAT")
}

func TestConfigLogValueMasksSecrets(t *testing.T) {
	cfg := Config{DatabaseURL: "postgres://hub:s3cret@db:5432/hub", RedisURL: "redis://:hunter2@redis:6379/0"}
	var buf bytes.Buffer
	newLogger(Config{LogLevel: "info", LogFormat: "json"}, &buf).Info("config", "config", cfg)
	require.NotContains(t, buf.String(), "s3cret")
	require.NotContains(t, buf.String(), "hunter2")
	require.Contains(t, buf.String(), "db:5432")
}

// TestWorkerServesMetrics: `ocophub worker` alone (no API in the process)
// serves its Prometheus metrics on its own address.
func TestWorkerServesMetrics(t *testing.T) {
	dir := t.TempDir()
	stdout, stderr := startCommand(t, "worker", "-worker-metrics-addr", "127.0.0.1:0", "-data-dir", dir,
		"-database-url", "file:"+dir+"/w.db", "-redis-url", testRedisURL, "-secret-keys", store.NewKey("k"),
		"-blob-url", "file://"+filepath.ToSlash(dir)+"/photos?create_dir=true")
	metricsURL := awaitLine(t, stdout, stderr, regexp.MustCompile(`Worker metrics on (http://\S+/metrics)`))[1]
	resp, err := http.Get(metricsURL)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	body, _ := io.ReadAll(resp.Body)
	require.Contains(t, string(body), "go_goroutines")
	require.Contains(t, string(body), "process_cpu_seconds_total")
}
