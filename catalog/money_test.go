package catalog

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseVND(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		want   VND
		errHas string // "" for a valid amount
	}{
		{in: "95000", want: 95000},
		{in: "95.000", want: 95000},
		{in: "95,000", want: 95000},
		{in: "95.000 ₫", want: 95000},
		{in: "95000đ", want: 95000},
		{in: "95000 VND", want: 95000},
		{in: "95 000", want: 95000},
		{in: "95\u00a0000 ₫", want: 95000},
		{in: " 1.000.000 ", want: 1_000_000},
		{in: "0", want: 0},
		{in: "-95000", want: 0, errHas: "must not be negative"},
		{in: "-95.000 ₫", want: 0, errHas: "must not be negative"},
		{in: "garbage", errHas: `"garbage" is not a whole number of đồng`},
		{in: "", errHas: "not a whole number"},
		{in: "₫", errHas: "not a whole number"},
		{in: "95000,00", errHas: "not a whole number"}, // a decimal part, not 9.500.000
		{in: "95.000,5", errHas: "not a whole number"},
		{in: "95.5", errHas: "not a whole number"},
		{in: "1.2.3", errHas: "not a whole number"},
		{in: "1.000,000", errHas: "not a whole number"}, // mixed separators
		{in: "1000.000", errHas: "not a whole number"},
		{in: ".000", errHas: "not a whole number"},
		{in: "99999999999999999999", errHas: "not a whole number"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseVND(tt.in)
			if tt.errHas == "" {
				require.NoError(t, err)
				require.Equal(t, tt.want, got)
				return
			}
			require.ErrorContains(t, err, tt.errHas)
			require.Equal(t, CodeInvalidArgument, ErrorCode(err))
		})
	}
}

func TestVNDString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   VND
		want string
	}{
		{95000, "95.000 ₫"},
		{1_000_000, "1.000.000 ₫"},
		{0, "0 ₫"},
		{999, "999 ₫"},
		{1000, "1.000 ₫"},
		{-95000, "-95.000 ₫"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, tt.in.String())
			if tt.in >= 0 {
				back, err := ParseVND(tt.in.String())
				require.NoError(t, err)
				require.Equal(t, tt.in, back)
			}
		})
	}
}
