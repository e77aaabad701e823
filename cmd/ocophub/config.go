package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"ocophub/catalog"
	"ocophub/catalog/store"
	lazadasb "ocophub/connectors/sandbox/lazada"
	shopeesb "ocophub/connectors/sandbox/shopee"
	zalosb "ocophub/connectors/sandbox/zalo"
	"ocophub/worker/ops"
)

// Config is the effective configuration. Every field has an environment
// variable and a flag; a flag wins over the variable, the variable over the
// default. The defaults are the embedded set-up.
type Config struct {
	// HTTPAddr is where the API listens (OCOPHUB_HTTP_ADDR); default
	// 127.0.0.1:8080, local only, because the API has no login yet.
	HTTPAddr string
	// DatabaseURL is postgres://… or file:… (OCOPHUB_DATABASE_URL);
	// default file:var/ocophub.db.
	DatabaseURL string
	// RedisURL is redis://… (OCOPHUB_REDIS_URL); empty runs an in-process
	// Redis, which forgets everything at exit.
	RedisURL string
	// DataDir holds the embedded database and keys (OCOPHUB_DATA_DIR);
	// default ./var.
	DataDir string
	// BlobURL is where product photos are stored (OCOPHUB_BLOB_URL), a
	// gocloud.dev/blob URL: s3://bucket?region=…&endpoint=…&use_path_style=true
	// for any S3-compatible store (credentials from AWS_ACCESS_KEY_ID and
	// AWS_SECRET_ACCESS_KEY), or file:///folder?create_dir=true. Default
	// <data-dir>/photos; `serve` and `worker` require it (every replica
	// must see the same photos).
	BlobURL string
	// WorkerMetricsAddr is where `ocophub worker` serves /metrics
	// (OCOPHUB_WORKER_METRICS_ADDR); default 127.0.0.1:9090, empty turns it
	// off. Under `dev` and `serve` the API's /metrics has them.
	WorkerMetricsAddr string
	// LogLevel is debug, info, warn or error (OCOPHUB_LOG_LEVEL); default info.
	LogLevel string
	// LogFormat is text or json (OCOPHUB_LOG_FORMAT); default text.
	LogFormat string
	// TrustedProxies is a comma-separated list of proxy addresses or CIDRs
	// whose X-Forwarded-For is believed (OCOPHUB_TRUSTED_PROXIES); default none.
	TrustedProxies string
	// Sandbox*Addr are where `sandbox` and `dev` serve the marketplace
	// sandboxes (OCOPHUB_SANDBOX_SHOPEE_ADDR …); defaults 127.0.0.1:9101–9103.
	SandboxShopeeAddr, SandboxLazadaAddr, SandboxZaloAddr string
	// SecretKeys seal channel tokens at rest: "id:base64(32 bytes)[,…]",
	// the first seals (OCOPHUB_SECRET_KEYS). `dev` keeps one in
	// <data-dir>/secret.keys; `serve` and `worker` require it.
	SecretKeys string
	// PublicURL is the hub as browsers and platforms reach it
	// (OCOPHUB_PUBLIC_URL, "https://hub.example.vn"): the base of OAuth
	// redirect URIs and of the webhook URL a platform signs. Empty: each
	// request's own scheme and host, as a trusted proxy forwarded them.
	PublicURL string
	// AllowSandbox = "1" lets `serve` and `worker` run with the sandbox's
	// published credentials (OCOPHUB_ALLOW_SANDBOX): a staging stack
	// against `ocophub sandbox`, never a production one.
	AllowSandbox string
	// SandboxPushURL is the hub the sandboxes push webhooks to, at
	// <url>/webhooks/<platform> (OCOPHUB_SANDBOX_PUSH_URL); empty: none.
	SandboxPushURL string
	// Marketplace endpoints and app credentials (OCOPHUB_SHOPEE_URL,
	// OCOPHUB_SHOPEE_APP_KEY, OCOPHUB_SHOPEE_APP_SECRET, … LAZADA, ZALO, and
	// OCOPHUB_ZALO_OA_SECRET_KEY, which verifies Zalo's webhooks). Under
	// `dev` and `sandbox` they default to the local sandboxes and their
	// published test apps; elsewhere an empty URL is the live platform and
	// a platform with no credentials is not connected.
	ShopeeURL, ShopeeAppKey, ShopeeAppSecret string
	LazadaURL, LazadaAppKey, LazadaAppSecret string
	ZaloURL, ZaloAppKey, ZaloAppSecret       string
	ZaloOASecretKey                          string
}

