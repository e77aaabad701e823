package webui

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"ocophub/api"
	"ocophub/catalog"
)

// errorMessage is an error in the page's words: "error.<code>", then the
// hub's own message for the codes that carry one a person can act on.
func errorMessage(p *page, err error) string {
	code := catalog.ErrorCode(err)
	if api.HTTPStatus(err) == http.StatusInternalServerError {
		return p.T("error.internal")
	}
	msg := p.T("error." + string(code))
	var ce *catalog.Error
	if errors.As(err, &ce) && ce.Message != "" && code != catalog.CodeNotFound {
		msg += " (" + ce.Message + ")"
	}
	return msg
}

// fail shows an error page for err; internal errors are logged, never
// shown.
func (ui *UI) fail(c *gin.Context, err error) {
	status := api.HTTPStatus(err)
	if status == http.StatusInternalServerError {
		ui.d.Logger.ErrorContext(c.Request.Context(), "page failed", "path", c.Request.URL.Path, "err", err)
	}
	p := ui.newPage(c, "", "error.title", nil)
	p.Flash, p.FlashBad = errorMessage(p, err), true
	ui.render(c, status, "error", p)
}

// pathID reads a positive id from the path.
func pathID(c *gin.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, catalog.Errorf(catalog.CodeNotFound, "no such page")
	}
	return id, nil
}

// back redirects to a page of the hub with a success message id
// ("flash.<ok>").
func back(c *gin.Context, to, ok string) {
	u, _ := url.Parse(catalog.LocalPath(to, "/"))
	q := u.Query()
	q.Set("ok", ok)
	u.RawQuery = q.Encode()
	c.Redirect(http.StatusSeeOther, u.String())
}

// idList parses "1,2,3" (ignoring anything that is not a positive id).
func idList(s string) []int64 {
	var out []int64
	for _, part := range strings.Split(s, ",") {
		if id, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64); err == nil && id > 0 {
			out = append(out, id)
		}
	}
	return out
}

// joinIDs writes ids as "1,2,3".
func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

// formIDs reads every value of a repeated form field as ids.
func formIDs(c *gin.Context, name string) []int64 {
	return idList(strings.Join(c.PostFormArray(name), ","))
}
