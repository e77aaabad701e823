package zalo

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"ocophub/connectors/driver"
)

// codes is THE table from Zalo's error numbers to driver codes: the Store
// API envelope ({"error":-2xx}) and OAuth v4 ({"error":-140xx}) share it,
// as their numbers do not overlap. -216, -201 and the OAuth numbers are
// Zalo's own; the other Store API numbers are the sandbox's documented
// choices (connectors/sandbox/README.md), Zalo publishing no Store API error table.
var codes = map[int]driver.Code{
	-216: driver.CodeUnauthenticated,    // access token missing, invalid or expired
	-201: driver.CodeInvalidArgument,    // parameter missing or invalid (message kept)
	-210: driver.CodeInvalidArgument,    // parameter over its limit
	-230: driver.CodeNotFound,           // product
	-231: driver.CodeNotFound,           // order
	-232: driver.CodeAlreadyExists,      // product code (seller SKU) already in the OA
	-233: driver.CodeFailedPrecondition, // quantity below promotion-reserved units
	-234: driver.CodeFailedPrecondition, // order status cannot move that way
	-32:  driver.CodeResourceExhausted,  // over the rate limit

	-14002: driver.CodePermissionDenied, // unknown app_id
	-14003: driver.CodeInvalidArgument,  // missing parameter
	-14004: driver.CodePermissionDenied, // wrong secret_key
	-14005: driver.CodeUnauthenticated,  // code invalid, expired, used, or PKCE mismatch
	-14014: driver.CodeUnauthenticated,  // refresh token invalid, expired or used
	-14018: driver.CodeInvalidArgument,  // grant_type
}

// defaultRetryAfter is the back-off of a throttled call without Retry-After.
const defaultRetryAfter = time.Second

// zaloError builds the driver error of a failed answer: the HTTP status
// decides first (429 throttled, 5xx unavailable), then Zalo's number
// through codes, and anything else is internal. vendor is 0 when the body
// carried no number; now dates a Retry-After given as a date.
func zaloError(status int, header http.Header, vendor int, message string, now time.Time) *driver.Error {
	code, known := codes[vendor]
	switch {
	case status == http.StatusTooManyRequests:
		code = driver.CodeResourceExhausted
	case status >= 500:
		code = driver.CodeUnavailable
	case vendor == 0 || !known:
		code = driver.CodeInternal
	}
	e := &driver.Error{Code: code, Message: message}
	if vendor != 0 {
		e.Vendor = strconv.Itoa(vendor)
	} else {
		e.Vendor = "http_" + strconv.Itoa(status)
	}
	if e.Message == "" {
		e.Message = "Zalo answered HTTP " + strconv.Itoa(status)
	}
	if code == driver.CodeResourceExhausted {
		e.RetryAfter = retryAfter(header.Get("Retry-After"), now)
	}
	return e
}

// retryAfter reads a Retry-After header (seconds or an HTTP date).
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return defaultRetryAfter
}

// perSKU reports whether a failed product update concerns that SKU alone
// (it goes into its Result) rather than the whole call (refresh, retry).
func perSKU(err error) bool {
	switch driver.CodeOf(err) {
	case driver.CodeNotFound, driver.CodeInvalidArgument, driver.CodeFailedPrecondition, driver.CodeAlreadyExists:
		return true
	}
	return false
}

func invalidArg(format string, args ...any) *driver.Error {
	return driver.Errorf(driver.CodeInvalidArgument, "", format, args...)
}
