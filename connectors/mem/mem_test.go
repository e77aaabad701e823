package mem_test

import (
	"testing"
	"time"

	"ocophub/connectors/driver"
	"ocophub/connectors/drivertest"
	"ocophub/connectors/mem"
	"ocophub/connectors/sandbox"
)

type harness struct {
	srv *sandbox.Server
}

func (h *harness) Sandbox() string { return h.srv.URL }
func (h *harness) Close()          { _ = h.srv.Close() }
func (h *harness) MakeDriver(shopID int64, ts driver.TokenSource, opt drivertest.DriverOptions) driver.Driver {
	return mem.New(mem.Config{Engine: h.srv.Engine, BaseURL: h.srv.URL, ShopID: shopID,
		PageSize: opt.PageSize, Timeout: opt.Timeout}, ts)
}

func TestConformance(t *testing.T) {
	drivertest.RunConformanceTests(t, func(t *testing.T) drivertest.Harness {
		e := mem.NewEngine(time.Now)
		srv, err := sandbox.Serve("127.0.0.1:0", e, mem.Front(e))
		if err != nil {
			t.Fatal(err)
		}
		return &harness{srv: srv}
	})
}
