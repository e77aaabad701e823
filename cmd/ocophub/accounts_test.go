package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// TestCreateUser: the first operator of a deployment, with a generated
// password shown once or one read from standard input.
func TestCreateUser(t *testing.T) {
	dbURL := "file:" + filepath.Join(t.TempDir(), "hub.db")
	env := func(k string) string {
		if k == "OCOPHUB_DATABASE_URL" {
			return dbURL
		}
		return ""
	}
	ctx := context.Background()
	var out bytes.Buffer
	require.NoError(t, run(ctx, []string{"create-user", "-username", "Admin"}, env, &out, &out))
	m := regexp.MustCompile(`(?m)^password: (\S+)$`).FindStringSubmatch(out.String())
	require.NotNil(t, m, out.String())
	require.Len(t, m[1], 26)
	require.Contains(t, out.String(), "user admin (operator) created")

	stdin = strings.NewReader("mat-khau-tu-chon-2026\n")
	t.Cleanup(func() { stdin = os.Stdin })
	out.Reset()
	require.NoError(t, run(ctx, []string{"create-user", "-username", "op2", "-name", "Vận hành 2", "-password-stdin"}, env, &out, &out))
	require.NotContains(t, out.String(), "mat-khau", "a chosen password is never printed")

	s, err := store.Open(ctx, dbURL, store.Options{})
	require.NoError(t, err)
	defer s.Close()
	for username, password := range map[string]string{"admin": m[1], "op2": "mat-khau-tu-chon-2026"} {
		u, err := s.Login(ctx, username, password)
		require.NoError(t, err, username)
		require.Equal(t, catalog.RoleOperator, u.Role)
	}
	require.ErrorContains(t, run(ctx, []string{"create-user", "-username", "x"}, env, &out, &out), "username must be 3 to 64 characters")
	require.ErrorContains(t, run(ctx, []string{"create-user", "-username", "seller.x", "-role", "coop_seller"}, env, &out, &out), "coop_id")
}

// TestRotateKeys: tokens sealed under an old key are re-sealed under the
// new first key; then the old key can go. Neither key nor token is ever
// printed.
func TestRotateKeys(t *testing.T) {
	dbURL := storetest.FreshSchemaURL(t)
	oldKey, newKey := store.NewKey("k2025"), store.NewKey("k2026")
	keys, err := store.ParseKeys(oldKey)
	require.NoError(t, err)
	ctx := context.Background()
	s, err := store.Open(ctx, dbURL, store.Options{Keys: keys})
	require.NoError(t, err)
	defer s.Close()
	_, err = s.Migrate(ctx)
	require.NoError(t, err)
	f := storetest.NewFixture(t, s, "RK")
	shop := catalog.Shop{CoopID: f.Coop.ID, Platform: catalog.PlatformShopee, ExternalID: "77", Name: "Shopee 77"}
	require.NoError(t, s.ConnectShop(storetest.Operator(), &shop, []byte(`{"access_token":"very-secret-access"}`), time.Now().Add(time.Hour), time.Time{}, time.Time{}))

	env := func(keys string) func(string) string {
		return func(k string) string {
			switch k {
			case "OCOPHUB_DATABASE_URL":
				return dbURL
			case "OCOPHUB_SECRET_KEYS":
				return keys
			}
			return ""
		}
	}
	var out bytes.Buffer
	require.ErrorContains(t, run(ctx, []string{"rotate-keys"}, env(""), &out, &out), "OCOPHUB_SECRET_KEYS is required")
	out.Reset()
	require.NoError(t, run(ctx, []string{"rotate-keys"}, env(newKey+","+oldKey), &out, &out))
	require.Contains(t, out.String(), `1 shop token(s) re-sealed with key "k2026"`)
	for _, secret := range []string{"very-secret-access", strings.TrimPrefix(newKey, "k2026:"), strings.TrimPrefix(oldKey, "k2025:")} {
		require.NotContains(t, out.String(), secret)
	}
	onlyNew, err := store.ParseKeys(newKey)
	require.NoError(t, err)
	s2, err := store.Open(ctx, dbURL, store.Options{Keys: onlyNew})
	require.NoError(t, err)
	defer s2.Close()
	tok, err := s2.ShopToken(storetest.Operator(), shop.ID)
	require.NoError(t, err)
	require.Equal(t, `{"access_token":"very-secret-access"}`, string(tok))
}
