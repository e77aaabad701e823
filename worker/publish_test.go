package worker_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/connectors/driver"
	"ocophub/connectors/lazada"
	"ocophub/connectors/sandbox"
	lazadasb "ocophub/connectors/sandbox/lazada"
	"ocophub/worker"
)

// TestPublishWhoseCreateTimedOutAfterSucceeding: the channel creates the
// product but its answer never arrives (a proxy forwards the create and
// answers 504). The publish is retried; it finds the product by seller SKU
// and adopts it: exactly one item on the channel, listings live.
func TestPublishWhoseCreateTimedOutAfterSucceeding(t *testing.T) {
	h := startHub(t, "bk foods") // NGHE-BKFOODS: 2 variants
	lz := h.platform(catalog.PlatformLazada)
	target, _ := url.Parse(lz.srv.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	var swallowed atomic.Int32
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/product/create") && swallowed.Add(1) == 1 {
			rec := httptest.NewRecorder()
			proxy.ServeHTTP(rec, r) // the product is created…
			_, _ = io.Copy(io.Discard, rec.Result().Body)
			w.WriteHeader(http.StatusGatewayTimeout) // …and the answer is lost
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer front.Close()

	// The worker's Lazada driver goes through the lossy proxy.
	h.stop()
	lz.factory = func(s catalog.Shop, ts driver.TokenSource) driver.Driver {
		return lazada.New(lazada.Config{BaseURL: front.URL + "/rest", AuthURL: front.URL, AppKey: lazadasb.DefaultApp.Key,
			AppSecret: lazadasb.DefaultApp.Secret, ShopID: s.ExternalID}, ts)
	}
	h.startWorker(t)

	shop := h.shops[catalog.PlatformLazada]
	for _, v := range h.product.Variants {
		_, err := h.st.AddListing(h.ctx, shop.ID, v.ID)
		require.NoError(t, err)
	}
	_, err := h.w.Client().Enqueue(worker.PublishTask(shop.ID, h.product.ID))
	require.NoError(t, err)
	eventually(t, "published once", func() error {
		ls, _, err := h.st.ListListings(h.ctx, shop.ID, catalog.ListQuery{})
		if err != nil {
			return err
		}
		for _, l := range ls {
			if l.Status != catalog.ListingLive {
				return fmt.Errorf("listing %d is %s %s", l.ID, l.Status, l.Error)
			}
		}
		return nil
	})
	require.GreaterOrEqual(t, swallowed.Load(), int32(1), "the create's answer was lost")
	items := 0
	for _, s := range lz.srv.Engine.State().Shops {
		for _, it := range s.Items {
			if it.Status != sandbox.ItemDeleted {
				items++
			}
		}
	}
	require.Equal(t, 1, items, "exactly one item on Lazada")
}
