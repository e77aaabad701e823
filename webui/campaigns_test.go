package webui_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
)

// pageClient is a person using the pages over HTTP (no browser): signed
// in through the API, forms posted with the session's CSRF token.
type pageClient struct {
	t    *testing.T
	base string
	c    *http.Client
	csrf string
}

func signInPages(t *testing.T, base, username string) *pageClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	pc := &pageClient{t: t, base: base, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
	b, _ := json.Marshal(map[string]string{"username": username, "password": password})
	res, err := pc.c.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(b))
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	var out struct {
		CSRFToken string `json:"csrf_token"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
	pc.csrf = out.CSRFToken
	return pc
}

func (pc *pageClient) get(path string) (int, string) {
	pc.t.Helper()
	res, err := pc.c.Get(pc.base + path)
	require.NoError(pc.t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// post sends a form; it answers the status, the page and the redirect.
func (pc *pageClient) post(path string, form url.Values) (int, string, string) {
	pc.t.Helper()
	form.Set("csrf_token", pc.csrf)
	res, err := pc.c.PostForm(pc.base+path, form)
	require.NoError(pc.t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header.Get("Location")
}

// TestCampaignPages: alliance staff make a campaign through the form
// (a refused form keeps what was typed and says what is wrong beside each
// field; the preview shows the SKUs and their campaign prices), a co-op
// manager sees the offer and opts a SKU in with a reserved quantity, the
// report and its CSV open, and staff cancel the campaign.
func TestCampaignPages(t *testing.T) {
	h := startHub(t, true)
	tea, err := h.productByCode("CHE-HAODAT")
	require.NoError(t, err)
	// Its 2023 certificate ended on 01/01/2026: renewed, it is 4★ again
	// (a campaign on stars selects only certificates in force).
	tea.Certificate = catalog.Certificate{Number: "3258/QĐ-UBND", CertifiedOn: catalog.NewDate(2026, 1, 1)}
	require.NoError(t, h.st.UpdateProduct(h.ctx, &tea))
	coop, err := h.st.Coop(h.ctx, tea.CoopID)
	require.NoError(t, err)
	staff := catalog.User{Username: "canbo.tn", Name: "Cán bộ Liên minh", Role: catalog.RoleAllianceStaff, AllianceID: coop.AllianceID}
	require.NoError(t, h.st.CreateUser(h.ctx, &staff, password))
	h.addUser(t, "quanly.haodat", catalog.RoleCoopManager, "HTX-HAODAT")
	// Hảo Đạt lets staff see its products (to preview them), not join for it.
	g := catalog.Grant{CoopID: coop.ID, StaffUserID: staff.ID, Rights: catalog.Rights{catalog.RightListProducts}, ExpiresAt: time.Now().Add(time.Hour)}
	require.NoError(t, h.st.CreateGrant(catalog.WithScope(h.ctx, catalog.CoopScope(coop.ID)), &g))

	s := signInPages(t, h.url, "canbo.tn")
	status, body := s.get("/campaigns")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, `id="new-campaign"`)
	status, body = s.get("/campaigns/new")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, `name="rules.coop_ids"`)

	day := time.Now().In(catalog.Vietnam).AddDate(0, 0, 1).Format("02/01/2006")
	form := url.Values{"name": {""}, "rules.min_stars": {"4"}, "discount.kind": {"percent"}, "discount.value": {"10"},
		"channels": {"shopee", "lazada"}, "starts_at": {day}, "starts_at.time": {"08:00"}, "ends_at": {day}, "ends_at.time": {"07:00"},
		"floors": {"CHE-HAODAT-500G 400.000"}, "action": {"create"}}
	status, body, _ = s.post("/campaigns/new", form)
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, body, `id="err-name"`)
	require.Contains(t, body, `id="err-ends_at"`)
	require.Contains(t, body, `>CHE-HAODAT-500G 400.000</textarea>`, "what was typed is kept")

	form.Set("name", "Tuần lễ chè OCOP 4★")
	form.Set("ends_at", time.Now().In(catalog.Vietnam).AddDate(0, 0, 4).Format("02/01/2006"))
	form.Set("action", "preview")
	status, body, _ = s.post("/campaigns/new", form)
	require.Equal(t, http.StatusOK, status, body)
	require.Contains(t, body, `data-sku="CHE-HAODAT-100G"`)
	require.Contains(t, body, "86.000 ₫", "95.000 − 10 %, rounded to 1.000")
	require.Contains(t, body, "400.000 ₫", "420.000 − 10 % is 378.000, held at the floor")
	require.NotContains(t, body, "CHE-LABANG", "3★ tea is not offered")

	form.Set("action", "create")
	status, _, loc := s.post("/campaigns/new", form)
	require.Equal(t, http.StatusSeeOther, status)
	m := regexp.MustCompile(`^/campaigns/(\d+)\?ok=campaign_created$`).FindStringSubmatch(loc)
	require.NotNil(t, m, "redirect %q", loc)
	page := "/campaigns/" + m[1]

	mgr := signInPages(t, h.url, "quanly.haodat")
	status, body = mgr.get("/campaigns")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, "Tuần lễ chè OCOP 4★")
	require.NotContains(t, body, `id="new-campaign"`, "a co-op makes no campaign")
	status, body = mgr.get(page)
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, `id="join-CHE-HAODAT-100G"`)
	v := tea.Variants[0]
	reserved := fmt.Sprintf("reserved.%d", v.ID)
	join := url.Values{"coop_id": {fmt.Sprint(tea.CoopID)}, "join": {fmt.Sprint(v.ID)}, reserved: {"100000"}}
	status, body, _ = mgr.post(page+"/join", join)
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, body, `id="err-`+reserved+`"`)
	require.Contains(t, body, `value="100000"`)
	join.Set(reserved, "5")
	status, _, loc = mgr.post(page+"/join", join)
	require.Equal(t, http.StatusSeeOther, status)
	require.Contains(t, loc, "ok=campaign_joined")
	_, body = mgr.get(page)
	require.Regexp(t, `id="join-CHE-HAODAT-100G" checked`, body)
	require.Regexp(t, `name="`+regexp.QuoteMeta(reserved)+`" id="f-`+regexp.QuoteMeta(reserved)+`" value="5"`, body)

	status, body = s.get(page + "/report")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, coop.Name)
	res, err := s.c.Get(h.url + "/api/v1/campaigns/" + m[1] + "/report.csv")
	require.NoError(t, err)
	csvBody, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, "text/csv; charset=utf-8", res.Header.Get("Content-Type"))
	require.True(t, strings.Contains(string(csvBody), "HTX-HAODAT"), "%s", csvBody)

	// On a phone nothing scrolls sideways: the manager's offer, and staff's
	// form, campaign and report.
	tab := newTab(t)
	login(t, tab, h.url, "quanly.haodat", page)
	screenshots(t, tab, h.url+page, "campaign-coop")
	tab = newTab(t)
	login(t, tab, h.url, "canbo.tn", "/campaigns/new")
	screenshots(t, tab, h.url+"/campaigns/new", "campaign-new")
	screenshots(t, tab, h.url+page, "campaign-alliance")
	screenshots(t, tab, h.url+page+"/report", "campaign-report")

	status, _, _ = mgr.post(page+"/cancel", url.Values{})
	require.Equal(t, http.StatusForbidden, status, "a co-op cancels no campaign")
	status, _, loc = s.post(page+"/cancel", url.Values{})
	require.Equal(t, http.StatusSeeOther, status)
	_, body = s.get(loc)
	require.Contains(t, body, `data-status="cancelled"`)
}
