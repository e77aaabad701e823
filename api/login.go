package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"ocophub/catalog"
)

// LoginLimits bound sign-in attempts (GCRA in Redis, shared by every
// replica). Zero values take the defaults.
type LoginLimits struct {
	// Prefix of the Redis keys (default "ocophub:login:").
	Prefix string
	// PerAccount: attempts on one username from one client address
	// (default 10 per 15 minutes). A successful sign-in from that address
	// starts its count again. The lock is per (account, address) so that
	// someone guessing a person's password from their own address locks
	// only themselves out, never the person from theirs.
	PerAccount redis_rate.Limit
	// PerIP: attempts from one client address, whatever the username
	// (default 50 per 15 minutes: a co-op's office shares one address).
	PerIP redis_rate.Limit
}

// LoginLimiter counts sign-in attempts per (account, address) and per
// address, so passwords cannot be guessed online at any useful rate. An
// IPv6 address counts as its /64 (addressGroup).
type LoginLimiter struct {
	rl     *redis_rate.Limiter
	limits LoginLimits
}

// NewLoginLimiter counts attempts in rdb.
func NewLoginLimiter(rdb *redis.Client, l LoginLimits) *LoginLimiter {
	if l.Prefix == "" {
		l.Prefix = "ocophub:login:"
	}
	if l.PerAccount.Rate == 0 {
		l.PerAccount = redis_rate.Limit{Rate: 10, Burst: 10, Period: 15 * time.Minute}
	}
	if l.PerIP.Rate == 0 {
		l.PerIP = redis_rate.Limit{Rate: 50, Burst: 50, Period: 15 * time.Minute}
	}
	return &LoginLimiter{rl: redis_rate.NewLimiter(rdb), limits: l}
}

// accountKey counts the attempts on one account from one address; the
// username is hashed so the keys do not list who has an account.
func (l *LoginLimiter) accountKey(ip, username string) string {
	sum := sha256.Sum256([]byte(catalog.NormalizeUsername(username)))
	return l.limits.Prefix + "user:" + hex.EncodeToString(sum[:12]) + ":" + addressGroup(ip)
}

// addressGroup is the "address" the limits count: an IPv4 address as it
// is, an IPv6 address by its /64. One subscriber usually holds a whole /64,
// so counting its addresses one by one would give a guesser a fresh limit
// for every address it picks.
func addressGroup(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	if addr = addr.Unmap().WithZone(""); addr.Is4() {
		return addr.String()
	}
	return netip.PrefixFrom(addr, 64).Masked().String()
}

// allow counts one attempt against the address and against the account
// from that address; a refusal is too_many_requests with when to retry.
// Redis unreachable refuses the attempt (unavailable): failing open would
// lift the limit.
func (l *LoginLimiter) allow(ctx context.Context, ip, username string) error {
	for _, k := range []struct {
		key   string
		limit redis_rate.Limit
	}{{l.limits.Prefix + "ip:" + addressGroup(ip), l.limits.PerIP}, {l.accountKey(ip, username), l.limits.PerAccount}} {
		res, err := l.rl.Allow(ctx, k.key, k.limit)
		if err != nil {
			return &catalog.Error{Code: catalog.CodeUnavailable, Message: "cannot check sign-in attempts; try again", Err: err}
		}
		if res.Allowed == 0 {
			return &catalog.Error{Code: codeTooManyRequests, Err: retryAfter(res.RetryAfter),
				Message: "too many sign-in attempts: wait " + retrySeconds(res.RetryAfter) + " s and try again"}
		}
	}
	return nil
}

// succeeded starts the count of the account from that address again.
func (l *LoginLimiter) succeeded(ctx context.Context, ip, username string) {
	_ = l.rl.Reset(ctx, l.accountKey(ip, username))
}

// retryAfter is the cause of a too_many_requests error: when a retry may
// pass. abortWithError sends it as Retry-After.
type retryAfter time.Duration

func (d retryAfter) Error() string { return "retry after " + retrySeconds(time.Duration(d)) + " s" }

func retrySeconds(d time.Duration) string {
	return strconv.Itoa(int(math.Ceil(max(d, time.Second).Seconds())))
}

// signIn checks the limits and the password, then starts a new session
// (always a new one: a session id planted before sign-in is never
// promoted) and sets its cookie.
func (a *Auth) signIn(w http.ResponseWriter, r *http.Request, username, password string) (catalog.User, string, time.Time, error) {
	ctx, ip := r.Context(), a.clientIP(r)
	if err := a.limiter.allow(ctx, ip, username); err != nil {
		return catalog.User{}, "", time.Time{}, err
	}
	u, err := a.accounts.Login(ctx, username, password)
	if err != nil {
		return catalog.User{}, "", time.Time{}, err
	}
	a.limiter.succeeded(ctx, ip, username)
	if old := a.sessionSecret(r); old != "" {
		_ = a.accounts.EndSession(ctx, old)
	}
	secret, expires, err := a.accounts.CreateSession(ctx, u.ID, a.lifetime, ip, r.UserAgent())
	if err != nil {
		return catalog.User{}, "", time.Time{}, err
	}
	a.setCookie(w, r, secret, expires)
	return u, csrfToken(secret), expires, nil
}

