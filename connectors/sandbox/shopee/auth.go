package shopee

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"ocophub/connectors/sandbox"
)

// serveAuthPartner is the authorization link: GET shows the shop picker
// once the link's public signature (partner_id + path + timestamp) checks
// out; the page posts back to the same URL, which issues a code and sends
// the browser to redirect?code=…&shop_id=….
func (f *front) serveAuthPartner(w http.ResponseWriter, r *http.Request) {
	c := &call{w: w, r: r, q: r.URL.Query(), requestID: newRequestID()}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		writeError(w, c.requestID, errDetail("", "/api/v2/shop/auth_partner must be opened with GET."))
		return
	}
	if err := f.authenticate(c, authAPI); err != nil {
		writeError(w, c.requestID, err)
		return
	}
	redirect := c.q.Get("redirect")
	if _, err := parseRedirect(redirect); err != nil {
		writeError(w, c.requestID, errDetail("", "redirect must be an absolute URL."))
		return
	}
	f.e.ServeAuthorizePage(w, r, sandbox.AuthRequest{AppKey: c.app.Key, Redirect: redirect, Approved: approvedURL(redirect)})
}

// serveSandboxLogin is the login page of Shopee's sandbox v2
// (open.sandbox.test-stable.shopee.com/auth?auth_type=seller&partner_id=…
// &redirect_uri=…&response_type=code): unsigned, same picker.
func (f *front) serveSandboxLogin(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect := q.Get("redirect_uri")
	if _, err := parseRedirect(redirect); err != nil || q.Get("partner_id") == "" {
		http.Error(w, "partner_id and an absolute redirect_uri are required / cần partner_id và redirect_uri", http.StatusBadRequest)
		return
	}
	f.e.ServeAuthorizePage(w, r, sandbox.AuthRequest{AppKey: q.Get("partner_id"), Redirect: redirect, Approved: approvedURL(redirect)})
}

func parseRedirect(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err == nil && (u.Scheme == "" || u.Host == "") {
		err = url.InvalidHostError(s)
	}
	return u, err
}

// approvedURL adds Shopee's code and shop_id to the app's redirect.
func approvedURL(redirect string) func(code string, shopID int64) string {
	return func(code string, shopID int64) string {
		u, _ := parseRedirect(redirect)
		q := u.Query()
		q.Set("code", code)
		q.Set("shop_id", strconv.FormatInt(shopID, 10))
		u.RawQuery = q.Encode()
		return u.String()
	}
}

// tokenBody is the body of both token endpoints.
type tokenBody struct {
	Code          string  `json:"code"`
	RefreshToken  string  `json:"refresh_token"`
	PartnerID     flexInt `json:"partner_id"`
	ShopID        flexInt `json:"shop_id"`
	MainAccountID flexInt `json:"main_account_id"`
	MerchantID    flexInt `json:"merchant_id"`
}

// checkTokenBody applies the rules both token endpoints share: partner_id
// repeated in the body, one shop (main accounts and merchants are not
// simulated).
func checkTokenBody(c *call, in tokenBody) error {
	if !in.PartnerID.Set {
		return errDetail("", "partner_id is required in the body.")
	}
	if strconv.FormatInt(in.PartnerID.V, 10) != c.app.Key {
		return errParam("", "Invalid partner_id.")
	}
	if in.MainAccountID.Set || in.MerchantID.Set {
		return errDetail("", "the sandbox authorizes shops only; send shop_id.")
	}
	if !in.ShopID.Set {
		return errDetail("", "shop_id is required.")
	}
	return nil
}

// getAccessToken is v2.public.get_access_token: code → first token pair.
func (f *front) getAccessToken(c *call) (any, error) {
	var in tokenBody
	if err := decodeBody(c, &in); err != nil {
		return nil, err
	}
	if in.Code == "" {
		return nil, errDetail("", "code is required.")
	}
	if err := checkTokenBody(c, in); err != nil {
		return nil, err
	}
	p, err := f.e.ExchangeCode(c.app.Key, in.Code, in.ShopID.V)
	if err != nil {
		return nil, err
	}
	return struct {
		RefreshToken string `json:"refresh_token"`
		AccessToken  string `json:"access_token"`
		ExpireIn     int64  `json:"expire_in"`
		RequestID    string `json:"request_id"`
		Error        string `json:"error"`
		Message      string `json:"message"`
	}{p.RefreshToken, p.AccessToken, int64(p.AccessTTL / time.Second), c.requestID, "", ""}, nil
}

// refreshAccessToken is v2.public.refresh_access_token: the refresh token
// is spent, a new pair returned; the old access token lives 5 more minutes.
func (f *front) refreshAccessToken(c *call) (any, error) {
	var in tokenBody
	if err := decodeBody(c, &in); err != nil {
		return nil, err
	}
	if in.RefreshToken == "" {
		return nil, errDetail("", "refresh_token is required.")
	}
	if err := checkTokenBody(c, in); err != nil {
		return nil, err
	}
	p, err := f.e.Refresh(c.app.Key, in.RefreshToken)
	if err != nil {
		return nil, err
	}
	return struct {
		PartnerID    int64  `json:"partner_id"`
		RefreshToken string `json:"refresh_token"`
		AccessToken  string `json:"access_token"`
		ExpireIn     int64  `json:"expire_in"`
		RequestID    string `json:"request_id"`
		Error        string `json:"error"`
		Message      string `json:"message"`
		ShopID       int64  `json:"shop_id"`
	}{in.PartnerID.V, p.RefreshToken, p.AccessToken, int64(p.AccessTTL / time.Second), c.requestID, "", "", p.ShopID}, nil
}

// getShopInfo is v2.shop.get_shop_info, the call clients make right after
// authorizing. Like the token endpoints it answers at the top level.
func (f *front) getShopInfo(c *call) (any, error) {
	var shop sandbox.ShopView
	for _, s := range f.e.ShopViews() {
		if s.ID == c.shopID {
			shop = s
		}
	}
	var authTime, expireTime int64
	if !shop.AuthorizedUntil.IsZero() {
		expireTime = shop.AuthorizedUntil.Unix()
		authTime = shop.AuthorizedUntil.AddDate(-1, 0, 0).Unix()
	}
	return map[string]any{
		"error": "", "message": "", "request_id": c.requestID,
		"auth_time": authTime, "expire_time": expireTime,
		"shop_name": shop.Name, "region": shop.Region, "status": "NORMAL",
		"shop_fulfillment_flag": "Others", "is_cb": false, "is_upgraded_cbsc": false, "merchant_id": nil,
		"is_sip": false, "sip_affi_shops": []any{}, "is_main_shop": false, "is_direct_shop": false,
		"linked_direct_shop_list": []any{}, "linked_main_shop_id": 0,
	}, nil
}
