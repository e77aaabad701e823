package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
	lazadasb "ocophub/connectors/sandbox/lazada"
	shopeesb "ocophub/connectors/sandbox/shopee"
	zalosb "ocophub/connectors/sandbox/zalo"
	"ocophub/connectors/zalo"
)

// envOf is a getenv over m.
func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// productionEnv is a complete, safe production configuration.
func productionEnv() map[string]string {
	return map[string]string{
		"OCOPHUB_DATABASE_URL":       "postgres://hub@db:5432/hub",
		"OCOPHUB_REDIS_URL":          "redis://redis:6379/0",
		"OCOPHUB_SECRET_KEYS":        store.NewKey("k1"),
		"OCOPHUB_BLOB_URL":           "s3://ocophub-photos?region=ap-southeast-1",
		"OCOPHUB_SHOPEE_APP_KEY":     "2009001",
		"OCOPHUB_SHOPEE_APP_SECRET":  "our shopee partner key",
		"OCOPHUB_LAZADA_APP_KEY":     "131001",
		"OCOPHUB_LAZADA_APP_SECRET":  "our lazada app secret",
		"OCOPHUB_ZALO_APP_KEY":       "4400000000000000001",
		"OCOPHUB_ZALO_APP_SECRET":    "our zalo app secret",
		"OCOPHUB_ZALO_OA_SECRET_KEY": "our zalo oa secret key",
	}
}

// TestServeAndWorkerRefuseUnsafeConfig: serve and worker do not start on
// an embedded database, an in-process Redis, no secret keys or a sandbox
// credential, and the error names the setting; OCOPHUB_ALLOW_SANDBOX=1
// admits the sandbox's credentials (a staging stack) but nothing else.
func TestServeAndWorkerRefuseUnsafeConfig(t *testing.T) {
	sandboxCredentials := map[string]string{
		"OCOPHUB_SHOPEE_APP_KEY": shopeesb.DefaultApp.Key, "OCOPHUB_SHOPEE_APP_SECRET": shopeesb.DefaultApp.Secret,
		"OCOPHUB_LAZADA_APP_KEY": lazadasb.DefaultApp.Key, "OCOPHUB_LAZADA_APP_SECRET": lazadasb.DefaultApp.Secret,
		"OCOPHUB_ZALO_APP_KEY": zalosb.DefaultApp.Key, "OCOPHUB_ZALO_APP_SECRET": zalosb.DefaultApp.Secret,
		"OCOPHUB_ZALO_OA_SECRET_KEY": zalosb.DefaultOASecretKey,
	}
	for _, cmd := range []string{"serve", "worker"} {
		t.Run(cmd, func(t *testing.T) {
			check := func(env map[string]string) error {
				var out bytes.Buffer
				_, _, err := loadConfig(cmd, nil, envOf(env), &out)
				return err
			}
			require.NoError(t, check(productionEnv()))
			for _, unset := range []string{"OCOPHUB_DATABASE_URL", "OCOPHUB_REDIS_URL", "OCOPHUB_SECRET_KEYS", "OCOPHUB_BLOB_URL"} {
				env := productionEnv()
				delete(env, unset)
				require.ErrorContains(t, check(env), unset+" is not set")
			}
			for name, value := range sandboxCredentials {
				env := productionEnv()
				env[name] = value
				err := check(env)
				require.ErrorContains(t, err, name+" is the sandbox's published credential")
				require.NotContains(t, err.Error(), "\n", "one line")
				env["OCOPHUB_ALLOW_SANDBOX"] = "1"
				require.NoError(t, check(env), "a staging stack may use %s", name)
			}
			env := productionEnv()
			for name, value := range sandboxCredentials {
				env[name] = value
			}
			env["OCOPHUB_ALLOW_SANDBOX"] = "1"
			delete(env, "OCOPHUB_REDIS_URL")
			require.ErrorContains(t, check(env), "OCOPHUB_REDIS_URL is not set", "staging still needs a shared Redis")

			// A platform is connected with all its credentials or none.
			env = productionEnv()
			delete(env, "OCOPHUB_ZALO_OA_SECRET_KEY")
			require.ErrorContains(t, check(env), "OCOPHUB_ZALO_OA_SECRET_KEY is not set, while the other Zalo credentials are")
			for _, k := range []string{"OCOPHUB_ZALO_APP_KEY", "OCOPHUB_ZALO_APP_SECRET"} {
				delete(env, k)
			}
			require.NoError(t, check(env), "a hub without Zalo")
			cfg, _, err := loadConfig(cmd, nil, envOf(env), &bytes.Buffer{})
			require.NoError(t, err)
			require.NotContains(t, driverFactories(cfg), catalog.PlatformZalo)
			require.Contains(t, driverFactories(cfg), catalog.PlatformShopee)
		})
	}
	// The same through main: a non-zero exit and one line naming the setting.
	var out bytes.Buffer
	err := run(context.Background(), []string{"serve"}, noEnv, &out, &out)
	require.EqualError(t, err, "OCOPHUB_DATABASE_URL is not set: serve and worker need a shared database (postgres://…), never an embedded one by default")
}

