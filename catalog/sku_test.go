package catalog

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseSKU(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     string
		want   SKU
		errHas string // "" for a valid SKU
	}{
		{name: "demo", in: "CHE-HAODAT-100G", want: "CHE-HAODAT-100G"},
		{name: "trimmed and upper-cased", in: "  che-haodat-100g ", want: "CHE-HAODAT-100G"},
		{name: "dot and underscore", in: "tra_1.5kg", want: "TRA_1.5KG"},
		{name: "64 characters", in: strings.Repeat("A", 64), want: SKU(strings.Repeat("A", 64))},
		{name: "empty", in: " ", errHas: "required"},
		{name: "65 characters", in: strings.Repeat("A", 65), want: SKU(strings.Repeat("A", 65)), errHas: "longer than 64"},
		{name: "diacritics", in: "CHÈ-1", want: "CHÈ-1", errHas: "found 'È'"},
		{name: "inner space", in: "CHE 1", want: "CHE 1", errHas: "found ' '"},
		{name: "slash", in: "CHE/1", want: "CHE/1", errHas: "found '/'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseSKU(tt.in)
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
