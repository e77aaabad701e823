package shopee_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/connectors/driver"
	"ocophub/connectors/drivertest"
	"ocophub/connectors/sandbox"
	shopeesb "ocophub/connectors/sandbox/shopee"
	"ocophub/connectors/shopee"
)

// harness runs the Shopee sandbox in-process for the conformance suite.
type harness struct {
	srv *sandbox.Server
}

func (h *harness) Sandbox() string { return h.srv.URL }
func (h *harness) Close()          { _ = h.srv.Close() }

func (h *harness) MakeDriver(shopID int64, ts driver.TokenSource, opt drivertest.DriverOptions) driver.Driver {
	return shopee.New(shopee.Config{BaseURL: h.srv.URL, PartnerID: defaultPartnerID(), PartnerKey: shopeesb.DefaultApp.Secret,
		ShopID: shopID, PageSize: opt.PageSize, Timeout: opt.Timeout}, ts)
}

func defaultPartnerID() int64 {
	id, err := strconv.ParseInt(shopeesb.DefaultApp.Key, 10, 64)
	if err != nil {
		panic("the sandbox's default partner_id is not a number: " + shopeesb.DefaultApp.Key)
	}
	return id
}

func TestConformance(t *testing.T) {
	drivertest.RunConformanceTests(t, func(t *testing.T) drivertest.Harness {
		srv, err := shopeesb.Start("127.0.0.1:0", shopeesb.Options{})
		require.NoError(t, err)
		return &harness{srv: srv}
	})
}
