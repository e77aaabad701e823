package webui

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"ocophub/catalog"
	"ocophub/worker/ops"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

//go:embed locales/*.json
var localeFiles embed.FS

// Languages the pages speak; the first is the default.
var languages = []string{"vi", "en"}

// vietnam is the hub's clock for people: dates and "today" are Vietnam's
// (UTC+7 all year, no daylight saving).
var vietnam = time.FixedZone("ICT", 7*3600)

// pages are the parsed templates, one set per page (layout + page), and
// the message bundle.
type pages struct {
	byName map[string]*template.Template
	bundle *i18n.Bundle
}

func loadPages() (*pages, error) {
	bundle := i18n.NewBundle(language.Vietnamese)
	bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	for _, l := range languages {
		if _, err := bundle.LoadMessageFileFS(localeFiles, "locales/"+l+".json"); err != nil {
			return nil, fmt.Errorf("webui: messages %s: %w", l, err)
		}
	}
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}, bundle: bundle}
	for _, n := range names {
		base := path.Base(n)
		if base == "layout.html" || strings.HasPrefix(base, "_") {
			continue
		}
		t, err := template.New("layout.html").Funcs(formatFuncs).ParseFS(templateFiles, "templates/layout.html", "templates/_*.html", n)
		if err != nil {
			return nil, fmt.Errorf("webui: template %s: %w", n, err)
		}
		p.byName[strings.TrimSuffix(base, ".html")] = t
	}
	return p, nil
}

// page is what every template receives: the request's language and
// person, the message to show, and the page's own data.
type page struct {
	Title string
	Lang  string
	// Path is the page's own address, for the language toggle.
	Path string
	Nav  string
	User catalog.Principal
	// Dev says the person is let in by the development stand-in.
	Dev       bool
	SignedIn  bool
	CSRFToken string
	Flash     string
	FlashBad  bool
	Data      any
	loc       *i18n.Localizer
}

// T is the message id in the page's language; args are name, value pairs
// for the message's {{.Name}} placeholders.
func (p *page) T(id string, args ...any) string {
	if len(args) == 1 {
		if spread, ok := args[0].([]any); ok {
			args = spread // a Light's Args, passed whole by a template
		}
	}
	data := map[string]any{}
	for i := 0; i+1 < len(args); i += 2 {
		data[fmt.Sprint(args[i])] = args[i+1]
	}
	s, err := p.loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil {
		return id
	}
	return s
}

// known is the text of a message whose id came from a request, or "" when
// no message has that id: the page never shows an id it was sent as text.
func (p *page) known(id string) string {
	s, err := p.loc.Localize(&i18n.LocalizeConfig{MessageID: id})
	if err != nil {
		return ""
	}
	return s
}

// FormKey is a new one-time key for a form (its hidden idempotency_key):
// the form posted twice, by a double click or a retry, acts once and the
// second post gets the first answer (formOnce).
func (p *page) FormKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Can reports whether the signed-in person's role may do permission p,
// so a page offers only the buttons that will work.
func (p *page) Can(perm string) bool { return p.User.Role.Can(catalog.Permission(perm)) }

// IsOperator reports whether the person is the platform's operator.
func (p *page) IsOperator() bool { return p.User.Role == catalog.RoleOperator }

// SeesCoops reports whether the person works across co-ops (the operator,
// an alliance's admin or staff).
func (p *page) SeesCoops() bool { return p.IsOperator() || p.User.Role.OfAlliance() }

// In picks the page's language of a bilingual text.
func (p *page) In(t catalog.Text) string { return t.In(p.Lang) }

// Group is an OCOP group's name in the page's language.
func (p *page) Group(g catalog.Group) string {
	if p.Lang == "vi" {
		return g.Vietnamese()
	}
	return p.T("group." + string(g))
}

// Explain is a channel error in plain words with what to do.
func (p *page) Explain(channelError string) string { return p.T(explanationID(channelError)) }

