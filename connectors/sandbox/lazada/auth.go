package lazada

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"ocophub/connectors/sandbox"
)

// authorizePage is GET|POST /oauth/authorize?response_type=code&
// force_auth=true&redirect_uri=&client_id=<app_key>&state=: the shop
// picker; approving redirects to redirect_uri with code (and state).
func (f *front) authorizePage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	clientID, redirect, state := q.Get("client_id"), q.Get("redirect_uri"), q.Get("state")
	if rt := q.Get("response_type"); rt != "" && rt != "code" {
		http.Error(w, "response_type must be code", http.StatusBadRequest)
		return
	}
	target, err := url.Parse(redirect)
	if clientID == "" || redirect == "" || err != nil || !target.IsAbs() {
		http.Error(w, "client_id and an absolute redirect_uri are required / cần client_id và redirect_uri", http.StatusBadRequest)
		return
	}
	f.e.ServeAuthorizePage(w, r, sandbox.AuthRequest{AppKey: clientID, Redirect: redirect,
		Approved: func(code string, _ int64) string {
			u := *target
			v := u.Query()
			v.Set("code", code)
			if state != "" {
				v.Set("state", state)
			}
			u.RawQuery = v.Encode()
			return u.String()
		}})
}

// countryUser is one entry of country_user_info(_list).
type countryUser struct {
	Country   string `json:"country"`
	SellerID  string `json:"seller_id"`
	UserID    string `json:"user_id"`
	ShortCode string `json:"short_code"`
}

// tokenAnswer is the answer of the token APIs: Lazada puts the fields at
// the top level, next to code and request_id, with no data object.
type tokenAnswer struct {
	AccessToken         string        `json:"access_token"`
	RefreshToken        string        `json:"refresh_token"`
	ExpiresIn           int64         `json:"expires_in"`
	RefreshExpiresIn    int64         `json:"refresh_expires_in"`
	Country             string        `json:"country"`
	AccountPlatform     string        `json:"account_platform"`
	Account             string        `json:"account"`
	CountryUserInfo     []countryUser `json:"country_user_info,omitempty"`
	CountryUserInfoList []countryUser `json:"country_user_info_list,omitempty"`
	Code                string        `json:"code"`
	RequestID           string        `json:"request_id"`
}

func (c *call) tokens(p sandbox.TokenPair, refreshed bool) error {
	seller := strconv.FormatInt(p.ShopID, 10)
	users := []countryUser{{Country: "vn", SellerID: seller, UserID: strconv.FormatInt(1_000_000_000+p.ShopID, 10), ShortCode: "VN" + seller}}
	a := tokenAnswer{AccessToken: p.AccessToken, RefreshToken: p.RefreshToken,
		ExpiresIn: int64(p.AccessTTL.Seconds()), RefreshExpiresIn: int64(p.RefreshTTL.Seconds()),
		Country: "vn", AccountPlatform: "seller_center", Account: "shop" + seller + "@sandbox.lazada.vn",
		Code: "0", RequestID: c.reqID}
	if refreshed {
		a.CountryUserInfoList = users
	} else {
		a.CountryUserInfo = users
	}
	c.write(http.StatusOK, a)
	return nil
}

// tokenCreate is GET|POST /auth/token/create: code → tokens. A code is
// single use and lives 30 minutes.
func (f *front) tokenCreate(c *call) error {
	code, err := c.required("code")
	if err != nil {
		return err
	}
	p, err := f.e.ExchangeCode(c.app.Key, code, 0)
	if err != nil {
		return isv("InvalidCode", "Invalid authorization code")
	}
	return c.tokens(p, false)
}

// tokenRefresh is GET|POST /auth/token/refresh: a refresh token is spent
// and a new pair issued; the old access token dies at once.
func (f *front) tokenRefresh(c *call) error {
	rt, err := c.required("refresh_token")
	if err != nil {
		return err
	}
	p, err := f.e.Refresh(c.app.Key, rt)
	if errors.Is(err, sandbox.ErrInvalidRefresh) {
		return isv("IllegalRefreshToken", "The specified refresh token is invalid or expired")
	}
	if err != nil {
		return err
	}
	return c.tokens(p, true)
}

// getSeller is GET /seller/get: who the access token's seller is.
func (f *front) getSeller(c *call) error {
	name := ""
	for _, s := range f.e.ShopViews() {
		if s.ID == c.shop {
			name = s.Name
		}
	}
	id := strconv.FormatInt(c.shop, 10)
	return c.ok(map[string]any{
		"seller_id": c.shop, "name": name, "name_company": name, "short_code": "VN" + id,
		"email": "shop" + id + "@sandbox.lazada.vn", "logo_url": "", "location": "Hồ Chí Minh",
		"cb": false, "verified": true, "status": "ACTIVE", "marketplaceEaseMode": false,
	})
}