// loginRequest is the body of POST /auth/login.
type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// loginResponse answers a sign-in: the user, and the CSRF token its
// writes must carry in X-CSRF-Token.
type loginResponse struct {
	User      catalog.User `json:"user"`
	CSRFToken string       `json:"csrf_token"`
	ExpiresAt time.Time    `json:"expires_at"`
}

// login signs a person in with JSON. The body must be declared JSON: a
// cross-site form or a no-cors fetch cannot declare it, so no other site
// can sign a browser into an account of its choosing.
func (a *Auth) login(c *gin.Context) {
	if c.ContentType() != "application/json" || crossSite(c.Request) {
		abortWithError(c, &catalog.Error{Code: codeUnsupportedMedia, Message: "send the credentials as application/json"})
		return
	}
	var req loginRequest
	if err := decodeJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	u, csrf, expires, err := a.signIn(c.Writer, c.Request, req.Username, req.Password)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, loginResponse{User: u, CSRFToken: csrf, ExpiresAt: expires})
}

// logout ends the session and clears its cookie; with an API token it
// does nothing (revoke the token instead).
func (a *Auth) logout(c *gin.Context) {
	if secret := a.sessionSecret(c.Request); secret != "" && c.GetHeader("Authorization") == "" {
		if err := a.accounts.EndSession(c.Request.Context(), secret); err != nil {
			abortWithError(c, err)
			return
		}
		a.clearCookie(c.Writer, c.Request)
	}
	c.Status(http.StatusNoContent)
}

// meResponse is who the caller is and what it may do.
type meResponse struct {
	User        *catalog.User        `json:"user,omitempty"`
	TokenID     int64                `json:"token_id,omitempty"`
	Name        string               `json:"name"`
	Role        catalog.Role         `json:"role"`
	AllianceID  int64                `json:"alliance_id,omitempty"`
	CoopID      int64                `json:"coop_id,omitempty"`
	Permissions []catalog.Permission `json:"permissions"`
	Grants      []catalog.Grant      `json:"grants"`
	CSRFToken   string               `json:"csrf_token,omitempty"`
}

func (a *Auth) me(c *gin.Context) {
	p := principalOf(c)
	out := meResponse{TokenID: p.TokenID, Name: p.Name, Role: p.Role, AllianceID: p.AllianceID, CoopID: p.CoopID,
		Permissions: catalog.PermissionsOf(p.Role), Grants: p.Grants}
	if out.Grants == nil {
		out.Grants = []catalog.Grant{}
	}
	if p.UserID != 0 {
		u, err := a.accounts.User(c.Request.Context(), p.UserID)
		if err != nil {
			abortWithError(c, err)
			return
		}
		out.User = &u
		if c.GetHeader("Authorization") == "" {
			out.CSRFToken = a.CSRFToken(c.Request)
		}
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, out)
}

// passwordRequest is the body of PUT /auth/password.
type passwordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// changePassword sets the caller's password; every session of the user
// ends and the caller gets a new one (with a new CSRF token).
func (a *Auth) changePassword(c *gin.Context) {
	var req passwordRequest
	if err := decodeJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	p := principalOf(c)
	ctx := c.Request.Context()
	if err := a.accounts.ChangePassword(ctx, req.CurrentPassword, req.NewPassword); err != nil {
		abortWithError(c, err)
		return
	}
	resp := loginResponse{}
	if u, err := a.accounts.User(ctx, p.UserID); err == nil {
		resp.User = u
	}
	if c.GetHeader("Authorization") == "" {
		secret, expires, err := a.accounts.CreateSession(ctx, p.UserID, a.lifetime, a.clientIP(c.Request), c.Request.UserAgent())
		if err != nil {
			abortWithError(c, err)
			return
		}
		a.setCookie(c.Writer, c.Request, secret, expires)
		resp.CSRFToken, resp.ExpiresAt = csrfToken(secret), expires
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, resp)
}

// LoginForm serves the web UI's HTML sign-in: POST /login with the form
// fields username, password and next (a local path) redirects to next when
// signed in, else back to /login?error=… ; POST /logout signs out and
// redirects to /login. A request another site sent is refused (403).
func (a *Auth) LoginForm() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		if crossSite(r) || !sameOrigin(r) {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		if strings.HasSuffix(r.URL.Path, "/logout") {
			if err := a.CheckCSRF(r); err != nil {
				http.Error(w, "forbidden", http.StatusForbidden)
				return
			}
			if secret := a.sessionSecret(r); secret != "" {
				_ = a.accounts.EndSession(r.Context(), secret)
			}
			a.clearCookie(w, r)
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		next := catalog.LocalPath(r.PostFormValue("next"), "/")
		_, _, _, err := a.signIn(w, r, r.PostFormValue("username"), r.PostFormValue("password"))
		if err != nil {
			reason := "credentials"
			switch catalog.ErrorCode(err) {
			case codeTooManyRequests:
				reason = "too_many"
			case catalog.CodeUnauthenticated:
			default:
				reason = "unavailable"
			}
			var ra retryAfter
			if errors.As(err, &ra) {
				w.Header().Set("Retry-After", retrySeconds(time.Duration(ra)))
			}
			http.Redirect(w, r, "/login?error="+reason+"&next="+url.QueryEscape(next), http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
	})
}

// sameOrigin refuses a form whose Origin header names another host; a
// browser that sends none passes (Sec-Fetch-Site covers the new ones).
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}
