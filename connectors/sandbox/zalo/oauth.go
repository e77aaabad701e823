package zalo

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"ocophub/connectors/sandbox"
)

// OAuth error codes (body {"error", "error_name", "error_reason",
// "error_description"}, HTTP 200 as Zalo does). -14002, -14004, -14005 and
// -14018 were seen on the live service by an integrator; -14003 and -14014
// are the codes integrators quote for a bad parameter and a dead refresh
// token.
const (
	oauthInvalidAppID   = -14002
	oauthInvalidParam   = -14003
	oauthInvalidSecret  = -14004
	oauthInvalidCode    = -14005
	oauthInvalidRefresh = -14014
	oauthInvalidGrant   = -14018
)

type oauthError struct {
	Error       int    `json:"error"`
	Name        string `json:"error_name"`
	Reason      string `json:"error_reason"`
	Description string `json:"error_description"`
}

func writeOAuthError(w http.ResponseWriter, code int, name, reason string) {
	writeJSON(w, http.StatusOK, oauthError{Error: code, Name: name, Reason: reason, Description: name + ": " + reason})
}

// tokenResponse is a successful exchange or refresh. Zalo sends the
// lifetimes as strings of seconds ("90000").
type tokenResponse struct {
	AccessToken           string `json:"access_token"`
	RefreshToken          string `json:"refresh_token"`
	ExpiresIn             string `json:"expires_in"`
	RefreshTokenExpiresIn string `json:"refresh_token_expires_in"`
}

// authorize is GET/POST /v4/oa/permission: the OA admin picks a test shop
// (the OA) and approves; the browser goes back to redirect_uri with
// code, oa_id, state and code_challenge.
func (f *front) authorize(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		writeUnknownAPI(w)
		return
	}
	q := r.URL.Query()
	appID, redirect := q.Get("app_id"), q.Get("redirect_uri")
	state, challenge := q.Get("state"), q.Get("code_challenge")
	back, err := url.Parse(redirect)
	if err != nil || !back.IsAbs() {
		http.Error(w, "redirect_uri must be an absolute URL / redirect_uri phải là URL đầy đủ (Zalo -14003)", http.StatusBadRequest)
		return
	}
	f.e.ServeAuthorizePage(w, r, sandbox.AuthRequest{AppKey: appID, Redirect: redirect,
		Approved: func(code string, shopID int64) string {
			if challenge != "" {
				f.challenges.put(code, challenge, f.e.Now())
			}
			u := *back
			v := u.Query()
			v.Set("code", code)
			v.Set("oa_id", formatID(shopID))
			if state != "" {
				v.Set("state", state)
			}
			if challenge != "" {
				v.Set("code_challenge", challenge)
			}
			u.RawQuery = v.Encode()
			return u.String()
		}})
}

// accessToken is POST /v4/oa/access_token: the code exchange (with PKCE)
// and the refresh, both authenticated by the secret_key header.
func (f *front) accessToken(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(r); err != nil {
		writeOAuthError(w, oauthInvalidParam, "Invalid parameter", "the body must be a form: "+err.Error())
		return
	}
	appID := r.Form.Get("app_id")
	if appID == "" {
		writeOAuthError(w, oauthInvalidParam, "Invalid parameter", "app_id is required")
		return
	}
	app, ok := f.e.App(appID)
	if !ok {
		writeOAuthError(w, oauthInvalidAppID, "Invalid appId", "app_id "+appID+" does not exist")
		return
	}
	if subtle.ConstantTimeCompare([]byte(r.Header.Get("secret_key")), []byte(app.Secret)) != 1 {
		writeOAuthError(w, oauthInvalidSecret, "Invalid secret key", "the secret_key header does not match the app secret")
		return
	}
	var (
		pair sandbox.TokenPair
		err  error
	)
	switch r.Form.Get("grant_type") {
	case "authorization_code":
		code := r.Form.Get("code")
		if code == "" {
			writeOAuthError(w, oauthInvalidParam, "Invalid parameter", "code is required")
			return
		}
		if challenge, ok := f.challenges.get(code); ok && !pkceMatches(r.Form.Get("code_verifier"), challenge) {
			writeOAuthError(w, oauthInvalidCode, "Invalid code", "code_verifier does not match the code_challenge")
			return
		}
		pair, err = f.e.ExchangeCode(appID, code, 0)
		if err != nil {
			writeOAuthError(w, oauthInvalidCode, "Invalid code", "the code is invalid, expired or already used")
			return
		}
		f.challenges.drop(code)
	case "refresh_token":
		refresh := r.Form.Get("refresh_token")
		if refresh == "" {
			writeOAuthError(w, oauthInvalidParam, "Invalid parameter", "refresh_token is required")
			return
		}
		pair, err = f.e.Refresh(appID, refresh)
		if err != nil {
			writeOAuthError(w, oauthInvalidRefresh, "Invalid refresh token", "the refresh token is invalid, expired or already used")
			return
		}
	default:
		writeOAuthError(w, oauthInvalidGrant, "Invalid grant type", "grant_type must be authorization_code or refresh_token")
		return
	}
	writeJSON(w, http.StatusOK, tokenResponse{AccessToken: pair.AccessToken, RefreshToken: pair.RefreshToken,
		ExpiresIn:             strconv.FormatInt(int64(pair.AccessTTL/time.Second), 10),
		RefreshTokenExpiresIn: strconv.FormatInt(int64(pair.RefreshTTL/time.Second), 10)})
}

// parseForm reads form fields from the query and an urlencoded or
// multipart body: clients send all three.
func parseForm(r *http.Request) error {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		return r.ParseMultipartForm(1 << 20)
	}
	return r.ParseForm()
}

// pkceMatches checks S256: challenge = base64url-no-padding(SHA-256(verifier)).
func pkceMatches(verifier, challenge string) bool {
	if verifier == "" {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	want := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(want), []byte(challenge)) == 1
}

// challengeStore remembers the code_challenge of each code issued through
// the authorization page until the code is exchanged. Codes issued without
// a challenge (or by POST /_sandbox/authorize) exchange without PKCE.
type challengeStore struct {
	mu sync.Mutex
	m  map[string]challengeEntry
}

type challengeEntry struct {
	challenge string
	at        time.Time
}

// challengeSweep bounds the store: past this size, entries older than
// challengeMaxAge (far beyond any code lifetime) are dropped.
const (
	challengeSweep  = 4096
	challengeMaxAge = 24 * time.Hour
)

func newChallengeStore() *challengeStore {
	return &challengeStore{m: map[string]challengeEntry{}}
}

func (s *challengeStore) put(code, challenge string, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.m) >= challengeSweep {
		for k, v := range s.m {
			if now.Sub(v.at) > challengeMaxAge {
				delete(s.m, k)
			}
		}
	}
	s.m[code] = challengeEntry{challenge: challenge, at: now}
}

func (s *challengeStore) get(code string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.m[code]
	return c.challenge, ok
}

func (s *challengeStore) drop(code string) {
	s.mu.Lock()
	delete(s.m, code)
	s.mu.Unlock()
}
