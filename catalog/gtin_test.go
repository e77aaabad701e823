package catalog

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseGTIN(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    GTIN
		errHas  string // "" for a valid GTIN
		errCode Code
	}{
		{name: "demo tea 100 g", in: "8936000001018", want: "8936000001018"},
		{name: "demo honey 1 l", in: "8936000001155", want: "8936000001155"},
		{name: "demo turmeric", in: "8936000001094", want: "8936000001094"},
		{name: "check digit 0", in: "8936000001100", want: "8936000001100"},
		{name: "surrounding space", in: " 8936000001124\t", want: "8936000001124"},
		{name: "wrong check digit", in: "8936000001019", want: "8936000001019", errHas: "check digit is wrong: expected 8, got 9"},
		{name: "12 digits", in: "893600000101", want: "893600000101", errHas: "13 digits, got 12"},
		{name: "14 digits", in: "89360000010180", want: "89360000010180", errHas: "13 digits, got 14"},
		{name: "empty", in: "", errHas: "13 digits, got 0"},
		{name: "letters", in: "893600000101A", want: "893600000101A", errHas: "digits only"},
		{name: "inner space", in: "893600 0001018", want: "893600 0001018", errHas: "13 digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseGTIN(tt.in)
			require.Equal(t, tt.want, got)
			if tt.errHas == "" {
				require.NoError(t, err)
				require.Equal(t, string(tt.want), got.String())
				return
			}
			require.ErrorContains(t, err, tt.errHas)
			require.ErrorIs(t, err, ErrInvalidArgument)
		})
	}
}

func TestGTINCheckDigit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		first12 string
		want    byte
	}{
		{"893600000101", '8'},
		{"893600000110", '0'},
		{"893600000115", '5'},
		{"400638133393", '1'}, // a GS1 example EAN-13
		{"978014300723", '4'}, // ISBN 978-0-14-300723-4
		{"000000000000", '0'},
		{"999999999999", '4'},
	}
	for _, tt := range tests {
		t.Run(tt.first12, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, string(tt.want), string(GTINCheckDigit(tt.first12)))
			require.NoError(t, GTIN(tt.first12+string(tt.want)).Validate())
		})
	}
}
