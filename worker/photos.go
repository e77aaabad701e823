package worker

import (
	"context"

	"ocophub/catalog"
	"ocophub/connectors"
)

// errNoPhoto refuses a publish before any platform call: every platform
// refuses an item without an image (Shopee image_id_list and Lazada's main
// image are required), and a placeholder would list a product buyers
// cannot see.
var errNoPhoto = &catalog.Error{Code: catalog.CodeFailedPrecondition,
	Message: "Sản phẩm chưa có ảnh: thêm ít nhất một ảnh rồi đăng lại (mọi sàn đều bắt buộc có ảnh)."}

// listingImages uploads the product's photos to the shop's platform (the
// platform-sized squares, cover first, at most the platform's count) and
// returns their references. A photo already uploaded to this shop is not
// sent again: the reference the platform gave is kept per shop and file.
func (w *Worker) listingImages(ctx context.Context, ch *connectors.Channel, shop catalog.Shop, productID int64) ([]string, error) {
	sctx := system(ctx)
	gallery, err := w.cfg.Store.ProductImages(sctx, productID)
	if err != nil {
		return nil, err
	}
	if len(gallery) == 0 {
		return nil, errNoPhoto
	}
	if w.cfg.Photos == nil {
		return nil, &catalog.Error{Code: catalog.CodeUnavailable, Message: "the worker has no photo storage (OCOPHUB_BLOB_URL)"}
	}
	limit := ch.Capabilities().MaxImages
	if limit <= 0 || limit > catalog.MaxProductImages {
		limit = catalog.MaxProductImages
	}
	var refs []string
	seen := map[string]bool{}
	for _, im := range gallery {
		if len(refs) == limit {
			break
		}
		if seen[im.SquareKey] {
			continue // the same photo twice in a gallery is shown once
		}
		seen[im.SquareKey] = true
		ref, err := w.cfg.Store.ShopImageRef(sctx, shop.ID, im.SquareKey)
		if err != nil {
			return nil, err
		}
		if ref == "" {
			data, err := w.cfg.Photos.Read(ctx, im.SquareKey)
			if err != nil {
				return nil, err
			}
			if ref, err = ch.UploadImage(ctx, im.SquareKey, data); err != nil {
				return nil, err
			}
			if err := w.cfg.Store.SaveShopImageRef(sctx, shop.ID, im.SquareKey, ref); err != nil {
				return nil, err
			}
		}
		refs = append(refs, ref)
	}
	return refs, nil
}
