package zalo

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"ocophub/connectors/driver"
)

// Lifetimes used only when Zalo's answer leaves them out: the access
// token's shortest published guess (1 h; another source says 25 h) and the
// refresh token's 3 months.
const (
	fallbackAccessTTL  = time.Hour
	fallbackRefreshTTL = 90 * 24 * time.Hour
)

// codeVerifier is the PKCE verifier of an authorization request: derived
// from state with the app secret, so nothing is stored between the
// redirect and the exchange and no one without the secret can make it.
func (d *Driver) codeVerifier(state string) string {
	m := hmac.New(sha256.New, []byte(d.cfg.AppSecret))
	m.Write([]byte("ocophub zalo pkce\x00" + d.cfg.AppID + "\x00" + state))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// codeChallenge is S256 of the verifier, base64url without padding.
func codeChallenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// AuthorizeURL is Zalo's OA permission page with a PKCE challenge bound to
// state. Zalo redirects to redirect with code, oa_id and state.
func (d *Driver) AuthorizeURL(redirect, state string) (string, error) {
	if redirect == "" {
		return "", invalidArg("redirect URL is required")
	}
	v := url.Values{"app_id": {d.cfg.AppID}, "redirect_uri": {redirect},
		"code_challenge": {codeChallenge(d.codeVerifier(state))}, "state": {state}}
	return d.cfg.OAuthBaseURL + "/v4/oa/permission?" + v.Encode(), nil
}

// tokenAnswer is the token endpoint's answer: tokens, or an OAuth error
// (HTTP 200 with error ≠ 0). Lifetimes are strings of seconds.
type tokenAnswer struct {
	AccessToken           string  `json:"access_token"`
	RefreshToken          string  `json:"refresh_token"`
	ExpiresIn             flexInt `json:"expires_in"`
	RefreshTokenExpiresIn flexInt `json:"refresh_token_expires_in"`

	Error       flexInt `json:"error"`
	Name        string  `json:"error_name"`
	Reason      string  `json:"error_reason"`
	Description string  `json:"error_description"`
	Message     string  `json:"message"`
}

// ExchangeCode spends the redirect's code (cb.ShopID is its oa_id) with the
// PKCE verifier derived from cb.State. A bad, used or expired code, or a
// verifier that does not match, is CodeUnauthenticated.
func (d *Driver) ExchangeCode(ctx context.Context, cb driver.Callback) (driver.Token, error) {
	code, shopID := cb.Code, cb.ShopID
	if code == "" {
		return driver.Token{}, invalidArg("authorization code is required")
	}
	tok, err := d.tokenCall(ctx, url.Values{"app_id": {d.cfg.AppID}, "code": {code},
		"grant_type": {"authorization_code"}, "code_verifier": {d.codeVerifier(cb.State)}})
	if err != nil {
		return driver.Token{}, err
	}
	if shopID == "" {
		shopID = d.cfg.ShopID
	}
	if shopID == "" {
		if shopID, err = d.oaID(ctx, tok.AccessToken); err != nil {
			return driver.Token{}, err
		}
	}
	tok.ShopID = shopID
	return tok, nil
}

// RefreshToken spends t's refresh token for a new pair (Zalo rotates both;
// the old refresh token dies). A spent or expired one is
// CodeUnauthenticated: the seller must authorize again.
func (d *Driver) RefreshToken(ctx context.Context, t driver.Token) (driver.Token, error) {
	if t.RefreshToken == "" {
		return driver.Token{}, &driver.Error{Code: driver.CodeUnauthenticated, Message: "no refresh token: authorize the OA again"}
	}
	tok, err := d.tokenCall(ctx, url.Values{"app_id": {d.cfg.AppID}, "refresh_token": {t.RefreshToken},
		"grant_type": {"refresh_token"}})
	if err != nil {
		return driver.Token{}, err
	}
	tok.ShopID = t.ShopID
	if tok.ShopID == "" {
		tok.ShopID = d.cfg.ShopID
	}
	return tok, nil
}

// tokenCall posts form to the OAuth v4 token endpoint, authenticated by
// the secret_key header.
func (d *Driver) tokenCall(ctx context.Context, form url.Values) (driver.Token, error) {
	r := d.http.R().SetHeader("secret_key", d.cfg.AppSecret).SetFormDataFromValues(form)
	status, header, body, err := d.send(ctx, r, http.MethodPost, d.cfg.OAuthBaseURL+"/v4/oa/access_token")
	if err != nil {
		return driver.Token{}, err
	}
	var a tokenAnswer
	jsonErr := json.Unmarshal(body, &a)
	if status != http.StatusOK || jsonErr != nil || a.Error != 0 || a.AccessToken == "" {
		msg := a.Description
		if msg == "" {
			msg = a.Message
		}
		if msg == "" && a.Name != "" {
			msg = a.Name + ": " + a.Reason
		}
		if jsonErr != nil {
			msg = ""
		}
		return driver.Token{}, zaloError(status, header, int(a.Error), msg, d.cfg.Now())
	}
	now := d.cfg.Now()
	access, refresh := time.Duration(a.ExpiresIn)*time.Second, time.Duration(a.RefreshTokenExpiresIn)*time.Second
	if access <= 0 {
		access = fallbackAccessTTL
	}
	if refresh <= 0 {
		refresh = fallbackRefreshTTL
	}
	return driver.Token{AccessToken: a.AccessToken, RefreshToken: a.RefreshToken,
		AccessExpiresAt: now.Add(access), RefreshExpiresAt: now.Add(refresh)}, nil
}

// oaID asks Zalo which OA a token belongs to.
func (d *Driver) oaID(ctx context.Context, token string) (string, error) {
	var oa struct {
		OAID flexString `json:"oa_id"`
	}
	if err := d.get(ctx, token, "/v2.0/oa/getoa", nil, &oa); err != nil {
		return "", err
	}
	return string(oa.OAID), nil
}
