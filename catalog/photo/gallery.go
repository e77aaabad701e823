package photo

import (
	"context"
	"fmt"

	"ocophub/catalog"
)

// Gallery is the store's side of a product's photos (catalog/store.Store).
type Gallery interface {
	AddProductImages(ctx context.Context, productID int64, images []catalog.ProductImage) ([]catalog.ProductImage, error)
}

// Upload is one file to add to a gallery.
type Upload struct {
	Name      string // the file's name, for messages only
	Data      []byte
	VariantID *int64
}

// AddToProduct processes every upload, stores their files and then adds
// them to the product's gallery in one store transaction. A refused file
// refuses them all before anything is stored (its error names it:
// Fields["file"] is the reason, Fields["files[i]"] too when there are
// several).
func (l *Library) AddToProduct(ctx context.Context, g Gallery, productID int64, uploads []Upload) ([]catalog.ProductImage, error) {
	if len(uploads) == 0 {
		return nil, refuse(ReasonEmpty, "no file was sent")
	}
	photos := make([]Photo, len(uploads))
	for i, u := range uploads {
		p, err := Process(u.Data)
		if err != nil {
			if len(uploads) > 1 {
				ce := err.(*catalog.Error)
				ce.Fields[fmt.Sprintf("files[%d]", i)] = ce.Fields["file"]
				ce.Message = fmt.Sprintf("%s: %s", name(u, i), ce.Message)
			}
			return nil, err
		}
		photos[i] = p
	}
	images := make([]catalog.ProductImage, len(photos))
	for i, p := range photos {
		if err := l.Save(ctx, p); err != nil {
			return nil, err
		}
		images[i] = p.Image(productID, uploads[i].VariantID)
	}
	return g.AddProductImages(ctx, productID, images)
}

// Image is the gallery record of a processed (and saved) photo of a
// product, or of one of its variants when variantID is set.
func (p Photo) Image(productID int64, variantID *int64) catalog.ProductImage {
	return catalog.ProductImage{ProductID: productID, VariantID: variantID, Width: p.Width, Height: p.Height,
		Bytes: int64(len(p.Original.Data)), SHA256: SHA256(p.Original.Key),
		OriginalKey: p.Original.Key, ThumbKey: p.Thumb.Key, SquareKey: p.Square.Key}
}

func name(u Upload, i int) string {
	if u.Name != "" {
		return u.Name
	}
	return fmt.Sprintf("file %d", i+1)
}
