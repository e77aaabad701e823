package catalog

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		want   Date
		errHas string // "" for a valid date
	}{
		{in: "2023-03-15", want: NewDate(2023, time.March, 15)},
		{in: "15/03/2023", want: NewDate(2023, time.March, 15)},
		{in: "5/3/2023", want: NewDate(2023, time.March, 5)},
		{in: " 01/01/2024 ", want: NewDate(2024, time.January, 1)},
		{in: "29/02/2024", want: NewDate(2024, time.February, 29)},
		{in: "29/02/2023", errHas: "is not a date"},
		{in: "2023/03/15", errHas: "is not a date"},
		{in: "15-03-2023", errHas: "is not a date"},
		{in: "03/15/2023", errHas: "is not a date"}, // month/day is not Vietnamese
		{in: "", errHas: `"" is not a date`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseDate(tt.in)
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

func TestDateFormats(t *testing.T) {
	t.Parallel()
	d := NewDate(2023, time.March, 5)
	require.Equal(t, "2023-03-05", d.String())
	require.Equal(t, "05/03/2023", d.Vietnamese())
	require.False(t, d.IsZero())

	var zero Date
	require.True(t, zero.IsZero())
	require.Empty(t, zero.String())
	require.Empty(t, zero.Vietnamese())

	ict := time.FixedZone("ICT", 7*3600)
	require.Equal(t, NewDate(2023, time.March, 6), DateOf(time.Date(2023, time.March, 6, 0, 30, 0, 0, ict)),
		"the day where the time was, not in UTC")
	require.Equal(t, NewDate(2024, time.January, 31), NewDate(2023, time.December, 31).AddMonths(1))
	require.True(t, d.Before(d.AddMonths(1)))
	require.False(t, d.Before(d))
}

func TestDateText(t *testing.T) {
	t.Parallel()
	type doc struct {
		On  Date `json:"on"`
		Off Date `json:"off"`
	}
	b, err := json.Marshal(doc{On: NewDate(2023, time.March, 5)})
	require.NoError(t, err)
	require.JSONEq(t, `{"on":"2023-03-05","off":""}`, string(b))

	var got doc
	require.NoError(t, json.Unmarshal([]byte(`{"on":"05/03/2023","off":""}`), &got))
	require.Equal(t, doc{On: NewDate(2023, time.March, 5)}, got)
	require.Error(t, json.Unmarshal([]byte(`{"on":"March 5"}`), &got))
}
