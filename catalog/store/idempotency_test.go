package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
)

// TestSlowFirstTryKeepsItsKey: a key stays claimed for as long as an
// import may run, and a first try that outlived its claim neither
// overwrites nor frees the claim of the retry that followed it.
func TestSlowFirstTryKeepsItsKey(t *testing.T) {
	eachClocked(t, func(t *testing.T, s *store.Store, clk *clock) {
		ctx := context.Background()
		claim := func() (int64, *catalog.Replay, error) { return s.ClaimKey(ctx, "user:1", "import-1", "fp") }

		first, replay, err := claim()
		require.NoError(t, err)
		require.Nil(t, replay)
		require.NotZero(t, first)

		clk.Advance(5*time.Minute + 30*time.Second) // an import at its deadline
		_, _, err = claim()
		requireCode(t, catalog.CodeConflict, err, "the first try may still be running")

		clk.Advance(catalog.IdempotencyPending) // the first try died, or is very late
		retry, replay, err := claim()
		require.NoError(t, err)
		require.Nil(t, replay, "the retry runs")
		require.NotEqual(t, first, retry)

		require.NoError(t, s.FinishKey(ctx, first, catalog.Replay{Status: 200, Body: []byte("first")}))
		require.NoError(t, s.ReleaseKey(ctx, first))
		_, _, err = claim()
		requireCode(t, catalog.CodeConflict, err, "the late first try left the retry's claim alone")

		require.NoError(t, s.FinishKey(ctx, retry, catalog.Replay{Status: 200, Body: []byte("retry")}))
		_, replay, err = claim()
		require.NoError(t, err)
		require.Equal(t, "retry", string(replay.Body))
	})
}
