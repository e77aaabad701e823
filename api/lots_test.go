package api_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/api"
	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

const hubURL = "https://hub.example.vn"

// lotWorld is a product with a GTIN, its warehouse and a server whose
// public URL is hubURL.
type lotWorld struct {
	srv     *testServer
	st      *store.Store
	f       storetest.Fixture
	product catalog.Product
	variant catalog.Variant
}

func newLotWorld(t *testing.T, cert catalog.Certificate) lotWorld {
	t.Helper()
	st := storetest.Open(t, store.SQLite)
	f := storetest.NewFixture(t, st, "TRACE")
	p := f.Product("CHE-TRACE", 5301, 1)
	p.Name = catalog.Text{VI: "Chè Tân Cương Hảo Đạt", EN: "Hao Dat Tan Cuong green tea"}
	p.Certificate = cert
	require.NoError(t, st.CreateProduct(storetest.Operator(), &p))
	return lotWorld{srv: startServer(t, api.Deps{Store: st, PublicURL: hubURL}), st: st, f: f, product: p, variant: p.Variants[0]}
}

func (w lotWorld) receive(t *testing.T, code string, expires catalog.Date) catalog.Lot {
	t.Helper()
	r := w.srv.send("POST", "/api/v1/lots", map[string]any{"variant_id": w.variant.ID, "warehouse_id": w.f.Warehouse.ID,
		"code": code, "produced_on": catalog.Today(time.Now()).AddDays(-2).String(), "expires_on": expires.String(),
		"quantity": 100, "notes": "Chè búp tươi đồi số 3, hái 05/12"})
	return decode[catalog.Lot](t, r, http.StatusCreated)
}

var validCert = catalog.Certificate{Number: "OCOP-TN-2025-041", CertifiedOn: catalog.NewDate(2025, 3, 1), ExpiresOn: catalog.NewDate(2028, 3, 1)}

// TestReceiveLotAPI keeps the contract: 201 with id and digital_link, the
// list by variant, 409 for a code the variant has, 400 per field with
// nothing changed.
func TestReceiveLotAPI(t *testing.T) {
	w := newLotWorld(t, validCert)
	exp := catalog.NewDate(2027, 12, 7)
	lot := w.receive(t, "2612A", exp)
	require.NotZero(t, lot.ID)
	require.Equal(t, hubURL+"/01/0"+string(w.variant.GTIN)+"/10/2612A?17=271207", lot.DigitalLink)
	require.Equal(t, int64(100), lot.Quantity)

	stock := decode[struct {
		Items []struct {
			OnHand int64 `json:"on_hand"`
		} `json:"items"`
	}](t, w.srv.get("/api/v1/variants/"+itoa(w.variant.ID)+"/stock"), http.StatusOK)
	require.Equal(t, int64(100), stock.Items[0].OnHand)
	moves := decode[struct {
		Items []catalog.Movement `json:"items"`
	}](t, w.srv.get("/api/v1/variants/"+itoa(w.variant.ID)+"/movements"), http.StatusOK)
	require.Equal(t, lot.ID, moves.Items[0].LotID)

	list := decode[struct {
		Items []catalog.Lot `json:"items"`
	}](t, w.srv.get("/api/v1/lots?variant_id="+itoa(w.variant.ID)), http.StatusOK)
	require.Len(t, list.Items, 1)
	require.Equal(t, lot.DigitalLink, list.Items[0].DigitalLink)
	require.Equal(t, "Chè búp tươi đồi số 3, hái 05/12", list.Items[0].Notes)

	dup := w.srv.send("POST", "/api/v1/lots", map[string]any{"variant_id": w.variant.ID, "warehouse_id": w.f.Warehouse.ID,
		"code": "2612A", "produced_on": "2026-12-01", "shelf_life_days": 30, "quantity": 5})
	require.Equal(t, http.StatusConflict, dup.Status, string(dup.Body))
	require.Contains(t, string(dup.Body), `"code"`)
	bad := w.srv.send("POST", "/api/v1/lots", map[string]any{"variant_id": w.variant.ID, "warehouse_id": w.f.Warehouse.ID,
		"code": "Lô 1", "produced_on": "2026-12-01", "quantity": 0})
	require.Equal(t, http.StatusBadRequest, bad.Status)
	var e struct {
		Error struct {
			Fields map[string]string `json:"fields"`
		} `json:"error"`
	}
	require.NoError(t, json.Unmarshal(bad.Body, &e))
	require.Contains(t, e.Error.Fields, "code")
	require.Contains(t, e.Error.Fields, "expires_on")
	require.Contains(t, e.Error.Fields, "quantity")
	stock = decode[struct {
		Items []struct {
			OnHand int64 `json:"on_hand"`
		} `json:"items"`
	}](t, w.srv.get("/api/v1/variants/"+itoa(w.variant.ID)+"/stock"), http.StatusOK)
	require.Equal(t, int64(100), stock.Items[0].OnHand, "refused lots add nothing")
	require.Equal(t, http.StatusBadRequest, w.srv.get("/api/v1/lots").Status)
}

