package api

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
	"ocophub/worker/ops"
)

// statusOf is the ONE table from error code to HTTP status.
var statusOf = map[catalog.Code]int{
	catalog.CodeInvalidArgument:    http.StatusBadRequest,
	catalog.CodeUnauthenticated:    http.StatusUnauthorized,
	catalog.CodePermissionDenied:   http.StatusForbidden,
	catalog.CodeNotFound:           http.StatusNotFound,
	catalog.CodeConflict:           http.StatusConflict,
	catalog.CodeInsufficientStock:  http.StatusConflict,
	catalog.CodeFailedPrecondition: http.StatusConflict,
	catalog.CodeUnavailable:        http.StatusServiceUnavailable,
	catalog.CodeInternal:           http.StatusInternalServerError,
	codePayloadTooLarge:            http.StatusRequestEntityTooLarge,
	codeUnsupportedMedia:           http.StatusUnsupportedMediaType,
	codeTooManyRequests:            http.StatusTooManyRequests,
	codeCSRF:                       http.StatusForbidden,
	codeKeyReused:                  http.StatusUnprocessableEntity,
}

// HTTPStatus is the status of err's code in the table above (500 for
// anything else); the web UI's pages answer with the same statuses.
func HTTPStatus(err error) int {
	if status, ok := statusOf[catalog.ErrorCode(err)]; ok {
		return status
	}
	return http.StatusInternalServerError
}

// API-only codes, for failures that happen before the domain is reached.
const (
	codePayloadTooLarge  catalog.Code = "payload_too_large"
	codeUnsupportedMedia catalog.Code = "unsupported_media_type"
	codeTooManyRequests  catalog.Code = "too_many_requests"
)

// errorBody is the JSON error envelope:
// {"error": {"code": "invalid_argument", "message": "...", "fields": {...}}}.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    catalog.Code      `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// abortWithError writes err as the error envelope with its status. Internal
// causes are logged, never sent.
func abortWithError(c *gin.Context, err error) {
	code := catalog.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status, code = http.StatusInternalServerError, catalog.CodeInternal
	}
	var wait retryAfter
	if errors.As(err, &wait) {
		c.Header("Retry-After", retrySeconds(time.Duration(wait)))
	}
	detail := errorDetail{Code: code, Message: err.Error()}
	var ce *catalog.Error
	if errors.As(err, &ce) {
		detail.Message, detail.Fields = ce.Message, ce.Fields
	}
	if status >= 500 {
		slog.ErrorContext(c.Request.Context(), "request failed", "method", c.Request.Method,
			"route", c.FullPath(), "err", err)
		detail.Message = "internal error; the request id is in the X-Request-Id header"
		detail.Fields = nil
	}
	if detail.Message == "" {
		detail.Message = string(code)
	}
	c.AbortWithStatusJSON(status, errorBody{Error: detail})
}

func invalid(field, reason string) error { return ops.Invalid(field, reason) }
