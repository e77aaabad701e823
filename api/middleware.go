package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"ocophub/catalog"
)

// requestID gives every request an id (or keeps a sane one from the
// client) and returns it in X-Request-Id, so a user's report can be found in
// the logs.
func requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-Id")
		if id == "" || len(id) > 64 {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		c.Set("request_id", id)
		c.Header("X-Request-Id", id)
		c.Next()
	}
}

func recoverPanics(log *slog.Logger) gin.HandlerFunc {
	return gin.CustomRecoveryWithWriter(nil, func(c *gin.Context, v any) {
		log.ErrorContext(c, "panic in handler", "route", c.FullPath(), "panic", v, "request_id", c.GetString("request_id"))
		abortWithError(c, &catalog.Error{Code: catalog.CodeInternal, Message: "internal error"})
	})
}

// accessLog writes one structured line per request. The query string is
// left out: later features put tokens there.
func accessLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		level := slog.LevelInfo
		if c.Writer.Status() >= 500 {
			level = slog.LevelError
		}
		log.Log(c, level, "http", "method", c.Request.Method, "path", c.Request.URL.Path,
			"status", c.Writer.Status(), "duration_ms", time.Since(start).Milliseconds(),
			"request_id", c.GetString("request_id"), "client", c.ClientIP())
	}
}

// limitBody caps the request body; reading past it fails with a
// *http.MaxBytesError that becomes payload_too_large.
func limitBody(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.Body != nil {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		}
		c.Next()
	}
}

type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg *prometheus.Registry) httpMetrics {
	m := httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ocophub_http_requests_total", Help: "HTTP requests by route and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "ocophub_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

// middleware labels by route template, never by raw path, so ids in URLs
// cannot blow up the number of series.
func (m httpMetrics) middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(c.Request.Method, route, strconv.Itoa(c.Writer.Status())).Inc()
		m.duration.WithLabelValues(c.Request.Method, route).Observe(time.Since(start).Seconds())
	}
}

func metricsHandler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
}

// readiness answers 200 when every dependency answers within a second, 503
// with the failing ones otherwise.
func readiness(checks map[string]Pinger) gin.HandlerFunc {
	return func(c *gin.Context) {
		status := http.StatusOK
		result := gin.H{}
		for name, ping := range checks {
			ctx, cancel := contextWithTimeout(c, time.Second)
			err := ping(ctx)
			cancel()
			if err != nil {
				status = http.StatusServiceUnavailable
				result[name] = "unavailable"
				slog.WarnContext(c, "readiness check failed", "check", name, "err", err)
				continue
			}
			result[name] = "ok"
		}
		c.JSON(status, gin.H{"status": http.StatusText(status), "checks": result})
	}
}

func contextWithTimeout(c *gin.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.Request.Context(), d)
}