type setting struct {
	flag, env, def, usage string
	field                 func(*Config) *string
	// sandboxDef, when set, is the default under `dev` and `sandbox`
	// instead of def: the sandboxes' addresses and published credentials
	// are nobody's production settings.
	sandboxDef string
}

var settings = []setting{
	{"http-addr", "OCOPHUB_HTTP_ADDR", "127.0.0.1:8080", "address the HTTP API listens on", func(c *Config) *string { return &c.HTTPAddr }, ""},
	{"worker-metrics-addr", "OCOPHUB_WORKER_METRICS_ADDR", "127.0.0.1:9090", "address `worker` serves /metrics on (empty: none)", func(c *Config) *string { return &c.WorkerMetricsAddr }, ""},
	{"database-url", "OCOPHUB_DATABASE_URL", "", "postgres://… or file:… (required by serve and worker; elsewhere default file:<data-dir>/ocophub.db)", func(c *Config) *string { return &c.DatabaseURL }, ""},
	{"redis-url", "OCOPHUB_REDIS_URL", "", "redis://… (required by serve and worker; dev: in-process Redis)", func(c *Config) *string { return &c.RedisURL }, ""},
	{"data-dir", "OCOPHUB_DATA_DIR", "var", "folder of the embedded database", func(c *Config) *string { return &c.DataDir }, ""},
	{"blob-url", "OCOPHUB_BLOB_URL", "", "product photo storage: s3://bucket?region=…[&endpoint=…&use_path_style=true] or file:///folder?create_dir=true (required by serve and worker; elsewhere default <data-dir>/photos)", func(c *Config) *string { return &c.BlobURL }, ""},
	{"log-level", "OCOPHUB_LOG_LEVEL", "info", "debug, info, warn or error", func(c *Config) *string { return &c.LogLevel }, ""},
	{"log-format", "OCOPHUB_LOG_FORMAT", "text", "text or json", func(c *Config) *string { return &c.LogFormat }, ""},
	{"trusted-proxies", "OCOPHUB_TRUSTED_PROXIES", "", "comma-separated proxy IPs/CIDRs whose X-Forwarded-For, -Proto and -Host are believed", func(c *Config) *string { return &c.TrustedProxies }, ""},
	{"public-url", "OCOPHUB_PUBLIC_URL", "", "the hub as browsers and platforms reach it (https://hub.example.vn): OAuth redirects, webhook URLs", func(c *Config) *string { return &c.PublicURL }, ""},
	{"allow-sandbox", "OCOPHUB_ALLOW_SANDBOX", "", "1 lets serve and worker run with the sandbox's published credentials (staging only)", func(c *Config) *string { return &c.AllowSandbox }, ""},
	{"sandbox-shopee-addr", "OCOPHUB_SANDBOX_SHOPEE_ADDR", "127.0.0.1:9101", "address of the Shopee sandbox (sandbox, dev)", func(c *Config) *string { return &c.SandboxShopeeAddr }, ""},
	{"sandbox-lazada-addr", "OCOPHUB_SANDBOX_LAZADA_ADDR", "127.0.0.1:9102", "address of the Lazada sandbox (sandbox, dev)", func(c *Config) *string { return &c.SandboxLazadaAddr }, ""},
	{"sandbox-zalo-addr", "OCOPHUB_SANDBOX_ZALO_ADDR", "127.0.0.1:9103", "address of the Zalo sandbox (sandbox, dev)", func(c *Config) *string { return &c.SandboxZaloAddr }, ""},
	{"sandbox-push-url", "OCOPHUB_SANDBOX_PUSH_URL", "", "hub the sandboxes push webhooks to, at <url>/webhooks/<platform> (sandbox; empty: no pushes)", func(c *Config) *string { return &c.SandboxPushURL }, ""},
	{"secret-keys", "OCOPHUB_SECRET_KEYS", "", "keys sealing channel tokens: id:base64key[,…] (required by serve and worker; dev keeps one under the data dir)", func(c *Config) *string { return &c.SecretKeys }, ""},
	{"shopee-url", "OCOPHUB_SHOPEE_URL", "", "Shopee Open Platform base URL (empty: the live platform)", func(c *Config) *string { return &c.ShopeeURL }, "http://127.0.0.1:9101"},
	{"shopee-app-key", "OCOPHUB_SHOPEE_APP_KEY", "", "Shopee partner_id", func(c *Config) *string { return &c.ShopeeAppKey }, shopeesb.DefaultApp.Key},
	{"shopee-app-secret", "OCOPHUB_SHOPEE_APP_SECRET", "", "Shopee partner_key", func(c *Config) *string { return &c.ShopeeAppSecret }, shopeesb.DefaultApp.Secret},
	{"lazada-url", "OCOPHUB_LAZADA_URL", "", "Lazada base URL, API under /rest (empty: the live platform)", func(c *Config) *string { return &c.LazadaURL }, "http://127.0.0.1:9102"},
	{"lazada-app-key", "OCOPHUB_LAZADA_APP_KEY", "", "Lazada app_key", func(c *Config) *string { return &c.LazadaAppKey }, lazadasb.DefaultApp.Key},
	{"lazada-app-secret", "OCOPHUB_LAZADA_APP_SECRET", "", "Lazada app_secret", func(c *Config) *string { return &c.LazadaAppSecret }, lazadasb.DefaultApp.Secret},
	{"zalo-url", "OCOPHUB_ZALO_URL", "", "Zalo OpenAPI base URL (empty: the live platform)", func(c *Config) *string { return &c.ZaloURL }, "http://127.0.0.1:9103"},
	{"zalo-app-key", "OCOPHUB_ZALO_APP_KEY", "", "Zalo app_id", func(c *Config) *string { return &c.ZaloAppKey }, zalosb.DefaultApp.Key},
	{"zalo-app-secret", "OCOPHUB_ZALO_APP_SECRET", "", "Zalo app secret", func(c *Config) *string { return &c.ZaloAppSecret }, zalosb.DefaultApp.Secret},
	{"zalo-oa-secret-key", "OCOPHUB_ZALO_OA_SECRET_KEY", "", "Zalo OA Secret Key, which signs Zalo's webhooks", func(c *Config) *string { return &c.ZaloOASecretKey }, zalosb.DefaultOASecretKey},
}

