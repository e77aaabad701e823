package shopee

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
)

// listParam reads an array query parameter in each form Shopee's docs use:
// repeated (item_status=NORMAL&item_status=UNLIST), comma separated
// (order_sn_list=a,b) and bracketed (item_id_list=[1,2], also as JSON with
// quoted strings).
func listParam(q url.Values, name string) []string {
	var out []string
	for _, v := range q[name] {
		v = strings.TrimSpace(v)
		v = strings.TrimPrefix(v, "[")
		v = strings.TrimSuffix(v, "]")
		for _, part := range strings.Split(v, ",") {
			part = strings.Trim(strings.TrimSpace(part), `"`)
			if part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// intListParam is listParam for ids.
func intListParam(module string, q url.Values, name string) ([]int64, error) {
	raw := listParam(q, name)
	out := make([]int64, 0, len(raw))
	for _, s := range raw {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, errDetail(module, "%s must be a list of integers.", name)
		}
		out = append(out, n)
	}
	return out, nil
}

// intParam reads an integer query parameter; ok is false when it is absent.
func intParam(module string, q url.Values, name string) (n int64, ok bool, err error) {
	s := q.Get(name)
	if s == "" {
		return 0, false, nil
	}
	n, perr := strconv.ParseInt(s, 10, 64)
	if perr != nil {
		return 0, false, errDetail(module, "%s must be an integer.", name)
	}
	return n, true, nil
}

// flexInt is an integer body field. Shopee documents ints; clients in the
// wild also send them as JSON strings ("123") or as floats with a zero
// fraction, which the platform's JSON layer accepts.
type flexInt struct {
	V   int64
	Set bool
}

func (n *flexInt) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	s := strings.Trim(string(b), `"`)
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != math.Trunc(f) {
			return fmt.Errorf("%s is not an integer", b)
		}
		v = int64(f)
	}
	n.V, n.Set = v, true
	return nil
}

// money is a price body field (Shopee floats). In Vietnam prices are whole
// đồng: Integral says whether the value has no fraction.
type money struct {
	F   float64
	Set bool
}

func (m *money) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	f, err := strconv.ParseFloat(strings.Trim(string(b), `"`), 64)
	if err != nil {
		return fmt.Errorf("%s is not a number", b)
	}
	m.F, m.Set = f, true
	return nil
}

// Dong returns the price in đồng, or false when it is not a positive whole
// number (VN prices are integers; decimals are SG/MY/BR/MX/PL/ES/AR only).
func (m money) Dong() (int64, bool) {
	if !m.Set || m.F <= 0 || m.F != math.Trunc(m.F) || m.F > 1e12 {
		return 0, false
	}
	return int64(m.F), true
}

// stockEntry is one seller_stock element.
type stockEntry struct {
	LocationID string  `json:"location_id"`
	Stock      flexInt `json:"stock"`
}

// sumStock adds the seller_stock entries; set is false when there are none
// with a stock.
func sumStock(list []stockEntry) (total int64, set bool, location string) {
	for _, s := range list {
		if s.Stock.Set {
			total += s.Stock.V
			set = true
		}
		if s.LocationID != "" {
			location = s.LocationID
		}
	}
	return total, set, location
}

// decodeBody decodes a JSON request body, answering error_param on bad JSON
// like the platform does.
func decodeBody(c *call, v any) error {
	if err := json.NewDecoder(c.r.Body).Decode(v); err != nil {
		return errDetail(c.module, "the request body is not valid JSON: %v.", err)
	}
	return nil
}
