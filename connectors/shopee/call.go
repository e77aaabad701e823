package shopee

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"ocophub/connectors/driver"
)

// request is one Shopee API call.
type request struct {
	method string
	path   string
	// public: signed partner_id + path + timestamp, no token (token and
	// media APIs); otherwise a shop call with the shop's access token.
	public bool
	// topLevel: the answer's fields are at the top level instead of in
	// `response` (the token endpoints).
	topLevel bool
	query    url.Values // business parameters of a GET
	body     any        // JSON body of a POST
	// image is a multipart upload (field "image"), named imageName.
	image     []byte
	imageName string
}

func get(path string, query url.Values) request {
	return request{method: http.MethodGet, path: path, query: query}
}

func post(path string, body any) request {
	return request{method: http.MethodPost, path: path, body: body}
}

// answer is Shopee's envelope. Response holds the caller's pointer, so the
// body is decoded in one pass straight into it.
type answer struct {
	Error     string `json:"error"`
	Message   string `json:"message"`
	Warning   string `json:"warning"`
	RequestID string `json:"request_id"`
	Response  any    `json:"response"`
}

// skip decodes any JSON value into nothing.
type skip struct{}

func (skip) UnmarshalJSON([]byte) error { return nil }

// send makes one platform call and decodes the answer into out (a pointer,
// or nil). Shop calls read the token from the TokenSource first, every
// time: a token refreshed by another worker is picked up at once.
func (d *Driver) send(ctx context.Context, r request, out any) error {
	ts := d.cfg.Now().Unix()
	var q url.Values
	if r.public {
		q = d.publicQuery(r.path, ts)
	} else {
		tok, err := d.tokens.Token(ctx)
		if err != nil {
			return fmt.Errorf("read shopee token: %w", err)
		}
		q = d.shopQuery(r.path, ts, tok.AccessToken)
	}
	for k, v := range r.query {
		q[k] = v
	}
	req := d.http.R().SetContext(ctx).SetQueryParamsFromValues(q)
	switch {
	case r.image != nil:
		req.SetFileReader("image", r.imageName, bytes.NewReader(r.image))
	case r.body != nil:
		b, err := json.Marshal(r.body)
		if err != nil {
			return &driver.Error{Code: driver.CodeInternal, Message: "encode " + r.path + " body", Err: err}
		}
		req.SetHeader("Content-Type", "application/json").SetBody(b)
	}
	resp, err := req.Execute(r.method, r.path)
	if err != nil {
		// The URL carries access_token and sign: Transport drops the query.
		return driver.Transport(err)
	}
	return decode(r, resp.StatusCode(), resp.Header(), resp.Body(), out)
}

// decode turns an HTTP answer into out or a *driver.Error.
func decode(r request, status int, header http.Header, body []byte, out any) error {
	a := answer{Response: out}
	if r.topLevel || out == nil {
		a.Response = &skip{}
	}
	if err := json.Unmarshal(body, &a); err != nil {
		if status != http.StatusOK {
			return apiError(status, header, answer{Message: fmt.Sprintf("HTTP %d from %s", status, r.path)})
		}
		return &driver.Error{Code: driver.CodeInternal, Message: "unreadable answer from " + r.path, Err: err}
	}
	if status != http.StatusOK || a.Error != "" {
		return apiError(status, header, a)
	}
	if r.topLevel && out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			return &driver.Error{Code: driver.CodeInternal, Message: "unreadable answer from " + r.path, RequestID: a.RequestID, Err: err}
		}
	}
	if s, ok := out.(interface{ setRequestID(string) }); ok {
		s.setRequestID(a.RequestID)
	}
	return nil
}

// requestID is embedded in an answer type that keeps the envelope's
// request_id (for the per-SKU errors of a partial success).
type requestID struct{ id string }

func (r *requestID) setRequestID(s string) { r.id = s }

// maxThrottleWaits bounds how often one follow-up call of an operation
// waits out a throttle before giving the throttle to the caller.
const maxThrottleWaits = 3

// op is one driver method's sequence of platform calls. Its first call
// returns every failure as is, so the Channel's policy (refresh, retry with
// back-off) applies to an operation that has done nothing yet. A later
// call that is throttled waits the platform's RetryAfter and tries again:
// a throttle means the call was not processed, and restarting the whole
// operation from the Channel would spend the quota of the calls already
// made — FindBySellerSKU takes two or three calls, so under a
// one-call-per-interval limit a restarted lookup would never finish.
// Other failures of later calls are returned as they are.
type op struct {
	d     *Driver
	calls int
}

func (d *Driver) op() *op { return &op{d: d} }

func (o *op) do(ctx context.Context, r request, out any) error {
	o.calls++
	err := o.d.send(ctx, r, out)
	if o.calls == 1 {
		return err
	}
	for range maxThrottleWaits {
		wait, ok := throttled(err)
		if !ok {
			return err
		}
		if serr := sleep(ctx, wait); serr != nil {
			return err
		}
		err = o.d.send(ctx, r, out)
	}
	return err
}

// throttled reports whether err is a throttle, with the back-off to honour.
func throttled(err error) (time.Duration, bool) {
	de, ok := err.(*driver.Error)
	if !ok || de.Code != driver.CodeResourceExhausted {
		return 0, false
	}
	return de.RetryAfter, true
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
