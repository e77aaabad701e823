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
	// demoShops are the demo shop's id on each server, in servers' order.
	demoShops []int64
	lines     []string
}

// The demo co-ops with a shop on each sandbox: Hảo Đạt's is the demo
// shop; `dev` connects it at start and adds one for Riti, so that its
// manager can try connecting a shop.
const haoDat, riti = "HTX chè Hảo Đạt", "HTX Riti"

// startSandboxes starts Shopee, Lazada and Zalo on the configured
// addresses, each with a shop for every owner (the first owner's is the
// demo shop), pushing webhooks to OCOPHUB_SANDBOX_PUSH_URL when set, and
// returns what to print.
func startSandboxes(cfg Config, owners ...string) (*sandboxes, error) {
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
		var shops strings.Builder
		for i, owner := range owners {
			shop := srv.Engine.CreateShop(owner+" ("+s.name+")", "VN")
			if i == 0 {
				sb.demoShops = append(sb.demoShops, shop.ID)
				fmt.Fprintf(&shops, "demo shop %d; ", shop.ID)
			} else {
				fmt.Fprintf(&shops, "%s's shop %d; ", owner, shop.ID)
			}
		}
		sb.lines = append(sb.lines, fmt.Sprintf("  %-7s sandbox %s   (%s %s / %s; %scontrol API %s/_sandbox/state)",
			s.name, srv.URL, s.hint, s.app.Key, s.app.Secret, shops.String(), srv.URL))
	}
	if cfg.SandboxPushURL != "" {
		sb.pushTo(cfg.SandboxPushURL)
	}
	return sb, nil
}

// pushTo sends every sandbox's pushes to the hub at base, on its
// /webhooks/<platform> receivers, as a platform's app settings do.
func (sb *sandboxes) pushTo(base string) {
	for _, s := range sb.servers {
		s.Engine.SetPushTarget(strings.TrimSuffix(base, "/")+"/webhooks/"+s.Engine.Platform(), true)
	}
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
	sb, err := startSandboxes(cfg, haoDat)
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
