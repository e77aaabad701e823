package main

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDevConnectsAShop: in `ocophub dev` the channel routes are wired to
// the local sandboxes, the generated secret key signs the OAuth state and
// seals the token: HTX Riti, which the demo leaves unconnected, connects
// its Lazada shop through the authorization page like a seller would.
func TestDevConnectsAShop(t *testing.T) {
	stdout, stderr := startCommand(t, "dev", "-http-addr", "127.0.0.1:0", "-data-dir", t.TempDir(),
		"-sandbox-shopee-addr", "127.0.0.1:0", "-sandbox-lazada-addr", "127.0.0.1:0", "-sandbox-zalo-addr", "127.0.0.1:0")
	urlRE := regexp.MustCompile(`Products API\s+(http://\S+)/api/v1/products`)
	lazadaRE := regexp.MustCompile(`Lazada\s+sandbox (http://\S+) .*HTX Riti's shop (\d+);`)
	base := awaitLine(t, stdout, stderr, urlRE)[1]
	l := awaitLine(t, stdout, stderr, lazadaRE)
	lazada, ritiShop := l[1], l[2]

	// A co-op manager connects the co-op's shop from a signed-in browser.
	b := signIn(t, base, demoPassword(t, stdout.String(), "manager.riti"), "manager.riti")
	var coops struct{ Items []struct{ ID int64 } }
	b.getJSON(t, "/api/v1/coops", &coops)
	require.Len(t, coops.Items, 1, "a manager sees its own co-op")
	coopID := coops.Items[0].ID
	var shops struct{ Items []struct{ ID int64 } }
	b.getJSON(t, "/api/v1/shops", &shops)
	require.Empty(t, shops.Items, "Riti starts with no shop")

	shop := connectShop(t, b, "lazada", lazada, ritiShop, coopID)
	require.Equal(t, coopID, shop.CoopID)
	require.Equal(t, ritiShop, shop.ExternalID)
	require.True(t, shop.Connected)
	b.getJSON(t, "/api/v1/shops", &shops)
	require.Len(t, shops.Items, 1)
	require.Equal(t, shop.ID, shops.Items[0].ID)
}

// connectedShop is a shop as the hub's callback answers it.
type connectedShop struct {
	ID         int64  `json:"id"`
	CoopID     int64  `json:"coop_id"`
	ExternalID string `json:"external_id"`
	Connected  bool   `json:"connected"`
}

// connectShop connects the sandbox shop externalID of platform for the
// co-op as a seller does: the hub sends the browser to the sandbox's
// authorization page, the seller picks the shop and approves, the sandbox
// sends the browser back to the hub's callback.
func connectShop(t *testing.T, b *browser, platform, sandboxURL, externalID string, coopID int64) connectedShop {
	t.Helper()
	location := func(r *http.Response, err error) string {
		t.Helper()
		require.NoError(t, err)
		defer r.Body.Close()
		body, _ := io.ReadAll(r.Body)
		require.Equal(t, http.StatusFound, r.StatusCode, "%s", body)
		return r.Header.Get("Location")
	}
	authorize := location(b.Get(b.base + "/api/v1/shops/connect/" + platform + "?coop_id=" + strconv.FormatInt(coopID, 10)))
	require.True(t, strings.HasPrefix(authorize, sandboxURL+"/"), authorize)
	callback := location(b.PostForm(authorize, url.Values{"shop_id": {externalID}, "approve": {"1"}}))
	require.True(t, strings.HasPrefix(callback, b.base+"/api/v1/shops/callback/"+platform+"?"), callback)
	var shop connectedShop
	b.getJSON(t, strings.TrimPrefix(callback, b.base), &shop)
	return shop
}

func TestStateKeyComesFromTheSecretKeys(t *testing.T) {
	require.Nil(t, stateKey(""))
	a, b := stateKey("k1:AAAA"), stateKey("k1:AAAA")
	require.Len(t, a, 32)
	require.Equal(t, a, b, "every replica derives the same key")
	require.NotEqual(t, a, stateKey("k1:AAAB"))
	require.NotContains(t, string(a), "AAAA")
}
