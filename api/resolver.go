package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/language"

	"ocophub/catalog"
)

// The resolver answers GS1 Digital Link URIs printed on stamps
// ({PUBLIC_URL}/01/{GTIN-14}[/10/{lot}]) at the root of the hub, as GS1's
// resolver standard and its conformance suite ask: GET and HEAD redirect
// (307) to the default link in the language of Accept-Language, passing
// the query on; ?linkType=linkset or Accept: application/linkset+json
// answers the RFC 9264 linkset; ?linkType=gs1:pip (a link type) redirects
// to that link or is 404; OPTIONS answers CORS; a malformed URI or a wrong
// check digit is 400, an unknown GTIN or lot 404.

// ResolverStore is what the resolver reads (*store.Store implements it).
type ResolverStore interface {
	ProductByGTIN(ctx context.Context, gtin catalog.GTIN) (catalog.Product, error)
	Trace(ctx context.Context, gtin catalog.GTIN, code string) (catalog.Trace, error)
}

// GS1 link types (https://ref.gs1.org/voc/).
const (
	gs1Voc               = "https://gs1.org/voc/"
	linkPIP              = gs1Voc + "pip"
	linkTraceability     = gs1Voc + "traceability"
	linkCertificationInf = gs1Voc + "certificationInfo"
	linkDefault          = gs1Voc + "defaultLink"
	linksetType          = "application/linkset+json"
)

type resolver struct {
	store      ResolverStore
	publicBase func(*http.Request) string
}

func (rs resolver) routes(r *gin.Engine) {
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodOptions} {
		r.Handle(m, "/01/*path", rs.resolve)
	}
	r.GET("/.well-known/gs1resolver", rs.describe)
}

// resolverLanguages are the trace and product pages' languages, the first
// the default.
var resolverLanguages = language.NewMatcher([]language.Tag{language.Vietnamese, language.English})

// link is one target of a link type, in one language.
type link struct {
	Href     string   `json:"href"`
	Title    string   `json:"title"`
	Hreflang []string `json:"hreflang,omitempty"`
	Type     string   `json:"type,omitempty"`
}

func cors(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Accept, Accept-Language")
	h.Set("Access-Control-Expose-Headers", "Link, Location, Content-Type")
	h.Add("Vary", "Accept, Accept-Language")
}

func (rs resolver) resolve(c *gin.Context) {
	cors(c)
	if c.Request.Method == http.MethodOptions {
		c.Header("Allow", "GET, HEAD, OPTIONS")
		c.Status(http.StatusNoContent)
		return
	}
	query := c.Request.URL.Query()
	key, err := catalog.ParseDigitalLink(c.Request.URL.EscapedPath(), query)
	if err != nil {
		abortWithError(c, err)
		return
	}
	links, title, err := rs.links(c, key)
	if err != nil {
		abortWithError(c, err)
		return
	}
	base := rs.publicBase(c.Request)
	anchor := catalog.DigitalLink(base, mustGTIN13(key), key.Lot, catalog.Date{})
	c.Header("Link", "<"+anchor+"?linkType=linkset>; rel=\"linkset\"; type=\""+linksetType+"\"")

	want := query.Get("linkType")
	if want == "linkset" || want == "all" || want == "" && acceptsLinkset(c.Request) {
		set := map[string]any{"anchor": anchor, "itemDescription": title}
		for rel, ls := range links {
			set[rel] = ls
		}
		body, _ := json.Marshal(map[string]any{"linkset": []any{set}})
		c.Data(http.StatusOK, linksetType, body)
		return
	}
	rel := linkDefault
	if want != "" {
		rel = expandLinkType(want)
	}
	targets, ok := links[rel]
	if !ok {
		abortWithError(c, catalog.Errorf(catalog.CodeNotFound, "no link of type %s for this item", want))
		return
	}
	accepted, _, _ := language.ParseAcceptLanguage(c.GetHeader("Accept-Language"))
	tag, _, _ := resolverLanguages.Match(accepted...)
	lang, _ := tag.Base()
	target := targets[0] // Vietnamese
	for _, t := range targets {
		if len(t.Hreflang) > 0 && t.Hreflang[0] == lang.String() {
			target = t
		}
	}
	query.Del("linkType")
	c.Redirect(http.StatusTemporaryRedirect, withQuery(target.Href, query))
}

// acceptsLinkset reports whether the client asked for the linkset by media type.
func acceptsLinkset(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		if mt, _, _ := strings.Cut(strings.TrimSpace(part), ";"); strings.EqualFold(mt, linksetType) {
			return true
		}
	}
	return false
}

