package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"ocophub/catalog/store"
	lazadasb "ocophub/connectors/sandbox/lazada"
	shopeesb "ocophub/connectors/sandbox/shopee"
	zalosb "ocophub/connectors/sandbox/zalo"
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
	// Marketplace endpoints and app credentials (OCOPHUB_SHOPEE_URL,
	// OCOPHUB_SHOPEE_APP_KEY, OCOPHUB_SHOPEE_APP_SECRET, … LAZADA, ZALO).
	// Defaults are the local sandboxes and their test apps.
	ShopeeURL, ShopeeAppKey, ShopeeAppSecret string
	LazadaURL, LazadaAppKey, LazadaAppSecret string
	ZaloURL, ZaloAppKey, ZaloAppSecret       string
}

type setting struct {
	flag, env, def, usage string
	field                 func(*Config) *string
}

var settings = []setting{
	{"http-addr", "OCOPHUB_HTTP_ADDR", "127.0.0.1:8080", "address the HTTP API listens on", func(c *Config) *string { return &c.HTTPAddr }},
	{"worker-metrics-addr", "OCOPHUB_WORKER_METRICS_ADDR", "127.0.0.1:9090", "address `worker` serves /metrics on (empty: none)", func(c *Config) *string { return &c.WorkerMetricsAddr }},
	{"database-url", "OCOPHUB_DATABASE_URL", "", "postgres://… or file:… (default file:<data-dir>/ocophub.db)", func(c *Config) *string { return &c.DatabaseURL }},
	{"redis-url", "OCOPHUB_REDIS_URL", "", "redis://… (empty: in-process Redis)", func(c *Config) *string { return &c.RedisURL }},
	{"data-dir", "OCOPHUB_DATA_DIR", "var", "folder of the embedded database", func(c *Config) *string { return &c.DataDir }},
	{"log-level", "OCOPHUB_LOG_LEVEL", "info", "debug, info, warn or error", func(c *Config) *string { return &c.LogLevel }},
	{"log-format", "OCOPHUB_LOG_FORMAT", "text", "text or json", func(c *Config) *string { return &c.LogFormat }},
	{"trusted-proxies", "OCOPHUB_TRUSTED_PROXIES", "", "comma-separated proxy IPs/CIDRs trusted for X-Forwarded-For", func(c *Config) *string { return &c.TrustedProxies }},
	{"sandbox-shopee-addr", "OCOPHUB_SANDBOX_SHOPEE_ADDR", "127.0.0.1:9101", "address of the Shopee sandbox (sandbox, dev)", func(c *Config) *string { return &c.SandboxShopeeAddr }},
	{"sandbox-lazada-addr", "OCOPHUB_SANDBOX_LAZADA_ADDR", "127.0.0.1:9102", "address of the Lazada sandbox (sandbox, dev)", func(c *Config) *string { return &c.SandboxLazadaAddr }},
	{"sandbox-zalo-addr", "OCOPHUB_SANDBOX_ZALO_ADDR", "127.0.0.1:9103", "address of the Zalo sandbox (sandbox, dev)", func(c *Config) *string { return &c.SandboxZaloAddr }},
	{"secret-keys", "OCOPHUB_SECRET_KEYS", "", "keys sealing channel tokens: id:base64key[,…] (dev keeps one under the data dir)", func(c *Config) *string { return &c.SecretKeys }},
	{"shopee-url", "OCOPHUB_SHOPEE_URL", "http://127.0.0.1:9101", "Shopee Open Platform base URL", func(c *Config) *string { return &c.ShopeeURL }},
	{"shopee-app-key", "OCOPHUB_SHOPEE_APP_KEY", shopeesb.DefaultApp.Key, "Shopee partner_id", func(c *Config) *string { return &c.ShopeeAppKey }},
	{"shopee-app-secret", "OCOPHUB_SHOPEE_APP_SECRET", shopeesb.DefaultApp.Secret, "Shopee partner_key", func(c *Config) *string { return &c.ShopeeAppSecret }},
	{"lazada-url", "OCOPHUB_LAZADA_URL", "http://127.0.0.1:9102", "Lazada base URL (API under /rest)", func(c *Config) *string { return &c.LazadaURL }},
	{"lazada-app-key", "OCOPHUB_LAZADA_APP_KEY", lazadasb.DefaultApp.Key, "Lazada app_key", func(c *Config) *string { return &c.LazadaAppKey }},
	{"lazada-app-secret", "OCOPHUB_LAZADA_APP_SECRET", lazadasb.DefaultApp.Secret, "Lazada app_secret", func(c *Config) *string { return &c.LazadaAppSecret }},
	{"zalo-url", "OCOPHUB_ZALO_URL", "http://127.0.0.1:9103", "Zalo OpenAPI base URL", func(c *Config) *string { return &c.ZaloURL }},
	{"zalo-app-key", "OCOPHUB_ZALO_APP_KEY", zalosb.DefaultApp.Key, "Zalo app_id", func(c *Config) *string { return &c.ZaloAppKey }},
	{"zalo-app-secret", "OCOPHUB_ZALO_APP_SECRET", zalosb.DefaultApp.Secret, "Zalo app secret", func(c *Config) *string { return &c.ZaloAppSecret }},
}

// loadConfig reads the environment, then the command's flags, and returns
// the arguments left after the flags.
func loadConfig(name string, args []string, getenv func(string) string, stderr io.Writer) (Config, []string, error) {
	var cfg Config
	fs := flag.NewFlagSet("ocophub "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	for _, s := range settings {
		def := s.def
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
	if cfg.DatabaseURL == "" {
		cfg.DatabaseURL = "file:" + strings.TrimSuffix(cfg.DataDir, "/") + "/ocophub.db"
	}
	if cfg.LogFormat != "text" && cfg.LogFormat != "json" {
		return cfg, nil, fmt.Errorf("OCOPHUB_LOG_FORMAT must be text or json, got %q", cfg.LogFormat)
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		return cfg, nil, fmt.Errorf("OCOPHUB_LOG_LEVEL: %w", err)
	}
	return cfg, fs.Args(), nil
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
		slog.String("log_level", c.LogLevel),
		slog.String("trusted_proxies", c.TrustedProxies),
		slog.Bool("secret_keys_set", c.SecretKeys != ""),
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
