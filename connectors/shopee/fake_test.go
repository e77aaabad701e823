package shopee_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"ocophub/connectors/driver"
	"ocophub/connectors/shopee"
)

// Credentials of the unit tests (not the sandbox's).
const (
	testPartnerID  = 2001887
	testPartnerKey = "test-partner-key-raw-bytes"
	testShopID     = 14701711
	testToken      = "access-7a1b"
)

// testNow is the fixed clock of the unit tests: timestamp 1763798400.
var testNow = time.Unix(1763798400, 0)

// hmacHex is the tests' own signer, written from Shopee's signing rules (open.shopee.com, "Authorization and Authentication").
func hmacHex(key, msg string) string {
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(msg))
	return hex.EncodeToString(mac.Sum(nil))
}

// seen is one request the fake platform received.
type seen struct {
	method string
	path   string
	query  url.Values
	body   []byte
	header http.Header
}

// fake is a stand-in Shopee host whose answer a test sets.
type fake struct {
	srv *httptest.Server

	mu       sync.Mutex
	requests []seen
	reply    func(w http.ResponseWriter, r *http.Request)
}

func newFake(t *testing.T, reply func(w http.ResponseWriter, r *http.Request)) *fake {
	f := &fake{reply: reply}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.requests = append(f.requests, seen{method: r.Method, path: r.URL.Path, query: r.URL.Query(), body: body, header: r.Header.Clone()})
		f.mu.Unlock()
		f.reply(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) first() seen {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.requests) == 0 {
		return seen{}
	}
	return f.requests[0]
}

func (f *fake) driver() *shopee.Driver {
	return shopee.New(shopee.Config{BaseURL: f.srv.URL, PartnerID: testPartnerID, PartnerKey: testPartnerKey,
		ShopID: testShopID, Now: func() time.Time { return testNow }, Timeout: 2 * time.Second}, fixedToken{})
}

// answer writes a JSON answer.
func answer(status int, body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

type fixedToken struct{}

func (fixedToken) Token(context.Context) (driver.Token, error) {
	return driver.Token{ShopID: "14701711", AccessToken: testToken, RefreshToken: "refresh-9c2d"}, nil
}
