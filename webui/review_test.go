package webui_test

// Tests of the security review's findings (issue 16, section 3) on the
// pages.

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
)

// TestReviewedPages: every next is a clean local path (finding 1), the
// sign-in page shows only known messages (finding 9), the progress page
// takes a bounded list of ids (finding 10), and a form posted twice acts
// once (finding 8).
func TestReviewedPages(t *testing.T) {
	h := startHub(t, true)
	h.addUser(t, "manager.review", catalog.RoleCoopManager, "HTX-HAODAT")
	pc := signInPages(t, h.url, "manager.review")

	t.Run("next", func(t *testing.T) {
		for _, next := range []string{"/\t/evil.example", "/%09/evil.example", "/\r\n/evil.example", "//evil.example",
			"/\\evil.example", "https://evil.example", "/\x00/x", "/\\/evil.example"} {
			res, err := pc.c.Get(h.url + "/lang/en?next=" + url.QueryEscape(next))
			require.NoError(t, err)
			res.Body.Close()
			require.Equal(t, http.StatusSeeOther, res.StatusCode)
			if next == "/%09/evil.example" {
				require.Equal(t, "/%09/evil.example", res.Header.Get("Location"), "an escaped tab stays escaped: a path")
				continue
			}
			require.Equal(t, "/", res.Header.Get("Location"), "next %q", next)
		}
		res, err := pc.c.Get(h.url + "/lang/en?next=" + url.QueryEscape("/products?q=tra"))
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, "/products?q=tra", res.Header.Get("Location"))
		// The raw attack of the review: %09 decoded by the query.
		res, err = pc.c.Get(h.url + "/lang/en?next=/%09/evil.example")
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, "/", res.Header.Get("Location"))
		status, body := pc.get("/login?next=" + url.QueryEscape("/\t/evil.example"))
		require.Equal(t, http.StatusOK, status)
		require.Contains(t, body, `<input type="hidden" name="next" value="/">`)
	})

	t.Run("messages", func(t *testing.T) {
		status, body := pc.get("/login?error=" + url.QueryEscape("Tài khoản bị khoá, gọi 0900 000 000"))
		require.Equal(t, http.StatusOK, status)
		require.NotContains(t, body, "0900 000 000")
		require.NotContains(t, body, "login.error.")
		_, body = pc.get("/login?error=credentials&lang=en")
		require.Contains(t, body, `id="login-error"`)
		_, body = pc.get("/products?ok=" + url.QueryEscape("Gọi 0900 000 000 để nhận quà"))
		require.NotContains(t, body, "0900 000 000")
		require.NotContains(t, body, "flash.")
	})

	t.Run("progress", func(t *testing.T) {
		ids := make([]string, 5000)
		for i := range ids {
			ids[i] = "1"
		}
		status, _ := pc.get("/publish/progress?s=" + strings.Join(ids, ",") + "&p=1")
		require.Equal(t, http.StatusBadRequest, status)
		for i := range ids {
			ids[i] = strconv.Itoa(i + 1)
		}
		status, _ = pc.get("/publish/progress?s=1&p=" + strings.Join(ids, ","))
		require.Equal(t, http.StatusBadRequest, status)
	})

	t.Run("double submission", func(t *testing.T) {
		p, err := h.productByCode("CHE-HAODAT")
		require.NoError(t, err)
		path := "/products/" + strconv.FormatInt(p.ID, 10)
		status, page := pc.get(path)
		require.Equal(t, http.StatusOK, status)
		form := regexp.MustCompile(`(?s)<form method="post" action="` + path + `/stock">.*?</form>`).FindString(page)
		require.NotEmpty(t, form)
		key := regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`).FindStringSubmatch(form)
		require.Len(t, key, 2, "the stock form carries a one-time key: %s", form)
		warehouse := regexp.MustCompile(`<select name="warehouse_id"><option value="(\d+)"`).FindStringSubmatch(form)
		require.Len(t, warehouse, 2)
		wid := warehouse[1]
		before := onHand(t, h, p.Variants[0].ID)
		post := url.Values{"variant_id": {strconv.FormatInt(p.Variants[0].ID, 10)}, "warehouse_id": {wid},
			"delta": {"3"}, "reason": {"received"}, "idempotency_key": {key[1]}}
		s1, _, loc1 := pc.post(path+"/stock", post)
		s2, _, loc2 := pc.post(path+"/stock", post)
		require.Equal(t, http.StatusSeeOther, s1)
		require.Equal(t, s1, s2)
		require.Equal(t, loc1, loc2, "the second press gets the first answer")
		require.Equal(t, before+3, onHand(t, h, p.Variants[0].ID), "and moves no stock")
	})
}

func onHand(t *testing.T, h *hub, variantID int64) int64 {
	t.Helper()
	levels, err := h.st.StockLevels(h.ctx, variantID)
	require.NoError(t, err)
	var n int64
	for _, l := range levels {
		n += l.OnHand
	}
	return n
}