// TestStampSheetAPI: the sheet decodes to the lot's Digital Link; the
// stars are printed only while the certificate is in force today.
func TestStampSheetAPI(t *testing.T) {
	for _, tt := range []struct {
		name  string
		cert  catalog.Certificate
		stars bool
	}{
		{"valid certificate", validCert, true},
		{"expired certificate", catalog.Certificate{Number: "OCOP-TN-2023-007", CertifiedOn: catalog.NewDate(2023, 1, 1), ExpiresOn: catalog.NewDate(2026, 1, 1)}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newLotWorld(t, tt.cert)
			lot := w.receive(t, "2612A", catalog.NewDate(2027, 12, 7))
			r := w.srv.get("/api/v1/lots/" + itoa(lot.ID) + "/stamps.pdf?columns=2&rows=1")
			require.Equal(t, http.StatusOK, r.Status, string(r.Body))
			require.Equal(t, "application/pdf", r.Header.Get("Content-Type"))
			require.Contains(t, r.Header.Get("Content-Disposition"), `filename="tem-2612A.pdf"`)
			dir := t.TempDir()
			pdf := filepath.Join(dir, "sheet.pdf")
			require.NoError(t, os.WriteFile(pdf, r.Body, 0o600))
			out, err := exec.Command("pdftoppm", "-r", "400", "-png", "-singlefile", pdf, filepath.Join(dir, "page")).CombinedOutput()
			require.NoError(t, err, string(out))
			codes, err := exec.Command("zbarimg", "-q", "--raw", filepath.Join(dir, "page.png")).Output()
			require.NoError(t, err)
			require.Equal(t, []string{lot.DigitalLink, lot.DigitalLink}, strings.Split(strings.TrimSpace(string(codes)), "\n"))
			text, err := exec.Command("pdftotext", pdf, "-").Output()
			require.NoError(t, err)
			require.Contains(t, string(text), "Chè Tân Cương Hảo Đạt")
			require.Contains(t, string(text), "Lô: 2612A")
			require.Equal(t, tt.stars, strings.Contains(string(text), "OCOP ★★★★ 4 sao"), string(text))

			png := w.srv.get("/api/v1/lots/" + itoa(lot.ID) + "/stamp.png?dpi=300")
			require.Equal(t, http.StatusOK, png.Status)
			require.Equal(t, "image/png", png.Header.Get("Content-Type"))
			svg := w.srv.get("/api/v1/lots/" + itoa(lot.ID) + "/stamp.svg")
			require.Equal(t, http.StatusOK, svg.Status)
			require.Equal(t, tt.stars, strings.Contains(string(svg.Body), "★"))
			require.Equal(t, http.StatusBadRequest, w.srv.get("/api/v1/lots/"+itoa(lot.ID)+"/stamps.pdf?columns=9").Status)
			require.Equal(t, http.StatusNotFound, w.srv.get("/api/v1/lots/987654/stamps.pdf").Status)
		})
	}
}

