package worker_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/connectors/driver"
	"ocophub/worker"
)

// TestTokenRefreshAheadAndRevocation: a refresh ahead of expiry rotates
// the stored pair; once the seller's grant is gone (here: the refresh token
// was spent elsewhere) the shop is marked disconnected instead of retrying.
func TestTokenRefreshAheadAndRevocation(t *testing.T) {
	h := startHub(t, "riti")
	shop := h.shops[catalog.PlatformLazada]
	before := storedToken(t, h, shop.ID)

	_, err := h.w.Client().Enqueue(worker.TokenRefreshTask(shop.ID))
	require.NoError(t, err)
	eventually(t, "the token was renewed", func() error {
		if now := storedToken(t, h, shop.ID); now.RefreshToken == before.RefreshToken {
			return fmt.Errorf("still the old pair")
		}
		return nil
	})
	renewed := storedToken(t, h, shop.ID)
	got, err := h.st.Shop(h.ctx, shop.ID)
	require.NoError(t, err)
	require.True(t, got.AccessExpiresAt.Equal(renewed.AccessExpiresAt.UTC()) || got.AccessExpiresAt.Sub(renewed.AccessExpiresAt).Abs() < 1e9)

	// Someone else spends the stored refresh token: the grant is gone.
	d := h.platform(catalog.PlatformLazada).factory(shop, nil)
	_, err = d.RefreshToken(h.ctx, renewed)
	require.NoError(t, err)
	_, err = h.w.Client().Enqueue(worker.TokenRefreshTask(shop.ID))
	require.NoError(t, err)
	eventually(t, "the shop is disconnected", func() error {
		s, err := h.st.Shop(h.ctx, shop.ID)
		if err != nil {
			return err
		}
		if s.Connected {
			return fmt.Errorf("still connected")
		}
		return nil
	})
}

func storedToken(t *testing.T, h *hub, shopID int64) driver.Token {
	t.Helper()
	raw, err := h.st.ShopToken(h.ctx, shopID)
	require.NoError(t, err)
	var tok driver.Token
	require.NoError(t, json.Unmarshal(raw, &tok))
	return tok
}
