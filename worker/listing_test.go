package worker_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/connectors/sandbox"
	"ocophub/worker"
)

// TestPriceAndTitleFollowTheCatalog: the co-op changes a price and the
// product name in the hub; every shop shows the new price and title. Then
// the product is delisted from Zalo only.
func TestPriceAndTitleFollowTheCatalog(t *testing.T) {
	h := startHub(t, "phu do") // TRA-PHUDO-200G: 160,000 đ
	h.publish(t)
	sku := string(h.product.Variants[0].SKU)
	waitAll(t, h, sku, 50, "published")

	p, err := h.st.Product(h.ctx, h.product.ID)
	require.NoError(t, err)
	p.Variants[0].Price = 175000
	p.Name.VI = "Trà an toàn Phú Đô thượng hạng"
	require.NoError(t, h.st.UpdateProduct(h.ctx, &p))
	h.w.Wake()
	eventually(t, "new price and title everywhere", func() error {
		for _, pl := range h.platforms {
			it, k, ok := channelItem(pl, sku)
			if !ok || k.Price != 175000 || !containsFold(it.Name, "thượng hạng") {
				return fmt.Errorf("%s shows %q at %d", pl.name, it.Name, k.Price)
			}
		}
		return nil
	})

	_, err = h.w.Client().Enqueue(worker.DelistTask(h.shops[catalog.PlatformZalo].ID, h.product.ID))
	require.NoError(t, err)
	// The worker records the listing delisted after Zalo answered: wait
	// for both, not only for the channel.
	eventually(t, "delisted from Zalo, and so recorded", func() error {
		it, _, _ := channelItem(h.platform(catalog.PlatformZalo), sku)
		if it.Status != sandbox.ItemInactive {
			return fmt.Errorf("Zalo item is %s", it.Status)
		}
		ls, _, err := h.st.ListListings(h.ctx, h.shops[catalog.PlatformZalo].ID, catalog.ListQuery{})
		if err != nil {
			return err
		}
		for _, l := range ls {
			if l.Status != catalog.ListingDelisted {
				return fmt.Errorf("Zalo listing %d is %s", l.ID, l.Status)
			}
		}
		return nil
	})
	it, _, _ := channelItem(h.platform(catalog.PlatformShopee), sku)
	require.Equal(t, sandbox.ItemLive, it.Status, "the other shops keep selling")
}

func channelItem(p *platform, sku string) (sandbox.Item, sandbox.SKU, bool) {
	for _, s := range p.srv.Engine.State().Shops {
		for _, it := range s.Items {
			for _, k := range it.SKUs {
				if k.SellerSKU == sku && it.Status != sandbox.ItemDeleted {
					return it.Item, *k, true
				}
			}
		}
	}
	return sandbox.Item{}, sandbox.SKU{}, false
}

func containsFold(s, sub string) bool { return strings.Contains(catalog.Fold(s), catalog.Fold(sub)) }

// TestListingOverridesReachTheChannel: the co-op gives its Lazada listing
// its own title, price and an attribute; Lazada shows them, Shopee keeps
// the catalog's.
func TestListingOverridesReachTheChannel(t *testing.T) {
	h := startHub(t, "phu do") // TRA-PHUDO-200G: 160,000 đ
	h.publish(t)
	v := h.product.Variants[0]
	sku := string(v.SKU)
	waitAll(t, h, sku, 50, "published")
	lz := h.shops[catalog.PlatformLazada]
	ls, _, err := h.st.ListListings(h.ctx, lz.ID, catalog.ListQuery{})
	require.NoError(t, err)
	var l catalog.Listing
	for _, x := range ls {
		if x.VariantID == v.ID {
			l = x
		}
	}
	_, err = h.st.SetListingOverrides(h.ctx, l.ID, l.Version+1, catalog.ListingOverrides{Title: "x"})
	require.Equal(t, catalog.CodeConflict, catalog.ErrorCode(err), "a stale version changes nothing")
	_, err = h.st.SetListingOverrides(h.ctx, l.ID, l.Version, catalog.ListingOverrides{Price: -1})
	require.Equal(t, catalog.CodeInvalidArgument, catalog.ErrorCode(err))
	saved, err := h.st.SetListingOverrides(h.ctx, l.ID, l.Version, catalog.ListingOverrides{Title: "Trà Phú Đô hộp quà Lazada",
		Price: 168000, Attributes: map[string]string{"origin": "Thái Nguyên"}})
	require.NoError(t, err)
	require.Equal(t, "Thái Nguyên", saved.Attributes["origin"])
	_, err = h.w.Client().Enqueue(worker.UpdateTask(lz.ID, h.product.ID)) // what ops.SetListingOverrides queues
	require.NoError(t, err)
	eventually(t, "Lazada shows its own title, price and attribute", func() error {
		it, k, _ := channelItem(h.platform(catalog.PlatformLazada), sku)
		attrs, _ := it.Extra["attributes"].(map[string]any)
		if !containsFold(it.Name, "hộp quà Lazada") || k.Price != 168000 || attrs["origin"] != "Thái Nguyên" {
			return fmt.Errorf("Lazada shows %q at %d with %v", it.Name, k.Price, attrs)
		}
		return nil
	})
	it, k, _ := channelItem(h.platform(catalog.PlatformShopee), sku)
	require.NotContains(t, it.Name, "Lazada")
	require.Equal(t, int64(160000), k.Price, "Shopee keeps the catalog's price")
}

// TestArchivedProductIsDelistedEverywhere: archiving a product takes its
// item off sale on every shop and records its listings delisted; the
// product, its variants and stock stay; publishing it again is refused
// until it is restored.
func TestArchivedProductIsDelistedEverywhere(t *testing.T) {
	h := startHub(t, "phu do")
	h.publish(t)
	sku := string(h.product.Variants[0].SKU)
	waitAll(t, h, sku, 50, "published")

	p, err := h.st.Product(h.ctx, h.product.ID)
	require.NoError(t, err)
	_, err = h.st.ArchiveProduct(h.ctx, p.ID, p.Version, true)
	require.NoError(t, err)
	h.w.Wake()
	eventually(t, "delisted from every shop, and so recorded", func() error {
		for _, pl := range h.platforms {
			if it, _, _ := channelItem(pl, sku); it.Status != sandbox.ItemInactive {
				return fmt.Errorf("%s item is %s", pl.name, it.Status)
			}
			ls, _, err := h.st.ListListings(h.ctx, h.shops[pl.name].ID, catalog.ListQuery{})
			if err != nil {
				return err
			}
			for _, l := range ls {
				if l.Status != catalog.ListingDelisted {
					return fmt.Errorf("%s listing %d is %s", pl.name, l.ID, l.Status)
				}
			}
		}
		return nil
	})
	kept, err := h.st.Product(h.ctx, p.ID)
	require.NoError(t, err)
	require.True(t, kept.Archived())
	require.Len(t, kept.Variants, len(p.Variants), "kept whole")
	levels, err := h.st.StockLevels(h.ctx, kept.Variants[0].ID)
	require.NoError(t, err)
	require.NotEmpty(t, levels, "its stock stays")
	_, err = h.st.AddListing(h.ctx, h.shops[catalog.PlatformShopee].ID, kept.Variants[0].ID)
	require.Equal(t, catalog.CodeFailedPrecondition, catalog.ErrorCode(err), "not published while archived")
}
