package zalo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"ocophub/connectors/sandbox"
)

// API error codes in the {"error", "message", "data"} envelope. -216 and
// -201 are Zalo's own OA codes; the rest are the sandbox's documented
// choices (connectors/sandbox/README.md), as Zalo publishes no Store API error table.
const (
	codeOK            = 0
	codeServerError   = -1   // HTTP 500 / 504: a fault the control API injected
	codeThrottled     = -32  // HTTP 429: over the shop's qps
	codeInvalidParam  = -201 // a missing, malformed or unknown parameter
	codeOverLimit     = -210 // a paging limit above maxLimit
	codeInvalidToken  = -216 // access token missing, unknown or expired
	codeNoProduct     = -230
	codeNoOrder       = -231
	codeDuplicateCode = -232 // product code (seller SKU) already used in this OA
	codeBelowReserved = -233 // quantity below the promotion-locked units
	codeBadTransition = -234 // order status cannot move that way
	codeUnknownAPI    = 404  // path or method Zalo does not serve
)

// envelope is every Store API answer.
type envelope struct {
	Error   int    `json:"error"`
	Message string `json:"message"`
	Data    any    `json:"data,omitempty"`
}

// writeJSON answers v with status; encoding our own types cannot fail.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeData(w http.ResponseWriter, data any) {
	writeJSON(w, http.StatusOK, envelope{Error: codeOK, Message: "Success", Data: data})
}

// writeError answers a business error: Zalo sends those with HTTP 200 and
// the code in the body.
func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, http.StatusOK, envelope{Error: code, Message: msg})
}

func writeUnknownAPI(w http.ResponseWriter) {
	writeJSON(w, http.StatusNotFound, envelope{Error: codeUnknownAPI,
		Message: "You are accessing an empty or invalid API, please check again"})
}

// writeEngineError maps an engine error to Zalo's code. This is the one
// place the Store API turns engine sentinels into codes.
func writeEngineError(w http.ResponseWriter, err error, notFound int) {
	var inv *sandbox.InvalidError
	switch {
	case errors.Is(err, sandbox.ErrNotFound):
		msg := "Product does not exist"
		if notFound == codeNoOrder {
			msg = "Order does not exist"
		}
		writeError(w, notFound, msg)
	case errors.Is(err, sandbox.ErrDuplicateSKU):
		writeError(w, codeDuplicateCode, "Product code already exists in this OA")
	case errors.Is(err, sandbox.ErrBelowReserved):
		writeError(w, codeBelowReserved, "Quantity is below the quantity reserved for promotions")
	case errors.Is(err, sandbox.ErrBadTransition):
		writeError(w, codeBadTransition, "Order status cannot be changed that way")
	case errors.Is(err, sandbox.ErrImageUnknown):
		writeError(w, codeInvalidParam, "Parameter is invalid: photo does not exist")
	case errors.Is(err, sandbox.ErrNegativeStock):
		writeError(w, codeInvalidParam, "Parameter is invalid: quantity must not be negative")
	case errors.As(err, &inv):
		writeError(w, codeInvalidParam, "Parameter is invalid: "+inv.Msg)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		writeJSON(w, http.StatusGatewayTimeout, envelope{Error: codeServerError, Message: "Request timed out"})
	default:
		writeJSON(w, http.StatusInternalServerError, envelope{Error: codeServerError, Message: "Internal server error"})
	}
}

// apiHandler is a Store API endpoint of an authenticated OA.
type apiHandler func(w http.ResponseWriter, r *http.Request, oa int64)

// api authenticates the access_token header (or, as v2.0 clients also do,
// the access_token query parameter), applies the OA's injected faults and
// runs h.
func (f *front) api(h apiHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token := r.Header.Get("access_token")
		if token == "" {
			token = r.URL.Query().Get("access_token")
		}
		if token == "" {
			writeError(w, codeInvalidToken, "Access token is required")
			return
		}
		oa, err := f.e.Authenticate("", token)
		switch {
		case errors.Is(err, sandbox.ErrTokenExpired):
			writeError(w, codeInvalidToken, "Access token has expired")
			return
		case err != nil:
			writeError(w, codeInvalidToken, "Access token is invalid")
			return
		}
		switch f.e.Admit(r.Context(), oa) {
		case sandbox.Throttled:
			w.Header().Set("Retry-After", "1")
			writeJSON(w, http.StatusTooManyRequests, envelope{Error: codeThrottled, Message: "Request exceeds the rate limit, please slow down"})
			return
		case sandbox.ServerError:
			writeJSON(w, http.StatusInternalServerError, envelope{Error: codeServerError, Message: "Internal server error"})
			return
		case sandbox.Timeout:
			if r.Context().Err() == nil {
				writeJSON(w, http.StatusGatewayTimeout, envelope{Error: codeServerError, Message: "Request timed out"})
			}
			return
		}
		h(w, r, oa)
	}
}

// maxJSONBody bounds a Store API request body.
const maxJSONBody = 1 << 20

// decodeBody reads a JSON object into v; on failure it answers -201 and
// reports false.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, maxJSONBody)); err != nil {
		writeError(w, codeInvalidParam, "Parameter is invalid: body cannot be read")
		return false
	}
	if err := json.Unmarshal(buf.Bytes(), v); err != nil {
		writeError(w, codeInvalidParam, "Parameter is invalid: body must be a JSON object ("+err.Error()+")")
		return false
	}
	return true
}

// queryParams reads GET parameters from the query string, or from the
// JSON object in its data parameter (the v2.0 convention,
// ?data={"offset":0,"limit":10}).
type queryParams struct {
	plain map[string][]string
	data  map[string]json.RawMessage
}

func readQuery(r *http.Request) (queryParams, bool) {
	q := queryParams{plain: r.URL.Query()}
	if raw := q.plain["data"]; len(raw) > 0 && strings.HasPrefix(strings.TrimSpace(raw[0]), "{") {
		if err := json.Unmarshal([]byte(raw[0]), &q.data); err != nil {
			return q, false
		}
	}
	return q, true
}

// get returns a parameter as text ("" when absent).
func (q queryParams) get(name string) string {
	if raw, ok := q.data[name]; ok {
		var s flexString
		if json.Unmarshal(raw, &s) == nil {
			return string(s)
		}
	}
	if v := q.plain[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// int returns an integer parameter, def when absent.
func (q queryParams) int(name string, def int64) (int64, bool) {
	s := q.get(name)
	if s == "" {
		return def, true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// flexString is a JSON string or number, kept as text: Zalo ids are
// numeric strings and clients send both forms.
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return errors.New("want a string or a number")
	}
	*s = flexString(n.String())
	return nil
}

// flexInt is a JSON integer or a string holding one (PHP clients send
// "150000").
type flexInt int64

func (n *flexInt) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		b = []byte(strings.TrimSpace(s))
	}
	v, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return errors.New("want an integer")
	}
	*n = flexInt(v)
	return nil
}

// parseID reads a numeric id the sandbox issued.
func parseID(s flexString) (int64, bool) {
	n, err := strconv.ParseInt(string(s), 10, 64)
	return n, err == nil && n > 0
}

func formatID(id int64) string { return strconv.FormatInt(id, 10) }
