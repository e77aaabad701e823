package lazada

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"ocophub/connectors/sandbox"
)

// route is one API: seller APIs need an access token and go through the
// shop's injected faults.
type route struct {
	seller bool
	serve  func(*front, *call) error
}

// routes maps the API path (without /rest) to its handler. Every API
// answers GET and POST alike.
var routes = map[string]route{
	"/auth/token/create":  {serve: (*front).tokenCreate},
	"/auth/token/refresh": {serve: (*front).tokenRefresh},
	"/seller/get":         {seller: true, serve: (*front).getSeller},

	"/category/tree/get":       {serve: (*front).categoryTree},
	"/category/attributes/get": {serve: (*front).categoryAttributes},

	"/image/upload":                  {seller: true, serve: (*front).uploadImage},
	"/image/migrate":                 {seller: true, serve: (*front).migrateImage},
	"/product/create":                {seller: true, serve: (*front).createProduct},
	"/product/update":                {seller: true, serve: (*front).updateProduct},
	"/product/price_quantity/update": {seller: true, serve: (*front).updatePriceQuantity},
	"/product/stock/sellable/update": {seller: true, serve: (*front).updateSellable},
	"/product/stock/sellable/adjust": {seller: true, serve: (*front).adjustSellable},
	"/product/deactivate":            {seller: true, serve: (*front).deactivateProduct},
	"/product/remove":                {seller: true, serve: (*front).removeProduct},
	"/products/get":                  {seller: true, serve: (*front).getProducts},
	"/product/item/get":              {seller: true, serve: (*front).getProductItem},

	"/orders/get":                    {seller: true, serve: (*front).getOrders},
	"/order/get":                     {seller: true, serve: (*front).getOrder},
	"/order/items/get":               {seller: true, serve: (*front).getOrderItems},
	"/orders/items/get":              {seller: true, serve: (*front).getMultipleOrderItems},
	"/order/shipment/providers/get":  {seller: true, serve: (*front).shipmentProviders},
	"/order/fulfill/pack":            {seller: true, serve: (*front).pack},
	"/order/package/rts":             {seller: true, serve: (*front).readyToShip},
	"/order/cancel":                  {seller: true, serve: (*front).cancelOrderItem},
	"/order/reverse/cancel/validate": {seller: true, serve: (*front).cancelValidate},
	"/order/reverse/cancel/create":   {seller: true, serve: (*front).cancelCreate},
}

// front translates Lazada's protocol to the engine. Its own state is what
// the engine has no word for: packed orders, and an index from Lazada's
// numeric order and order-item ids to the engine's order SN.
type front struct {
	e      *sandbox.Engine
	packs  *packStore
	orders *orderIndex
	reqSeq atomic.Uint32
}

func newFront(e *sandbox.Engine) *front {
	return &front{e: e, packs: newPackStore(), orders: newOrderIndex()}
}

// call is one API request being served.
type call struct {
	w      http.ResponseWriter
	r      *http.Request
	path   string
	params map[string]string
	files  map[string][]*multipart.FileHeader
	app    sandbox.App
	shop   int64
	reqID  string
}

// param returns a parameter's value ("" when absent).
func (c *call) param(name string) string { return c.params[name] }

// required returns a parameter or MissingParameter.
func (c *call) required(name string) (string, error) {
	v, ok := c.params[name]
	if !ok || v == "" {
		return "", missingParameter(name)
	}
	return v, nil
}

func (f *front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/oauth/authorize":
		f.authorizePage(w, r)
	case strings.HasPrefix(r.URL.Path, "/rest/"):
		f.serveAPI(w, r, strings.TrimPrefix(r.URL.Path, "/rest"))
	default:
		http.NotFound(w, r)
	}
}

// serveAPI runs the gateway's checks (parameters, app key, timestamp,
// signature, access token, the shop's faults) and then the API.
func (f *front) serveAPI(w http.ResponseWriter, r *http.Request, path string) {
	c := &call{w: w, r: r, path: path, reqID: f.requestID()}
	rt, ok := routes[path]
	if !ok {
		c.fail(invalidAPIPath(path))
		return
	}
	if err := c.readParams(); err != nil {
		c.fail(err)
		return
	}
	if err := f.verify(c); err != nil {
		c.fail(err)
		return
	}
	if rt.seller {
		token, err := c.required("access_token")
		if err != nil {
			c.fail(err)
			return
		}
		if c.shop, err = f.e.Authenticate(c.app.Key, token); err != nil {
			c.fail(illegalAccessToken())
			return
		}
		switch f.e.Admit(r.Context(), c.shop) {
		case sandbox.Throttled:
			c.fail(errThrottled)
			return
		case sandbox.ServerError:
			c.fail(errUnavailable)
			return
		case sandbox.Timeout:
			if r.Context().Err() == nil {
				c.fail(errTimeout)
			}
			return
		}
	}
	if err := rt.serve(f, c); err != nil {
		c.fail(err)
	}
}

