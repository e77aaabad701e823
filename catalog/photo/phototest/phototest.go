// Package phototest gives tests that publish products the photos every
// platform requires: an in-memory photo library and one sample photo
// added to products (processed once, its files shared by every gallery:
// they are content-addressed).
package phototest

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"gocloud.dev/blob/memblob"

	"ocophub/catalog"
	"ocophub/catalog/photo"
)

var (
	once   sync.Once
	sample photo.Photo
	err    error
)

// Library is a fresh in-memory photo library.
func Library(t testing.TB) *photo.Library {
	t.Helper()
	lib := photo.New(memblob.OpenBucket(nil))
	t.Cleanup(func() { _ = lib.Close() })
	return lib
}

// Sample is the processed sample photo (800×800).
func Sample(t testing.TB) photo.Photo {
	t.Helper()
	once.Do(func() { sample, err = photo.Process(photo.Sample(800, 800, "jpeg")) })
	require.NoError(t, err)
	return sample
}

// AddTo gives each product the sample photo as its cover, its files in lib.
func AddTo(t testing.TB, ctx context.Context, g photo.Gallery, lib *photo.Library, productIDs ...int64) {
	t.Helper()
	p := Sample(t)
	require.NoError(t, lib.Save(ctx, p))
	for _, id := range productIDs {
		_, err := g.AddProductImages(ctx, id, []catalog.ProductImage{p.Image(id, nil)})
		require.NoError(t, err)
	}
}

// AddToAll gives every product the store lists the sample photo.
func AddToAll(t testing.TB, ctx context.Context, st interface {
	photo.Gallery
	ListProducts(ctx context.Context, q catalog.ListQuery) ([]catalog.Product, string, error)
}, lib *photo.Library) {
	t.Helper()
	cursor := ""
	for {
		ps, next, err := st.ListProducts(ctx, catalog.ListQuery{Limit: 200, Cursor: cursor})
		require.NoError(t, err)
		ids := make([]int64, len(ps))
		for i, p := range ps {
			ids[i] = p.ID
		}
		AddTo(t, ctx, st, lib, ids...)
		if next == "" {
			return
		}
		cursor = next
	}
}