// expandLinkType turns "gs1:pip" into GS1's URI for it.
func expandLinkType(s string) string {
	if rest, ok := strings.CutPrefix(s, "gs1:"); ok {
		return gs1Voc + rest
	}
	return s
}

// withQuery adds q to href, which may already hold a query and a fragment.
func withQuery(href string, q url.Values) string {
	if len(q) == 0 {
		return href
	}
	href, frag, hasFrag := strings.Cut(href, "#")
	sep := "?"
	if strings.Contains(href, "?") {
		sep = "&"
	}
	href += sep + q.Encode()
	if hasFrag {
		href += "#" + frag
	}
	return href
}

func mustGTIN13(k catalog.DigitalLinkKey) catalog.GTIN {
	g, _ := k.GTIN13()
	return g
}

// links are the item's links by link type, each in Vietnamese and English,
// and the item's name. A lot's default is its trace page, a variant's its
// product page.
func (rs resolver) links(c *gin.Context, key catalog.DigitalLinkKey) (map[string][]link, string, error) {
	notFound := catalog.Errorf(catalog.CodeNotFound, "no product has GTIN %s", key.GTIN14)
	gtin, ok := key.GTIN13()
	if !ok || gtin.Validate() != nil {
		return nil, "", notFound
	}
	ctx := catalog.WithScope(c.Request.Context(), catalog.OperatorScope()) // public: what the package prints
	var p catalog.Product
	if key.Lot != "" {
		t, err := rs.store.Trace(ctx, gtin, key.Lot)
		if catalog.ErrorCode(err) == catalog.CodeNotFound {
			return nil, "", catalog.Errorf(catalog.CodeNotFound, "no lot %q of GTIN %s", key.Lot, key.GTIN14)
		}
		if err != nil {
			return nil, "", err
		}
		p = t.Product
	} else {
		var err error
		if p, err = rs.store.ProductByGTIN(ctx, gtin); catalog.ErrorCode(err) == catalog.CodeNotFound {
			return nil, "", notFound
		} else if err != nil {
			return nil, "", err
		}
	}
	base := rs.publicBase(c.Request)
	both := func(path, vi, en string) []link {
		href := func(lang string) string {
			p, frag, _ := strings.Cut(path, "#")
			u := base + p + "?lang=" + lang
			if frag != "" {
				u += "#" + frag
			}
			return u
		}
		return []link{
			{Href: href("vi"), Title: vi, Hreflang: []string{"vi"}, Type: "text/html"},
			{Href: href("en"), Title: en, Hreflang: []string{"en"}, Type: "text/html"},
		}
	}
	product := "/p/" + string(gtin)
	links := map[string][]link{
		linkPIP: both(product, "Thông tin sản phẩm: "+p.Name.VI, "Product information: "+p.Name.In("en")),
		linkCertificationInf: both(product+"#ocop", "Chứng nhận OCOP "+p.Certificate.Number,
			"OCOP certificate "+p.Certificate.Number),
	}
	links[linkDefault] = links[linkPIP]
	if key.Lot != "" {
		trace := "/t/" + string(gtin) + "/" + url.PathEscape(key.Lot)
		links[linkTraceability] = both(trace, "Truy xuất nguồn gốc lô "+key.Lot, "Traceability of lot "+key.Lot)
		links[linkDefault] = links[linkTraceability]
	}
	return links, p.Name.VI, nil
}

// describe is /.well-known/gs1resolver: what this resolver serves.
func (rs resolver) describe(c *gin.Context) {
	cors(c)
	c.JSON(http.StatusOK, gin.H{
		"name":                        "OCOP Hub",
		"resolverRoot":                rs.publicBase(c.Request),
		"supportedPrimaryKeys":        []string{"01"},
		"supportedQualifiers":         []string{"10"},
		"supportedDataAttributes":     []string{"17"},
		"validatingResolver":          true,
		"linkTypeDefaultCanBeLinkset": false,
		"supportedLinkType": []gin.H{
			{"namespace": gs1Voc, "prefix": "gs1:", "profile": "https://ref.gs1.org/voc/?show=linktypes"},
		},
		"supportedLinkTypes": []string{linkPIP, linkTraceability, linkCertificationInf, linkDefault},
		"supportedContextValuesEnumerated": gin.H{
			"hreflang": []string{"vi", "en"},
		},
		"linksetMediaType": linksetType,
	})
}
