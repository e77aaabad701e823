package catalog

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestChannelQuantity(t *testing.T) {
	tests := []struct {
		name             string
		rule             StockRule
		onHand, reserved int64
		want             int64
	}{
		{"everything available", StockRule{}, 100, 10, 90},
		{"buffer held back", StockRule{BufferUnits: 5}, 100, 10, 85},
		{"ratio of the rest", StockRule{BufferUnits: 10, RatioPercent: 50}, 100, 10, 40},
		{"cap", StockRule{MaxShown: 20}, 100, 0, 20},
		{"never negative", StockRule{BufferUnits: 50}, 40, 0, 0},
		{"reserved beyond on hand", StockRule{}, 3, 5, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.rule.ChannelQuantity(tc.onHand, tc.reserved))
		})
	}
}

// TestUnseenSales walks a burst on one shop: the hub pushed with base 45;
// the channel sold 12, of which the hub has ingested 3.
func TestUnseenSales(t *testing.T) {
	require.Equal(t, int64(9), UnseenSales(45, 33, 3))
	// The hub pushes with base 42. Later the 9 unseen and 4 new
	// sales are ingested (13) and the channel sold 4 more (29): nothing is
	// unseen any more, so nothing is taken off twice.
	require.Equal(t, int64(0), UnseenSales(42, 29, 13))
	// A cancellation on the channel raises current above base: clamped.
	require.Equal(t, int64(0), UnseenSales(10, 12, 0))
	require.Equal(t, int64(24), PushQuantity(StockRule{}.ChannelQuantity(45, 3), 9, SellingMargin(9, 3)), "unseen sales and a margin kept back")
	require.Equal(t, int64(42), PushQuantity(StockRule{}.ChannelQuantity(45, 3), 0, SellingMargin(0, 0)), "a quiet shop gets everything")
	require.Equal(t, int64(0), PushQuantity(StockRule{}.ChannelQuantity(5, 0), 9, 0))
	require.Equal(t, int64(7), SellingMargin(2, 7))
}

func TestStockPlan(t *testing.T) {
	tests := []struct {
		from   StockState
		status OrderStatus
		ops    []StockOp
		to     StockState
	}{
		{StockNone, OrderUnpaid, []StockOp{OpReserve}, StockReserved},
		{StockNone, OrderReadyToShip, []StockOp{OpReserve}, StockReserved},
		{StockReserved, OrderReadyToShip, nil, StockReserved},
		{StockReserved, OrderShipped, []StockOp{OpDeduct}, StockDeducted},
		{StockNone, OrderShipped, []StockOp{OpReserve, OpDeduct}, StockDeducted},
		{StockDeducted, OrderDelivered, nil, StockDeducted},
		{StockReserved, OrderCancelled, []StockOp{OpRelease}, StockReleased},
		{StockNone, OrderCancelled, nil, StockReleased},
		{StockDeducted, OrderCancelled, nil, StockDeducted},
		{StockReleased, OrderCancelled, nil, StockReleased},
	}
	for _, tc := range tests {
		t.Run(string(tc.from)+"→"+string(tc.status), func(t *testing.T) {
			ops, to := StockPlan(tc.from, tc.status)
			require.Equal(t, tc.ops, ops)
			require.Equal(t, tc.to, to)
		})
	}
}

func TestShareSplitsTheLastUnits(t *testing.T) {
	r := StockRule{SplitBelow: 10}
	require.Equal(t, int64(40), r.Share(40, 0, 3, 0), "plenty: every shop shows all")
	var sum int64
	for rank := 0; rank < 3; rank++ {
		sum += r.Share(10, 0, 3, rank)
	}
	require.Equal(t, int64(10), sum, "the shares add up to what exists")
	require.Equal(t, []int64{4, 3, 3}, []int64{r.Share(10, 0, 3, 0), r.Share(10, 0, 3, 1), r.Share(10, 0, 3, 2)})
	require.Equal(t, []int64{1, 1, 0}, []int64{r.Share(2, 0, 3, 0), r.Share(2, 0, 3, 1), r.Share(2, 0, 3, 2)})
	require.Equal(t, int64(7), r.Share(7, 0, 1, 0), "a shop alone keeps everything")
	require.Equal(t, int64(7), StockRule{}.Share(7, 0, 3, 2), "a quiet variant: no split unless the rule asks")
}

