package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
)

// AuthConfig configures NewAuth. Zero durations take the defaults.
type AuthConfig struct {
	// Accounts checks passwords, sessions and API tokens (*store.Store).
	Accounts catalog.Accounts
	// Limiter counts sign-in attempts per account and per address; required.
	Limiter *LoginLimiter
	// SessionIdle ends a session unused this long (default 30 min).
	SessionIdle time.Duration
	// SessionLifetime ends a session this long after sign-in, however
	// busy (default 12 h: one working day).
	SessionLifetime time.Duration
	// TrustedProxies (IPs or CIDRs) are believed about the client's
	// address (X-Forwarded-For) and scheme (X-Forwarded-Proto); the same
	// list as Deps.TrustedProxies.
	TrustedProxies []string
	Logger         *slog.Logger
}

// Auth tells who sends a request: a session cookie (people, in the web UI
// or a browser) or an API token (integrators). The web UI uses the same
// sessions through Authenticate, CSRFToken and LoginForm; api.New checks
// the CSRF token of every form posted to its router.
type Auth struct {
	accounts catalog.Accounts
	limiter  *LoginLimiter
	idle     time.Duration
	lifetime time.Duration
	proxies  []netip.Prefix
	log      *slog.Logger
}

// NewAuth checks the configuration.
func NewAuth(c AuthConfig) (*Auth, error) {
	if c.Accounts == nil || c.Limiter == nil {
		return nil, errors.New("auth: Accounts and Limiter are required")
	}
	a := &Auth{accounts: c.Accounts, limiter: c.Limiter, idle: c.SessionIdle, lifetime: c.SessionLifetime, log: c.Logger}
	if a.idle <= 0 {
		a.idle = 30 * time.Minute
	}
	if a.lifetime <= 0 {
		a.lifetime = 12 * time.Hour
	}
	if a.log == nil {
		a.log = slog.Default()
	}
	for _, p := range c.TrustedProxies {
		prefix, err := netip.ParsePrefix(p)
		if err != nil {
			addr, err2 := netip.ParseAddr(p)
			if err2 != nil {
				return nil, fmt.Errorf("trusted proxy %q: not an IP or CIDR", p)
			}
			prefix = netip.PrefixFrom(addr, addr.BitLen())
		}
		a.proxies = append(a.proxies, prefix.Masked())
	}
	return a, nil
}

const principalKey = "ocophub.principal"

// principalOf is who the guard let through.
func principalOf(c *gin.Context) catalog.Principal {
	p, _ := c.Get(principalKey)
	pr, _ := p.(catalog.Principal)
	return pr
}

func roleLabel(r catalog.Role) string { return strings.ReplaceAll(string(r), "_", " ") }

var errSignIn = &catalog.Error{Code: catalog.CodeUnauthenticated,
	Message: "sign in (POST /api/v1/auth/login) or send an API token (Authorization: Bearer …)"}

// authenticate finds the principal of an API request. A request that
// sends an Authorization header is judged by it alone (no fall-back to the
// cookie); a cookie-authenticated write must carry its CSRF token.
func (a *Auth) authenticate(c *gin.Context) (catalog.Principal, error) {
	if a.accounts == nil {
		return catalog.Principal{}, &catalog.Error{Code: catalog.CodeUnauthenticated, Message: "no accounts are configured: nobody can sign in"}
	}
	ctx := c.Request.Context()
	if h := c.GetHeader("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return catalog.Principal{}, &catalog.Error{Code: catalog.CodeUnauthenticated, Message: "use Authorization: Bearer <API token>"}
		}
		return a.accounts.TokenPrincipal(ctx, strings.TrimSpace(token))
	}
	secret := a.sessionSecret(c.Request)
	if secret == "" {
		return catalog.Principal{}, errSignIn
	}
	p, err := a.accounts.SessionPrincipal(ctx, secret, a.idle)
	if catalog.ErrorCode(err) == catalog.CodeUnauthenticated {
		a.clearCookie(c.Writer, c.Request)
	}
	if err != nil {
		return catalog.Principal{}, err
	}
	if err := a.checkCSRF(c.Request, secret); err != nil {
		return catalog.Principal{}, err
	}
	return p, nil
}