// sandboxDefaults are the commands whose defaults are the sandboxes'.
var sandboxDefaults = map[string]bool{"dev": true, "sandbox": true}

// production are the commands that refuse an embedded or sandbox
// configuration (checkProduction).
var production = map[string]bool{"serve": true, "worker": true}

// loadConfig reads the environment, then the command's flags, and returns
// the arguments left after the flags.
func loadConfig(name string, args []string, getenv func(string) string, stderr io.Writer) (Config, []string, error) {
	var cfg Config
	fs := flag.NewFlagSet("ocophub "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	for _, s := range settings {
		def := s.def
		if sandboxDefaults[name] && s.sandboxDef != "" {
			def = s.sandboxDef
		}
		if v := getenv(s.env); v != "" {
			def = v
		}
		fs.StringVar(s.field(&cfg), s.flag, def, s.usage+" ["+s.env+"]")
	}
	extra := commandFlags[name]
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return cfg, nil, errReported
		}
		return cfg, nil, err
	}
	if cfg.DatabaseURL == "" && !production[name] {
		cfg.DatabaseURL = "file:" + strings.TrimSuffix(cfg.DataDir, "/") + "/ocophub.db"
	}
	if cfg.BlobURL == "" && !production[name] {
		dir, err := filepath.Abs(filepath.Join(cfg.DataDir, "photos"))
		if err != nil {
			return cfg, nil, err
		}
		cfg.BlobURL = (&url.URL{Scheme: "file", Path: filepath.ToSlash(dir), RawQuery: "create_dir=true&no_tmp_dir=true"}).String()
	}
	if cfg.LogFormat != "text" && cfg.LogFormat != "json" {
		return cfg, nil, fmt.Errorf("OCOPHUB_LOG_FORMAT must be text or json, got %q", cfg.LogFormat)
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		return cfg, nil, fmt.Errorf("OCOPHUB_LOG_LEVEL: %w", err)
	}
	if err := checkURLs(cfg); err != nil {
		return cfg, nil, err
	}
	if production[name] {
		if err := checkProduction(cfg); err != nil {
			return cfg, nil, err
		}
	}
	return cfg, fs.Args(), nil
}

// credentials are the settings of each platform's app credentials, in
// the order they are checked.
var credentials = []struct {
	platform catalog.Platform
	envs     []string
}{
	{catalog.PlatformShopee, []string{"OCOPHUB_SHOPEE_APP_KEY", "OCOPHUB_SHOPEE_APP_SECRET"}},
	{catalog.PlatformLazada, []string{"OCOPHUB_LAZADA_APP_KEY", "OCOPHUB_LAZADA_APP_SECRET"}},
	{catalog.PlatformZalo, []string{"OCOPHUB_ZALO_APP_KEY", "OCOPHUB_ZALO_APP_SECRET", "OCOPHUB_ZALO_OA_SECRET_KEY"}},
}

