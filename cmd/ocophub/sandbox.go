package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"ocophub/connectors/sandbox"
	"ocophub/connectors/sandbox/lazada"
	"ocophub/connectors/sandbox/shopee"
	"ocophub/connectors/sandbox/zalo"
)

// sandboxes are the marketplace sandboxes of one process.
type sandboxes struct {
	servers []*sandbox.Server
	lines   []string
}

// startSandboxes starts Shopee, Lazada and Zalo on the configured
// addresses, each with one demo shop, pushing webhooks to
// OCOPHUB_SANDBOX_PUSH_URL when set, and returns what to print.
func startSandboxes(cfg Config) (*sandboxes, error) {
	sb := &sandboxes{}
	starts := []struct {
		name, addr string
		start      func(addr string) (*sandbox.Server, error)
		app        sandbox.App
		hint       string
	}{
		{"Shopee", cfg.SandboxShopeeAddr, func(a string) (*sandbox.Server, error) { return shopee.Start(a, shopee.Options{}) },
			shopee.DefaultApp, "partner_id/partner_key"},
		{"Lazada", cfg.SandboxLazadaAddr, func(a string) (*sandbox.Server, error) { return lazada.Start(a, lazada.Options{}) },
			lazada.DefaultApp, "app_key/app_secret; API base <url>/rest"},
		{"Zalo", cfg.SandboxZaloAddr, func(a string) (*sandbox.Server, error) { return zalo.Start(a, zalo.Options{}) },
			zalo.DefaultApp, "OA Secret Key " + zalo.DefaultOASecretKey + "; app_id/secret"},
	}
	for _, s := range starts {
		srv, err := s.start(s.addr)
		if err != nil {
			sb.Close()
			return nil, fmt.Errorf("start %s sandbox on %s: %w", s.name, s.addr, err)
		}
		sb.servers = append(sb.servers, srv)
		if cfg.SandboxPushURL != "" {
			srv.Engine.SetPushTarget(strings.TrimSuffix(cfg.SandboxPushURL, "/")+"/webhooks/"+strings.ToLower(s.name), true)
		}
		shop := srv.Engine.CreateShop("HTX chè Hảo Đạt ("+s.name+")", "VN")
		sb.lines = append(sb.lines, fmt.Sprintf("  %-7s sandbox %s   (%s %s / %s; demo shop %d; control API %s/_sandbox/state)",
			s.name, srv.URL, s.hint, s.app.Key, s.app.Secret, shop.ID, srv.URL))
	}
	return sb, nil
}

// Close stops every sandbox.
func (sb *sandboxes) Close() {
	for _, s := range sb.servers {
		_ = s.Close()
	}
}

// runSandbox serves the three sandboxes until ctx ends: for demos, tests
// of other programs and load runs.
func runSandbox(ctx context.Context, cfg Config, _ []string, out io.Writer) error {
	slog.Info("starting ocophub sandbox", "config", cfg)
	sb, err := startSandboxes(cfg)
	if err != nil {
		return err
	}
	defer sb.Close()
	fmt.Fprintln(out, "Marketplace sandboxes are running. Ctrl-C stops them.")
	for _, l := range sb.lines {
		fmt.Fprintln(out, l)
	}
	<-ctx.Done()
	return nil
}
