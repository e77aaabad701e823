package main

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestMakeRunSellsOnLazada checks the promise of `make run` the way a new
// user meets it: the real binary runs `dev` on free ports and a data
// folder of its own, the curl command of its banner (run by the shell, as
// pasted) sells one unit on the demo co-op's Lazada shop, and within 2 s
// Shopee's and Zalo's sandboxes show one less and the order is in the hub.
// A restart on the same data connects nothing twice.
func TestMakeRunSellsOnLazada(t *testing.T) {
	bin := buildBinary(t)
	dataDir := t.TempDir()
	args := []string{"dev", "-http-addr", "127.0.0.1:0", "-data-dir", dataDir,
		"-sandbox-shopee-addr", "127.0.0.1:0", "-sandbox-lazada-addr", "127.0.0.1:0", "-sandbox-zalo-addr", "127.0.0.1:0"}
	started := time.Now()
	dev := startProcess(t, "dev", bin, nil, args...)
	saleRE := regexp.MustCompile(`(?m)^  (curl .*'(\{.*\})' (http://\S+/_sandbox/shops/\d+/orders))$`)
	sale := awaitBanner(t, dev, saleRE)
	t.Logf("banner with the sale after %s:\n%s", time.Since(started).Round(time.Millisecond), dev.stdout.String())
	command, body, orderURL := sale[1], sale[2], sale[3]
	sku := regexp.MustCompile(`"seller_sku":"([^"]+)"`).FindStringSubmatch(body)[1]
	sandboxes := map[string]string{}
	for _, m := range regexp.MustCompile(`(Shopee|Lazada|Zalo)\s+sandbox (http://\S+)`).FindAllStringSubmatch(dev.stdout.String(), -1) {
		sandboxes[m[1]] = m[2]
	}
	require.True(t, strings.HasPrefix(orderURL, sandboxes["Lazada"]+"/"), "the sale is on the Lazada sandbox: %s", orderURL)
	token := dev.await(t, regexp.MustCompile(`API token\s+curl -H 'Authorization: Bearer (ocp_\S+)' '(http://\S+)/api/v1/products`))
	hub := bearer{token: token[1], base: token[2]}

	// The demo co-op's three shops are connected and its products live
	// with the hub's stock; nobody else's shop is.
	var shops struct {
		Items []struct {
			CoopID    int64  `json:"coop_id"`
			Platform  string `json:"platform"`
			Connected bool   `json:"connected"`
		} `json:"items"`
	}
	hub.get(t, "/api/v1/shops", &shops)
	require.Len(t, shops.Items, 3)
	for _, s := range shops.Items {
		require.True(t, s.Connected, s.Platform)
		require.Equal(t, shops.Items[0].CoopID, s.CoopID, "one co-op's shops")
	}
	before := sandboxStock(t, sandboxes["Lazada"], sku)
	require.Positive(t, before, "%s is live with stock on Lazada", sku)
	require.Equal(t, before, sandboxStock(t, sandboxes["Shopee"], sku))
	require.Equal(t, before, sandboxStock(t, sandboxes["Zalo"], sku))
	for name, url := range sandboxes {
		_, sizes := sandboxItem(t, url, sku)
		require.Equal(t, [][2]int{{1024, 1024}}, sizes, "%s shows the demo photo's square", name)
	}

	// The user pastes the command.
	sold := time.Now()
	out := runSale(t, command, orderURL, body)
	var order struct {
		ID json.Number `json:"order_id"` // Lazada's order id
	}
	require.NoError(t, json.Unmarshal(out, &order), "%s", out)
	require.NotEmpty(t, order.ID, "%s", out)
	require.Eventually(t, func() bool {
		return sandboxStock(t, sandboxes["Shopee"], sku) == before-1 && sandboxStock(t, sandboxes["Zalo"], sku) == before-1
	}, 2*time.Second, 20*time.Millisecond, "Shopee %d and Zalo %d, not %d; stderr:\n%s",
		sandboxStock(t, sandboxes["Shopee"], sku), sandboxStock(t, sandboxes["Zalo"], sku), before-1, dev.stderr.String())
	t.Logf("1 × %s sold on Lazada: Shopee and Zalo at %d after %s", sku, before-1, time.Since(sold).Round(time.Millisecond))
	var orders struct {
		Items []struct {
			Platform   string `json:"platform"`
			ExternalID string `json:"external_id"`
		} `json:"items"`
	}
	hub.get(t, "/api/v1/orders", &orders)
	require.Len(t, orders.Items, 1, "the order is in the hub")
	require.Equal(t, "lazada", orders.Items[0].Platform)
	require.Equal(t, order.ID.String(), orders.Items[0].ExternalID)
	dev.stop(t)

	// A restart keeps the hub's data and sets nothing up again.
	again := startProcess(t, "dev again", bin, nil, args...)
	awaitBanner(t, again, regexp.MustCompile(`A sale\s+the sandboxes start empty`))
	token = again.await(t, regexp.MustCompile(`API token\s+curl -H 'Authorization: Bearer (ocp_\S+)' '(http://\S+)/api/v1/products`))
	hub = bearer{token: token[1], base: token[2]}
	hub.get(t, "/api/v1/shops", &shops)
	require.Len(t, shops.Items, 3, "no shop connected twice")
	again.stop(t)
}