// Authenticate tells who a browser request is by its session cookie, for
// the web UI's pages. An error with code unauthenticated means nobody is
// signed in.
func (a *Auth) Authenticate(r *http.Request) (catalog.Principal, error) {
	return a.accounts.SessionPrincipal(r.Context(), a.sessionSecret(r), a.idle)
}

// ---- cookies ----

const (
	sessionCookie       = "ocophub_session"
	secureSessionCookie = "__Host-ocophub_session" // the browser keeps it to this host, HTTPS only
)

// isTLS reports whether the client reached the hub over HTTPS: directly,
// or through a trusted proxy that says so.
func (a *Auth) isTLS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return a.fromTrustedProxy(r) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func (a *Auth) fromTrustedProxy(r *http.Request) bool {
	addr, ok := remoteAddr(r)
	return ok && a.trusted(addr)
}

// trusted reports whether addr is a trusted proxy; a nil Auth trusts none.
func (a *Auth) trusted(addr netip.Addr) bool {
	if a == nil {
		return false
	}
	for _, p := range a.proxies {
		if p.Contains(addr.Unmap()) {
			return true
		}
	}
	return false
}

// PublicBase is the hub as the caller reached it, for the URLs the hub
// hands out (OAuth redirects, the webhook URL a platform signs): publicURL
// (OCOPHUB_PUBLIC_URL) when set, else the request's scheme and host — as a
// trusted proxy forwarded them (X-Forwarded-Proto, X-Forwarded-Host), since
// behind a TLS proxy the browser and the platform see the public https URL,
// not the proxy's hop to the hub. The API and the web UI both use it; a nil
// Auth believes no proxy.
func (a *Auth) PublicBase(r *http.Request, publicURL string) string {
	if publicURL != "" {
		return strings.TrimSuffix(publicURL, "/")
	}
	scheme, host := "http", r.Host
	if a.isTLS(r) {
		scheme = "https"
	}
	if fwd := r.Header.Get("X-Forwarded-Host"); fwd != "" && a.fromTrustedProxy(r) {
		host = fwd
	}
	return scheme + "://" + host
}

func remoteAddr(r *http.Request) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	return addr.Unmap(), err == nil
}

// clientIP is the client's address: the peer's, or, when the peer is a
// trusted proxy, the right-most address of X-Forwarded-For that is not a
// trusted proxy (the left part of the header is the client's to forge).
func (a *Auth) clientIP(r *http.Request) string {
	addr, ok := remoteAddr(r)
	if !ok {
		return r.RemoteAddr
	}
	if !a.trusted(addr) {
		return addr.String()
	}
	hops := strings.Split(r.Header.Get("X-Forwarded-For"), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if addr = hop.Unmap(); !a.trusted(addr) {
			break
		}
	}
	return addr.String()
}

func (a *Auth) cookieName(r *http.Request) string {
	if a.isTLS(r) {
		return secureSessionCookie
	}
	return sessionCookie
}

// sessionSecret reads the session cookie of the request's scheme only: a
// cookie set over plain HTTP is not accepted over HTTPS.
func (a *Auth) sessionSecret(r *http.Request) string {
	ck, err := r.Cookie(a.cookieName(r))
	if err != nil || len(ck.Value) > 128 {
		return ""
	}
	return ck.Value
}

// setCookie gives the browser its session: HttpOnly (no script reads it),
// SameSite=Lax (no cross-site POST carries it), Secure over HTTPS.
func (a *Auth) setCookie(w http.ResponseWriter, r *http.Request, secret string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: a.cookieName(r), Value: secret, Path: "/", Expires: expires,
		MaxAge: int(time.Until(expires).Seconds()), HttpOnly: true, Secure: a.isTLS(r), SameSite: http.SameSiteLaxMode})
}

