package lazada

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"ocophub/connectors/driver"
)

// AuthorizeURL is Lazada's seller authorization page
// (AuthURL/oauth/authorize, docId 108260). force_auth makes Lazada ask
// even when the browser holds another seller's session. Lazada redirects
// to redirect with code and state; the code lives 30 minutes.
func (d *Driver) AuthorizeURL(redirect, state string) (string, error) {
	if redirect == "" {
		return "", &driver.Error{Code: driver.CodeInvalidArgument, Message: "a redirect URL is required"}
	}
	v := url.Values{"response_type": {"code"}, "force_auth": {"true"}, "redirect_uri": {redirect}, "client_id": {d.cfg.AppKey}}
	if state != "" {
		v.Set("state", state)
	}
	return d.cfg.AuthURL + "/oauth/authorize?" + v.Encode(), nil
}

// tokenAnswer is the answer of /auth/token/create and /auth/token/refresh:
// the fields sit at the top level of the envelope. Lifetimes are seconds;
// Lazada documents numbers and shows strings.
type tokenAnswer struct {
	AccessToken         string        `json:"access_token"`
	RefreshToken        string        `json:"refresh_token"`
	ExpiresIn           scalar        `json:"expires_in"`
	RefreshExpiresIn    scalar        `json:"refresh_expires_in"`
	Country             string        `json:"country"`
	CountryUserInfo     []countryUser `json:"country_user_info"`
	CountryUserInfoList []countryUser `json:"country_user_info_list"`
}

type countryUser struct {
	Country  string `json:"country"`
	SellerID scalar `json:"seller_id"`
}

// ExchangeCode spends an authorization code (/auth/token/create). Lazada's
// redirect carries no seller id; the token's ShopID is the seller id of
// the answer, else the callback's, else Config.ShopID. A spent or expired code is
// CodeUnauthenticated.
func (d *Driver) ExchangeCode(ctx context.Context, cb driver.Callback) (driver.Token, error) {
	if cb.Code == "" {
		return driver.Token{}, &driver.Error{Code: driver.CodeInvalidArgument, Message: "the authorization code is empty"}
	}
	return d.tokenCall(ctx, "/auth/token/create", map[string]string{"code": cb.Code}, cb.ShopID)
}

// RefreshToken spends t's refresh token (/auth/token/refresh) for a new
// pair; the old access token dies at once. A spent or expired refresh
// token is CodeUnauthenticated: the seller must authorize again.
func (d *Driver) RefreshToken(ctx context.Context, t driver.Token) (driver.Token, error) {
	if t.RefreshToken == "" {
		return driver.Token{}, &driver.Error{Code: driver.CodeUnauthenticated, Message: "no refresh token for this seller"}
	}
	return d.tokenCall(ctx, "/auth/token/refresh", map[string]string{"refresh_token": t.RefreshToken}, t.ShopID)
}

func (d *Driver) tokenCall(ctx context.Context, path string, params map[string]string, shopID string) (driver.Token, error) {
	now := d.cfg.Now()
	env, body, err := d.send(ctx, request{method: http.MethodPost, path: path, params: params, token: true})
	if err != nil {
		return driver.Token{}, err
	}
	var a tokenAnswer
	if err := json.Unmarshal(body, &a); err != nil || a.AccessToken == "" {
		return driver.Token{}, &driver.Error{Code: driver.CodeInternal, Message: "no token in the answer of " + path, RequestID: env.RequestID, Err: err}
	}
	t := driver.Token{ShopID: a.sellerID(), AccessToken: a.AccessToken, RefreshToken: a.RefreshToken}
	if t.ShopID == "" {
		t.ShopID = shopID
	}
	if t.ShopID == "" {
		t.ShopID = d.cfg.ShopID
	}
	if s, ok := a.ExpiresIn.int(); ok && s > 0 {
		t.AccessExpiresAt = now.Add(time.Duration(s) * time.Second)
	}
	if s, ok := a.RefreshExpiresIn.int(); ok && s > 0 {
		t.RefreshExpiresAt = now.Add(time.Duration(s) * time.Second)
	}
	return t, nil
}

// sellerID is the seller of the token's country (the first one when none
// matches: cross-border tokens say "cb").
func (a tokenAnswer) sellerID() string {
	users := a.CountryUserInfo
	if len(users) == 0 {
		users = a.CountryUserInfoList
	}
	for _, u := range users {
		if strings.EqualFold(u.Country, a.Country) && u.SellerID != "" {
			return u.SellerID.String()
		}
	}
	if len(users) > 0 {
		return users[0].SellerID.String()
	}
	return ""
}
