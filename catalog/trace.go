package catalog

import "net/url"

// Trace is what a buyer may learn of a lot after scanning its stamp: the
// fields Circular 02/2024/TT-BKHCN asks to be available to consumers, and
// where the co-op sells it. Nothing private: no stock, prices, orders or
// buyers.
type Trace struct {
	Lot     Lot
	Product Product
	Variant Variant
	Coop    Coop
	// WhereToBuy are the co-op's live listings of the variant, one per shop.
	WhereToBuy []ShopLink
}

// ShopLink is a buyer's link to a listing on a marketplace.
type ShopLink struct {
	Platform Platform
	ShopName string
	URL      string
}

// ListingURL is the buyer's page of a listing on its marketplace, "" when
// the platform has no public page for it: Shopee's /product/{shop}/{item},
// Lazada's /products/i{item}.html, a Zalo Official Account's page.
func ListingURL(p Platform, shopExternalID, itemID string) string {
	switch {
	case p == PlatformShopee && itemID != "":
		return "https://shopee.vn/product/" + url.PathEscape(shopExternalID) + "/" + url.PathEscape(itemID)
	case p == PlatformLazada && itemID != "":
		return "https://www.lazada.vn/products/i" + url.PathEscape(itemID) + ".html"
	case p == PlatformZalo && shopExternalID != "":
		return "https://zalo.me/" + url.PathEscape(shopExternalID)
	}
	return ""
}
