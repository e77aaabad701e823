package worker_test

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/photo"
	"ocophub/connectors/sandbox"
	"ocophub/worker"
)

// itemImages is the images of the live sandbox item holding sku.
func itemImages(p *platform, sku string) []sandbox.ImageInfo {
	for _, s := range p.srv.Engine.State().Shops {
		for _, it := range s.Items {
			for _, k := range it.SKUs {
				if k.SellerSKU == sku && it.Status != sandbox.ItemDeleted {
					return it.Images
				}
			}
		}
	}
	return nil
}

// TestPublishSendsTheProductsPhotos: every shop gets the product's real
// photos (the 1024 px squares, cover first), byte for byte; reordering the
// gallery re-pushes the item with the photos in the new order, uploading
// nothing again.
func TestPublishSendsTheProductsPhotos(t *testing.T) {
	h := startHub(t, "hao dat")
	// The demo fixture gave it a cover; add a portrait PNG second.
	added, err := h.photos.AddToProduct(h.ctx, h.st, h.product.ID, []photo.Upload{{Data: photo.Sample(600, 900, "png")}})
	require.NoError(t, err)
	gallery, err := h.st.ProductImages(h.ctx, h.product.ID)
	require.NoError(t, err)
	require.Len(t, gallery, 2)
	require.Equal(t, added[0].ID, gallery[1].ID)
	squares := func(g []catalog.ProductImage) [][]byte {
		var out [][]byte
		for _, im := range g {
			b, err := h.photos.Read(h.ctx, im.SquareKey)
			require.NoError(t, err)
			out = append(out, b)
		}
		return out
	}
	want := squares(gallery)

	h.publish(t)
	sku := string(h.product.Variants[0].SKU)
	refs := map[catalog.Platform][]string{}
	for _, p := range h.platforms {
		eventually(t, string(p.name)+" item has the photos", func() error {
			imgs := itemImages(p, sku)
			if len(imgs) != 2 {
				return fmt.Errorf("%s: %d images", p.name, len(imgs))
			}
			for i, im := range imgs {
				data, _, ok := p.srv.Engine.Image(im.ID)
				if !ok || !bytes.Equal(data, want[i]) {
					return fmt.Errorf("%s image %d is not the gallery's square %d", p.name, i, i)
				}
				cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
				require.NoError(t, err)
				require.Equal(t, [2]int{photo.SquareSide, photo.SquareSide}, [2]int{cfg.Width, cfg.Height})
				require.Equal(t, [2]int{photo.SquareSide, photo.SquareSide}, [2]int{im.Width, im.Height}, "the state shows its size")
				refs[p.name] = append(refs[p.name], im.ID)
			}
			return nil
		})
	}

	// The second photo becomes the cover: every item shows the new order
	// with the images it already had (nothing uploaded twice).
	_, err = h.st.ReorderProductImages(h.ctx, h.product.ID, []int64{gallery[1].ID, gallery[0].ID})
	require.NoError(t, err)
	h.w.Wake()
	for _, p := range h.platforms {
		eventually(t, string(p.name)+" item has the new cover", func() error {
			var got []string
			for _, im := range itemImages(p, sku) {
				got = append(got, im.ID)
			}
			if !slices.Equal(got, []string{refs[p.name][1], refs[p.name][0]}) {
				return fmt.Errorf("%s shows %v, want %v reversed", p.name, got, refs[p.name])
			}
			return nil
		})
	}
}

// TestPublishWithoutAPhotoIsRefusedBeforeAnyCall: a product with no photo
// is not sent anywhere; its listing says why.
func TestPublishWithoutAPhotoIsRefusedBeforeAnyCall(t *testing.T) {
	h := startHub(t, "hao dat")
	gallery, err := h.st.ProductImages(h.ctx, h.product.ID)
	require.NoError(t, err)
	for _, im := range gallery {
		_, _, err := h.st.DeleteProductImage(h.ctx, h.product.ID, im.ID)
		require.NoError(t, err)
	}
	lz := h.platform(catalog.PlatformLazada)
	before := lz.srv.Engine.State().Calls
	shop := h.shops[catalog.PlatformLazada]
	for _, v := range h.product.Variants {
		_, err := h.st.AddListing(h.ctx, shop.ID, v.ID)
		require.NoError(t, err)
	}
	_, err = h.w.Client().Enqueue(worker.PublishTask(shop.ID, h.product.ID))
	require.NoError(t, err)
	eventually(t, "the listings say the photo is missing", func() error {
		ls, _, err := h.st.ListListings(h.ctx, shop.ID, catalog.ListQuery{})
		if err != nil {
			return err
		}
		for _, l := range ls {
			if l.Status != catalog.ListingError || !bytes.Contains([]byte(l.Error), []byte("chưa có ảnh")) {
				return fmt.Errorf("listing %d is %s %q", l.ID, l.Status, l.Error)
			}
		}
		return nil
	})
	for call, n := range lz.srv.Engine.State().Calls {
		if strings.Contains(call, "/image/") || strings.Contains(call, "/product/") {
			require.Equal(t, before[call], n, "no image or product call reached Lazada: %s", call)
		}
	}
}
