package shopee

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"ocophub/connectors/driver"
)

// defaultRetryAfter is the back-off of a throttle that names none: Shopee
// publishes no rate limits and no Retry-After (its API reference pages,
// https://open.shopee.com/documents, give none).
const defaultRetryAfter = time.Second

// vendorCodes is THE table from Shopee's error codes (without the module
// prefix: "product.error_param" → "error_param") to the driver's codes.
// classify adds the HTTP status and a few patterns around it.
var vendorCodes = map[string]driver.Code{
	// The token is missing, expired or revoked, or the code is spent: the
	// Channel refreshes once. invalid_acceess_token is the platform's own
	// misspelling for an expired token; the correct spelling is accepted
	// too. error_auth also answers a spent refresh token.
	"error_auth":              driver.CodeUnauthenticated,
	"invalid_acceess_token":   driver.CodeUnauthenticated,
	"invalid_access_token":    driver.CodeUnauthenticated,
	"invalid_code":            driver.CodeUnauthenticated,
	"merchant_access_expired": driver.CodeUnauthenticated,

	// error_sign: our signing is pinned by unit tests, so a wrong sign in
	// production means the app's credentials (partner_id/partner_key) are
	// not the ones Shopee holds — an operator must fix the configuration;
	// no refresh or retry helps. PermissionDenied says that; Internal would
	// hide it among our bugs.
	"error_sign":  driver.CodePermissionDenied,
	"shop_banned": driver.CodePermissionDenied,

	// The request is wrong; Shopee's message says what, for the user.
	"error_param":             driver.CodeInvalidArgument,
	"error_invalid_price":     driver.CodeInvalidArgument,
	"error_shop":              driver.CodeInvalidArgument,
	"order_list_invalid_time": driver.CodeInvalidArgument,
	"error_cutoff_time":       driver.CodeInvalidArgument,

	"error_item_not_found":     driver.CodeNotFound,
	"error_not_found":          driver.CodeNotFound,
	"address_not_found":        driver.CodeNotFound,
	"package_number_not_exist": driver.CodeNotFound,

	// Shopee's duplicate-product code; the sandbox answers it for a seller
	// SKU already used in the shop.
	"error_repeated_mtsku": driver.CodeAlreadyExists,

	// The object is in a state that forbids the change: an order past
	// READY_TO_SHIP, stock locked by a promotion.
	"error_limit":                         driver.CodeFailedPrecondition,
	"error_status":                        driver.CodeFailedPrecondition,
	"error_cannt_edit_stock_in_promotion": driver.CodeFailedPrecondition,
	"error_busi_update_stock_failed":      driver.CodeFailedPrecondition,

	"error_system_busy": driver.CodeResourceExhausted,

	"error_server": driver.CodeUnavailable,
	"error_inner":  driver.CodeUnavailable,
}

// classify maps one Shopee error answer to a driver code: the table first,
// then name patterns for codes the table lacks, then the HTTP status.
func classify(status int, vendor, message string) driver.Code {
	name := vendor[strings.LastIndexByte(vendor, '.')+1:]
	if status == http.StatusTooManyRequests {
		return driver.CodeResourceExhausted
	}
	if status == http.StatusNotFound {
		// A path Shopee does not serve: our bug, never a missing object
		// (those come with HTTP 400 and a code).
		return driver.CodeInternal
	}
	code, ok := vendorCodes[name]
	switch {
	case ok:
	case strings.HasPrefix(name, "error_invalid"):
		code = driver.CodeInvalidArgument
	case strings.Contains(name, "not_found") || strings.Contains(name, "not_exist"):
		code = driver.CodeNotFound
	case strings.Contains(name, "duplicate") || strings.Contains(name, "repeated"):
		code = driver.CodeAlreadyExists
	case status >= 500:
		code = driver.CodeUnavailable
	default:
		code = driver.CodeInternal
	}
	// Shopee answers some business refusals with error_param; the message
	// tells a stock below the promotion reserve from a malformed request.
	if code == driver.CodeInvalidArgument && refusedByPromotion(message) {
		code = driver.CodeFailedPrecondition
	}
	return code
}

// refusedByPromotion reports whether a Shopee message (an error message or
// a failed_reason) refuses a change because of reserved or promotion stock.
func refusedByPromotion(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "reserved") || strings.Contains(m, "promotion")
}

// apiError is the *driver.Error of a Shopee error answer.
func apiError(status int, header http.Header, a answer) *driver.Error {
	e := &driver.Error{Code: classify(status, a.Error, a.Message), Vendor: a.Error, Message: a.Message,
		RequestID: a.RequestID}
	if e.Code == driver.CodeResourceExhausted {
		e.RetryAfter = retryAfter(header.Get("Retry-After"))
	}
	return e
}

// retryAfter reads a Retry-After header (seconds or an HTTP date), else
// defaultRetryAfter.
func retryAfter(v string) time.Duration {
	if v == "" {
		return defaultRetryAfter
	}
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return defaultRetryAfter
}

// failureCode maps the failed_reason of a failure_list entry (update_stock,
// update_price, unlist_item) to a driver code: below the promotion reserve
// is FailedPrecondition, an unknown model or item NotFound, the rest (bad
// value, model 0 on an item with models) InvalidArgument.
func failureCode(reason string) driver.Code {
	m := strings.ToLower(reason)
	switch {
	case refusedByPromotion(m):
		return driver.CodeFailedPrecondition
	case strings.Contains(m, "wrong model"), strings.Contains(m, "not found"), strings.Contains(m, "not exist"):
		return driver.CodeNotFound
	}
	return driver.CodeInvalidArgument
}

// failure is the per-SKU error of a failure_list entry.
func failure(vendor, reason, requestID string) *driver.Error {
	return &driver.Error{Code: failureCode(reason), Vendor: vendor, Message: reason, RequestID: requestID}
}
