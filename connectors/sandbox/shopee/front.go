package shopee

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"ocophub/connectors/sandbox"
)

// access is how a route is signed.
type access int

const (
	// publicAPI: partner_id + path + timestamp.
	publicAPI access = iota
	// shopAPI: partner_id + path + timestamp + access_token + shop_id, then
	// the token must be valid for that shop, then the shop's faults apply.
	shopAPI
	// authAPI: public signature only, never the shop form (the token
	// endpoints and the authorization link).
	authAPI
)

// timestampWindow is how far a request's timestamp may be from the
// platform's clock ("Expires in 5 minutes").
const timestampWindow = 5 * time.Minute

// route is one Shopee API.
type route struct {
	method string
	path   string
	access access
	// module prefixes this API's error_param ("product.", "logistics.").
	module string
	// topLevel: the answer carries its fields at the top level instead of
	// in `response` (auth/token/get, access_token/get, shop/get_shop_info).
	topLevel bool
	serve    func(f *front, c *call) (any, error)
}

// call is one request being served.
type call struct {
	w         http.ResponseWriter
	r         *http.Request
	q         url.Values
	app       sandbox.App
	shopID    int64
	requestID string
	module    string
	warning   string
}

// front is the Shopee protocol over an engine.
type front struct {
	e    *sandbox.Engine
	mux  *http.ServeMux
	push pushConfig
}

// pushConfig is what set_app_push_config stored.
type pushConfig struct {
	mu       sync.Mutex
	url      string
	orderOff bool
}

func newFront(e *sandbox.Engine) *front {
	f := &front{e: e, mux: http.NewServeMux()}
	for _, rt := range routes {
		f.mux.Handle(rt.path, f.serveRoute(rt))
	}
	f.mux.HandleFunc("/api/v2/shop/auth_partner", f.serveAuthPartner)
	f.mux.HandleFunc("/auth", f.serveSandboxLogin)
	f.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, newRequestID(), errNoPath(r.URL.Path))
	})
	return f
}

func (f *front) ServeHTTP(w http.ResponseWriter, r *http.Request) { f.mux.ServeHTTP(w, r) }

// routes are the APIs the sandbox serves, by module.
var routes = []route{
	{http.MethodPost, "/api/v2/auth/token/get", authAPI, "", true, (*front).getAccessToken},
	{http.MethodPost, "/api/v2/auth/access_token/get", authAPI, "", true, (*front).refreshAccessToken},
	{http.MethodGet, "/api/v2/shop/get_shop_info", shopAPI, "", true, (*front).getShopInfo},

	{http.MethodPost, "/api/v2/media_space/upload_image", publicAPI, "", false, (*front).uploadImage},
	{http.MethodPost, "/api/v2/product/add_item", shopAPI, "product.", false, (*front).addItem},
	{http.MethodPost, "/api/v2/product/update_item", shopAPI, "product.", false, (*front).updateItem},
	{http.MethodPost, "/api/v2/product/delete_item", shopAPI, "product.", false, (*front).deleteItem},
	{http.MethodPost, "/api/v2/product/init_tier_variation", shopAPI, "product.", false, (*front).initTierVariation},
	{http.MethodPost, "/api/v2/product/unlist_item", shopAPI, "product.", false, (*front).unlistItem},
	{http.MethodPost, "/api/v2/product/update_price", shopAPI, "product.", false, (*front).updatePrice},
	{http.MethodPost, "/api/v2/product/update_stock", shopAPI, "product.", false, (*front).updateStock},
	{http.MethodGet, "/api/v2/product/get_item_list", shopAPI, "product.", false, (*front).getItemList},
	{http.MethodGet, "/api/v2/product/get_item_base_info", shopAPI, "product.", false, (*front).getItemBaseInfo},
	{http.MethodGet, "/api/v2/product/get_model_list", shopAPI, "product.", false, (*front).getModelList},
	{http.MethodGet, "/api/v2/product/get_category", shopAPI, "product.", false, (*front).getCategory},
	{http.MethodGet, "/api/v2/product/get_attribute_tree", shopAPI, "product.", false, (*front).getAttributeTree},
	{http.MethodGet, "/api/v2/product/get_brand_list", shopAPI, "product.", false, (*front).getBrandList},
	{http.MethodGet, "/api/v2/product/search_item", shopAPI, "product.", false, (*front).searchItem},

	{http.MethodGet, "/api/v2/order/get_order_list", shopAPI, "", false, (*front).getOrderList},
	{http.MethodGet, "/api/v2/order/get_order_detail", shopAPI, "", false, (*front).getOrderDetail},
	{http.MethodPost, "/api/v2/order/cancel_order", shopAPI, "", false, (*front).cancelOrder},
	{http.MethodGet, "/api/v2/logistics/get_shipping_parameter", shopAPI, "logistics.", false, (*front).getShippingParameter},
	{http.MethodPost, "/api/v2/logistics/ship_order", shopAPI, "logistics.", false, (*front).shipOrder},
	{http.MethodGet, "/api/v2/logistics/get_tracking_number", shopAPI, "logistics.", false, (*front).getTrackingNumber},

	{http.MethodPost, "/api/v2/push/set_app_push_config", publicAPI, "", false, (*front).setAppPushConfig},
	{http.MethodGet, "/api/v2/push/get_lost_push_message", publicAPI, "", false, (*front).getLostPushMessage},
	{http.MethodPost, "/api/v2/push/confirm_consumed_lost_push_message", publicAPI, "", false, (*front).confirmLostPushMessage},
}

