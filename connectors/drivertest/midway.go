package drivertest

import (
	"context"
	"sync/atomic"

	"ocophub/connectors"
	"ocophub/connectors/driver"
)

// expireMidway is the shop's Tokens that, on the after-th token read,
// first makes the sandbox expire the token: the next platform call then
// fails Unauthenticated in the middle of a batch.
type expireMidway struct {
	*Shop
	after   int32
	reads   atomic.Int32
	expired atomic.Bool
}

func (m *expireMidway) Token(ctx context.Context) (driver.Token, error) {
	if m.reads.Add(1) == m.after && m.expired.CompareAndSwap(false, true) {
		m.Control.ExpireTokens()
	}
	return m.Tokens.Token(ctx)
}

func (m *expireMidway) Refresh(ctx context.Context, stale driver.Token) (driver.Token, error) {
	return m.Tokens.Refresh(ctx, stale)
}

// withTokens is the shop's Channel over a driver that reads tokens from ts.
func (s *Shop) withTokens(ts connectors.Tokens) *connectors.Channel {
	return connectors.New(s.rebuild(ts), ts, connectors.Options{})
}

// callsFor is the token read halfway through a stock update of n SKUs
// (one read per platform call).
func callsFor(c driver.Capabilities, n int) int32 {
	per := max(c.StockBatch, 1)
	if c.StockBatchPerItem {
		per = min(per, 50)
	}
	return int32((n+per-1)/per)/2 + 1
}
