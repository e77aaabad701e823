package webui

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/gin-gonic/gin"

	"ocophub/api"
	"ocophub/catalog"
)

// Accounts are api.Auth's (issue 6): Deps.Authenticate says who a request
// is by its session cookie, Deps.Login serves the sign-in form's POST, and
// the router checks every form's CSRF token. Deps.DevOperator is a stand-in
// for tests and trials without accounts: the button on /login then sets a
// cookie that lets the browser act as the operator, and every page says
// so. With neither, nobody gets in: pages fail closed.

const principalKey = "webui.principal"

// principal is the signed-in person of a page request.
func principal(c *gin.Context) catalog.Principal {
	p, _ := c.Get(principalKey)
	pr, _ := p.(catalog.Principal)
	return pr
}

// devCookie marks a browser signed in through the development stand-in.
const devCookie = "ocophub_dev"

// authenticate says who sends the request; unauthenticated: nobody.
func (ui *UI) authenticate(r *http.Request) (catalog.Principal, error) {
	if ui.d.Authenticate != nil {
		return ui.d.Authenticate(r)
	}
	if c, err := r.Cookie(devCookie); ui.d.DevOperator && err == nil && c.Value == "1" {
		return catalog.Principal{Name: "operator (dev)", Role: catalog.RoleOperator}, nil
	}
	return catalog.Principal{}, &catalog.Error{Code: catalog.CodeUnauthenticated, Message: "not signed in"}
}

// requireSignIn puts the person and their scope in the request, or sends
// the browser to /login and back here afterwards.
func (ui *UI) requireSignIn(c *gin.Context) {
	p, err := ui.authenticate(c.Request)
	if catalog.ErrorCode(err) == catalog.CodeUnauthenticated {
		c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
		c.Abort()
		return
	}
	if err != nil {
		ui.d.Logger.ErrorContext(c.Request.Context(), "authenticate", "err", err)
		c.String(http.StatusInternalServerError, "internal error")
		c.Abort()
		return
	}
	c.Set(principalKey, p)
	c.Request = c.Request.WithContext(catalog.WithScope(c.Request.Context(), p.Scope()))
	c.Next()
}

// formOnce runs a form post once per its one-time key (page.FormKey),
// through the same store of answers as the API's Idempotency-Key: a second
// post of the same form gets the first redirect and changes nothing. Only
// redirects are kept: a page rendered in answer is not stored (the import
// preview carries the whole file), and the forms that answer with a page
// (the import's check and confirm) are safe to run again. A post without
// a key (a script) runs as it is.
func (ui *UI) formOnce(c *gin.Context) {
	key := c.PostForm("idempotency_key")
	if c.Request.Method != http.MethodPost || key == "" {
		c.Next()
		return
	}
	api.Once(c, ui.d.Store, api.Caller(principal(c)), "form:"+key, api.KeepRedirect)
}

// need refuses a page to a role that may not do p. The store refuses
// the action anyway; this shows a clear page instead of a half-rendered one.
func (ui *UI) need(p catalog.Permission) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !principal(c).Role.Can(p) {
			ui.fail(c, &catalog.Error{Code: catalog.CodePermissionDenied})
			c.Abort()
		}
	}
}

// operatorOnly keeps the job monitor to the operator: the queues hold
// every co-op's tasks.
func (ui *UI) operatorOnly(c *gin.Context) {
	if principal(c).Role != catalog.RoleOperator {
		ui.fail(c, &catalog.Error{Code: catalog.CodePermissionDenied})
		c.Abort()
	}
}

// loginData is the login page's data.
type loginData struct {
	Next string
	// Available is false when nobody can sign in yet (no accounts, not
	// `ocophub dev`).
	Available bool
	Dev       bool
	// Problem is why the last sign-in failed, one of loginProblems.
	Problem string
}

// loginProblems are the reasons api.Auth's LoginForm sends back in
// ?error=; anything else in the address is ignored, never shown.
var loginProblems = []string{"credentials", "too_many", "unavailable"}

func (ui *UI) loginPage(c *gin.Context) {
	d := loginData{Next: catalog.LocalPath(c.Query("next"), "/"), Available: ui.d.Authenticate != nil || ui.d.DevOperator,
		Dev: ui.d.Authenticate == nil && ui.d.DevOperator}
	if slices.Contains(loginProblems, c.Query("error")) {
		d.Problem = c.Query("error")
	}
	status := http.StatusOK
	if !d.Available {
		status = http.StatusServiceUnavailable
	}
	ui.render(c, status, "login", ui.newPage(c, "login", "login.title", d))
}

func (ui *UI) login(c *gin.Context) {
	if ui.d.Login != nil {
		ui.d.Login.ServeHTTP(c.Writer, c.Request)
		return
	}
	if !ui.d.DevOperator {
		c.Redirect(http.StatusSeeOther, "/login")
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: devCookie, Value: "1", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	c.Redirect(http.StatusSeeOther, catalog.LocalPath(c.PostForm("next"), "/"))
}

func (ui *UI) logout(c *gin.Context) {
	if ui.d.Login != nil {
		ui.d.Login.ServeHTTP(c.Writer, c.Request)
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: devCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	c.Redirect(http.StatusSeeOther, "/login")
}
