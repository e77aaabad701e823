package catalog

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"
)

func TestParseGroup(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		want   Group
		errHas string // "" for a valid group
	}{
		{in: "Đồ uống", want: GroupBeverage},
		{in: "đồ uống", want: GroupBeverage},
		{in: "DO UONG", want: GroupBeverage},
		{in: "do uong", want: GroupBeverage},
		{in: " do   uong ", want: GroupBeverage},
		{in: norm.NFD.String("Thủ công mỹ nghệ"), want: GroupHandicraft},
		{in: "Thuc pham", want: GroupFood},
		{in: "Thảo dược", want: GroupHerbal},
		{in: "Sinh vật cảnh", want: GroupOrnamental},
		{in: "Du lịch cộng đồng và điểm du lịch", want: GroupTourism},
		{in: "beverage", want: GroupBeverage},
		{in: "Food", want: GroupFood},
		{in: "", errHas: `"" is not an OCOP group`},
		{in: "drinks", errHas: `"drinks" is not an OCOP group`},
		{in: "Đồ ăn", errHas: "not an OCOP group"},
		{in: "Du lịch", errHas: "not an OCOP group"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseGroup(tt.in)
			if tt.errHas == "" {
				require.NoError(t, err)
				require.Equal(t, tt.want, got)
				return
			}
			require.ErrorContains(t, err, tt.errHas)
			require.ErrorIs(t, err, ErrInvalidArgument)
		})
	}
}

func TestGroups(t *testing.T) {
	t.Parallel()
	require.Len(t, Groups, 6)
	for _, g := range Groups {
		t.Run(string(g), func(t *testing.T) {
			t.Parallel()
			require.NoError(t, g.Validate())
			require.NotEmpty(t, g.Vietnamese())
			require.Equal(t, string(g), g.String())
			back, err := ParseGroup(g.Vietnamese())
			require.NoError(t, err)
			require.Equal(t, g, back)
		})
	}
	require.Error(t, Group("Đồ uống").Validate(), "Validate takes codes only")
	require.Equal(t, "Đồ uống", GroupBeverage.Vietnamese())
}

func TestParseStars(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		want   Stars
		errHas string // "" for a valid rating
	}{
		{in: "3", want: 3},
		{in: "4", want: 4},
		{in: "5", want: 5},
		{in: " 4 ", want: 4},
		{in: "4 sao", want: 4},
		{in: "4 Sao", want: 4},
		{in: "5sao", want: 5},
		{in: "6", errHas: "must be 3, 4 or 5, got 6"},
		{in: "2", errHas: "got 2"},
		{in: "0", errHas: "got 0"},
		{in: "10", errHas: "got 10"},
		{in: "45", errHas: "got 45"}, // not 4
		{in: "34", errHas: "got 34"},
		{in: "4.5", errHas: "not a star rating"},
		{in: "", errHas: "not a star rating"},
		{in: "bốn", errHas: "not a star rating"},
		{in: "sao", errHas: "not a star rating"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseStars(tt.in)
			if tt.errHas == "" {
				require.NoError(t, err)
				require.Equal(t, tt.want, got)
				return
			}
			require.ErrorContains(t, err, tt.errHas)
			require.ErrorIs(t, err, ErrInvalidArgument)
		})
	}
}

func TestCertificateNormalize(t *testing.T) {
	t.Parallel()
	day := NewDate(2023, time.March, 15)
	tests := []struct {
		name string
		in   Certificate
		want Certificate
	}{
		{
			name: "expiry 36 months on",
			in:   Certificate{CertifiedOn: day},
			want: Certificate{CertifiedOn: day, ExpiresOn: NewDate(2026, time.March, 15)},
		},
		{
			name: "1 January",
			in:   Certificate{CertifiedOn: NewDate(2022, time.January, 1)},
			want: Certificate{CertifiedOn: NewDate(2022, time.January, 1), ExpiresOn: NewDate(2025, time.January, 1)},
		},
		{
			name: "given expiry kept",
			in:   Certificate{CertifiedOn: day, ExpiresOn: NewDate(2024, time.June, 1)},
			want: Certificate{CertifiedOn: day, ExpiresOn: NewDate(2024, time.June, 1)},
		},
		{name: "no certification date", in: Certificate{}, want: Certificate{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := tt.in
			c.Normalize()
			require.Equal(t, tt.want, c)
		})
	}
}

