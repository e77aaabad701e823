package worker_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/photo/phototest"
	"ocophub/connectors/sandbox"
	"ocophub/worker"
)

// listingStates are a product's listings in a shop: status and error.
func listingStates(h *hub, shopID int64, p catalog.Product) (map[catalog.ListingStatus]int, []string, error) {
	states, msgs := map[catalog.ListingStatus]int{}, []string{}
	for _, v := range p.Variants {
		ls, err := h.st.ListingsOfVariant(h.ctx, v.ID)
		if err != nil {
			return nil, nil, err
		}
		for _, l := range ls {
			if l.ShopID == shopID {
				states[l.Status]++
				msgs = append(msgs, l.Error)
			}
		}
	}
	return states, msgs, nil
}

// itemsOf are the sandbox items holding one of the product's SKUs.
func itemsOf(p *platform, product catalog.Product) []sandbox.Item {
	var out []sandbox.Item
	for _, s := range p.srv.Engine.State().Shops {
		for _, it := range s.Items {
			for _, k := range it.SKUs {
				if k.SellerSKU == string(product.Variants[0].SKU) && it.Status != sandbox.ItemDeleted {
					out = append(out, it.Item)
				}
			}
		}
	}
	return out
}

// TestPublishRefusedUntilMandatoryAttributesAreFilled: a rattan basket's
// suggested category (handicrafts) needs its material, which the hub
// cannot know. Publishing to Shopee and Lazada is refused before any
// platform call, with a Vietnamese message naming the attribute; Zalo,
// whose store categories ask for nothing, publishes. Once the manager
// confirms Shopee's category with the material, the item reaches Shopee
// in that category with the attribute and the brand the hub filled.
func TestPublishRefusedUntilMandatoryAttributesAreFilled(t *testing.T) {
	h := startHub(t, "riti")
	basket := catalog.Product{CoopID: h.product.CoopID, Code: "GIO-MAY", Name: catalog.Text{VI: "Giỏ mây tre đan Phú Vinh"},
		Group: catalog.GroupHandicraft, Stars: 4, Certificate: catalog.Certificate{CertifiedOn: catalog.NewDate(2024, 1, 1)}}
	body := "893777770001"
	basket.Variants = []catalog.Variant{{SKU: "GIO-MAY-1", Name: catalog.Text{VI: "Giỏ nhỏ"},
		GTIN: catalog.GTIN(body + string(catalog.GTINCheckDigit(body))), Price: 150000,
		Package: catalog.Dimensions{WeightG: 300, LengthMM: 300, WidthMM: 200, HeightMM: 150}}}
	require.NoError(t, h.st.CreateProduct(h.ctx, &basket))
	phototest.AddTo(t, h.ctx, h.st, h.photos, basket.ID)

	publish := func(p catalog.Platform) {
		shop := h.shops[p]
		for _, v := range basket.Variants {
			_, _ = h.st.AddListing(h.ctx, shop.ID, v.ID)
		}
		_, err := h.w.Client().Enqueue(worker.PublishTask(shop.ID, basket.ID))
		require.NoError(t, err)
	}
	for _, p := range []catalog.Platform{catalog.PlatformShopee, catalog.PlatformLazada, catalog.PlatformZalo} {
		publish(p)
	}
	for _, p := range []catalog.Platform{catalog.PlatformShopee, catalog.PlatformLazada} {
		eventually(t, string(p)+" refused", func() error {
			states, msgs, err := listingStates(h, h.shops[p].ID, basket)
			if err != nil || states[catalog.ListingError] != 1 {
				return fmt.Errorf("listings %v %v %v", states, msgs, err)
			}
			want := "Chưa đăng: danh mục " + map[catalog.Platform]string{catalog.PlatformShopee: "Shopee", catalog.PlatformLazada: "Lazada"}[p] +
				" cần thêm Chất liệu."
			if !strings.HasPrefix(msgs[0], want) {
				return fmt.Errorf("message %q, want %q…", msgs[0], want)
			}
			return nil
		})
	}
	for k := range h.platform(catalog.PlatformShopee).srv.Engine.State().Calls {
		require.NotContains(t, k, "add_item", "no create reached Shopee")
	}
	for k := range h.platform(catalog.PlatformLazada).srv.Engine.State().Calls {
		require.NotContains(t, k, "/product/create", "no create reached Lazada")
	}
	eventually(t, "zalo live", func() error {
		states, msgs, err := listingStates(h, h.shops[catalog.PlatformZalo].ID, basket)
		if err != nil || states[catalog.ListingLive] != 1 {
			return fmt.Errorf("listings %v %v %v", states, msgs, err)
		}
		return nil
	})

	// The manager picks Shopee's "Giỏ và hộp đựng" and fills the material.
	choice := catalog.CategoryChoice{ProductID: basket.ID, Platform: catalog.PlatformShopee, CategoryID: "100874",
		Attributes: map[string]string{"100134": "Mây"}}
	require.NoError(t, h.st.SetProductCategory(h.ctx, &choice))
	publish(catalog.PlatformShopee)
	eventually(t, "shopee live", func() error {
		states, msgs, err := listingStates(h, h.shops[catalog.PlatformShopee].ID, basket)
		if err != nil || states[catalog.ListingLive] != 1 {
			return fmt.Errorf("listings %v %v %v", states, msgs, err)
		}
		return nil
	})
	items := itemsOf(h.platform(catalog.PlatformShopee), basket)
	require.Len(t, items, 1)
	require.EqualValues(t, 100874, items[0].CategoryID, "the chosen category reached the item")
	require.Contains(t, fmt.Sprintf("%s", items[0].Extra["attribute_list"]), `"attribute_id":100134`)
	require.Contains(t, fmt.Sprintf("%s", items[0].Extra["attribute_list"]), "Mây")
	require.Contains(t, fmt.Sprintf("%s", items[0].Extra["brand"]), "HTX Riti", "brand filled from the co-op's name")
}

// TestProductsWithoutAChoicePublishInTheSuggestedCategory: the demo's
// chrysanthemum tea goes to each platform's tea category with the brand,
// origin and net weight the hub knows.
func TestProductsWithoutAChoicePublishInTheSuggestedCategory(t *testing.T) {
	h := startHub(t, "riti")
	h.publish(t)
	for _, p := range h.platforms {
		eventually(t, string(p.name)+" live", func() error {
			states, msgs, err := listingStates(h, h.shops[p.name].ID, h.product)
			if err != nil || states[catalog.ListingLive] != len(h.product.Variants) {
				return fmt.Errorf("listings %v %v %v", states, msgs, err)
			}
			return nil
		})
	}
	want := map[catalog.Platform]int64{catalog.PlatformShopee: 100861, catalog.PlatformLazada: 10002019, catalog.PlatformZalo: 0}
	for _, p := range h.platforms {
		items := itemsOf(p, h.product)
		require.NotEmpty(t, items, string(p.name))
		if p.name != catalog.PlatformZalo {
			require.Equal(t, want[p.name], items[0].CategoryID, "%s: tea", p.name)
		}
	}
	lz := itemsOf(h.platform(catalog.PlatformLazada), h.product)[0]
	attrs := lz.Extra["attributes"].(map[string]any)
	require.Equal(t, "HTX Riti", attrs["brand"])
	require.Equal(t, "Ninh Bình", attrs["country_origin"])
	require.NotEmpty(t, attrs["net_weight"])
	zl := itemsOf(h.platform(catalog.PlatformZalo), h.product)[0]
	require.JSONEq(t, `["101"]`, fmt.Sprintf("%s", zl.Extra["categories"]), "Zalo's Trà store category")
}
