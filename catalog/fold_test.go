package catalog

import (
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"
)

func TestFold(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"tone mark", "Trà", "tra"},
		{"several words", "Chè Tân Cương", "che tan cuong"},
		{"đ and Đ", "Đồ uống", "do uong"},
		{"NFD input", norm.NFD.String("Chè Tân Cương Hảo Đạt"), "che tan cuong hao dat"},
		{"spaces collapsed", "  HTX   Hảo\tĐạt \n", "htx hao dat"},
		{"already folded", "tra xanh", "tra xanh"},
		{"codes and digits", "CHE-HAODAT-100G", "che-haodat-100g"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, Fold(tt.in))
		})
	}
}

func TestNormalizeText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"NFD to NFC", norm.NFD.String("Mật ong rừng Cúc Phương"), "Mật ong rừng Cúc Phương"},
		{"trimmed", "  Hộp 100g \t", "Hộp 100g"},
		{"inner space kept", "Hộp  100g", "Hộp  100g"},
		{"empty", " ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := NormalizeText(tt.in)
			require.Equal(t, tt.want, got)
			require.True(t, norm.NFC.IsNormalString(got))
		})
	}
}