func (a *Auth) clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: a.cookieName(r), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: a.isTLS(r), SameSite: http.SameSiteLaxMode})
}

// ---- CSRF ----

// CSRFHeader carries the CSRF token of a cookie-authenticated write; an
// HTML form sends it as the field csrf_token.
const CSRFHeader = "X-CSRF-Token"

// codeCSRF is the API-only code of a write refused for its CSRF token.
const codeCSRF catalog.Code = "csrf_failed"

// csrfToken is derived from the session secret (HMAC), so nothing more is
// stored, a token is good for its session only, and a cookie planted by a
// sibling domain cannot supply a matching one.
func csrfToken(sessionSecret string) string {
	m := hmac.New(sha256.New, []byte(sessionSecret))
	m.Write([]byte("ocophub csrf token"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// CSRFToken is the token the forms of a signed-in browser carry; "" when
// nobody is signed in.
func (a *Auth) CSRFToken(r *http.Request) string {
	if s := a.sessionSecret(r); s != "" {
		return csrfToken(s)
	}
	return ""
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// CheckCSRF refuses a cookie-authenticated write that another site could
// have sent: the browser says the request is cross-site (Sec-Fetch-Site),
// or it lacks the session's CSRF token (header X-CSRF-Token, or form field
// csrf_token). Safe methods and requests without a session pass.
func (a *Auth) CheckCSRF(r *http.Request) error {
	secret := a.sessionSecret(r)
	if secret == "" {
		return nil
	}
	return a.checkCSRF(r, secret)
}

func (a *Auth) checkCSRF(r *http.Request, secret string) error {
	if !unsafeMethod(r.Method) {
		return nil
	}
	if crossSite(r) {
		return &catalog.Error{Code: codeCSRF, Message: "the browser says this request comes from another site"}
	}
	given := r.Header.Get(CSRFHeader)
	if given == "" && isForm(r) {
		if r.PostForm == nil { // an API form, read once its session is known: files to disk
			_ = r.ParseMultipartForm(formMemory)
		}
		given = r.PostForm.Get("csrf_token")
	}
	if given == "" || !hmac.Equal([]byte(given), []byte(csrfToken(secret))) {
		return &catalog.Error{Code: codeCSRF, Message: "missing or wrong CSRF token: send the csrf_token of your session in the X-CSRF-Token header"}
	}
	return nil
}

// crossSite reports whether a browser marked the request as sent by
// another site (or a sibling subdomain).
func crossSite(r *http.Request) bool {
	s := r.Header.Get("Sec-Fetch-Site")
	return s == "cross-site" || s == "same-site"
}

func isForm(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	return strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "multipart/form-data")
}

// pageCSRF applies CheckCSRF to every route outside /api/v1 (whose guard
// checks it) and the webhooks (which no browser sends): the web UI's pages
// are mounted on the same router, so each of their forms is checked
// without a page remembering to.
func (a *Auth) pageCSRF(c *gin.Context) {
	p := c.Request.URL.Path
	if a.accounts == nil || strings.HasPrefix(p, "/api/v1/") || strings.HasPrefix(p, "/webhooks/") {
		c.Next()
		return
	}
	if limit, large := bodyLimit(p); large && isForm(c.Request) && unsafeMethod(c.Request.Method) {
		// capBodies left this form unread: read it only for a live
		// session. Without one there is no session to forge a write for,
		// and the page sends the browser to sign in.
		_, err := a.Authenticate(c.Request)
		switch {
		case catalog.ErrorCode(err) == catalog.CodeUnauthenticated:
			c.Next()
			return
		case err != nil:
			c.AbortWithStatus(http.StatusServiceUnavailable)
			return
		}
		if !parseForm(c, limit) {
			return
		}
	}
	if err := a.CheckCSRF(c.Request); err != nil {
		c.AbortWithStatus(http.StatusForbidden)
		return
	}
	c.Next()
}
