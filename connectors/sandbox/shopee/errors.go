package shopee

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"ocophub/connectors/sandbox"
)

// apiError is one of Shopee's error answers: the HTTP status, the `error`
// code (possibly module-prefixed, "product.error_param") and the message.
type apiError struct {
	status int
	code   string
	msg    string
}

func (e *apiError) Error() string { return e.code + ": " + e.msg }

// The HTTP statuses of Shopee's answers. Shopee does not document them; this
// is the sandbox's one table (connectors/sandbox/README.md):
//
//	200  success, and partial success with failure_list
//	400  error_param and every business error (not found, wrong status, …)
//	403  error_sign, error_auth, invalid_acceess_token, invalid_code
//	404  a path Shopee does not serve
//	429  throttled: error_system_busy
//	500  error_server (injected server errors)
//	504  error_inner (injected timeouts, when the client is still there)
const (
	statusBusiness = http.StatusBadRequest
	statusAuth     = http.StatusForbidden
)

// errParam is error_param with the module prefix of the endpoint (""
// for the gateway checks, "product." for product APIs, …).
func errParam(module, format string, args ...any) *apiError {
	return &apiError{status: statusBusiness, code: module + "error_param", msg: fmt.Sprintf(format, args...)}
}

// errDetail is error_param in Shopee's "Wrong parameters, detail: …" form.
func errDetail(module, format string, args ...any) *apiError {
	return errParam(module, "Wrong parameters, detail: "+format, args...)
}

// errMissing is the message Shopee gives for a missing required field.
func errMissing(module, field string) *apiError {
	return errParam(module, "invalid field %s: value must Not Null", field)
}

// errBusiness is a business rule's refusal with its own code.
func errBusiness(code, msg string) *apiError {
	return &apiError{status: statusBusiness, code: code, msg: msg}
}

// The gateway's answers.
var (
	errSign         = &apiError{status: statusAuth, code: "error_sign", msg: "Wrong sign."}
	errTokenInvalid = &apiError{status: statusAuth, code: "error_auth", msg: "Invalid access_token."}
	// errTokenExpired is what integrators report Shopee returns for an
	// expired token: note the platform's own spelling "acceess".
	errTokenExpired = &apiError{status: statusAuth, code: "invalid_acceess_token", msg: "Invalid access_token."}
	errShopMismatch = &apiError{status: statusAuth, code: "error_auth", msg: "Invalid partner_id or shopid."}
	errBadCode      = &apiError{status: statusAuth, code: "invalid_code", msg: "The code is expired or used or invalid, please check the code."}
	errBadRefresh   = &apiError{status: statusAuth, code: "error_auth", msg: "Invalid refresh_token."}
	errThrottled    = &apiError{status: http.StatusTooManyRequests, code: "error_system_busy", msg: "Our system is taking some time to respond, please try later."}
	errServer       = &apiError{status: http.StatusInternalServerError, code: "error_server", msg: "Something wrong. Please try later."}
	errTimeout      = &apiError{status: http.StatusGatewayTimeout, code: "error_inner", msg: "Our system is taking some time to respond, please try later."}
)

func errNoPath(path string) *apiError {
	return &apiError{status: http.StatusNotFound, code: "error_not_found", msg: "Wrong parameters, detail: no API at " + path + "."}
}

// Business errors used by several endpoints.
var (
	errItemNotFound  = errBusiness("error_item_not_found", "Item_id is not found.")
	errOrderNotFound = errBusiness("error_not_found", "Wrong parameters, detail: the order is not found.")
	errImageNotExist = &apiError{status: statusBusiness, code: "error_param", msg: "Image not exist."}
	// errDuplicateSKU: real Shopee allows a seller SKU twice; the sandbox
	// keeps seller SKUs unique per shop (the hub's find-by-SKU relies on
	// it) and answers with Shopee's duplicate-product code.
	errDuplicateSKU = errBusiness("error_repeated_mtsku", "A similar product has already been uploaded: the seller SKU is already used in this shop.")
)

// asAPIError maps any error of a handler to Shopee's answer; engine errors
// the handler did not translate itself get their generic Shopee form.
func asAPIError(module string, err error) *apiError {
	var ae *apiError
	var inv *sandbox.InvalidError
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &inv):
		return errDetail(module, "%s.", inv.Msg)
	case errors.Is(err, sandbox.ErrNotFound):
		return errBusiness("error_not_found", "Wrong parameters, detail: the resource is not found.")
	case errors.Is(err, sandbox.ErrImageUnknown):
		return errImageNotExist
	case errors.Is(err, sandbox.ErrDuplicateSKU):
		return errDuplicateSKU
	case errors.Is(err, sandbox.ErrNegativeStock):
		return errDetail(module, "stock must not be negative.")
	case errors.Is(err, sandbox.ErrBelowReserved):
		return errParam(module, "Can not update item with stock less than reserved stock")
	case errors.Is(err, sandbox.ErrUnknownApp):
		return errParam("", "Invalid partner_id.")
	case errors.Is(err, sandbox.ErrInvalidCode):
		return errBadCode
	case errors.Is(err, sandbox.ErrInvalidRefresh):
		return errBadRefresh
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return errTimeout
	default:
		return errServer
	}
}
