package worker

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hibiken/asynq"

	"ocophub/connectors/driver"
)

// handleTokenRefresh renews a shop's token ahead of expiry. A refresh the
// platform refuses (the seller revoked the app, the refresh token expired)
// marks the shop disconnected: pushes stop and the seller is asked to
// connect it again, rather than retrying forever.
func (w *Worker) handleTokenRefresh(ctx context.Context, t *asynq.Task) error {
	var p TokenRefresh
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	sctx := system(ctx)
	shop, err := w.cfg.Store.Shop(sctx, p.ShopID)
	if err != nil || !shop.Connected {
		return err
	}
	_, err = w.cfg.Channels.RefreshToken(ctx, shop)
	if driver.CodeOf(err) == driver.CodeUnauthenticated {
		w.cfg.Logger.Warn("shop authorization is gone; it must be connected again", "shop", shop.Key(), "err", err)
		if derr := w.cfg.Store.SetShopConnected(sctx, shop.ID, false); derr != nil {
			return derr
		}
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	return err
}