// serveRoute runs the gateway checks, the shop's faults and the API.
func (f *front) serveRoute(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &call{w: w, r: r, q: r.URL.Query(), requestID: newRequestID(), module: rt.module}
		if r.Method != rt.method {
			writeError(w, c.requestID, errDetail("", "%s must be called with %s.", rt.path, rt.method))
			return
		}
		if err := f.authenticate(c, rt.access); err != nil {
			writeError(w, c.requestID, err)
			return
		}
		if rt.access == shopAPI {
			switch f.e.Admit(r.Context(), c.shopID) {
			case sandbox.Throttled:
				writeError(w, c.requestID, errThrottled)
				return
			case sandbox.ServerError:
				writeError(w, c.requestID, errServer)
				return
			case sandbox.Timeout:
				if r.Context().Err() == nil {
					writeError(w, c.requestID, errTimeout)
				}
				return
			}
		}
		resp, err := rt.serve(f, c)
		switch {
		case err != nil:
			writeError(w, c.requestID, asAPIError(c.module, err))
		case rt.topLevel:
			writeJSON(w, http.StatusOK, resp)
		default:
			writeJSON(w, http.StatusOK, envelope{RequestID: c.requestID, Warning: c.warning, Response: resp})
		}
	})
}

// authenticate runs Shopee's gateway checks in order: partner, timestamp,
// sign, then for shop APIs the access token and its shop.
func (f *front) authenticate(c *call, acc access) *apiError {
	partner := c.q.Get("partner_id")
	if partner == "" {
		return errParam("", "There is no partner_id in query.")
	}
	app, ok := f.e.App(partner)
	if !ok {
		return errParam("", "Invalid partner_id.")
	}
	c.app = app
	ts := c.q.Get("timestamp")
	if ts == "" {
		return errParam("", "no timestamp")
	}
	if !f.freshTimestamp(ts) {
		return errParam("", "Invalid timestamp")
	}
	sign := c.q.Get("sign")
	if sign == "" {
		return errParam("", "There is no sign in query.")
	}
	token, shop := c.q.Get("access_token"), c.q.Get("shop_id")
	path := c.r.URL.Path
	if acc != shopAPI {
		// Public APIs take the public base string. Mature clients (e.g.
		// EcomPHP/shopee-php) sign upload_image and push APIs the shop way
		// when they hold a token, so that form is accepted too — never on
		// the auth endpoints, whose sign must not include a token.
		if validSign(app.Secret, sign, partner, path, ts) ||
			acc == publicAPI && token != "" && shop != "" && validSign(app.Secret, sign, partner, path, ts, token, shop) {
			return nil
		}
		return errSign
	}
	if token == "" {
		return errParam("", "There is no access_token in query.")
	}
	if shop == "" {
		return errParam("", "There is no shop_id in query.")
	}
	shopID, err := strconv.ParseInt(shop, 10, 64)
	if err != nil {
		return errBusiness("error_shop", "shopid is invalid")
	}
	if !validSign(app.Secret, sign, partner, path, ts, token, shop) {
		return errSign
	}
	owner, err := f.e.Authenticate(app.Key, token)
	switch {
	case errors.Is(err, sandbox.ErrTokenExpired):
		return errTokenExpired
	case err != nil:
		return errTokenInvalid
	case owner != shopID:
		return errShopMismatch
	}
	c.shopID = shopID
	return nil
}

// freshTimestamp reports whether ts (unix seconds) is within the window of
// the engine clock.
func (f *front) freshTimestamp(ts string) bool {
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	d := f.e.Now().Sub(time.Unix(n, 0))
	return d <= timestampWindow && d >= -timestampWindow
}

// validSign compares sign, in constant time, with the lower-case hex
// HMAC-SHA256 of the concatenated parts under the partner key (raw bytes).
// Upper-case hex does not match, as on the platform.
func validSign(partnerKey, sign string, parts ...string) bool {
	mac := hmac.New(sha256.New, []byte(partnerKey))
	for _, p := range parts {
		mac.Write([]byte(p))
	}
	var sum [sha256.Size]byte
	var want [2 * sha256.Size]byte
	hex.Encode(want[:], mac.Sum(sum[:0]))
	return subtle.ConstantTimeCompare([]byte(sign), want[:]) == 1
}

// envelope is Shopee's success answer.
type envelope struct {
	Error     string `json:"error"`
	Message   string `json:"message"`
	Warning   string `json:"warning"`
	RequestID string `json:"request_id"`
	Response  any    `json:"response,omitempty"`
}

// errorBody is Shopee's error answer.
type errorBody struct {
	Error     string `json:"error"`
	Message   string `json:"message"`
	RequestID string `json:"request_id"`
}

func writeError(w http.ResponseWriter, requestID string, e *apiError) {
	writeJSON(w, e.status, errorBody{Error: e.code, Message: e.msg, RequestID: requestID})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"error":"error_server","message":"Something wrong. Please try later.","request_id":""}`)
	}
	h := w.Header()
	h["Content-Type"] = []string{"application/json; charset=utf-8"}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// newRequestID is a random 32-hex-digit id, like the platform's.
func newRequestID() string {
	var b [16]byte
	lo, hi := rand.Uint64(), rand.Uint64()
	for i := range 8 {
		b[i] = byte(lo >> (8 * i))
		b[8+i] = byte(hi >> (8 * i))
	}
	return hex.EncodeToString(b[:])
}
