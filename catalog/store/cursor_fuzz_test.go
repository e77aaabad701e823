package store

import (
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
)

// FuzzCursor fuzzes the opaque list cursor a client sends back: anything
// not made by encodeCursor is an invalid_argument on "cursor", never a
// panic or a negative id; every id a page can end on survives the round
// trip. Seeds in testdata/fuzz.
func FuzzCursor(f *testing.F) {
	for _, s := range []string{"", "MTIz", encodeCursor(0), encodeCursor(1 << 62), "LTE", "MTIz=", "!!!", "OTIyMzM3MjAzNjg1NDc3NTgwOA"} {
		f.Add(s, int64(42))
	}
	f.Fuzz(func(t *testing.T, cursor string, id int64) {
		after, err := decodeCursor(cursor)
		if err != nil {
			require.Equal(t, catalog.CodeInvalidArgument, catalog.ErrorCode(err))
			require.Contains(t, err.(*catalog.Error).Fields, "cursor")
		} else {
			require.GreaterOrEqual(t, after, int64(0))
		}
		if id >= 0 {
			got, err := decodeCursor(encodeCursor(id))
			require.NoError(t, err)
			require.Equal(t, id, got)
		}
	})
}