func TestBurstGuardSplitsWhatSellsFast(t *testing.T) {
	var r StockRule // the default rule: no SplitBelow
	require.Equal(t, int64(100), r.Share(100, 99, 3, 0), "more left than sold in the window: every shop shows all")
	var sum int64
	for rank := 0; rank < 3; rank++ {
		sum += r.Share(100, 100, 3, rank)
	}
	require.Equal(t, int64(100), sum, "selling as fast as what is left: the shares are disjoint")
	require.Equal(t, int64(34), r.Share(100, 250, 3, 0))
	require.Equal(t, int64(100), r.Share(100, 250, 1, 0), "a shop alone keeps everything")
	require.Equal(t, int64(10), StockRule{SplitBelow: 30}.Share(30, 5, 3, 1), "the rule's threshold still holds when it is larger")
}

// The mechanism of a livestream oversell: 45 units, 25 held by the live
// shop, Shopee and Zalo sharing 20 split 10 + 10. Both sold their 10; the
// hub has Shopee's 10 and 6 of Zalo's, so it believes 4 are left while
// none are. Zalo's 4 sales on their way are its claim, not Shopee's units.
func TestSharedAvailNeverHandsOutAnotherShopsSales(t *testing.T) {
	r := StockRule{SplitBelow: 30}
	zalo := Listing{PushedBase: 10, PushedQuantity: 0, SoldSincePush: 6} // read 0 after its 10 sales; 6 ingested since
	others := []Sharer{{Rank: 1, Claim: zalo.Claim(), Unseen: zalo.KnownUnseen()}}
	require.Equal(t, int64(4), zalo.Claim())
	avail, capped := r.SharedAvail(4, 16, 0, others)
	require.Equal(t, int64(0), avail, "a share of 2 would sell Zalo's units a second time")
	require.True(t, capped)

	// Zalo's last 4 come in: nothing is left and nobody claims anything.
	zalo.SoldSincePush = 10
	avail, capped = r.SharedAvail(0, 20, 0, []Sharer{{Rank: 1, Claim: zalo.Claim()}})
	require.Equal(t, int64(0), avail)
	require.False(t, capped)
}

func TestSharedAvailRaisesOnlyIntoRoomTheOthersLeft(t *testing.T) {
	r := StockRule{SplitBelow: 10}
	// 10 units, three shops; the others still show their old 10 each.
	avail, capped := r.SharedAvail(10, 0, 0, []Sharer{{Rank: 1, Claim: 10}, {Rank: 2, Claim: 10}})
	require.Equal(t, int64(0), avail, "raised only after the others have come down")
	require.True(t, capped)
	// They came down to their shares (3 + 3): the first shop gets its 4.
	avail, capped = r.SharedAvail(10, 0, 0, []Sharer{{Rank: 1, Claim: 3}, {Rank: 2, Claim: 3}})
	require.Equal(t, int64(4), avail)
	require.False(t, capped)
	// Two shops raised at the same moment from 0 still add up to q: each
	// counts the other at its share at least.
	a0, _ := r.SharedAvail(10, 0, 0, []Sharer{{Rank: 1, Claim: 0}, {Rank: 2, Claim: 3}})
	a1, _ := r.SharedAvail(10, 0, 1, []Sharer{{Rank: 0, Claim: 0}, {Rank: 2, Claim: 3}})
	require.LessOrEqual(t, a0+a1+3, int64(10))
}

func TestSharedAvailWithoutASplitLeavesOutOthersUnseenSales(t *testing.T) {
	var r StockRule // quiet variant, default rule: every shop shows all
	avail, capped := r.SharedAvail(40, 0, 0, []Sharer{{Rank: 1, Claim: 40, Unseen: 3}, {Rank: 2, Claim: 40}})
	require.Equal(t, int64(37), avail, "3 units another shop sold are gone already")
	require.False(t, capped)
	avail, _ = r.SharedAvail(2, 0, 0, []Sharer{{Rank: 1, Claim: 9, Unseen: 5}})
	require.Equal(t, int64(0), avail, "never below zero")
}

func TestListingClaim(t *testing.T) {
	// Pushed 8 with 2 sales unseen at the push; 3 ingested since (the 2
	// and one more): it may still sell 7 of the units, and at least 0
	// of its sales are known to be on their way.
	l := Listing{PushedBase: 10, PushedQuantity: 8, SoldSincePush: 3}
	require.Equal(t, int64(7), l.Claim())
	require.Equal(t, int64(0), l.KnownUnseen())
	l.SoldSincePush = 1
	require.Equal(t, int64(1), l.KnownUnseen())
}