// TestResolver checks each behaviour GS1's resolver conformance criteria
// ask of /01/… and /.well-known/gs1resolver.
func TestResolver(t *testing.T) {
	w := newLotWorld(t, validCert)
	lot := w.receive(t, "2612A", catalog.NewDate(2027, 12, 7))
	slashed := w.receive(t, "26/12-B", catalog.NewDate(2027, 12, 7))
	g14, g13 := "0"+string(w.variant.GTIN), string(w.variant.GTIN)
	lotPath := "/01/" + g14 + "/10/2612A"
	anon := []string{"Authorization", ""} // the resolver is public: no token

	get := func(path string, header ...string) response {
		return w.srv.get(path, append(append([]string{}, anon...), header...)...)
	}
	t.Run("default: 307 to the trace page in Vietnamese, query passed on", func(t *testing.T) {
		r := get(lotPath + "?17=271207")
		require.Equal(t, http.StatusTemporaryRedirect, r.Status)
		require.Equal(t, hubURL+"/t/"+g13+"/2612A?lang=vi&17=271207", r.Header.Get("Location"))
		require.Equal(t, "*", r.Header.Get("Access-Control-Allow-Origin"))
		require.Contains(t, r.Header.Get("Link"), `rel="linkset"`)
		require.Equal(t, lot.DigitalLink, hubURL+lotPath+"?17=271207")
	})
	t.Run("Accept-Language picks English, else Vietnamese", func(t *testing.T) {
		for lang, want := range map[string]string{"en-US,en;q=0.9": "en", "en": "en", "vi-VN": "vi", "fr-FR": "vi", "": "vi"} {
			r := get(lotPath, "Accept-Language", lang)
			require.Equal(t, http.StatusTemporaryRedirect, r.Status, lang)
			require.Equal(t, hubURL+"/t/"+g13+"/2612A?lang="+want, r.Header.Get("Location"), lang)
		}
	})
	t.Run("HEAD answers like GET without a body", func(t *testing.T) {
		r := w.srv.do(http.MethodHead, lotPath, nil, anon...)
		require.Equal(t, http.StatusTemporaryRedirect, r.Status)
		require.Equal(t, hubURL+"/t/"+g13+"/2612A?lang=vi", r.Header.Get("Location"))
		require.Empty(t, r.Body)
	})
	t.Run("OPTIONS answers CORS", func(t *testing.T) {
		r := w.srv.do(http.MethodOptions, lotPath, nil, append(anon, "Origin", "https://scanner.example", "Access-Control-Request-Method", "GET")...)
		require.Equal(t, http.StatusNoContent, r.Status)
		require.Equal(t, "*", r.Header.Get("Access-Control-Allow-Origin"))
		require.Contains(t, r.Header.Get("Access-Control-Allow-Methods"), "HEAD")
		require.Equal(t, "GET, HEAD, OPTIONS", r.Header.Get("Allow"))
	})
	t.Run("malformed or check digit wrong: 400, never 200", func(t *testing.T) {
		wrong := g14[:13] + string('0'+(g14[13]-'0'+1)%10)
		for _, p := range []string{"/01/" + wrong, "/01/" + wrong + "/10/2612A", "/01/" + g13, "/01/" + g14 + "X",
			"/01/" + g14 + "/10/", "/01/" + g14 + "/21/2612A", "/01/" + g14 + "/10/L%C3%B4", lotPath + "?17=2612"} {
			r := get(p)
			require.Equal(t, http.StatusBadRequest, r.Status, p)
			require.Contains(t, string(r.Body), "invalid_argument", p)
		}
	})
	t.Run("unknown GTIN or lot: 404", func(t *testing.T) {
		body := "893999999999"
		unknown := "0" + body + string(catalog.GTINCheckDigit(body))
		for _, p := range []string{"/01/" + unknown, "/01/" + unknown + "/10/2612A", "/01/" + g14 + "/10/2612Z"} {
			require.Equal(t, http.StatusNotFound, get(p).Status, p)
		}
	})
	t.Run("a lot with a percent-encoded slash, and a trailing slash", func(t *testing.T) {
		require.Equal(t, hubURL+"/01/"+g14+"/10/26%2F12-B?17=271207", slashed.DigitalLink)
		u, err := url.Parse(slashed.DigitalLink)
		require.NoError(t, err)
		r := get(u.RequestURI())
		require.Equal(t, http.StatusTemporaryRedirect, r.Status)
		require.Equal(t, hubURL+"/t/"+g13+"/26%2F12-B?lang=vi&17=271207", r.Header.Get("Location"))
		r = get(lotPath + "/")
		require.Equal(t, http.StatusTemporaryRedirect, r.Status)
		require.Equal(t, hubURL+"/t/"+g13+"/2612A?lang=vi", r.Header.Get("Location"))
	})
	t.Run("linkset by linkType or Accept, RFC 9264", func(t *testing.T) {
		for _, r := range []response{get(lotPath + "?linkType=linkset"), get(lotPath, "Accept", "application/linkset+json")} {
			require.Equal(t, http.StatusOK, r.Status)
			require.Equal(t, "application/linkset+json", r.Header.Get("Content-Type"))
			var doc struct {
				Linkset []map[string]json.RawMessage `json:"linkset"`
			}
			require.NoError(t, json.Unmarshal(r.Body, &doc))
			require.Len(t, doc.Linkset, 1)
			set := doc.Linkset[0]
			require.JSONEq(t, `"`+hubURL+lotPath+`"`, string(set["anchor"]))
			for rel, href := range map[string]string{
				"https://gs1.org/voc/pip":               hubURL + "/p/" + g13 + "?lang=vi",
				"https://gs1.org/voc/traceability":      hubURL + "/t/" + g13 + "/2612A?lang=vi",
				"https://gs1.org/voc/certificationInfo": hubURL + "/p/" + g13 + "?lang=vi#ocop",
				"https://gs1.org/voc/defaultLink":       hubURL + "/t/" + g13 + "/2612A?lang=vi",
			} {
				var links []struct {
					Href     string   `json:"href"`
					Title    string   `json:"title"`
					Hreflang []string `json:"hreflang"`
				}
				require.NoError(t, json.Unmarshal(set[rel], &links), rel)
				require.Len(t, links, 2, rel)
				require.Equal(t, href, links[0].Href, rel)
				require.Equal(t, []string{"vi"}, links[0].Hreflang)
				require.Equal(t, []string{"en"}, links[1].Hreflang)
				for _, l := range links {
					require.NotEmpty(t, l.Title, rel)
				}
			}
		}
	})
	t.Run("a requested link type redirects to it, or is 404", func(t *testing.T) {
		r := get(lotPath + "?linkType=gs1:pip&17=271207")
		require.Equal(t, http.StatusTemporaryRedirect, r.Status)
		require.Equal(t, hubURL+"/p/"+g13+"?lang=vi&17=271207", r.Header.Get("Location"))
		r = get(lotPath+"?linkType=https://gs1.org/voc/certificationInfo", "Accept-Language", "en")
		require.Equal(t, http.StatusTemporaryRedirect, r.Status)
		require.Equal(t, hubURL+"/p/"+g13+"?lang=en#ocop", r.Header.Get("Location"))
		require.Equal(t, http.StatusNotFound, get(lotPath+"?linkType=gs1:recipeInfo").Status)
		require.Equal(t, http.StatusNotFound, get("/01/"+g14+"?linkType=gs1:traceability").Status, "a variant without a lot has no trace page")
	})
	t.Run("a variant without a lot: its product page", func(t *testing.T) {
		r := get("/01/" + g14)
		require.Equal(t, http.StatusTemporaryRedirect, r.Status)
		require.Equal(t, hubURL+"/p/"+g13+"?lang=vi", r.Header.Get("Location"))
	})
	t.Run("/.well-known/gs1resolver describes the resolver", func(t *testing.T) {
		r := get("/.well-known/gs1resolver")
		require.Equal(t, http.StatusOK, r.Status)
		var d struct {
			Root string   `json:"resolverRoot"`
			Keys []string `json:"supportedPrimaryKeys"`
		}
		require.NoError(t, json.Unmarshal(r.Body, &d))
		require.Equal(t, hubURL, d.Root)
		require.Equal(t, []string{"01"}, d.Keys)
	})
}
