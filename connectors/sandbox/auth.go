package sandbox

import "time"

type authCode struct {
	app      string
	shopID   int64
	redirect string
	expires  time.Time
}

type accessToken struct {
	app     string
	shopID  int64
	expires time.Time
}

type refreshToken struct {
	app     string
	shopID  int64
	access  string
	expires time.Time
}

// TokenPair is what a token exchange or refresh returns.
type TokenPair struct {
	AccessToken      string
	RefreshToken     string
	ShopID           int64
	AccessExpiresAt  time.Time
	RefreshExpiresAt time.Time
	AccessTTL        time.Duration
	RefreshTTL       time.Duration
}

// IssueCode records the seller's approval on the authorization page and
// returns a single-use code that expires after CodeTTL.
func (e *Engine) IssueCode(appKey string, shopID int64, redirect string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.apps[appKey]; !ok {
		return "", ErrUnknownApp
	}
	if _, err := e.shop(shopID); err != nil {
		return "", err
	}
	code := e.token("code")
	e.codes[code] = &authCode{app: appKey, shopID: shopID, redirect: redirect, expires: e.now().Add(e.cfg.CodeTTL)}
	return code, nil
}

// ExchangeCode turns a code into tokens; the code is then spent. Shopee
// also names the shop; wantShop 0 skips that check.
func (e *Engine) ExchangeCode(appKey, code string, wantShop int64) (TokenPair, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, ok := e.codes[code]
	if !ok || c.app != appKey || e.now().After(c.expires) || (wantShop != 0 && wantShop != c.shopID) {
		return TokenPair{}, ErrInvalidCode
	}
	delete(e.codes, code)
	s := e.shops[c.shopID]
	s.AuthorizedUntil = e.now().Add(365 * 24 * time.Hour)
	return e.issueTokens(appKey, c.shopID), nil
}

// Refresh spends a refresh token and returns a new pair (rotation). The old
// access token stays valid for OldAccessGrace.
func (e *Engine) Refresh(appKey, refresh string) (TokenPair, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r, ok := e.refresh[refresh]
	if !ok || r.app != appKey || e.now().After(r.expires) {
		return TokenPair{}, ErrInvalidRefresh
	}
	delete(e.refresh, refresh)
	if old, ok := e.access[r.access]; ok {
		grace := e.now().Add(e.cfg.OldAccessGrace)
		if e.cfg.OldAccessGrace == 0 {
			delete(e.access, r.access)
		} else if grace.Before(old.expires) {
			old.expires = grace
		}
	}
	return e.issueTokens(appKey, r.shopID), nil
}

// issueTokens makes a new pair; the caller holds mu.
func (e *Engine) issueTokens(appKey string, shopID int64) TokenPair {
	now := e.now()
	p := TokenPair{AccessToken: e.token("at"), RefreshToken: e.token("rt"), ShopID: shopID,
		AccessExpiresAt: now.Add(e.cfg.AccessTTL), RefreshExpiresAt: now.Add(e.cfg.RefreshTTL),
		AccessTTL: e.cfg.AccessTTL, RefreshTTL: e.cfg.RefreshTTL}
	e.access[p.AccessToken] = &accessToken{app: appKey, shopID: shopID, expires: p.AccessExpiresAt}
	e.refresh[p.RefreshToken] = &refreshToken{app: appKey, shopID: shopID, access: p.AccessToken, expires: p.RefreshExpiresAt}
	return p
}

// Authenticate resolves an access token to its shop. An expired token is
// ErrTokenExpired, an unknown one ErrTokenInvalid.
func (e *Engine) Authenticate(appKey, token string) (int64, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	t, ok := e.access[token]
	if !ok || (appKey != "" && t.app != appKey) {
		return 0, ErrTokenInvalid
	}
	if !e.now().Before(t.expires) {
		return 0, ErrTokenExpired
	}
	return t.shopID, nil
}

// ExpireTokens makes every access token of the shop expire now ("expire
// now" of the control API); refresh tokens stay usable.
func (e *Engine) ExpireTokens(shopID int64) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, t := range e.access {
		if t.shopID == shopID && e.now().Before(t.expires) {
			t.expires = e.now()
			n++
		}
	}
	return n
}

// SetLifetimes changes token lifetimes for tokens issued from now on.
func (e *Engine) SetLifetimes(code, access, refresh time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if code > 0 {
		e.cfg.CodeTTL = code
	}
	if access > 0 {
		e.cfg.AccessTTL = access
	}
	if refresh > 0 {
		e.cfg.RefreshTTL = refresh
	}
}
