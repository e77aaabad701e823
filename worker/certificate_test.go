package worker_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
)

// TestOCOPClaimFollowsTheCertificate: Phú Đô's certificate (certified 2025)
// expires on 01/01/2028. Published today, every shop's description says
// "Sản phẩm OCOP 4 sao". The clock moves to the expiry date: within one
// push cycle no shop says it. The co-op saves its renewed certificate:
// every shop says it again.
func TestOCOPClaimFollowsTheCertificate(t *testing.T) {
	h := startHub(t, "phu do")
	h.clock.Set(time.Date(2026, 12, 7, 12, 0, 0, 0, catalog.Vietnam)) // a day the certificate is in force
	require.Equal(t, catalog.NewDate(2028, 1, 1), h.product.Certificate.ExpiresOn)
	h.publish(t)
	sku := string(h.product.Variants[0].SKU)
	waitAll(t, h, sku, 50, "published")
	claim := fmt.Sprintf("Sản phẩm OCOP %d sao", h.product.Stars)
	descriptions := func(want bool) func() error {
		return func() error {
			for _, pl := range h.platforms {
				it, _, ok := channelItem(pl, sku)
				if !ok || strings.Contains(it.Description, claim) != want {
					return fmt.Errorf("%s's description is %q", pl.name, it.Description)
				}
			}
			return nil
		}
	}
	eventually(t, "every shop claims the OCOP rating", descriptions(true))

	// 00:00:30 on the expiry date in Hà Nội.
	h.clock.Set(time.Date(2028, 1, 1, 0, 0, 30, 0, catalog.Vietnam))
	eventually(t, "the claim withdrawn everywhere on the expiry date", descriptions(false))

	p, err := h.st.Product(h.ctx, h.product.ID)
	require.NoError(t, err)
	p.Certificate = catalog.Certificate{Number: "OCOP-HN-2028-031", CertifiedOn: catalog.NewDate(2028, 1, 1)}
	require.NoError(t, h.st.UpdateProduct(h.ctx, &p))
	h.w.Wake()
	eventually(t, "the claim back everywhere once renewed", descriptions(true))
	for _, pl := range h.platforms {
		it, _, _ := channelItem(pl, sku)
		require.Contains(t, it.Description, "Trà", "%s keeps the product's own description", pl.name)
	}
}