func TestCertificateValidate(t *testing.T) {
	t.Parallel()
	day := NewDate(2023, time.March, 15)
	tests := []struct {
		name string
		in   Certificate
		want FieldErrors
	}{
		{"valid", Certificate{CertifiedOn: day, ExpiresOn: day.AddMonths(36)}, FieldErrors{}},
		{"no expiry yet", Certificate{CertifiedOn: day}, FieldErrors{}},
		{"no certification date", Certificate{ExpiresOn: day}, FieldErrors{"certified_on": "certification date is required"}},
		{"expiry on the same day", Certificate{CertifiedOn: day, ExpiresOn: day}, FieldErrors{"expires_on": "expiry must be after the certification date"}},
		{"expiry before", Certificate{CertifiedOn: day, ExpiresOn: day.AddMonths(-1)}, FieldErrors{"expires_on": "expiry must be after the certification date"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, tt.in.Validate())
		})
	}
}

func TestCertificateValidOn(t *testing.T) {
	t.Parallel()
	c := Certificate{CertifiedOn: NewDate(2023, time.March, 15)}
	c.Normalize()
	tests := []struct {
		name string
		c    Certificate
		day  Date
		want bool
	}{
		{"the day before", c, NewDate(2023, time.March, 14), false},
		{"the certification day", c, NewDate(2023, time.March, 15), true},
		{"a year later", c, NewDate(2024, time.March, 15), true},
		{"the last day", c, NewDate(2026, time.March, 14), true},
		{"the expiry day", c, NewDate(2026, time.March, 15), false},
		{"uncertified", Certificate{}, NewDate(2024, time.January, 1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, tt.c.ValidOn(tt.day))
		})
	}
}

func TestCertificateLifecycle(t *testing.T) {
	c := Certificate{Number: "OCOP-TN-2023-01", CertifiedOn: NewDate(2023, 1, 1), ExpiresOn: NewDate(2026, 1, 1)}
	p := Product{Stars: 4, Certificate: c}
	for _, tc := range []struct {
		day     Date
		warning int
		expired bool
		claim   string
	}{
		{NewDate(2022, 12, 31), 0, false, ""}, // not yet in force
		{NewDate(2025, 10, 2), 0, false, "Sản phẩm OCOP 4 sao."},
		{NewDate(2025, 10, 3), 90, false, "Sản phẩm OCOP 4 sao."}, // 90 days left
		{NewDate(2025, 12, 2), 30, false, "Sản phẩm OCOP 4 sao."},
		{NewDate(2025, 12, 25), 7, false, "Sản phẩm OCOP 4 sao."},
		{NewDate(2025, 12, 31), 7, false, "Sản phẩm OCOP 4 sao."}, // the last day
		{NewDate(2026, 1, 1), 0, true, ""},                        // withdrawn on the expiry date
		{NewDate(2026, 12, 7), 0, true, ""},
	} {
		if got := c.Warning(tc.day); got != tc.warning {
			t.Errorf("%s: warning %d, want %d", tc.day, got, tc.warning)
		}
		if got := c.Expired(tc.day); got != tc.expired {
			t.Errorf("%s: expired %v, want %v", tc.day, got, tc.expired)
		}
		if got := p.OCOPClaim(tc.day); got != tc.claim {
			t.Errorf("%s: claim %q, want %q", tc.day, got, tc.claim)
		}
	}
	if got := Today(time.Date(2025, 12, 31, 17, 30, 0, 0, time.UTC)); got != NewDate(2026, 1, 1) {
		t.Errorf("Today at 00:30 in Hà Nội is %s", got)
	}
}
