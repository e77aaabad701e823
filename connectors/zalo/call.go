package zalo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-resty/resty/v2"

	"ocophub/connectors/driver"
)

// envelope is every Store API answer: {"error":0,"message":"Success",
// "data":{…}}; a business error is error ≠ 0 (usually with HTTP 200).
type envelope struct {
	Error   flexInt         `json:"error"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// get calls a Store API GET endpoint and decodes data into out.
func (d *Driver) get(ctx context.Context, token, path string, query map[string]string, out any) error {
	r := d.http.R().SetHeader("access_token", token).SetQueryParams(query)
	return d.store(ctx, r, http.MethodGet, path, out)
}

// post calls a Store API POST endpoint with a JSON body.
func (d *Driver) post(ctx context.Context, token, path string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return &driver.Error{Code: driver.CodeInternal, Message: "encode request: " + err.Error()}
	}
	r := d.http.R().SetHeader("access_token", token).SetHeader("Content-Type", "application/json").SetBody(b)
	return d.store(ctx, r, http.MethodPost, path, out)
}

// store sends r and reads the envelope.
func (d *Driver) store(ctx context.Context, r *resty.Request, method, path string, out any) error {
	status, header, body, err := d.send(ctx, r, method, d.cfg.BaseURL+path)
	if err != nil {
		return err
	}
	var env envelope
	jsonErr := json.Unmarshal(body, &env)
	if status != http.StatusOK || jsonErr != nil || env.Error != 0 {
		msg := env.Message
		if jsonErr != nil {
			msg = ""
		}
		return zaloError(status, header, int(env.Error), msg, d.cfg.Now())
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return &driver.Error{Code: driver.CodeInternal, Message: "decode Zalo " + path + ": " + err.Error()}
	}
	return nil
}

// send does one HTTP exchange within the driver's timeout. Transport
// failures (refused, reset, timed out, cancelled) are CodeUnavailable
// through driver.Transport, which strips the URL's query.
func (d *Driver) send(ctx context.Context, r *resty.Request, method, url string) (int, http.Header, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, d.cfg.Timeout)
	defer cancel()
	resp, err := r.SetContext(ctx).Execute(method, url)
	if err != nil {
		return 0, nil, nil, driver.Transport(err)
	}
	return resp.StatusCode(), resp.Header(), resp.Body(), nil
}

// flexInt is a JSON integer, or a string holding one: Zalo sends numbers
// both ways ("expires_in":"90000").
type flexInt int64

func (n *flexInt) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
		if s == "" {
			*n = 0
			return nil
		}
		b = []byte(s)
	}
	v, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(string(b), 64) // 1.5e12 from some JSON encoders
		if ferr != nil {
			return errors.New("want an integer, got " + string(b))
		}
		v = int64(f)
	}
	*n = flexInt(v)
	return nil
}

// flexString is a JSON string or number kept as text: Zalo ids are
// numeric and come both ways.
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
		return nil
	}
	var num json.Number
	if err := json.Unmarshal(b, &num); err != nil {
		return errors.New("want a string or a number")
	}
	*s = flexString(num.String())
	return nil
}