func settingOf(env string) setting {
	for _, s := range settings {
		if s.env == env {
			return s
		}
	}
	panic("no setting " + env)
}

// connects reports whether the hub connects shops of platform p: only
// with its app credentials, so a deployment may use some platforms only.
func (c Config) connects(p catalog.Platform) bool {
	for _, cr := range credentials {
		if cr.platform == p {
			return *settingOf(cr.envs[0]).field(&c) != ""
		}
	}
	return false
}

// checkURLs refuses URLs the hub could not use, whatever the command.
func checkURLs(cfg Config) error {
	for _, env := range []string{"OCOPHUB_PUBLIC_URL", "OCOPHUB_SANDBOX_PUSH_URL", "OCOPHUB_SHOPEE_URL", "OCOPHUB_LAZADA_URL", "OCOPHUB_ZALO_URL"} {
		v := *settingOf(env).field(&cfg)
		if v == "" {
			continue
		}
		if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%s must be an http(s) URL like https://host, got %q", env, v)
		}
	}
	if _, err := strconv.ParseInt(cfg.ShopeeAppKey, 10, 64); cfg.ShopeeAppKey != "" && err != nil {
		return fmt.Errorf("OCOPHUB_SHOPEE_APP_KEY must be Shopee's numeric partner_id, got %q", cfg.ShopeeAppKey)
	}
	return nil
}

// checkProduction is why `serve` and `worker` refuse to start: no silent
// embedded database or in-process Redis (each replica would have its own),
// no unsealed tokens, and no credential the sandbox publishes to the
// world — unless OCOPHUB_ALLOW_SANDBOX=1 says this is a staging stack. It
// names the first setting at fault, in one line.
func checkProduction(cfg Config) error {
	switch {
	case cfg.DatabaseURL == "":
		return errors.New("OCOPHUB_DATABASE_URL is not set: serve and worker need a shared database (postgres://…), never an embedded one by default")
	case cfg.RedisURL == "":
		return errors.New("OCOPHUB_REDIS_URL is not set: serve and worker need a shared Redis (redis://…), never an in-process one")
	case cfg.BlobURL == "":
		return errors.New("OCOPHUB_BLOB_URL is not set: serve and worker share the product photos through it (s3://bucket?region=…, or file:///folder every replica mounts)")
	case cfg.SecretKeys == "":
		return errors.New("OCOPHUB_SECRET_KEYS is not set: shop tokens are sealed with it (generate one: echo k1:$(openssl rand -base64 32))")
	}
	for _, cr := range credentials {
		missing, set := "", 0
		for _, env := range cr.envs {
			s := settingOf(env)
			v := *s.field(&cfg)
			if v == "" {
				missing = env
				continue
			}
			set++
			if v == s.sandboxDef && cfg.AllowSandbox != "1" {
				return fmt.Errorf("%s is the sandbox's published credential: set your own app's, or OCOPHUB_ALLOW_SANDBOX=1 for a staging stack against `ocophub sandbox`", env)
			}
		}
		if set > 0 && missing != "" {
			return fmt.Errorf("%s is not set, while the other %s credentials are", missing, ops.PlatformName(cr.platform))
		}
	}
	return nil
}

// commandFlags lets a command add its own flags (import's -skip-invalid).
var commandFlags = map[string]func(*flag.FlagSet){}

// LogValue is the configuration with secrets masked, for the start-up log.
func (c Config) LogValue() slog.Value {
	redis := c.RedisURL
	if redis == "" {
		redis = "(in-process)"
	}
	return slog.GroupValue(
		slog.String("http_addr", c.HTTPAddr),
		slog.String("database_url", store.RedactURL(c.DatabaseURL)),
		slog.String("redis_url", store.RedactURL(redis)),
		slog.String("data_dir", c.DataDir),
		slog.String("blob_url", store.RedactURL(c.BlobURL)),
		slog.String("log_level", c.LogLevel),
		slog.String("trusted_proxies", c.TrustedProxies),
		slog.Bool("secret_keys_set", c.SecretKeys != ""),
		slog.String("public_url", c.PublicURL),
		slog.Bool("allow_sandbox", c.AllowSandbox == "1"),
		slog.String("shopee_url", c.ShopeeURL), slog.String("lazada_url", c.LazadaURL), slog.String("zalo_url", c.ZaloURL),
	)
}

func newLogger(cfg Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
