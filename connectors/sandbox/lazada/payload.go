package lazada

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
)

// A payload (the payload, apiRequestBody, packReq… parameters) is XML or
// JSON; both decode to the same tree so each API reads one shape:
// objects are map[string]any, repeated XML elements and JSON arrays are
// []any, leaves are strings (XML text) or json.Number / string / bool.
// <Images><Image>a</Image></Images> and {"Images":{"Image":["a"]}} read
// alike through list().

// parsePayload decodes an XML document or a JSON object.
func parsePayload(s string) (map[string]any, error) {
	s = strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(s, "<"):
		return parseXML(s)
	case strings.HasPrefix(s, "{"):
		d := json.NewDecoder(strings.NewReader(s))
		d.UseNumber()
		var v map[string]any
		if err := d.Decode(&v); err != nil {
			return nil, err
		}
		return v, nil
	case s == "":
		return nil, errors.New("empty payload")
	default:
		return nil, errors.New("payload is neither XML nor a JSON object")
	}
}

// parseXML turns an XML document into the tree: an element with child
// elements is a map (its text ignored), one without is its trimmed text.
func parseXML(s string) (map[string]any, error) {
	type frame struct {
		name     string
		children map[string]any
		text     strings.Builder
	}
	d := xml.NewDecoder(strings.NewReader(s))
	root := map[string]any{}
	stack := []*frame{{children: root}}
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, &frame{name: t.Name.Local})
		case xml.CharData:
			stack[len(stack)-1].text.Write(t)
		case xml.EndElement:
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			var v any = strings.TrimSpace(top.text.String())
			if top.children != nil {
				v = top.children
			}
			parent := stack[len(stack)-1]
			if parent.children == nil {
				parent.children = map[string]any{}
			}
			addChild(parent.children, top.name, v)
		}
	}
	if len(stack) != 1 || len(root) == 0 {
		return nil, errors.New("unbalanced or empty XML")
	}
	return root, nil
}

func addChild(m map[string]any, name string, v any) {
	prev, ok := m[name]
	if !ok {
		m[name] = v
		return
	}
	if list, isList := prev.(xmlList); isList {
		m[name] = append(list, v)
		return
	}
	m[name] = xmlList{prev, v}
}

// xmlList is a repeated XML element; it reads like a JSON array.
type xmlList = []any

// field returns m's value for key, matching the name case-insensitively
// when it is not there exactly (Lazada's own examples mix "quantity" and
// "Quantity").
func field(v any, key string) any {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	if x, ok := m[key]; ok {
		return x
	}
	for k, x := range m {
		if strings.EqualFold(k, key) {
			return x
		}
	}
	return nil
}

// asMap reads an object (nil for anything else).
func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// path walks nested fields.
func path(v any, keys ...string) any {
	for _, k := range keys {
		v = field(v, k)
	}
	return v
}

// list reads a value as a list: an array, one lone value, or nothing.
func list(v any) []any {
	switch t := v.(type) {
	case nil:
		return nil
	case []any:
		return t
	case string:
		if t == "" {
			return nil
		}
	}
	return []any{v}
}

// text reads a leaf as a string; ok is false for a missing value or a
// non-leaf.
func text(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, true
	case json.Number:
		return t.String(), true
	case bool:
		return strconv.FormatBool(t), true
	}
	return "", false
}

// present reports whether a leaf has a non-empty value.
func present(v any) bool {
	s, ok := text(v)
	return ok && strings.TrimSpace(s) != ""
}

// integer reads a whole number ("12", 12, "12.0").
func integer(v any) (int64, error) {
	s, ok := text(v)
	if !ok {
		return 0, errors.New("not a number")
	}
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok || !r.IsInt() || !r.Num().IsInt64() {
		return 0, fmt.Errorf("%q is not a whole number", s)
	}
	return r.Num().Int64(), nil
}

// errPricePrecision is a price with a fraction of a đồng.
var errPricePrecision = errors.New("BIZ_CHECK_PRICE_PRECISION_INVALID: VND prices have no decimals")

// money reads a VND amount ("35000", "35000.00", 35000) as whole đồng.
func money(v any) (int64, error) {
	s, ok := text(v)
	if !ok {
		return 0, errors.New("not a number")
	}
	r, ok := new(big.Rat).SetString(strings.TrimSpace(s))
	if !ok {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	if !r.IsInt() {
		return 0, errPricePrecision
	}
	if !r.Num().IsInt64() {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return r.Num().Int64(), nil
}

// plain turns a tree value into JSON-friendly data for echoing back:
// numbers stay numbers, XML lists become arrays.
func plain(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = plain(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = plain(x)
		}
		return out
	}
	return v
}

// jsonArray reads a parameter holding a JSON array of strings or numbers
// (sku_seller_list, seller_sku_list, order_ids).
func jsonArray(s string) ([]string, error) {
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.UseNumber()
	var raw []any
	if err := d.Decode(&raw); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(raw))
	for _, x := range raw {
		t, ok := text(x)
		if !ok {
			return nil, errors.New("array entries must be strings or numbers")
		}
		out = append(out, t)
	}
	return out, nil
}
