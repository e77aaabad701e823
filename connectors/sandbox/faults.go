package sandbox

import (
	"context"
	"time"

	"golang.org/x/time/rate"
)

// Faults are a shop's injected misbehaviours, set at run time through the
// control API. The zero value is a healthy shop.
type Faults struct {
	// QPS limits calls per second for the shop (0: unlimited); Burst is the
	// bucket size (default 1).
	QPS   float64 `json:"qps"`
	Burst int     `json:"burst"`
	// LatencyMinMS..LatencyMaxMS is added to every call, uniformly.
	LatencyMinMS int `json:"latency_min_ms"`
	LatencyMaxMS int `json:"latency_max_ms"`
	// ErrorRate is the fraction of calls answered with the platform's 5xx.
	ErrorRate float64 `json:"error_rate"`
	// TimeoutRate is the fraction of calls that hang until the client
	// gives up (or TimeoutAfterMS, default 30 s, then 504).
	TimeoutRate    float64 `json:"timeout_rate"`
	TimeoutAfterMS int     `json:"timeout_after_ms"`
}

// Verdict is what Admit decided for one call.
type Verdict int

// The verdicts.
const (
	Pass Verdict = iota
	Throttled
	ServerError
	Timeout
)

// SetFaults replaces a shop's faults.
func (e *Engine) SetFaults(shopID int64, f Faults) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, err := e.shop(shopID)
	if err != nil {
		return err
	}
	if f.Burst <= 0 {
		f.Burst = 1
	}
	s.faults = f
	s.limiter = nil
	if f.QPS > 0 {
		s.limiter = rate.NewLimiter(rate.Limit(f.QPS), f.Burst)
	}
	return nil
}

// Admit applies the shop's faults to one call: it sleeps the added latency
// (or until ctx ends) and says whether the call may proceed. The rate limit
// uses the engine clock, so tests with a fake clock stay deterministic.
func (e *Engine) Admit(ctx context.Context, shopID int64) Verdict {
	e.mu.Lock()
	s, ok := e.shops[shopID]
	if !ok {
		e.mu.Unlock()
		return Pass
	}
	f := s.faults
	var delay time.Duration
	if f.LatencyMaxMS > 0 {
		span := max(f.LatencyMaxMS-f.LatencyMinMS, 0)
		delay = time.Duration(f.LatencyMinMS+e.rng.IntN(span+1)) * time.Millisecond
	}
	verdict := Pass
	switch roll := e.rng.Float64(); {
	case s.limiter != nil && !s.limiter.AllowN(e.now(), 1):
		verdict = Throttled
	case roll < f.ErrorRate:
		verdict = ServerError
	case roll < f.ErrorRate+f.TimeoutRate:
		verdict = Timeout
	}
	e.mu.Unlock()
	if delay > 0 && !sleep(ctx, delay) {
		return Timeout
	}
	if verdict == Timeout {
		after := time.Duration(f.TimeoutAfterMS) * time.Millisecond
		if after <= 0 {
			after = 30 * time.Second
		}
		sleep(ctx, after)
	}
	return verdict
}

// sleep waits d or until ctx ends; it reports whether d elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
