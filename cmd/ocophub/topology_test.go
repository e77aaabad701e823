package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"ocophub/catalog/demo"
	"ocophub/catalog/photo"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
	lazadasb "ocophub/connectors/sandbox/lazada"
	shopeesb "ocophub/connectors/sandbox/shopee"
	zalosb "ocophub/connectors/sandbox/zalo"
)

// redisAddr is the test Redis (TEST_REDIS_ADDR, default the local one):
// engineers running suites side by side give each its own server.
var redisAddr = cmp.Or(os.Getenv("TEST_REDIS_ADDR"), "127.0.0.1:6379")

// testRedisURL is Redis DB 4, this package's own: the topology test
// flushes it.
var testRedisURL = "redis://" + redisAddr + "/4"

// process is the real binary running as its own process.
type process struct {
	name           string
	cmd            *exec.Cmd
	stdout, stderr *syncBuffer
	done           chan error
}

// startProcess runs bin with args and env (OCOPHUB_* of the test's own
// environment left out); the test's end stops it if stop did not.
func startProcess(t *testing.T, name, bin string, env map[string]string, args ...string) *process {
	t.Helper()
	p := &process{name: name, cmd: exec.Command(bin, args...), stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan error, 1)}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OCOPHUB_") {
			p.cmd.Env = append(p.cmd.Env, kv)
		}
	}
	for k, v := range env {
		p.cmd.Env = append(p.cmd.Env, k+"="+v)
	}
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	require.NoError(t, p.cmd.Start())
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// await waits for a line of stdout matching re and returns its submatches.
func (p *process) await(t *testing.T, re *regexp.Regexp) []string {
	t.Helper()
	return awaitLine(t, p.stdout, p.stderr, re)
}

// stop sends SIGTERM, as an orchestrator does, and requires exit code 0.
func (p *process) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-p.done:
		require.NoError(t, err, "%s did not exit cleanly; stderr:\n%s", p.name, p.stderr.String())
		require.Equal(t, 0, p.cmd.ProcessState.ExitCode())
	case <-time.After(20 * time.Second):
		t.Fatalf("%s did not stop within 20 s of SIGTERM", p.name)
	}
}

// buildBinary builds ocophub into a temporary folder.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ocophub")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	return bin
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

