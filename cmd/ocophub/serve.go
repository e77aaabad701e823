package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/bsm/redislock"
	"github.com/gin-gonic/gin"
	"github.com/hibiken/asynq"

	"ocophub/api"
	"ocophub/catalog"
	"ocophub/connectors"
	"ocophub/webui"
	"ocophub/worker"
)

func runServe(ctx context.Context, cfg Config, _ []string, out io.Writer) error {
	slog.Info("starting ocophub serve", "config", cfg)
	st, err := openStack(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	// The worker runs elsewhere (`ocophub worker`): wake it through Redis.
	return serveHTTP(ctx, cfg, st, worker.Signal(st.redis), func(addr string) {
		fmt.Fprintf(out, "OCOP Hub API listening on http://%s/api/v1\n", addr)
	})
}

// serveHTTP serves the API until ctx ends, then drains requests for up to
// 10 s. wake tells the worker the outbox has news (its Wake in-process, a
// Redis signal otherwise); ready is called with the bound address once it accepts
// connections.
func serveHTTP(ctx context.Context, cfg Config, st *stack, wake func(), ready func(addr string)) error {
	reg := st.metrics
	sync := syncDeps(cfg, st, wake)
	auth, err := api.NewAuth(api.AuthConfig{Accounts: st.store, Limiter: api.NewLoginLimiter(st.redis, api.LoginLimits{}),
		TrustedProxies: splitList(cfg.TrustedProxies), Logger: slog.Default()})
	if err != nil {
		return err
	}
	warnIfNoUsers(ctx, st)
	router, err := api.New(api.Deps{
		Auth:  auth,
		Store: st.store,
		Ready: map[string]api.Pinger{
			"database": st.store.Ping,
			"redis":    func(ctx context.Context) error { return st.redis.Ping(ctx).Err() },
		},
		Registry:       reg,
		Logger:         slog.Default(),
		TrustedProxies: splitList(cfg.TrustedProxies),
		Sync:           sync,
		Photos:         &api.PhotoDeps{Store: st.store, Library: st.photos},
		PublicURL:      cfg.PublicURL, // the base of the lots' Digital Links
	})
	if err != nil {
		return err
	}
	if err := mountWebUI(router, st, sync, auth); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.HTTPAddr, err)
	}
	srv := &http.Server{
		Handler:           router,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		// Requests outlive the signal: Shutdown drains them.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	ready(ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	slog.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// warnIfNoUsers says how to get in when nobody can: a fresh deployment
// has no users, and the API lets no one in without one.
func warnIfNoUsers(ctx context.Context, st *stack) {
	users, _, err := st.store.ListUsers(catalog.WithScope(ctx, catalog.OperatorScope()), catalog.ListQuery{Limit: 1})
	if err == nil && len(users) == 0 {
		slog.Warn("no users yet, so nobody can sign in: add the operator with `ocophub create-user -username admin -role operator`")
	}
}

// syncDeps are the shop, listing, order and webhook routes' dependencies.
// Tasks go to the stack's Redis through an asynq client sharing its
// connection (st.Close closes it; asynq refuses to close a shared one).
// OAuth redirects and webhook signatures use OCOPHUB_PUBLIC_URL, or each
// request's own (forwarded) scheme and host when it is empty.
func syncDeps(cfg Config, st *stack, wake func()) *api.SyncDeps {
	return &api.SyncDeps{Store: st.store, Tasks: asynq.NewClientFromRedisClient(st.redis), Drivers: appDrivers(cfg),
		PublicURL: cfg.PublicURL, Wake: wake, StateKey: stateKey(cfg.SecretKeys),
		// Category trees and attributes are read by the web UI and the API
		// through shop channels of their own, cached per platform.
		Channels: &worker.Channels{Store: st.store, Locker: redislock.New(st.redis), Factories: driverFactories(cfg),
			Limiter: worker.NewRateLimiter(st.redis),
			Options: connectors.Options{Logger: slog.Default(), Categories: &connectors.CategoryCache{}}}}
}

// mountWebUI adds the web UI's pages to the API's router, signed in with
// the API's sessions. Its sync operations are the API's, plus the queue
// inspector (the job monitor, and "push again" running a push that waits
// for its retry).
func mountWebUI(router *gin.Engine, st *stack, sync *api.SyncDeps, auth *api.Auth) error {
	jobs := asynq.NewInspectorFromRedisClient(st.redis)
	cmds := sync.Commands()
	cmds.Runner = jobs
	mount, err := webui.New(webui.Deps{Store: st.store, Commands: cmds, Jobs: jobs, Wake: sync.Wake, Photos: st.photos,
		PublicBase: func(r *http.Request) string { return auth.PublicBase(r, sync.PublicURL) }, Authenticate: auth.Authenticate, Login: auth.LoginForm(), CSRFToken: auth.CSRFToken,
		Logger: slog.Default()})
	if err != nil {
		return err
	}
	mount(router)
	return nil
}

// stateKey signs OAuth states. It is derived from OCOPHUB_SECRET_KEYS so
// every replica holds the same one; the label keeps it apart from any other
// use of those keys. Without secret keys there is none and connecting a
// shop is refused (its token could not be sealed anyway).
func stateKey(secretKeys string) []byte {
	if secretKeys == "" {
		return nil
	}
	k := sha256.Sum256([]byte("ocophub oauth state key\x00" + secretKeys))
	return k[:]
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
