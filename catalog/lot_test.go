package catalog

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLotValidate(t *testing.T) {
	today := NewDate(2026, 12, 7)
	good := func() Lot {
		return Lot{VariantID: 1, WarehouseID: 2, Code: " 2612A ", ProducedOn: NewDate(2026, 12, 1),
			ExpiresOn: NewDate(2027, 12, 1), Quantity: 100, Notes: "Chè búp tươi từ đồi số 3, hái 30/11/2026"}
	}
	tests := []struct {
		name   string
		change func(*Lot)
		fields []string
	}{
		{"good", func(*Lot) {}, nil},
		{"shelf life instead of expiry", func(l *Lot) { l.ExpiresOn = Date{}; l.ShelfLifeDays = 365 }, nil},
		{"nothing", func(l *Lot) { *l = Lot{} }, []string{"variant_id", "warehouse_id", "code", "produced_on", "expires_on", "quantity"}},
		{"future production", func(l *Lot) { l.ProducedOn = today.AddDays(1) }, []string{"produced_on"}},
		{"expiry before production", func(l *Lot) { l.ExpiresOn = l.ProducedOn }, []string{"expires_on"}},
		{"negative shelf life", func(l *Lot) { l.ExpiresOn = Date{}; l.ShelfLifeDays = -1 }, []string{"shelf_life_days"}},
		{"zero quantity", func(l *Lot) { l.Quantity = 0 }, []string{"quantity"}},
		{"code with diacritics", func(l *Lot) { l.Code = "Lô1" }, []string{"code"}},
		{"code too long", func(l *Lot) { l.Code = strings.Repeat("A", 21) }, []string{"code"}},
		{"notes too long", func(l *Lot) { l.Notes = strings.Repeat("ư", MaxLotNotes+1) }, []string{"notes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := good()
			tt.change(&l)
			err := l.Validate(today)
			if tt.fields == nil {
				require.NoError(t, err)
				require.Equal(t, "2612A", l.Code)
				require.False(t, l.ExpiresOn.IsZero())
				return
			}
			var ce *Error
			require.ErrorAs(t, err, &ce)
			require.Equal(t, CodeInvalidArgument, ce.Code)
			got := []string{}
			for f := range ce.Fields {
				got = append(got, f)
			}
			require.ElementsMatch(t, tt.fields, got)
		})
	}
	l := good()
	l.ExpiresOn, l.ShelfLifeDays = Date{}, 180
	require.NoError(t, l.Validate(today))
	require.Equal(t, "2027-05-30", l.ExpiresOn.String())
}

func TestSuggestLotCode(t *testing.T) {
	d := NewDate(2026, 12, 7)
	many := []string{}
	for i := 0; i < 26; i++ {
		many = append(many, "2612"+string(rune('A'+i)))
	}
	tests := []struct {
		taken []string
		want  string
	}{
		{nil, "2612A"},
		{[]string{"2612A"}, "2612B"},
		{[]string{"2612a", "2612B", "2611C"}, "2612C"},
		{many, "2612AA"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, SuggestLotCode(d, tt.taken), "%v", tt.taken)
	}
	require.Equal(t, "2601A", SuggestLotCode(NewDate(2026, time.January, 31), nil))
}

func TestDigitalLink(t *testing.T) {
	exp := NewDate(2026, 12, 31)
	tests := []struct {
		base, gtin, lot string
		exp             Date
		want            string
	}{
		{"https://id.gs1.org", "9521234543213", "ABC123", exp, "https://id.gs1.org/01/09521234543213/10/ABC123?17=261231"},
		{"https://hub.example.vn/", "8934567890120", "", exp, "https://hub.example.vn/01/08934567890120"},
		{"http://127.0.0.1:8080", "8934567890120", "26/12-A?1", Date{}, "http://127.0.0.1:8080/01/08934567890120/10/26%2F12-A%3F1"},
		{"https://hub.example.vn", "8934567890120", "L%1", NewDate(2027, 1, 5), "https://hub.example.vn/01/08934567890120/10/L%251?17=270105"},
	}
	for _, tt := range tests {
		got := DigitalLink(tt.base, GTIN(tt.gtin), tt.lot, tt.exp)
		require.Equal(t, tt.want, got)
		u, err := url.Parse(got)
		require.NoError(t, err)
		k, err := ParseDigitalLink(u.EscapedPath(), u.Query())
		require.NoError(t, err, got)
		require.Equal(t, "0"+tt.gtin, k.GTIN14)
		require.Equal(t, tt.lot, k.Lot)
		g, ok := k.GTIN13()
		require.True(t, ok)
		require.Equal(t, GTIN(tt.gtin), g)
		if tt.lot != "" {
			require.Equal(t, tt.exp, k.Expires)
		}
	}
}

func TestParseDigitalLink(t *testing.T) {
	tests := []struct {
		path, query string
		ok          bool
		lot         string
	}{
		{"/01/09521234543213", "", true, ""},
		{"/01/09521234543213/", "", true, ""}, // trailing slash tolerated
		{"/01/09521234543213/10/ABC123", "17=261231", true, "ABC123"},
		{"/01/09521234543213/10/A%2FB", "", true, "A/B"},
		{"/01/09521234543214", "", false, ""},            // check digit
		{"/01/9521234543213", "", false, ""},             // 13 digits
		{"/01/0952123454321X", "", false, ""},            // not digits
		{"/01/09521234543213/21/123", "", false, ""},     // serial: not served
		{"/01/09521234543213/10/", "", false, ""},        // empty lot
		{"/01/09521234543213/10/L%C3%B4", "", false, ""}, // not set 82
		{"/01/09521234543213/10/" + strings.Repeat("A", 21), "", false, ""},
		{"/01/09521234543213/10/A%ZZ", "", false, ""},         // bad escape
		{"/01/09521234543213/10/ABC", "17=2612", false, ""},   // short expiry
		{"/01/09521234543213/10/ABC", "17=261341", false, ""}, // month 13
		{"/02/09521234543213", "", false, ""},
		{"/01", "", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path+"?"+tt.query, func(t *testing.T) {
			q, _ := url.ParseQuery(tt.query)
			k, err := ParseDigitalLink(tt.path, q)
			if !tt.ok {
				require.Equal(t, CodeInvalidArgument, ErrorCode(err))
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.lot, k.Lot)
		})
	}
	k, _ := ParseDigitalLink("/01/19521234543210", nil)
	_, ok := k.GTIN13()
	require.False(t, ok, "an indicator digit is a case, not a GTIN-13")
}
