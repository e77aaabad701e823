package catalog

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestStockCellChange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		cell  StockCell
		level StockLevel // the level now
		want  int64      // on hand after; -1: no change asked
		code  Code       // error of Apply, "" for none
	}{
		{name: "untouched cell, stock moved since", cell: StockCell{OnHand: 10, Exported: 10, Version: 3},
			level: StockLevel{OnHand: 7, Version: 5}, want: -1},
		{name: "edited cell, stock as exported", cell: StockCell{OnHand: 25, Exported: 10, Version: 3},
			level: StockLevel{OnHand: 10, Version: 3}, want: 25},
		{name: "edited down", cell: StockCell{OnHand: 4, Exported: 10, Version: 3},
			level: StockLevel{OnHand: 10, Version: 3}, want: 4},
		{name: "edited cell, stock moved since", cell: StockCell{OnHand: 25, Exported: 10, Version: 3},
			level: StockLevel{OnHand: 9, Reserved: 1, Version: 4}, code: CodeConflict},
		{name: "new warehouse cell, no level yet", cell: StockCell{OnHand: 6},
			level: StockLevel{}, want: 6},
		{name: "new warehouse cell, a level appeared", cell: StockCell{OnHand: 6},
			level: StockLevel{OnHand: 2, Version: 1}, code: CodeConflict},
		{name: "below what orders reserved", cell: StockCell{OnHand: 1, Exported: 10, Version: 3},
			level: StockLevel{OnHand: 10, Reserved: 4, Version: 3}, code: CodeInsufficientStock},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := tt.cell.Change(1, 2, "lan", "")
			if tt.want == -1 {
				require.Nil(t, c)
				return
			}
			require.NotNil(t, c)
			require.NoError(t, c.Validate())
			next, _, _, err := c.Apply(tt.level)
			if tt.code != "" {
				require.Equal(t, tt.code, ErrorCode(err), "%v", err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, next.OnHand)
			require.Equal(t, tt.level.Version+1, next.Version)
		})
	}
}

func TestSetOnHand(t *testing.T) {
	t.Parallel()
	require.Nil(t, SetOnHand(1, 2, 5, 3, 5, "lan"), "the same count changes nothing")
	c := SetOnHand(1, 2, 5, 3, 8, "lan")
	require.Equal(t, int64(3), c.Quantity)
	next, _, _, err := c.Apply(StockLevel{OnHand: 5, Version: 3})
	require.NoError(t, err)
	require.Equal(t, int64(8), next.OnHand)
	_, _, _, err = c.Apply(StockLevel{OnHand: 4, Version: 4})
	require.Equal(t, CodeConflict, ErrorCode(err))
}