// awaitBanner waits up to a minute for the banner line of p matching re:
// `dev` prints it once the demo shops are live.
func awaitBanner(t *testing.T, p *process, re *regexp.Regexp) []string {
	t.Helper()
	var m []string
	require.Eventually(t, func() bool {
		m = re.FindStringSubmatch(p.stdout.String())
		return m != nil
	}, time.Minute, 50*time.Millisecond, "never printed %s; stdout:\n%s\nstderr:\n%s", re, p.stdout.String(), p.stderr.String())
	return m
}

// runSale runs the printed command with the shell when curl is installed,
// else makes the same request, and returns the answer.
func runSale(t *testing.T, command, orderURL, body string) []byte {
	t.Helper()
	if _, err := exec.LookPath("curl"); err == nil {
		out, err := exec.Command("sh", "-c", command).Output()
		require.NoError(t, err, "%s", command)
		return out
	}
	t.Logf("no curl here: POST %s %s", orderURL, body)
	r, err := http.Post(orderURL, "application/json", strings.NewReader(body))
	require.NoError(t, err)
	defer r.Body.Close()
	require.Equal(t, http.StatusOK, r.StatusCode)
	var out json.RawMessage
	require.NoError(t, json.NewDecoder(r.Body).Decode(&out))
	return out
}

// sandboxItem is what a sandbox's control state says of the item holding a
// seller SKU: the SKU's stock (-1 when no shop lists it) and each image's
// width and height.
func sandboxItem(t *testing.T, sandboxURL, sku string) (stock int64, images [][2]int) {
	t.Helper()
	r, err := http.Get(sandboxURL + "/_sandbox/state")
	require.NoError(t, err)
	defer r.Body.Close()
	var st struct {
		Shops []struct {
			Items []struct {
				Images []struct {
					Width  int `json:"width"`
					Height int `json:"height"`
				} `json:"images"`
				SKUs []struct {
					SellerSKU string `json:"seller_sku"`
					Stock     int64  `json:"stock"`
				} `json:"skus"`
			} `json:"items"`
		} `json:"shops"`
	}
	require.NoError(t, json.NewDecoder(r.Body).Decode(&st))
	for _, s := range st.Shops {
		for _, it := range s.Items {
			for _, k := range it.SKUs {
				if k.SellerSKU == sku {
					for _, im := range it.Images {
						images = append(images, [2]int{im.Width, im.Height})
					}
					return k.Stock, images
				}
			}
		}
	}
	return -1, nil
}

// sandboxStock is the stock of a seller SKU on a sandbox; -1 when no shop
// lists it.
func sandboxStock(t *testing.T, sandboxURL, sku string) int64 {
	t.Helper()
	stock, _ := sandboxItem(t, sandboxURL, sku)
	return stock
}

// bearer is a client of a running hub with an API token.
type bearer struct{ token, base string }

func (b bearer) get(t *testing.T, path string, v any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.base+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+b.token)
	r, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer r.Body.Close()
	require.Equal(t, http.StatusOK, r.StatusCode, path)
	require.NoError(t, json.NewDecoder(r.Body).Decode(v))
}

// uploadPhoto adds a photo to a product through the API, as the web UI's
// photo section does.
func uploadPhoto(t *testing.T, b *browser, productID int64, data []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	w, err := mw.CreateFormFile("file", "anh.jpg")
	require.NoError(t, err)
	_, err = w.Write(data)
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, b.base+"/api/v1/products/"+strconv.FormatInt(productID, 10)+"/images", &buf)
	require.NoError(t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-CSRF-Token", b.csrf)
	r, err := b.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	require.Equal(t, http.StatusCreated, r.StatusCode, string(body))
}