// TestSandboxCredentialsAreDefaultsOnlyUnderDevAndSandbox: the published
// test apps and the local URLs are what `dev` and `sandbox` use with no
// set-up; every other command starts from nothing (the live platforms).
func TestSandboxCredentialsAreDefaultsOnlyUnderDevAndSandbox(t *testing.T) {
	for _, cmd := range []string{"dev", "sandbox"} {
		cfg, _, err := loadConfig(cmd, nil, noEnv, &bytes.Buffer{})
		require.NoError(t, err)
		require.Equal(t, zalosb.DefaultOASecretKey, cfg.ZaloOASecretKey, cmd)
		require.Equal(t, shopeesb.DefaultApp.Secret, cfg.ShopeeAppSecret, cmd)
		require.Equal(t, "http://127.0.0.1:9102", cfg.LazadaURL, cmd)
	}
	env := productionEnv()
	for _, k := range []string{"OCOPHUB_SHOPEE_APP_KEY", "OCOPHUB_SHOPEE_APP_SECRET", "OCOPHUB_LAZADA_APP_KEY",
		"OCOPHUB_LAZADA_APP_SECRET", "OCOPHUB_ZALO_APP_KEY", "OCOPHUB_ZALO_APP_SECRET", "OCOPHUB_ZALO_OA_SECRET_KEY"} {
		delete(env, k)
	}
	for _, cmd := range []string{"serve", "worker", "migrate"} {
		cfg, _, err := loadConfig(cmd, nil, envOf(env), &bytes.Buffer{})
		require.NoError(t, err)
		require.Empty(t, cfg.ZaloOASecretKey+cfg.ZaloAppSecret+cfg.ShopeeAppKey+cfg.LazadaAppSecret, cmd)
		require.Empty(t, cfg.ShopeeURL+cfg.LazadaURL+cfg.ZaloURL, "%s: the live platforms", cmd)
		require.Empty(t, driverFactories(cfg), "%s: no credentials, no platform", cmd)
	}
}

// TestZaloWebhooksVerifiedWithTheConfiguredOASecretKey: a push signed with
// the deployment's OA secret key is Zalo's; one signed with the sandbox's
// published key is refused.
func TestZaloWebhooksVerifiedWithTheConfiguredOASecretKey(t *testing.T) {
	env := productionEnv()
	cfg, _, err := loadConfig("serve", nil, envOf(env), &bytes.Buffer{})
	require.NoError(t, err)
	body := []byte(`{"app_id":"4400000000000000001","oa_id":"77","event_name":"shop_update_order","timestamp":"1700000000000","data":{"order_id":"Z-1","status":2}}`)
	sign := func(key string) http.Header {
		sum := sha256.Sum256([]byte(env["OCOPHUB_ZALO_APP_KEY"] + string(body) + "1700000000000" + key))
		h := http.Header{}
		h.Set(zalo.SignatureHeader, hex.EncodeToString(sum[:]))
		return h
	}
	d := appDrivers(cfg)[catalog.PlatformZalo](catalog.Shop{})
	events, err := d.ParseWebhook("", sign(env["OCOPHUB_ZALO_OA_SECRET_KEY"]), body)
	require.NoError(t, err)
	require.Equal(t, "Z-1", events[0].OrderID)
	_, err = d.ParseWebhook("", sign(zalosb.DefaultOASecretKey), body)
	require.Error(t, err, "the sandbox's key signs nothing here")
}

func TestConfigRefusesBadURLs(t *testing.T) {
	for name, value := range map[string]string{"OCOPHUB_PUBLIC_URL": "hub.example.vn", "OCOPHUB_SHOPEE_URL": "ftp://x", "OCOPHUB_SHOPEE_APP_KEY": "abc"} {
		env := productionEnv()
		env[name] = value
		_, _, err := loadConfig("serve", nil, envOf(env), &bytes.Buffer{})
		require.ErrorContains(t, err, name, value)
	}
}
