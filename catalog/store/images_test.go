package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"gocloud.dev/blob/memblob"

	"ocophub/catalog"
	"ocophub/catalog/photo"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

func TestProductGallery(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		lib := photo.New(memblob.OpenBucket(nil))
		f := storetest.NewFixture(t, s, "IMG")
		p := f.Product("MAT-ONG", 41, 2)
		require.NoError(t, s.CreateProduct(ctx, &p))
		other := storetest.NewFixture(t, s, "IMG2")
		q := other.Product("MAT-KHAC", 42, 1)
		require.NoError(t, s.CreateProduct(ctx, &q))
		outbox := count(t, s, "outbox")

		added, err := lib.AddToProduct(ctx, s, p.ID, []photo.Upload{
			{Data: photo.Sample(800, 600, "jpeg")},
			{Data: photo.Sample(600, 600, "png"), VariantID: &p.Variants[1].ID},
		})
		require.NoError(t, err)
		require.Len(t, added, 2)
		require.Equal(t, 800, added[0].Width)
		require.Equal(t, 600, added[0].Height)
		require.Equal(t, p.Variants[1].ID, *added[1].VariantID)
		require.Equal(t, outbox+1, count(t, s, "outbox"), "product.changed re-pushes the shops' items")

		// All or nothing: one bad file in a batch stores none.
		_, err = lib.AddToProduct(ctx, s, p.ID, []photo.Upload{{Data: photo.Sample(700, 700, "jpeg")}, {Data: []byte("%PDF-1.4")}})
		requireFieldError(t, catalog.CodeInvalidArgument, err, "file", "files[1]")
		// A variant of another product is refused.
		_, err = lib.AddToProduct(ctx, s, p.ID, []photo.Upload{{Data: photo.Sample(700, 700, "jpeg"), VariantID: &q.Variants[0].ID}})
		requireFieldError(t, catalog.CodeInvalidArgument, err, "variant_id")

		gallery, err := s.ProductImages(ctx, p.ID)
		require.NoError(t, err)
		require.Equal(t, []int64{added[0].ID, added[1].ID}, imageIDs(gallery))

		// Reorder: the second becomes the cover.
		gallery, err = s.ReorderProductImages(ctx, p.ID, []int64{added[1].ID, added[0].ID})
		require.NoError(t, err)
		require.Equal(t, []int64{added[1].ID, added[0].ID}, imageIDs(gallery))
		covers, err := s.CoverImages(ctx, []int64{p.ID, q.ID})
		require.NoError(t, err)
		require.Len(t, covers, 1)
		require.Equal(t, added[1].ID, covers[p.ID].ID)
		_, err = s.ReorderProductImages(ctx, p.ID, []int64{added[1].ID})
		requireFieldError(t, catalog.CodeInvalidArgument, err, "ids")
		_, err = s.ReorderProductImages(ctx, p.ID, []int64{added[1].ID, added[1].ID})
		requireFieldError(t, catalog.CodeInvalidArgument, err, "ids")

		// Tenancy: another co-op sees nothing and changes nothing.
		otherCtx := coopCtx(other.Coop.ID)
		_, err = s.ProductImages(otherCtx, p.ID)
		requireCode(t, catalog.CodeNotFound, err, "other co-op's gallery")
		_, _, err = s.DeleteProductImage(otherCtx, p.ID, added[0].ID)
		requireCode(t, catalog.CodeNotFound, err, "other co-op's photo")
		covers, err = s.CoverImages(otherCtx, []int64{p.ID})
		require.NoError(t, err)
		require.Empty(t, covers)
		// Alliance staff may change prices, never photos.
		staff := catalog.WithScope(ctx, catalog.StaffScope(f.Alliance.ID, map[int64]catalog.Rights{f.Coop.ID: {catalog.RightListProducts, catalog.RightChangePrices}}))
		_, err = s.AddProductImages(staff, p.ID, added[:1])
		requireCode(t, catalog.CodePermissionDenied, err, "staff adding a photo")

		// Delete; a product holds at most MaxProductImages photos.
		gone, shared, err := s.DeleteProductImage(coopCtx(f.Coop.ID), p.ID, added[0].ID)
		require.NoError(t, err)
		require.False(t, shared)
		require.Equal(t, added[0].OriginalKey, gone.OriginalKey)
		_, _, err = s.DeleteProductImage(ctx, p.ID, added[0].ID)
		requireCode(t, catalog.CodeNotFound, err, "deleted twice")
		many := make([]catalog.ProductImage, catalog.MaxProductImages)
		for i := range many {
			many[i] = added[1]
		}
		_, err = s.AddProductImages(ctx, p.ID, many)
		requireFieldError(t, catalog.CodeInvalidArgument, err, "file")
		_, err = s.AddProductImages(ctx, p.ID, many[1:])
		require.NoError(t, err)
		_, _, err = s.DeleteProductImage(ctx, p.ID, added[1].ID)
		require.NoError(t, err)
		gallery, err = s.ProductImages(ctx, p.ID)
		require.NoError(t, err)
		require.Len(t, gallery, catalog.MaxProductImages-1)

		// Deleting the product deletes its gallery.
		require.NoError(t, s.DeleteProduct(ctx, p.ID, p.Version))
		require.Zero(t, count(t, s, "product_images"))
	})
}

func imageIDs(images []catalog.ProductImage) []int64 {
	out := make([]int64, len(images))
	for i, im := range images {
		out[i] = im.ID
	}
	return out
}
