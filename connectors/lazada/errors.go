package lazada

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"ocophub/connectors/driver"
)

// codes is THE table from Lazada's codes to the hub's. Lazada answers
// errors with HTTP 200 and a code in the envelope; platform codes are
// words, business codes numeric strings, and the fulfilment APIs report
// per-item codes (7000xx) inside a successful envelope. Codes not listed
// are CodeInternal, except behind an HTTP 5xx (always CodeUnavailable).
//
// A wrong signature, timestamp or API path is a bug of this driver (or a
// wrong clock): CodeInternal, logged as a warning, not retried. An unknown
// app key is a configuration the seller cannot fix: CodePermissionDenied.
var codes = map[string]driver.Code{
	// Gateway.
	"IllegalAccessToken":    driver.CodeUnauthenticated,
	"IllegalRefreshToken":   driver.CodeUnauthenticated,
	"InvalidCode":           driver.CodeUnauthenticated, // authorization code spent or older than 30 min
	"IncompleteSignature":   driver.CodeInternal,
	"InvalidTimestamp":      driver.CodeInternal,
	"InvalidApiPath":        driver.CodeInternal,
	"InvalidAppKey":         driver.CodePermissionDenied,
	"AUTH_TYPE_UNSUPPORTED": driver.CodePermissionDenied, // service-market apps cannot refresh
	"SellerNotVerified":     driver.CodePermissionDenied,
	"MissingParameter":      driver.CodeInvalidArgument,
	"InvalidParameter":      driver.CodeInvalidArgument,
	"ILLEGAL_PARAMETER":     driver.CodeInvalidArgument,
	"ApiCallLimit":          driver.CodeResourceExhausted,
	"901":                   driver.CodeResourceExhausted, // per-API "Limit service request speed"
	"ServiceUnavailable":    driver.CodeUnavailable,
	"ServiceTimeout":        driver.CodeUnavailable,
	"4147":                  driver.CodeUnavailable, // concurrent edit of the product: try again

	// Request format and values: the message says what is wrong.
	"1": driver.CodeInvalidArgument, "5": driver.CodeInvalidArgument, "14": driver.CodeInvalidArgument,
	"17": driver.CodeInvalidArgument, "19": driver.CodeInvalidArgument, "30": driver.CodeInvalidArgument,
	"36": driver.CodeInvalidArgument, "37": driver.CodeInvalidArgument, "38": driver.CodeInvalidArgument,
	"56": driver.CodeInvalidArgument, "70": driver.CodeInvalidArgument, "74": driver.CodeInvalidArgument,
	"75": driver.CodeInvalidArgument, "200": driver.CodeInvalidArgument, "201": driver.CodeInvalidArgument,
	"204": driver.CodeInvalidArgument, "300": driver.CodeInvalidArgument, "302": driver.CodeInvalidArgument,
	"303": driver.CodeInvalidArgument, "304": driver.CodeInvalidArgument, "500": driver.CodeInvalidArgument,
	"4104": driver.CodeInvalidArgument, "4118": driver.CodeInvalidArgument, "4121": driver.CodeInvalidArgument,
	"4138": driver.CodeInvalidArgument, "4139": driver.CodeInvalidArgument, "4152": driver.CodeInvalidArgument,
	"4157": driver.CodeInvalidArgument, "E0001": driver.CodeInvalidArgument,
	"700004": driver.CodeInvalidArgument, "700017": driver.CodeInvalidArgument, "700022": driver.CodeInvalidArgument,

	// Not found.
	"16": driver.CodeNotFound, "20": driver.CodeNotFound, "39": driver.CodeNotFound,
	"207": driver.CodeNotFound, "208": driver.CodeNotFound, "4136": driver.CodeNotFound,
	"4137": driver.CodeNotFound, "E0002": driver.CodeNotFound, "E0003": driver.CodeNotFound,
	"700021": driver.CodeNotFound, "700025": driver.CodeNotFound,

	// Seller SKU already used in the shop.
	"4105": driver.CodeAlreadyExists, "4126": driver.CodeAlreadyExists, "4141": driver.CodeAlreadyExists,

	// The state forbids it: stock below what orders or a campaign hold,
	// an order no longer in a state to pack, ship or cancel.
	"212":    driver.CodeFailedPrecondition,
	"4193":   driver.CodeFailedPrecondition,
	"73":     driver.CodeFailedPrecondition,
	"E0004":  driver.CodeFailedPrecondition,
	"700000": driver.CodeFailedPrecondition,
	"700026": driver.CodeFailedPrecondition,
	"600002": driver.CodeFailedPrecondition,
}

