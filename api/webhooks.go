package api

import (
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"ocophub/catalog"
	"ocophub/connectors/driver"
	"ocophub/worker"
	"ocophub/worker/ops"
)

// syncHandlers serve the channel routes.
type syncHandlers struct {
	SyncDeps
	metrics webhookMetrics
	cmds    *ops.Commands
	// auth says which proxies' forwarded headers are believed.
	auth *Auth
}

type webhookMetrics struct{ received *prometheus.CounterVec }

func newWebhookMetrics(reg *prometheus.Registry) webhookMetrics {
	m := webhookMetrics{received: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "ocophub_webhooks_total", Help: "Marketplace pushes received, by platform and result.",
	}, []string{"platform", "result"})}
	reg.MustRegister(m.received)
	return m
}

// receiveWebhook takes a marketplace push: verify the signature on the RAW
// body, store each event in the inbox (unique per event, so a push
// delivered twice is one event), enqueue its ingestion and answer 200 at
// once. A bad signature is 401 and nothing is stored; so is a push whose
// signed timestamp is outside the platform's window (a replay). A signed
// push without a readable timestamp is accepted (see stale). A signed
// body the driver cannot read is acknowledged and kept as a dead letter:
// refusing it would only make the platform send it again and again. An
// event for a shop not connected here is acknowledged and dropped with a
// metric: it cannot be attributed to any co-op.
func (h syncHandlers) receiveWebhook(c *gin.Context) {
	platform, err := catalog.ParsePlatform(c.Param("platform"))
	newDriver, ok := h.Drivers[platform]
	if err != nil || !ok {
		abortWithError(c, catalog.Errorf(catalog.CodeNotFound, "no webhook for platform %q", c.Param("platform")))
		return
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		abortWithError(c, tooBigOr(err, err))
		return
	}
	d := newDriver(catalog.Shop{})
	events, err := d.ParseWebhook(h.callbackURL(c), c.Request.Header, body)
	ctx := catalog.WithScope(c.Request.Context(), catalog.OperatorScope())
	switch driver.CodeOf(err) {
	case "":
	case driver.CodePermissionDenied:
		h.metrics.received.WithLabelValues(string(platform), "bad_signature").Inc()
		abortWithError(c, &catalog.Error{Code: catalog.CodeUnauthenticated, Message: "push signature does not match"})
		return
	default:
		if _, _, err := h.Store.InboxDeadLetter(ctx, platform, body, err.Error()); err != nil {
			abortWithError(c, err)
			return
		}
		h.metrics.received.WithLabelValues(string(platform), "dead_letter").Inc()
		slog.WarnContext(ctx, "signed push not understood; kept as a dead letter", "platform", platform, "err", err)
		c.Status(http.StatusOK)
		return
	}
	if stale(events, d.Capabilities().PushMaxAge, time.Now()) {
		h.metrics.received.WithLabelValues(string(platform), "replay").Inc()
		abortWithError(c, &catalog.Error{Code: catalog.CodeUnauthenticated, Message: "push is outside the platform's time window"})
		return
	}
	for _, ev := range events {
		if ev.Kind != driver.EventOrderStatus || ev.OrderID == "" {
			h.metrics.received.WithLabelValues(string(platform), "ignored").Inc()
			continue
		}
		shop, err := h.Store.ShopByExternalID(ctx, platform, ev.ShopID)
		if catalog.ErrorCode(err) == catalog.CodeNotFound {
			h.metrics.received.WithLabelValues(string(platform), "unknown_shop").Inc()
			slog.WarnContext(ctx, "push for a shop not connected here", "platform", platform, "shop", ev.ShopID)
			continue
		}
		if err != nil {
			abortWithError(c, err)
			return
		}
		inboxID, added, err := h.Store.InboxAdd(ctx, platform, ev.ID, ev.ShopID, ev.OrderID, body)
		if err != nil {
			abortWithError(c, err)
			return
		}
		result := "duplicate"
		if added {
			result = "accepted"
		}
		// Enqueued on every delivery: a push retried because the first
		// enqueue failed still gets its order in; ingesting twice is a no-op.
		if _, err := h.Tasks.EnqueueContext(ctx, worker.IngestTask(shop.ID, ev.OrderID, inboxID)); err != nil {
			abortWithError(c, &catalog.Error{Code: catalog.CodeUnavailable, Message: "cannot queue the order; retry", Err: err})
			return
		}
		h.metrics.received.WithLabelValues(string(platform), result).Inc()
	}
	c.Status(http.StatusOK)
}

// pushClockSkew is how far ahead of the hub's clock a platform's may run.
const pushClockSkew = 5 * time.Minute

// stale reports whether a push signed by a platform that signs its
// timestamp (maxAge > 0) was sent outside [now − maxAge, now + skew]. A
// signed push without a readable timestamp (Shopee's timestamp 0, Lazada's
// missing or not a number) is not stale: refusing it would refuse it on
// every retry, until the platform gives up on a genuine order. Accepting
// it costs little: its signature proves the platform sent the body, a
// replay of it is a duplicate in the inbox (same event id), and its order
// is fetched from the platform, never believed from the push.
func stale(events []driver.Event, maxAge time.Duration, now time.Time) bool {
	if maxAge <= 0 {
		return false
	}
	for _, ev := range events {
		if ev.SentAt.IsZero() {
			continue
		}
		if now.Sub(ev.SentAt) > maxAge || ev.SentAt.Sub(now) > pushClockSkew {
			return true
		}
	}
	return false
}

// callbackURL is the URL the platform posted to, as it signed it (Shopee
// signs the full callback URL).
func (h syncHandlers) callbackURL(c *gin.Context) string {
	return h.publicBase(c) + c.Request.URL.RequestURI()
}

// publicBase is the hub as the caller reached it (Auth.PublicBase, which
// the web UI uses too): behind a TLS proxy the platform signed the public
// https URL, not the proxy's hop to the hub.
func (h syncHandlers) publicBase(c *gin.Context) string {
	return h.auth.PublicBase(c.Request, h.PublicURL)
}
