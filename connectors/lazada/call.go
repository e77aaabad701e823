package lazada

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"ocophub/connectors/driver"
)

// request is one Lazada API call.
type request struct {
	method string // http.MethodGet (parameters in the query) or http.MethodPost (a form body)
	path   string // the API path without /rest: "/products/get"
	params map[string]string
	// token: an auth API (/auth/token/*) on AuthURL/rest, signed without an
	// access token; otherwise a seller API with the seller's token.
	token bool
	file  *filePart // a multipart upload; its bytes are not signed
}

type filePart struct {
	field, name string
	data        []byte
}

func get(path string, params map[string]string) request {
	return request{method: http.MethodGet, path: path, params: params}
}

func post(path string, params map[string]string) request {
	return request{method: http.MethodPost, path: path, params: params}
}

// envelope is every answer: {"code":"0","data":…,"request_id"} on success,
// {"type","code","message","detail","request_id"} on failure. The
// fulfilment APIs answer code "0" with a result object instead of data;
// the token APIs put their fields at the top level.
type envelope struct {
	Code      scalar          `json:"code"`
	Type      string          `json:"type"`
	Message   string          `json:"message"`
	RequestID string          `json:"request_id"`
	Detail    []detail        `json:"detail"`
	Data      json.RawMessage `json:"data"`
	Result    json.RawMessage `json:"result"`
}

// detail is one failed entry of a batch: {"field","seller_sku","message"}.
type detail struct {
	Field     string `json:"field"`
	SellerSKU string `json:"seller_sku"`
	Message   string `json:"message"`
}

// send makes one platform call. A seller API reads the token from the
// TokenSource first, every time: a token another worker refreshed is
// picked up at once. The envelope is returned whenever the answer could be
// read, also with an error (batch APIs read detail[] from it).
func (d *Driver) send(ctx context.Context, r request) (envelope, []byte, error) {
	params := make(map[string]string, len(r.params)+5)
	for k, v := range r.params {
		params[k] = v
	}
	params["app_key"] = d.cfg.AppKey
	params["sign_method"] = "sha256"
	params["timestamp"] = strconv.FormatInt(d.cfg.Now().UnixMilli(), 10)
	base := d.cfg.BaseURL
	if r.token {
		base = d.cfg.AuthURL + "/rest"
	} else {
		tok, err := d.tokens.Token(ctx)
		if err != nil {
			return envelope{}, nil, fmt.Errorf("read lazada token: %w", err)
		}
		if tok.AccessToken == "" {
			return envelope{}, nil, &driver.Error{Code: driver.CodeUnauthenticated, Message: "no access token for this seller"}
		}
		params["access_token"] = tok.AccessToken
	}
	params["sign"] = Sign(d.cfg.AppSecret, r.path, params)

	req := d.http.R().SetContext(ctx)
	switch {
	case r.method == http.MethodGet:
		req.SetQueryParams(params)
	case r.file != nil:
		req.SetFormData(params).SetFileReader(r.file.field, r.file.name, bytes.NewReader(r.file.data))
	default:
		req.SetFormData(params)
	}
	resp, err := req.Execute(r.method, base+r.path)
	if err != nil {
		// A GET's URL carries access_token and sign: Transport drops the query.
		return envelope{}, nil, driver.Transport(err)
	}
	body := resp.Body()
	var env envelope
	if jerr := json.Unmarshal(body, &env); jerr != nil {
		if resp.StatusCode() != http.StatusOK {
			return envelope{}, body, httpError(resp.StatusCode(), r.path)
		}
		return envelope{}, body, &driver.Error{Code: driver.CodeInternal, Message: "unreadable answer from " + r.path, Err: jerr}
	}
	if resp.StatusCode() != http.StatusOK || (env.Code != "" && env.Code != "0") {
		return env, body, apiError(resp.StatusCode(), env)
	}
	return env, body, nil
}

// call sends r and decodes data into out (a pointer, or nil).
func (d *Driver) call(ctx context.Context, r request, out any) (envelope, error) {
	env, _, err := d.send(ctx, r)
	if err != nil {
		return env, err
	}
	if out != nil && len(env.Data) > 0 {
		if err := json.Unmarshal(env.Data, out); err != nil {
			return env, &driver.Error{Code: driver.CodeInternal, Message: "unreadable data from " + r.path, RequestID: env.RequestID, Err: err}
		}
	}
	return env, nil
}

// payload encodes a payload parameter (payload, apiRequestBody, packReq…):
// Lazada reads JSON as well as XML.
func payload(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		// Only maps, slices and strings are encoded here.
		panic("lazada: encode payload: " + err.Error())
	}
	return string(b)
}

// jsonList is a parameter holding a JSON array (sku_seller_list,
// order_ids).
func jsonList[T any](items []T) string { return payload(items) }
