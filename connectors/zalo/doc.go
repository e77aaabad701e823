// Package zalo is the Zalo marketplace driver: a Zalo Official Account (OA)
// authorized with OAuth v4 (oauth.zaloapp.com) selling through the "Zalo OA
// Store" API v2.0 (openapi.zalo.me/v2.0/store/...). It implements
// driver.Driver and passes connectors/drivertest against the Zalo sandbox
// (connectors/sandbox/zalo, protocol in connectors/sandbox/README.md).
//
// # Listings and products
//
// A Zalo product has exactly one SKU (its code is the seller SKU), so a hub
// listing of N variants is N Zalo products:
//
//   - The listing's ItemID is the Zalo id of the product of its FIRST
//     variant, the anchor; every Variant.ModelID is the Zalo id of that
//     variant's product (the anchor's ModelID equals the ItemID).
//
//   - A listing of one variant is one plain product: name = title,
//     description = description. Any product without a group line (below),
//     including one a seller made by hand on Zalo, reads as such a listing.
//
//   - The products of a listing of two or more variants are named
//     "<title> - <variant name>" (buyers see a list of products, not one
//     product with options) and their descriptions end with one group line:
//
//     [OCOP] Phân loại: <variant name> | Nhóm: <SKU-0>, <SKU-1>, …
//
//     listing every seller SKU of the listing, the anchor's first. Zalo can
//     search products by code only, so the line is how any one product
//     leads to its siblings (search?code= for each). It is plain text a
//     buyer can read ("variant: …, group: …") and the only free-text field
//     Zalo keeps as sent; industry and categories are Zalo's own
//     vocabularies. Seller SKUs of such listings must not contain ',', '|'
//     or spaces (the hub's SKUs never do).
//
//   - CreateListing makes the siblings first and the anchor LAST, so a
//     listing is found (FindBySellerSKU looks for its anchor) only once all
//     its products exist. A create that fails for good removes the products
//     it made; one retried after an ambiguous failure adopts the siblings
//     an earlier attempt left (same SKU, group line naming the same anchor)
//     instead of failing on their codes.
//
//   - SetActive and UpdateListing change every product of the group, the
//     anchor last; Active and the title come from the anchor.
//
//   - Brand and attributes have no Zalo field and are not sent; the first
//     CategoryID is sent as categories:[id], the weight as
//     package_size.weight (grams).
//
// # Authorization (PKCE)
//
// AuthorizeURL sends a PKCE S256 code_challenge whose verifier is derived,
// not stored: verifier = base64url(HMAC-SHA256(app secret, "ocophub zalo
// pkce" + app id + state)), 43 characters as RFC 7636 asks. Only the
// server, which holds the app secret, can make it, and any process of the
// fleet can remake it from the state, which comes back in the redirect
// (driver.Callback.State). A code issued without a
// challenge (the sandbox's POST /_sandbox/authorize) is exchanged the same
// way: Zalo checks a verifier only against a challenge.
//
// # Errors
//
// One table (errors.go) maps Zalo's numbers, of the Store API envelope and
// of OAuth v4, to driver codes; HTTP 429 is ResourceExhausted (Retry-After,
// default 1 s), other 5xx and transport failures Unavailable. The access
// token travels in the access_token header only and never reaches an error.
//
// # Orders
//
// The Store API lists orders by offset with no time filter, so ListOrders
// pages through all of the OA's orders (cursor = offset) and keeps those
// updated in [from, to): webhooks are the fast path, listing the
// reconciliation. Order lines name the variant's product (ModelID), not the
// listing: Zalo orders do not know the anchor, so OrderLine.ItemID is empty.
package zalo