// TestProductionTopology is the scale-out story in miniature, with the
// real binary: `migrate`, two `serve` and two `worker` replicas on one
// PostgreSQL schema and one Redis DB, and `sandbox` pushing webhooks to
// the first serve. A co-op's three shops are connected through the
// second serve, its tea published, a buyer orders on Lazada, and Shopee
// and Zalo follow. Every process stops on SIGTERM with exit code 0.
func TestProductionTopology(t *testing.T) {
	start := time.Now()
	bin := buildBinary(t)
	t.Logf("built ocophub in %s", time.Since(start).Round(time.Millisecond))

	rdb := redis.NewClient(&redis.Options{Addr: redisAddr, DB: 4})
	t.Cleanup(func() { _ = rdb.Close() })
	require.NoError(t, rdb.FlushDB(context.Background()).Err(), "Redis DB 4 at "+redisAddr)
	env := map[string]string{
		"OCOPHUB_DATABASE_URL": storetest.FreshSchemaURL(t),
		"OCOPHUB_REDIS_URL":    testRedisURL,
		"OCOPHUB_SECRET_KEYS":  store.NewKey("k1"),
		"OCOPHUB_LOG_LEVEL":    "warn",
		// One folder for every replica, as a shared volume or S3 would be.
		"OCOPHUB_BLOB_URL": "file://" + filepath.ToSlash(t.TempDir()) + "?create_dir=true&no_tmp_dir=true",
	}

	// Production refuses the sandbox's credentials: exit 1, one line.
	refused := startProcess(t, "serve (sandbox credentials)", bin, merge(env, map[string]string{
		"OCOPHUB_SHOPEE_APP_KEY": shopeesb.DefaultApp.Key, "OCOPHUB_SHOPEE_APP_SECRET": shopeesb.DefaultApp.Secret}), "serve")
	<-refused.done
	require.Equal(t, 1, refused.cmd.ProcessState.ExitCode())
	require.Equal(t, "ocophub: OCOPHUB_SHOPEE_APP_KEY is the sandbox's published credential: set your own app's, or OCOPHUB_ALLOW_SANDBOX=1 for a staging stack against `ocophub sandbox`\n",
		refused.stderr.String())

	migrate := startProcess(t, "migrate", bin, env, "migrate")
	require.NoError(t, <-migrate.done, migrate.stderr.String())
	require.Regexp(t, `[1-9]\d* migration\(s\) applied`, migrate.stdout.String())
	demoCSV := filepath.Join(t.TempDir(), "demo.csv")
	require.NoError(t, os.WriteFile(demoCSV, demo.CSV, 0o600))
	imp := startProcess(t, "import", bin, env, "import", demoCSV)
	require.NoError(t, <-imp.done, imp.stderr.String())
	const password = "topology-operator-password"
	user := exec.Command(bin, "create-user", "-username", "ops", "-role", "operator", "-password-stdin")
	user.Env = append(os.Environ(), "OCOPHUB_DATABASE_URL="+env["OCOPHUB_DATABASE_URL"])
	user.Stdin = strings.NewReader(password + "\n")
	out, err := user.CombinedOutput()
	require.NoError(t, err, "%s", out)

	// The staging stack: the sandbox's apps, allowed explicitly.
	serveA := freeAddr(t)
	sb := startProcess(t, "sandbox", bin, map[string]string{"OCOPHUB_SANDBOX_SHOPEE_ADDR": "127.0.0.1:0",
		"OCOPHUB_SANDBOX_LAZADA_ADDR": "127.0.0.1:0", "OCOPHUB_SANDBOX_ZALO_ADDR": "127.0.0.1:0",
		"OCOPHUB_SANDBOX_PUSH_URL": "http://" + serveA}, "sandbox")
	sandboxes := map[string][]string{}
	for _, platform := range []string{"Shopee", "Lazada", "Zalo"} {
		m := sb.await(t, regexp.MustCompile(platform+`\s+sandbox (http://\S+) .*demo shop (\d+);`))
		sandboxes[strings.ToLower(platform)] = m[1:]
	}
	env = merge(env, map[string]string{
		"OCOPHUB_ALLOW_SANDBOX": "1",
		"OCOPHUB_SHOPEE_URL":    sandboxes["shopee"][0], "OCOPHUB_SHOPEE_APP_KEY": shopeesb.DefaultApp.Key, "OCOPHUB_SHOPEE_APP_SECRET": shopeesb.DefaultApp.Secret,
		"OCOPHUB_LAZADA_URL": sandboxes["lazada"][0], "OCOPHUB_LAZADA_APP_KEY": lazadasb.DefaultApp.Key, "OCOPHUB_LAZADA_APP_SECRET": lazadasb.DefaultApp.Secret,
		"OCOPHUB_ZALO_URL": sandboxes["zalo"][0], "OCOPHUB_ZALO_APP_KEY": zalosb.DefaultApp.Key, "OCOPHUB_ZALO_APP_SECRET": zalosb.DefaultApp.Secret,
		"OCOPHUB_ZALO_OA_SECRET_KEY": zalosb.DefaultOASecretKey,
	})
	listening := regexp.MustCompile(`listening on (http://\S+)/api/v1`)
	serves := []*process{
		startProcess(t, "serve A", bin, env, "serve", "-http-addr", serveA),
		startProcess(t, "serve B", bin, env, "serve", "-http-addr", "127.0.0.1:0"),
	}
	workers := []*process{
		startProcess(t, "worker 1", bin, env, "worker", "-worker-metrics-addr", "127.0.0.1:0"),
		startProcess(t, "worker 2", bin, env, "worker", "-worker-metrics-addr", "127.0.0.1:0"),
	}
	var bases []string
	for _, s := range serves {
		bases = append(bases, s.await(t, listening)[1])
	}
	for _, w := range workers {
		w.await(t, regexp.MustCompile(`OCOP Hub worker running`))
	}
	for _, base := range bases {
		r, err := http.Get(base + "/readyz")
		require.NoError(t, err)
		r.Body.Close()
		require.Equal(t, http.StatusOK, r.StatusCode, base)
	}
	t.Logf("migrate, import, sandbox, 2 serve and 2 worker processes up at %s", time.Since(start).Round(time.Millisecond))

	// Connect the co-op's three shops and list its tea, through serve B.
	b := signIn(t, bases[1], password, "ops")
	var products struct {
		Items []struct {
			ID     int64  `json:"id"`
			CoopID int64  `json:"coop_id"`
			Code   string `json:"code"`
		} `json:"items"`
	}
	b.getJSON(t, "/api/v1/products?limit=100", &products)
	var productID, coopID int64
	for _, p := range products.Items {
		if p.Code == "CHE-HAODAT" {
			productID, coopID = p.ID, p.CoopID
		}
	}
	require.NotZero(t, productID, "the demo catalog has CHE-HAODAT")
	// Its photo goes up through serve A; a worker reads it to publish.
	uploadPhoto(t, signIn(t, bases[0], password, "ops"), productID, photo.Sample(900, 700, "jpeg"))
	for _, platform := range []string{"shopee", "lazada", "zalo"} {
		shop := connectShop(t, b, platform, sandboxes[platform][0], sandboxes[platform][1], coopID)
		require.True(t, shop.Connected, platform)
		body, _ := json.Marshal(map[string]int64{"product_id": productID})
		req, err := http.NewRequest(http.MethodPost, b.base+"/api/v1/shops/"+strconv.FormatInt(shop.ID, 10)+"/listings", bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", b.csrf)
		r, err := b.Do(req)
		require.NoError(t, err)
		r.Body.Close()
		require.Less(t, r.StatusCode, 300, platform)
	}
	const sku = "CHE-HAODAT-100G"
	stockOf := func(platform string) int64 { return sandboxStock(t, sandboxes[platform][0], sku) }
	const published = 120 // the demo catalog's stock of CHE-HAODAT-100G
	require.Eventually(t, func() bool {
		return stockOf("shopee") == published && stockOf("lazada") == published && stockOf("zalo") == published
	}, 30*time.Second, 100*time.Millisecond, "published on every shop: shopee %d, lazada %d, zalo %d; worker stderr:\n%s",
		stockOf("shopee"), stockOf("lazada"), stockOf("zalo"), workers[0].stderr.String()+workers[1].stderr.String())
	for _, platform := range []string{"shopee", "lazada", "zalo"} {
		_, sizes := sandboxItem(t, sandboxes[platform][0], sku)
		require.Equal(t, [][2]int{{photo.SquareSide, photo.SquareSide}}, sizes, platform)
	}
	t.Logf("3 shops connected and CHE-HAODAT published with %d units on each at %s", published, time.Since(start).Round(time.Millisecond))

	// A buyer takes 2 on Lazada: the push reaches serve A, a worker brings
	// the order in, and the other shops follow.
	sold := time.Now()
	order, _ := json.Marshal(map[string]any{"lines": []map[string]any{{"seller_sku": sku, "quantity": 2}}})
	r, err := http.Post(sandboxes["lazada"][0]+"/_sandbox/shops/"+sandboxes["lazada"][1]+"/orders", "application/json", bytes.NewReader(order))
	require.NoError(t, err)
	r.Body.Close()
	require.Equal(t, http.StatusOK, r.StatusCode)
	require.Eventually(t, func() bool {
		return stockOf("shopee") == published-2 && stockOf("zalo") == published-2
	}, 20*time.Second, 50*time.Millisecond, "the sale reaches the other shops: shopee %d, zalo %d", stockOf("shopee"), stockOf("zalo"))
	t.Logf("2 sold on Lazada: Shopee and Zalo at %d after %s", published-2, time.Since(sold).Round(time.Millisecond))
	r, err = http.Get(bases[0] + "/metrics")
	require.NoError(t, err)
	metrics, _ := io.ReadAll(r.Body)
	r.Body.Close()
	require.Regexp(t, `ocophub_webhooks_total\{platform="lazada",result="accepted"\} [1-9]`, string(metrics), "Lazada's push reached serve A")
	var orders struct {
		Items []struct {
			Platform string `json:"platform"`
		} `json:"items"`
	}
	b.getJSON(t, "/api/v1/orders", &orders)
	require.Len(t, orders.Items, 1, "the order is in the hub")

	stopped := time.Now()
	for _, p := range append(append(serves, workers...), sb) {
		p.stop(t)
	}
	t.Logf("SIGTERM: 2 serve, 2 worker and the sandbox exited 0 in %s; total %s", time.Since(stopped).Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
}

func merge(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
