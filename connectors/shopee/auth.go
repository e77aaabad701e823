package shopee

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"ocophub/connectors/driver"
)

// refreshTTL is how long Shopee keeps a refresh token (30 days, single
// use); the token endpoints do not return it.
const refreshTTL = 30 * 24 * time.Hour

const (
	pathAuthPartner = "/api/v2/shop/auth_partner"
	pathTokenGet    = "/api/v2/auth/token/get"
	pathTokenRenew  = "/api/v2/auth/access_token/get"
)

// AuthorizeURL is the signed authorization link (valid 5 minutes). Shopee
// has no state parameter: state rides in the redirect URL's own query, and
// Shopee appends code and shop_id to it.
func (d *Driver) AuthorizeURL(redirect, state string) (string, error) {
	if state != "" {
		u, err := url.Parse(redirect)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return "", driver.Errorf(driver.CodeInvalidArgument, "", "redirect %q is not an absolute URL", redirect)
		}
		q := u.Query()
		q.Set("state", state)
		u.RawQuery = q.Encode()
		redirect = u.String()
	}
	q := d.publicQuery(pathAuthPartner, d.cfg.Now().Unix())
	q.Set("redirect", redirect)
	return strings.TrimRight(d.cfg.BaseURL, "/") + pathAuthPartner + "?" + q.Encode(), nil
}

// tokenAnswer is what both token endpoints return at the top level.
type tokenAnswer struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpireIn     int64  `json:"expire_in"`
	ShopID       int64  `json:"shop_id"`
}

func (d *Driver) toToken(a tokenAnswer, shopID int64, at time.Time) (driver.Token, error) {
	if a.AccessToken == "" || a.RefreshToken == "" {
		return driver.Token{}, driver.Errorf(driver.CodeInternal, "", "token answer without access_token or refresh_token")
	}
	if a.ShopID != 0 {
		shopID = a.ShopID
	}
	return driver.Token{ShopID: strconv.FormatInt(shopID, 10), AccessToken: a.AccessToken, RefreshToken: a.RefreshToken,
		AccessExpiresAt: at.Add(time.Duration(a.ExpireIn) * time.Second), RefreshExpiresAt: at.Add(refreshTTL)}, nil
}

// shopIDOr parses a shop id, falling back to the driver's.
func (d *Driver) shopIDOr(s string) (int64, error) {
	if s == "" {
		return d.cfg.ShopID, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, driver.Errorf(driver.CodeInvalidArgument, "", "shop id %q is not a number", s)
	}
	return id, nil
}

// ExchangeCode spends the redirect's code (single use, 10 minutes) for the
// first token pair. A used or expired code is CodeUnauthenticated.
func (d *Driver) ExchangeCode(ctx context.Context, cb driver.Callback) (driver.Token, error) {
	code := cb.Code
	shop, err := d.shopIDOr(cb.ShopID)
	if err != nil {
		return driver.Token{}, err
	}
	at := d.cfg.Now()
	var out tokenAnswer
	err = d.send(ctx, request{method: http.MethodPost, path: pathTokenGet, public: true, topLevel: true,
		body: map[string]any{"code": code, "partner_id": d.cfg.PartnerID, "shop_id": shop}}, &out)
	if err != nil {
		return driver.Token{}, err
	}
	return d.toToken(out, shop, at)
}

// RefreshToken spends t's refresh token for a new access AND refresh
// token. A spent or expired refresh token is CodeUnauthenticated.
func (d *Driver) RefreshToken(ctx context.Context, t driver.Token) (driver.Token, error) {
	shop, err := d.shopIDOr(t.ShopID)
	if err != nil {
		return driver.Token{}, err
	}
	at := d.cfg.Now()
	var out tokenAnswer
	err = d.send(ctx, request{method: http.MethodPost, path: pathTokenRenew, public: true, topLevel: true,
		body: map[string]any{"refresh_token": t.RefreshToken, "partner_id": d.cfg.PartnerID, "shop_id": shop}}, &out)
	if err != nil {
		return driver.Token{}, err
	}
	return d.toToken(out, shop, at)
}
