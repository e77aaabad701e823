package catalog

import "time"

// ProductImage is one photo of a product's gallery. Position orders the
// gallery; the first is the cover. VariantID, when set, makes it that
// variant's own photo (a platform that takes a photo per SKU gets it).
// The keys name the stored files (content-addressed, see catalog/photo).
type ProductImage struct {
	ID          int64     `json:"id"`
	ProductID   int64     `json:"product_id"`
	CoopID      int64     `json:"coop_id"`
	VariantID   *int64    `json:"variant_id,omitempty"`
	Position    int       `json:"position"`
	Width       int       `json:"width"`  // of the original, after EXIF orientation
	Height      int       `json:"height"` // of the original, after EXIF orientation
	Bytes       int64     `json:"bytes"`  // of the stored original
	SHA256      string    `json:"sha256"` // of the stored original
	OriginalKey string    `json:"original_key"`
	ThumbKey    string    `json:"thumb_key"`
	SquareKey   string    `json:"square_key"` // the platform-sized square drivers upload
	CreatedAt   time.Time `json:"created_at"`
}

// MaxProductImages is the most photos a gallery holds: Shopee's item limit
// (9, REFERENCE.md), the lowest of the platforms the hub lists on.
const MaxProductImages = 9

// ImageOrder checks that ids is exactly the gallery's image ids (current)
// in a new order: every image once, nothing else.
func ImageOrder(current []ProductImage, ids []int64) error {
	if len(ids) != len(current) {
		return &Error{Code: CodeInvalidArgument, Message: "the order must name every image of the gallery once",
			Fields: map[string]string{"ids": "must name every image of the gallery once"}}
	}
	have := make(map[int64]bool, len(current))
	for _, im := range current {
		have[im.ID] = true
	}
	for _, id := range ids {
		if !have[id] {
			return &Error{Code: CodeInvalidArgument, Message: "the order must name every image of the gallery once",
				Fields: map[string]string{"ids": "must name every image of the gallery once"}}
		}
		delete(have, id)
	}
	return nil
}
