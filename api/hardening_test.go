package api_test

// Tests of the second review's findings: forms before sign-in, idempotency
// keys outliving slow requests, the import's write deadline, sign-in locks
// over IPv6, the public base behind a proxy.

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"

	"ocophub/api"
	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// TestLargeFormsWaitForSignIn: a form to a large route (the web UI's
// /import) is not parsed before its session is known, so an anonymous
// client makes the server hold nothing; a signed-in upload is parsed with
// its file on disk, and its CSRF token is still checked.
func TestLargeFormsWaitForSignIn(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	f := storetest.NewFixture(t, st, "LF")
	addPerson(t, st, catalog.User{Username: "manager.lf", Name: "Quản lý", Role: catalog.RoleCoopManager, CoopID: f.Coop.ID})
	srv := startServer(t, api.Deps{Store: st})
	router, err := api.New(api.Deps{Store: st, Auth: srv.Auth})
	require.NoError(t, err)
	type seen struct{ parsed, onDisk bool }
	var got seen
	router.POST("/import", func(c *gin.Context) {
		got = seen{parsed: c.Request.PostForm != nil || c.Request.MultipartForm != nil}
		if got.parsed {
			fh, err := c.FormFile("file")
			require.NoError(t, err)
			file, err := fh.Open()
			require.NoError(t, err)
			_, got.onDisk = file.(*os.File)
			_ = file.Close()
		}
		c.Status(http.StatusOK)
	})
	web := httptest.NewServer(router)
	t.Cleanup(web.Close)

	upload := func(cookie, csrf string) int {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		_ = w.WriteField("csrf_token", csrf)
		fw, _ := w.CreateFormFile("file", "catalog.csv")
		_, _ = fw.Write(bytes.Repeat([]byte("x"), 3<<20))
		_ = w.Close()
		req, err := http.NewRequest("POST", web.URL+"/import", &b)
		require.NoError(t, err)
		req.Header.Set("Content-Type", w.FormDataContentType())
		req.Header.Set("Cookie", cookie)
		res, err := noRedirects.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		return res.StatusCode
	}

	got = seen{}
	require.Equal(t, http.StatusOK, upload("ocophub_session=made-up", "made-up"))
	require.False(t, got.parsed, "nobody signed in: the form reached the page unread")

	r := srv.send("POST", "/api/v1/auth/login", map[string]string{"username": "manager.lf", "password": testPassword}, "Authorization", "")
	require.Equal(t, http.StatusOK, r.Status, "body: %s", r.Body)
	var in struct {
		CSRFToken string `json:"csrf_token"`
	}
	require.NoError(t, json.Unmarshal(r.Body, &in))
	session := "ocophub_session=" + sessionCookie(t, r, "ocophub_session").Value

	got = seen{}
	require.Equal(t, http.StatusForbidden, upload(session, "wrong"), "a live session's form still needs its CSRF token")
	got = seen{}
	require.Equal(t, http.StatusOK, upload(session, in.CSRFToken))
	require.True(t, got.parsed)
	require.True(t, got.onDisk, "the upload was spooled to a temporary file, not held in memory")
}
