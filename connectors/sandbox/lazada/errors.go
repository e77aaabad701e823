package lazada

import (
	"fmt"
	"net/http"
)

// Error types of the envelope (error-messages guide).
const (
	typeISV    = "ISV"    // the request: signature, parameters, business rules
	typeISP    = "ISP"    // the service: throttling
	typeSYSTEM = "SYSTEM" // the platform itself
)

// apiError is an error answer: {"type","code","message","detail","request_id"}.
// Status is the HTTP status; Lazada answers its errors with 200 except the
// platform failures the faults inject.
type apiError struct {
	Type    string
	Code    string
	Message string
	Detail  []detail
	Status  int
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

// detail is one failed entry of a batch: {"field","seller_sku","message"}.
type detail struct {
	Field     string `json:"field"`
	SellerSKU string `json:"seller_sku,omitempty"`
	Message   string `json:"message"`
}

func isv(code, format string, args ...any) *apiError {
	return &apiError{Type: typeISV, Code: code, Message: fmt.Sprintf(format, args...), Status: http.StatusOK}
}

// Platform (gateway) errors.

func missingParameter(name string) *apiError {
	return isv("MissingParameter", "The input parameter “%s” that is mandatory for processing this request is not supplied", name)
}

func incompleteSignature() *apiError {
	return isv("IncompleteSignature", "The request signature does not conform to lazada standards")
}

func invalidTimestamp() *apiError {
	return isv("InvalidTimestamp", "The timestamp is invalid or more than 7200 seconds away from the server time")
}

func invalidAppKey() *apiError {
	return isv("InvalidAppKey", "The specified app key is invalid")
}

func invalidAPIPath(path string) *apiError {
	return isv("InvalidApiPath", "The specified API path %q is invalid", path)
}

func illegalAccessToken() *apiError {
	return isv("IllegalAccessToken", "The specified access token is invalid or expired")
}

func invalidParameter(name, why string) *apiError {
	return isv("InvalidParameter", "The input parameter “%s” is invalid: %s", name, why)
}

var (
	errThrottled = &apiError{Type: typeISP, Code: "ApiCallLimit",
		Message: "Api access frequency exceeds the limit. this ban will last 1 seconds", Status: http.StatusOK}
	errUnavailable = &apiError{Type: typeSYSTEM, Code: "ServiceUnavailable",
		Message: "The request has failed due to a temporary failure of the server.", Status: http.StatusInternalServerError}
	errTimeout = &apiError{Type: typeSYSTEM, Code: "ServiceTimeout",
		Message: "The request has failed due to service timeout", Status: http.StatusGatewayTimeout}
)

// Business errors: numeric string codes with Lazada's "Ennn: text" messages.

func invalidRequestFormat(why string) *apiError {
	return isv("5", "E005: Invalid Request Format: %s", why)
}

func mandatory(name string) *apiError { return isv("1", "E001: Parameter %s is mandatory", name) }

// batchFailed is code 501 (or the code of the API's overview error) with
// the failed entries; the entries not listed were applied.
func batchFailed(code, message string, d []detail) *apiError {
	e := isv(code, "%s", message)
	e.Detail = d
	return e
}
