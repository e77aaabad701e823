package catalog

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestErrorString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{"code only", &Error{Code: CodeNotFound}, "not_found"},
		{"message", &Error{Code: CodeConflict, Message: "stale version"}, "conflict: stale version"},
		{"fields sorted", &Error{Code: CodeInvalidArgument, Message: "validation failed",
			Fields: map[string]string{"sku": "SKU is required", "code": "code is required"}},
			"invalid_argument: validation failed; code: code is required; sku: SKU is required"},
		{"cause", &Error{Code: CodeInternal, Message: "save", Err: io.ErrUnexpectedEOF}, "internal: save: unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, tt.err.Error())
		})
	}
}

func TestErrorIs(t *testing.T) {
	t.Parallel()
	notFound := Errorf(CodeNotFound, "product %d not found", 7)
	tests := []struct {
		name   string
		err    error
		target error
		want   bool
	}{
		{"coded error is its sentinel", notFound, ErrNotFound, true},
		{"wrapped", fmt.Errorf("load product: %w", notFound), ErrNotFound, true},
		{"other code", notFound, ErrConflict, false},
		{"sentinel is itself", ErrInsufficientStock, ErrInsufficientStock, true},
		{"a detailed error is no target", ErrNotFound, notFound, false},
		{"field errors are invalid_argument", FieldErrors{"sku": "x"}.Err(), ErrInvalidArgument, true},
		{"plain error", errors.New("boom"), ErrNotFound, false},
		{"cause stays reachable", &Error{Code: CodeInternal, Err: io.EOF}, io.EOF, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, errors.Is(tt.err, tt.target))
		})
	}
}

func TestErrorCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want Code
	}{
		{"nil", nil, ""},
		{"coded", Errorf(CodePermissionDenied, "no"), CodePermissionDenied},
		{"wrapped", fmt.Errorf("op: %w", ErrConflict), CodeConflict},
		{"uncoded", errors.New("boom"), CodeInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, ErrorCode(tt.err))
		})
	}
}

func TestFieldErrors(t *testing.T) {
	t.Parallel()
	fe := FieldErrors{}
	require.NoError(t, fe.Err())

	fe.Add("sku", "SKU is required")
	fe.Add("sku", "second reason is dropped")
	fe.Check("price", nil)
	fe.Check("gtin13", Errorf(CodeInvalidArgument, "GTIN-13 must contain digits only"))
	fe.Check("note", errors.New("plain"))
	fe.Merge("variants[1].", FieldErrors{"sku": "SKU is required", "price": "price is required"})
	require.Equal(t, FieldErrors{
		"sku":               "SKU is required",
		"gtin13":            "GTIN-13 must contain digits only",
		"note":              "plain",
		"variants[1].sku":   "SKU is required",
		"variants[1].price": "price is required",
	}, fe)

	var e *Error
	require.ErrorAs(t, fe.Err(), &e)
	require.Equal(t, CodeInvalidArgument, e.Code)
	require.Equal(t, "validation failed", e.Message)
	require.Equal(t, map[string]string(fe), e.Fields)
}
