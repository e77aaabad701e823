package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"ocophub/catalog"
	"ocophub/worker/ops"
)

// demoCoop is the demo co-op `dev` connects at its first start; the others
// stay unconnected, for a new user to try connecting a shop.
const demoCoop = "HTX-HAODAT"

// connectDemoShops connects the demo co-op to its demo shop on each
// sandbox by the OAuth code exchange a seller's browser goes through,
// lists every product of the co-op in each shop (the worker publishes
// them, as after a manager's "list") and waits until they are live with
// their stock pushed, so the first sale finds stock. It returns the curl
// command of a buyer's order on the Lazada shop.
func connectDemoShops(ctx context.Context, st *stack, cmds *ops.Commands, sb *sandboxes, hub string) (string, error) {
	tenants, err := tenantIDs(catalog.WithScope(ctx, catalog.OperatorScope()), st)
	if err != nil {
		return "", err
	}
	coopID := tenants[demoCoop]
	if coopID == 0 {
		return "", errors.New("the demo catalog has no co-op " + demoCoop)
	}
	ctx = catalog.WithScope(ctx, catalog.CoopScope(coopID))
	products, _, err := st.store.ListProducts(ctx, catalog.ListQuery{CoopID: coopID, Limit: catalog.MaxLimit})
	if err != nil {
		return "", err
	}
	if len(products) == 0 || len(products[0].Variants) == 0 {
		return "", errors.New("the demo co-op has no product to list")
	}
	var shops []int64
	sale := ""
	for i, srv := range sb.servers {
		platform, external := srv.Engine.Platform(), strconv.FormatInt(sb.demoShops[i], 10)
		shop, err := approveDemoShop(ctx, cmds, platform, external, coopID, hub)
		if err != nil {
			return "", fmt.Errorf("connect the %s demo shop: %w", platform, err)
		}
		for _, p := range products {
			if _, err := cmds.AddListings(ctx, shop.ID, nil, p.ID); err != nil {
				return "", fmt.Errorf("list %s on %s: %w", p.Code, platform, err)
			}
		}
		shops = append(shops, shop.ID)
		if platform == "lazada" {
			sale = saleCommand(srv.URL, external, string(products[0].Variants[0].SKU))
		}
	}
	return sale, awaitLive(ctx, st, shops)
}

// approveDemoShop connects one sandbox shop as its seller does: the hub's
// authorization URL, the seller's approval on the sandbox's authorization
// page, and the sandbox's redirect to the hub's callback with a code, which
// the hub exchanges for the shop's tokens.
func approveDemoShop(ctx context.Context, cmds *ops.Commands, platform, shopID string, coopID int64, hub string) (catalog.Shop, error) {
	callback := strings.TrimSuffix(hub, "/") + "/api/v1/shops/callback/" + platform
	authorize, err := cmds.AuthorizeURL(ctx, platform, coopID, callback)
	if err != nil {
		return catalog.Shop{}, err
	}
	form := url.Values{"shop_id": {shopID}, "approve": {"1"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, authorize, strings.NewReader(form.Encode()))
	if err != nil {
		return catalog.Shop{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	browser := &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Do(req)
	if err != nil {
		return catalog.Shop{}, err
	}
	resp.Body.Close()
	back, err := resp.Location()
	if err != nil || !strings.HasPrefix(back.String(), callback+"?") {
		return catalog.Shop{}, fmt.Errorf("the authorization page answered %s, not a redirect to %s", resp.Status, callback)
	}
	return cmds.CompleteConnection(ctx, platform, back.Query())
}

// awaitLive waits until every listing of the shops is live with its stock
// pushed, for at most a minute.
func awaitLive(ctx context.Context, st *stack, shops []int64) error {
	deadline := time.Now().Add(time.Minute)
	for {
		pending := 0
		for _, shop := range shops {
			listings, _, err := st.store.ListListings(ctx, shop, catalog.ListQuery{Limit: catalog.MaxLimit})
			if err != nil {
				return err
			}
			for _, l := range listings {
				if l.Status == catalog.ListingError {
					return fmt.Errorf("listing %d could not be published: %s", l.ID, l.Error)
				}
				if l.Status != catalog.ListingLive || l.PushedAt == nil {
					pending++
				}
			}
		}
		if pending == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d listings still not live after a minute", pending)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// saleCommand is the curl a user pastes to play a buyer of one unit of sku
// on the sandbox shop: the sandbox's control API places the order as the
// marketplace's checkout does, and pushes it to the hub.
func saleCommand(sandboxURL, shopID, sku string) string {
	type line struct {
		SellerSKU string `json:"seller_sku"`
		Quantity  int    `json:"quantity"`
	}
	body, _ := json.Marshal(struct {
		Buyer string `json:"buyer"`
		Lines []line `json:"lines"`
	}{"khach.demo", []line{{sku, 1}}})
	return fmt.Sprintf("curl -H 'Content-Type: application/json' -d '%s' %s/_sandbox/shops/%s/orders", body, sandboxURL, shopID)
}
