package catalog

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestStockChangeValidate(t *testing.T) {
	t.Parallel()
	ok := func(op StockOp, qty int64, reason Reason) StockChange {
		return StockChange{Op: op, VariantID: 1, WarehouseID: 2, Quantity: qty, Reason: reason, Actor: "lan"}
	}
	tests := []struct {
		name       string
		change     StockChange
		fields     []string // nil for a valid change
		wantReason Reason
	}{
		{name: "adjust in", change: ok(OpAdjust, 5, ReasonReceived), wantReason: ReasonReceived},
		{name: "adjust out", change: ok(OpAdjust, -5, ReasonDamaged), wantReason: ReasonDamaged},
		{name: "reserve gets the order reason", change: ok(OpReserve, 1, ""), wantReason: ReasonOrder},
		{name: "release", change: ok(OpRelease, 1, ""), wantReason: ReasonOrder},
		{name: "deduct", change: ok(OpDeduct, 1, ""), wantReason: ReasonOrder},
		{name: "adjust by zero", change: ok(OpAdjust, 0, ReasonCount), fields: []string{"delta"}},
		{name: "adjust without reason", change: ok(OpAdjust, 1, ""), fields: []string{"reason"}},
		{name: "adjust for an order", change: ok(OpAdjust, 1, ReasonOrder), fields: []string{"reason"}},
		{name: "reserve nothing", change: ok(OpReserve, 0, ""), fields: []string{"quantity"}},
		{name: "negative deduct", change: ok(OpDeduct, -1, ""), fields: []string{"quantity"}},
		{name: "unknown op", change: ok("steal", 1, ""), fields: []string{"op"}},
		{name: "nothing set", change: StockChange{Op: OpReserve, Quantity: 1},
			fields: []string{"actor", "variant_id", "warehouse_id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := tt.change
			err := c.Validate()
			if tt.fields == nil {
				require.NoError(t, err)
				require.Equal(t, tt.wantReason, c.Reason)
				return
			}
			var e *Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, CodeInvalidArgument, e.Code)
			var got []string
			for f := range e.Fields {
				got = append(got, f)
			}
			require.ElementsMatch(t, tt.fields, got)
		})
	}
}

func TestStockChangeApply(t *testing.T) {
	t.Parallel()
	start := StockLevel{VariantID: 1, WarehouseID: 2, OnHand: 10, Reserved: 3, Version: 7}
	tests := []struct {
		name                  string
		op                    StockOp
		qty                   int64
		onHand, reserved      int64 // after
		onHandDelta, resDelta int64
		errHas                string // "" when the change applies
	}{
		{name: "adjust in", op: OpAdjust, qty: 5, onHand: 15, reserved: 3, onHandDelta: 5},
		{name: "adjust down to reserved", op: OpAdjust, qty: -7, onHand: 3, reserved: 3, onHandDelta: -7},
		{name: "adjust below reserved", op: OpAdjust, qty: -8, errHas: "cannot adjust 8: only 7 available (on hand 10, reserved 3)"},
		{name: "adjust below zero", op: OpAdjust, qty: -11, errHas: "only 7 available"},
		{name: "reserve all available", op: OpReserve, qty: 7, onHand: 10, reserved: 10, resDelta: 7},
		{name: "reserve beyond available", op: OpReserve, qty: 8, errHas: "cannot reserve 8: only 7 available"},
		{name: "release", op: OpRelease, qty: 3, onHand: 10, reserved: 0, resDelta: -3},
		{name: "release beyond reserved", op: OpRelease, qty: 4, errHas: "cannot release 4: only 3 reserved"},
		{name: "deduct", op: OpDeduct, qty: 3, onHand: 7, reserved: 0, onHandDelta: -3, resDelta: -3},
		{name: "deduct beyond reserved", op: OpDeduct, qty: 4, errHas: "cannot deduct 4: only 3 reserved"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := StockChange{Op: tt.op, VariantID: 1, WarehouseID: 2, Quantity: tt.qty}
			next, onHandDelta, resDelta, err := c.Apply(start)
			if tt.errHas != "" {
				require.ErrorIs(t, err, ErrInsufficientStock)
				require.Equal(t, CodeInsufficientStock, ErrorCode(err))
				require.ErrorContains(t, err, tt.errHas)
				require.Equal(t, start, next, "a refused change leaves the level as it was")
				require.Zero(t, onHandDelta)
				require.Zero(t, resDelta)
				return
			}
			require.NoError(t, err)
			want := start
			want.OnHand, want.Reserved, want.Version = tt.onHand, tt.reserved, start.Version+1
			require.Equal(t, want, next)
			require.Equal(t, tt.onHandDelta, onHandDelta)
			require.Equal(t, tt.resDelta, resDelta)
			require.Equal(t, start.OnHand+onHandDelta, next.OnHand, "deltas sum to the level, as the ledger does")
			require.Equal(t, start.Reserved+resDelta, next.Reserved)
		})
	}
}

func TestStockLevelAvailable(t *testing.T) {
	t.Parallel()
	require.Equal(t, int64(7), StockLevel{OnHand: 10, Reserved: 3}.Available())
	require.Equal(t, int64(0), StockLevel{}.Available())
}

// TestStockChangeSequence: an order's life, one version per change.
func TestStockChangeSequence(t *testing.T) {
	t.Parallel()
	l := StockLevel{VariantID: 1, WarehouseID: 1}
	steps := []StockChange{
		{Op: OpAdjust, Quantity: 20, Reason: ReasonImport},
		{Op: OpReserve, Quantity: 5},
		{Op: OpReserve, Quantity: 4},
		{Op: OpRelease, Quantity: 4},
		{Op: OpDeduct, Quantity: 5},
	}
	for _, c := range steps {
		var err error
		l, _, _, err = c.Apply(l)
		require.NoError(t, err, "%s %d", c.Op, c.Quantity)
	}
	require.Equal(t, StockLevel{VariantID: 1, WarehouseID: 1, OnHand: 15, Reserved: 0, Version: 5}, l)
}
