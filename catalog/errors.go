package catalog

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Code is a stable, machine-readable error code. API clients and the web UI
// key on it, so a code is never renamed once published.
type Code string

// The error vocabulary of the whole hub. api maps each code to one HTTP status.
const (
	CodeInvalidArgument    Code = "invalid_argument"
	CodeNotFound           Code = "not_found"
	CodeConflict           Code = "conflict"            // stale version or duplicate key
	CodeInsufficientStock  Code = "insufficient_stock"  // a stock operation would go below zero
	CodeFailedPrecondition Code = "failed_precondition" // the object is in a state that forbids the call
	CodePermissionDenied   Code = "permission_denied"
	CodeUnauthenticated    Code = "unauthenticated"
	CodeUnavailable        Code = "unavailable"
	CodeInternal           Code = "internal"
)

// Error is the coded error every package boundary returns. Fields carries
// per-field reasons for invalid_argument, keyed by the JSON field path
// ("variants[0].gtin13").
type Error struct {
	Code    Code
	Message string
	Fields  map[string]string
	Err     error // cause, kept for logs; never shown to users
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Code))
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "; %s: %s", k, e.Fields[k])
		}
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Is lets errors.Is(err, catalog.ErrNotFound) match any Error with that code.
func (e *Error) Is(target error) bool {
	var t *Error
	if errors.As(target, &t) {
		return t.Code == e.Code && t.Message == "" && t.Fields == nil
	}
	return false
}

// Sentinels for errors.Is. They carry only a code.
var (
	ErrNotFound          = &Error{Code: CodeNotFound}
	ErrConflict          = &Error{Code: CodeConflict}
	ErrInvalidArgument   = &Error{Code: CodeInvalidArgument}
	ErrInsufficientStock = &Error{Code: CodeInsufficientStock}
	ErrPermissionDenied  = &Error{Code: CodePermissionDenied}
)

// Errorf makes a coded error with a formatted message.
func Errorf(code Code, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode reports the code of err, CodeInternal for an uncoded error and ""
// for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// FieldErrors collects per-field validation reasons and becomes one
// invalid_argument error, so a form or an import row reports every problem
// at once instead of the first.
type FieldErrors map[string]string

// Add records reason for field unless the field already has one.
func (f FieldErrors) Add(field, reason string) {
	if _, ok := f[field]; !ok {
		f[field] = reason
	}
}

// Check records err's message for field when err is not nil.
func (f FieldErrors) Check(field string, err error) {
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Message != "" {
			f.Add(field, e.Message)
			return
		}
		f.Add(field, err.Error())
	}
}

// Merge adds every reason of other under prefix ("variants[1]." say).
func (f FieldErrors) Merge(prefix string, other FieldErrors) {
	for k, v := range other {
		f.Add(prefix+k, v)
	}
}

// Err returns nil when nothing was recorded, or an invalid_argument error.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: CodeInvalidArgument, Message: "validation failed", Fields: map[string]string(f)}
}