// newPage starts the page data of a request.
func (ui *UI) newPage(c *gin.Context, nav, titleID string, data any) *page {
	lang := requestLanguage(c)
	p := &page{Lang: lang, Path: c.Request.URL.RequestURI(), Nav: nav, Data: data,
		loc: i18n.NewLocalizer(ui.pages.bundle, lang)}
	if _, ok := c.Get(principalKey); ok {
		p.User = principal(c)
		p.SignedIn = true
		p.Dev = ui.d.Authenticate == nil && ui.d.DevOperator
	}
	if ui.d.CSRFToken != nil {
		p.CSRFToken = ui.d.CSRFToken(c.Request)
	}
	if f := c.Query("ok"); f != "" {
		p.Flash = p.known("flash." + f)
	}
	p.Title = p.T(titleID)
	return p
}

// render writes the named page with status.
func (ui *UI) render(c *gin.Context, status int, name string, p *page) {
	t, ok := ui.pages.byName[name]
	if !ok {
		panic("webui: no page " + name)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, p); err != nil {
		ui.d.Logger.ErrorContext(c.Request.Context(), "render page", "page", name, "err", err)
		c.String(http.StatusInternalServerError, "internal error")
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// fragment writes one named template of a page (an htmx partial).
func (ui *UI) fragment(c *gin.Context, name, block string, p *page) {
	var buf bytes.Buffer
	if err := ui.pages.byName[name].ExecuteTemplate(&buf, block, p); err != nil {
		ui.d.Logger.ErrorContext(c.Request.Context(), "render fragment", "page", name, "err", err)
		c.String(http.StatusInternalServerError, "internal error")
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
}

const langCookie = "lang"

// requestLanguage is ?lang=, else the lang cookie, else Vietnamese.
func requestLanguage(c *gin.Context) string {
	for _, l := range []string{c.Query("lang"), cookie(c, langCookie)} {
		for _, known := range languages {
			if l == known {
				return l
			}
		}
	}
	return languages[0]
}

func cookie(c *gin.Context, name string) string {
	v, _ := c.Cookie(name)
	return v
}

// setLanguage remembers the language for a year and goes back.
func (ui *UI) setLanguage(c *gin.Context) {
	lang := c.Param("lang")
	if lang != "vi" && lang != "en" {
		lang = "vi"
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode})
	c.Redirect(http.StatusSeeOther, catalog.LocalPath(c.Query("next"), "/"))
}

// formatFuncs format values the Vietnamese way whatever the language:
// money "95.000 ₫", dates dd/mm/yyyy.
var formatFuncs = template.FuncMap{
	"vnd":      func(v catalog.VND) string { return v.String() },
	"date":     func(t time.Time) string { return dateOf(t) },
	"datetime": func(t time.Time) string { return dateTimeOf(t) },
	"day":      func(d catalog.Date) string { return d.Vietnamese() },
	"platform": func(p catalog.Platform) string { return ops.PlatformName(p) },
	"stars":    func(s catalog.Stars) string { return strings.Repeat("★", int(s)) },
	"deref": func(p *int64) string {
		if p == nil {
			return "–"
		}
		return fmt.Sprint(*p)
	},
	"deref_time": func(p *time.Time) time.Time {
		if p == nil {
			return time.Time{}
		}
		return *p
	},
	"starChoices": func() []int { return []int{3, 4, 5} },
	"inc":         func(i int) int { return i + 1 },
	// dict passes several values to a sub-template: "Page" $ "Listing" ….
	"dict": func(kv ...any) map[string]any {
		m := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
}

func dateOf(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.In(vietnam).Format("02/01/2006")
}

func dateTimeOf(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.In(vietnam).Format("15:04 02/01/2006")
}

// serveStatic serves the embedded CSS and scripts; they change only with
// a new binary, so browsers may keep them an hour.
func serveStatic(c *gin.Context) {
	name := strings.TrimPrefix(c.Param("file"), "/")
	b, err := staticFiles.ReadFile("static/" + name)
	if err != nil || name == "" {
		c.Status(http.StatusNotFound)
		return
	}
	ctype := "application/octet-stream"
	switch path.Ext(name) {
	case ".css":
		ctype = "text/css; charset=utf-8"
	case ".js":
		ctype = "text/javascript; charset=utf-8"
	case ".svg":
		ctype = "image/svg+xml"
	}
	c.Header("Cache-Control", "public, max-age=3600")
	c.Data(http.StatusOK, ctype, b)
}
