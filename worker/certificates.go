package worker

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"

	"ocophub/catalog"
)

// certificateDayKey remembers the last day whose certificate changes were
// announced, so a worker that was down for days still announces them all.
const certificateDayKey = "ocophub:certificates:announced"

// certificateLookBack is how far back a worker with no record (a new or
// emptied Redis) announces: re-sending content is harmless, a missed
// withdrawal is not.
const certificateLookBack = 7

// certificateLoop announces, at start and every CertificateInterval, the
// products whose OCOP certificate came into force or expired since the
// last day announced: their content goes again to every shop, so a
// listing claims "Sản phẩm OCOP N sao" exactly while the certificate is
// in force (the claim is withdrawn on the expiry date, within one push
// cycle, and restored as soon as a renewed certificate is saved).
func (w *Worker) certificateLoop(ctx context.Context) {
	tick := time.NewTicker(w.cfg.CertificateInterval)
	defer tick.Stop()
	for {
		if err := w.announceCertificateDays(ctx); err != nil && ctx.Err() == nil {
			w.cfg.Logger.Warn("announce certificate days", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (w *Worker) announceCertificateDays(ctx context.Context) error {
	today := catalog.Today(w.cfg.Now())
	after := today.AddDays(-certificateLookBack)
	last, err := w.cfg.Redis.Get(ctx, certificateDayKey).Result()
	switch {
	case errors.Is(err, redis.Nil):
	case err != nil:
		return err
	default:
		d, err := catalog.ParseDate(last)
		switch {
		case err != nil || today.Before(d): // unreadable, or from a clock ahead of this one: look back
		case !d.Before(today):
			return nil // today already announced
		default:
			after = d
		}
	}
	n, err := w.cfg.Store.AnnounceCertificateDays(system(ctx), after, today)
	if err != nil {
		return err
	}
	if n > 0 {
		w.cfg.Logger.Info("certificates came into force or expired: content re-sent", "products", n, "day", today.String())
		w.Wake()
	}
	return w.cfg.Redis.Set(ctx, certificateDayKey, today.String(), 0).Err()
}
