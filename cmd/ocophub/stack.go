package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"

	"ocophub/catalog/photo"
	"ocophub/catalog/store"
)

// stack is the set of connections every long-running command needs.
type stack struct {
	store    *store.Store
	redis    *redis.Client
	closers  []func() error
	redisURL string
	// photos holds the product photos' files (OCOPHUB_BLOB_URL).
	photos *photo.Library
	// metrics is the process's one Prometheus registry: the API's HTTP
	// metrics, the worker's, the channel calls', Go's and the process's.
	metrics *prometheus.Registry
}

// openStack opens and migrates the database and connects to Redis,
// starting an in-process Redis when no URL is configured.
func openStack(ctx context.Context, cfg Config) (*stack, error) {
	st := &stack{metrics: prometheus.NewRegistry()}
	st.metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	opts := store.Options{Logger: slog.Default()}
	if cfg.SecretKeys != "" {
		keys, err := store.ParseKeys(cfg.SecretKeys)
		if err != nil {
			return nil, fmt.Errorf("OCOPHUB_SECRET_KEYS: %w", err)
		}
		opts.Keys = keys
	}
	s, err := store.Open(ctx, cfg.DatabaseURL, opts)
	if err != nil {
		return nil, err
	}
	st.store = s
	st.closers = append(st.closers, s.Close)
	if st.photos, err = photo.Open(ctx, cfg.BlobURL); err != nil {
		st.Close()
		return nil, fmt.Errorf("OCOPHUB_BLOB_URL: %w", err)
	}
	st.closers = append(st.closers, st.photos.Close)
	applied, err := s.Migrate(ctx)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	slog.Info("database ready", "dialect", s.Dialect(), "migrations_applied", applied)

	redisURL := cfg.RedisURL
	if redisURL == "" {
		addr, stop, err := startEmbeddedRedis()
		if err != nil {
			st.Close()
			return nil, err
		}
		st.closers = append(st.closers, stop)
		redisURL = "redis://" + addr + "/0"
		slog.Info("in-process Redis started", "addr", addr)
	}
	opt, err := redis.ParseURL(redisURL)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("OCOPHUB_REDIS_URL: %w", err)
	}
	st.redis = redis.NewClient(opt)
	st.redisURL = redisURL
	st.closers = append(st.closers, st.redis.Close)
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := st.redis.Ping(pingCtx).Err(); err != nil {
		st.Close()
		return nil, fmt.Errorf("connect to Redis at %s: %w", store.RedactURL(redisURL), err)
	}
	return st, nil
}

// startEmbeddedRedis runs miniredis on a free loopback port. miniredis
// only expires keys when its clock is moved, so a ticker moves it with the
// wall clock every 250 ms; without it locks and rate-limit windows would
// never end.
func startEmbeddedRedis() (addr string, stop func() error, err error) {
	m := miniredis.NewMiniRedis()
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		return "", nil, fmt.Errorf("start in-process Redis: %w", err)
	}
	done := make(chan struct{})
	go func() {
		const step = 250 * time.Millisecond
		t := time.NewTicker(step)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				m.FastForward(step)
			case <-done:
				return
			}
		}
	}()
	return m.Addr(), func() error { close(done); m.Close(); return nil }, nil
}

// Close closes everything in reverse order of opening.
func (st *stack) Close() error {
	var errs []error
	for i := len(st.closers) - 1; i >= 0; i-- {
		errs = append(errs, st.closers[i]())
	}
	return errors.Join(errs...)
}