// batchCodes are overview codes whose detail[] says, per SKU, what failed
// (the SKUs not listed were applied).
var batchCodes = map[string]bool{"501": true, "503": true, "212": true}

// detailCodes classify one detail[] entry by its message, in order: below
// a campaign lock or the units of open orders, an unknown SKU or item,
// else the value was refused.
var detailCodes = []struct {
	pattern *regexp.Regexp
	code    driver.Code
}{
	{regexp.MustCompile(`(?i)negative sellable|INV_NEGATIVE|locked|campaign`), driver.CodeFailedPrecondition},
	{regexp.MustCompile(`(?i)not[ _]?found|not[ _]exist|no such|invalid (sku|item)`), driver.CodeNotFound},
}

func detailCode(message string) driver.Code {
	for _, d := range detailCodes {
		if d.pattern.MatchString(message) {
			return d.code
		}
	}
	return driver.CodeInvalidArgument
}

// banSeconds reads "this ban will last 1 seconds" from a throttle message.
var banSeconds = regexp.MustCompile(`(?i)ban will last (\d+) seconds?`)

// defaultRetryAfter is Lazada's ban after a throttle when the message does
// not say: "retry in the next second".
const defaultRetryAfter = time.Second

// codeOf maps a Lazada code through the table.
func codeOf(vendor string) (driver.Code, bool) {
	c, ok := codes[vendor]
	return c, ok
}

// apiError maps an error answer: HTTP 5xx is always Unavailable; the
// envelope's code goes through the table; a batch overview code takes the
// code of its details when they agree.
func apiError(status int, env envelope) *driver.Error {
	e := &driver.Error{Vendor: env.Code.String(), Message: env.Message, RequestID: env.RequestID}
	if len(env.Detail) > 0 {
		parts := make([]string, 0, len(env.Detail))
		for _, dt := range env.Detail {
			parts = append(parts, detailText(dt))
		}
		e.Message = strings.TrimSpace(e.Message + ": " + strings.Join(parts, "; "))
	}
	code, known := codeOf(e.Vendor)
	switch {
	case status >= http.StatusInternalServerError:
		code = driver.CodeUnavailable
	case known:
	case batchCodes[e.Vendor] && len(env.Detail) > 0:
		code = detailCode(env.Detail[0].Message)
		for _, dt := range env.Detail[1:] {
			if detailCode(dt.Message) != code {
				code = driver.CodeInvalidArgument
			}
		}
	case status == http.StatusTooManyRequests:
		code = driver.CodeResourceExhausted
	default:
		code = driver.CodeInternal
	}
	e.Code = code
	if code == driver.CodeResourceExhausted {
		e.RetryAfter = retryAfter(env.Message)
	}
	return e
}

// itemError maps a per-item code of a fulfilment answer.
func itemError(vendor, message, requestID string) *driver.Error {
	code, ok := codeOf(vendor)
	if !ok {
		code = driver.CodeInternal
	}
	return &driver.Error{Code: code, Vendor: vendor, Message: message, RequestID: requestID}
}

// httpError is a non-200 answer without a Lazada envelope.
func httpError(status int, path string) *driver.Error {
	e := &driver.Error{Code: driver.CodeInternal, Message: "HTTP " + strconv.Itoa(status) + " from " + path}
	switch {
	case status >= http.StatusInternalServerError:
		e.Code = driver.CodeUnavailable
	case status == http.StatusTooManyRequests:
		e.Code, e.RetryAfter = driver.CodeResourceExhausted, defaultRetryAfter
	}
	return e
}

func retryAfter(message string) time.Duration {
	if m := banSeconds.FindStringSubmatch(message); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil && n > 0 {
			return time.Duration(n) * time.Second
		}
	}
	return defaultRetryAfter
}

func detailText(dt detail) string {
	if dt.SellerSKU != "" {
		return dt.SellerSKU + ": " + dt.Message
	}
	if dt.Field != "" {
		return dt.Field + ": " + dt.Message
	}
	return dt.Message
}
