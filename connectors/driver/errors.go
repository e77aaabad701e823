package driver

import (
	"errors"
	"fmt"
	"time"
)

// Code is the connectors' error vocabulary; every driver maps its
// platform's codes to these, and the conformance suite asserts them.
type Code string

// The codes.
const (
	CodeNotFound           Code = "not_found"
	CodeAlreadyExists      Code = "already_exists"
	CodeInvalidArgument    Code = "invalid_argument" // Message keeps the channel's own words for the user
	CodePermissionDenied   Code = "permission_denied"
	CodeUnauthenticated    Code = "unauthenticated" // token expired or revoked: refresh once
	CodeResourceExhausted  Code = "resource_exhausted"
	CodeUnavailable        Code = "unavailable" // 5xx, timeouts, connection errors: retry
	CodeFailedPrecondition Code = "failed_precondition"
	CodeInternal           Code = "internal"
)

// Error is a driver failure.
type Error struct {
	Code Code
	// Vendor is the platform's own code ("error_sign", "ApiCallLimit").
	Vendor string
	// Message is the platform's message, safe to show (no secrets).
	Message string
	// RetryAfter is the platform's back-off for CodeResourceExhausted.
	RetryAfter time.Duration
	// RequestID is the platform's request id, for support tickets.
	RequestID string
	// Err is a transport cause; its text must not contain secrets.
	Err error
}

func (e *Error) Error() string {
	s := string(e.Code)
	if e.Vendor != "" {
		s += " (" + e.Vendor + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf makes an *Error.
func Errorf(code Code, vendor, format string, args ...any) *Error {
	return &Error{Code: code, Vendor: vendor, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns err's code: CodeInternal for a non-driver error, "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// Transient reports whether retrying the same call may succeed.
func Transient(err error) bool {
	c := CodeOf(err)
	return c == CodeUnavailable || c == CodeResourceExhausted
}
