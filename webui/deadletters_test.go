package webui_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
	"ocophub/webui"
	"ocophub/worker/ops"
)

// TestJobMonitorShowsDeadLetters: the job monitor counts the stored
// pushes given up and lists them with why.
func TestJobMonitorShowsDeadLetters(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	_, _, err := st.InboxDeadLetter(storetest.Operator(), catalog.PlatformZalo, []byte("{"),
		"invalid_argument: signed push body is not a Zalo event")
	require.NoError(t, err)
	mount, err := webui.New(webui.Deps{Store: st, Commands: &ops.Commands{}, DevOperator: true})
	require.NoError(t, err)
	r := gin.New()
	mount(r)
	req := httptest.NewRequest(http.MethodGet, "/jobs?lang=en", nil)
	req.AddCookie(&http.Cookie{Name: "ocophub_dev", Value: "1"})
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	page := rec.Body.String()
	require.Contains(t, page, "Pushes given up")
	require.Contains(t, page, `<span class="stat-n">1</span><span>dead letters`)
	require.Contains(t, page, "signed push body is not a Zalo event")
}
