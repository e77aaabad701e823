package webui

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
)

// The seam for accounts (issue 6): Deps.Authenticate says who a request
// is, Deps.Login serves sign-in and sign-out. Until they exist, `ocophub
// dev` sets Deps.DevOperator: signing in on /login then only sets a cookie
// that lets the browser act as the operator, and every page says so. With
// neither (`serve` today) nobody gets in: pages fail closed.

const identityKey = "webui.identity"

// devCookie marks a browser signed in through the development stand-in.
const devCookie = "ocophub_dev"

// authenticate says who sends the request.
func (ui *UI) authenticate(r *http.Request) (Identity, error) {
	if ui.d.Authenticate != nil {
		return ui.d.Authenticate(r)
	}
	if !ui.d.DevOperator {
		return Identity{}, ErrNotSignedIn
	}
	if c, err := r.Cookie(devCookie); err != nil || c.Value != "1" {
		return Identity{}, ErrNotSignedIn
	}
	return Identity{Name: "Operator (dev)", Scope: catalog.OperatorScope()}, nil
}

// requireSignIn puts the person and their scope in the request, or sends
// the browser to /login and back here afterwards.
func (ui *UI) requireSignIn(c *gin.Context) {
	id, err := ui.authenticate(c.Request)
	if errors.Is(err, ErrNotSignedIn) {
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
	c.Set(identityKey, id)
	c.Request = c.Request.WithContext(catalog.WithScope(c.Request.Context(), id.Scope))
	c.Next()
}

// loginData is the login page's data.
type loginData struct {
	Next string
	// Available is false when nobody can sign in yet (no accounts, not
	// `ocophub dev`).
	Available bool
	Dev       bool
}

func (ui *UI) loginPage(c *gin.Context) {
	d := loginData{Next: localPath(c.Query("next"), "/"), Available: ui.d.Authenticate != nil || ui.d.DevOperator,
		Dev: ui.d.Authenticate == nil && ui.d.DevOperator}
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
	c.Redirect(http.StatusSeeOther, localPath(c.PostForm("next"), "/"))
}

func (ui *UI) logout(c *gin.Context) {
	if ui.d.Login != nil {
		ui.d.Login.ServeHTTP(c.Writer, c.Request)
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: devCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	c.Redirect(http.StatusSeeOther, "/login")
}