// verify checks the system parameters and the signature.
func (f *front) verify(c *call) error {
	key, err := c.required("app_key")
	if err != nil {
		return err
	}
	app, ok := f.e.App(key)
	if !ok {
		return invalidAppKey()
	}
	c.app = app
	method, err := c.required("sign_method")
	if err != nil {
		return err
	}
	if !strings.EqualFold(method, "sha256") {
		return incompleteSignature()
	}
	ts, err := c.required("timestamp")
	if err != nil {
		return err
	}
	at, ok := parseTimestamp(ts)
	if !ok || !timestampFresh(at, f.e.Now()) {
		return invalidTimestamp()
	}
	sign, err := c.required("sign")
	if err != nil {
		return err
	}
	if !signatureMatches(app.Secret, c.path, c.params, sign) {
		return incompleteSignature()
	}
	return nil
}

// maxMemory bounds the multipart form kept in memory (an image is ≤ 1 MB).
const maxMemory = 4 << 20

// readParams gathers the request parameters: the query plus, for a body,
// urlencoded or multipart form fields (files apart) or a JSON object whose
// string values are taken as they are and other values as their JSON text.
// A query parameter wins over a body field of the same name.
func (c *call) readParams() error {
	c.params = map[string]string{}
	if c.r.Body != nil && c.r.Method != http.MethodGet && c.r.Method != http.MethodHead {
		if err := c.readBody(); err != nil {
			return err
		}
	}
	q, err := url.ParseQuery(c.r.URL.RawQuery)
	if err != nil {
		return invalidParameter("query", err.Error())
	}
	for k, v := range q {
		if len(v) > 0 {
			c.params[k] = v[0]
		}
	}
	return nil
}

func (c *call) readBody() error {
	mt, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	switch mt {
	case "multipart/form-data":
		if err := c.r.ParseMultipartForm(maxMemory); err != nil {
			return invalidParameter("body", err.Error())
		}
		for k, v := range c.r.MultipartForm.Value {
			if len(v) > 0 {
				c.params[k] = v[0]
			}
		}
		c.files = c.r.MultipartForm.File
	case "application/json":
		var obj map[string]json.RawMessage
		if err := json.NewDecoder(c.r.Body).Decode(&obj); err != nil && !errors.Is(err, io.EOF) {
			return invalidParameter("body", "not a JSON object: "+err.Error())
		}
		for k, raw := range obj {
			var s string
			if json.Unmarshal(raw, &s) == nil {
				c.params[k] = s
			} else {
				c.params[k] = strings.TrimSpace(string(raw))
			}
		}
	default: // application/x-www-form-urlencoded, or no type at all
		body, err := io.ReadAll(c.r.Body)
		if err != nil {
			return invalidParameter("body", err.Error())
		}
		if len(body) == 0 {
			return nil
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return invalidParameter("body", err.Error())
		}
		for k, v := range form {
			if len(v) > 0 {
				c.params[k] = v[0]
			}
		}
	}
	return nil
}

// requestID makes a 25-character id shaped like Lazada's
// ("0ba2887315178178017221014": host, milliseconds, sequence).
func (f *front) requestID() string {
	b := make([]byte, 0, 25)
	b = append(b, "0b5a1d00"...)
	b = strconv.AppendInt(b, time.Now().UnixMilli()%1e13, 10)
	seq := f.reqSeq.Add(1) % 10000
	for d := uint32(1000); d > 0; d /= 10 {
		b = append(b, byte('0'+seq/d%10))
	}
	return string(b)
}

// envelope is every answer: success has code "0" and data (or result);
// an error has type, code, message and maybe detail.
type envelope struct {
	Code      string   `json:"code"`
	Type      string   `json:"type,omitempty"`
	Message   string   `json:"message,omitempty"`
	Detail    []detail `json:"detail,omitempty"`
	Data      any      `json:"data,omitempty"`
	Result    any      `json:"result,omitempty"`
	RequestID string   `json:"request_id"`
}

// ok answers {"code":"0","data":data}.
func (c *call) ok(data any) error {
	c.write(http.StatusOK, envelope{Code: "0", Data: data, RequestID: c.reqID})
	return nil
}

// emptyOK answers {"code":"0","data":{}} without encoding anything: the
// answer of every stock and price update.
func (c *call) emptyOK() error {
	h := c.w.Header()
	h.Set("Content-Type", "application/json;charset=UTF-8")
	b := make([]byte, 0, 64)
	b = append(b, `{"code":"0","data":{},"request_id":"`...)
	b = append(b, c.reqID...)
	b = append(b, `"}`...)
	_, _ = c.w.Write(b)
	return nil
}

// fail answers an error in Lazada's envelope.
func (c *call) fail(err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = &apiError{Type: typeSYSTEM, Code: "6", Message: "E006: Unexpected internal error: " + err.Error(), Status: http.StatusOK}
	}
	c.write(ae.Status, envelope{Code: ae.Code, Type: ae.Type, Message: ae.Message, Detail: ae.Detail, RequestID: c.reqID})
}

func (c *call) write(status int, v any) {
	writeJSON(c.w, status, v)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
