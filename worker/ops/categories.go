package ops

import (
	"context"
	"errors"
	"fmt"

	"ocophub/catalog"
	"ocophub/connectors"
	"ocophub/worker"
)

// ShopChannels gives the channel of a connected shop (*worker.Channels).
type ShopChannels interface {
	For(shop catalog.Shop) (*connectors.Channel, error)
}

// maxCategoryResults bounds a category search's answer.
const maxCategoryResults = 50

// channel is the shop's channel, or failed_precondition when this process
// has none (a hub without marketplace drivers).
func (c *Commands) channel(shop catalog.Shop) (*connectors.Channel, error) {
	if c.Channels == nil {
		return nil, &catalog.Error{Code: catalog.CodeFailedPrecondition, Message: "marketplaces are not connected in this process"}
	}
	ch, err := c.Channels.For(shop)
	if err != nil {
		return nil, &catalog.Error{Code: catalog.CodeFailedPrecondition, Message: err.Error()}
	}
	return ch, nil
}

// SearchCategories returns the leaf categories of a shop's platform whose
// path holds every word of q, without diacritics (catalog.SearchCategories),
// at most 50.
func (c *Commands) SearchCategories(ctx context.Context, shopID int64, q string) ([]catalog.Category, error) {
	shop, err := c.Store.Shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	ch, err := c.channel(shop)
	if err != nil {
		return nil, err
	}
	tree, err := worker.CategoryTree(ctx, ch)
	if err != nil {
		return nil, ChannelError(err, "reading the categories")
	}
	found := catalog.SearchCategories(tree, q)
	if len(found) > maxCategoryResults {
		found = found[:maxCategoryResults]
	}
	return found, nil
}

// CategoryAttributes are what a category of the shop's platform asks for.
func (c *Commands) CategoryAttributes(ctx context.Context, shopID int64, categoryID string) ([]catalog.Attribute, error) {
	shop, err := c.Store.Shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	ch, err := c.channel(shop)
	if err != nil {
		return nil, err
	}
	attrs, err := worker.CategoryAttributes(ctx, ch, categoryID)
	if err != nil {
		return nil, ChannelError(err, "reading the category's attributes")
	}
	return attrs, nil
}

// ProductPlacement is a product's category on one platform where its
// co-op has a shop: the manager's confirmed choice (nil: none yet) and
// what a publish would send now (worker.Place). Error says why the
// platform could not be asked (the placement is then empty).
type ProductPlacement struct {
	Platform catalog.Platform        `json:"platform"`
	ShopID   int64                   `json:"shop_id"`
	Choice   *catalog.CategoryChoice `json:"choice,omitempty"` // absent until the manager confirms one
	worker.Placement
	Error string `json:"error,omitempty"`
}

// ProductPlacements are the product's categories on each platform its
// co-op sells on (the first connected shop of each platform).
func (c *Commands) ProductPlacements(ctx context.Context, productID int64) ([]ProductPlacement, error) {
	product, err := c.Store.Product(ctx, productID)
	if err != nil {
		return nil, err
	}
	choices, err := c.Store.ProductCategories(ctx, productID)
	if err != nil {
		return nil, err
	}
	shops, err := c.platformShops(ctx, product.CoopID)
	if err != nil {
		return nil, err
	}
	out := []ProductPlacement{}
	for _, shop := range shops {
		pp := ProductPlacement{Platform: shop.Platform, ShopID: shop.ID}
		for i := range choices {
			if choices[i].Platform == shop.Platform {
				pp.Choice = &choices[i]
			}
		}
		if err := c.place(ctx, shop, product, pp.Choice, &pp); err != nil {
			pp.Error = catalogMessage(err)
		}
		out = append(out, pp)
	}
	return out, nil
}

// place fills pp.Placement for a shop.
func (c *Commands) place(ctx context.Context, shop catalog.Shop, product catalog.Product, choice *catalog.CategoryChoice, pp *ProductPlacement) error {
	ch, err := c.channel(shop)
	if err != nil {
		return err
	}
	coop, err := c.Store.Coop(ctx, product.CoopID)
	if err != nil {
		return err
	}
	p, _, err := worker.Place(ctx, ch, product, coop, choice, catalog.ListingOverrides{})
	if err != nil {
		return ChannelError(err, "reading the categories")
	}
	pp.Placement = p
	return nil
}

// platformShops are the co-op's connected shops, the first of each
// platform.
func (c *Commands) platformShops(ctx context.Context, coopID int64) ([]catalog.Shop, error) {
	seen := map[catalog.Platform]bool{}
	var out []catalog.Shop
	q := catalog.ListQuery{CoopID: coopID, Limit: 200}
	for {
		page, next, err := c.Store.ListShops(ctx, q)
		if err != nil {
			var ce *catalog.Error
			if errors.As(err, &ce) && ce.Code == catalog.CodePermissionDenied {
				return nil, nil // a role that sees no shops sees no platforms
			}
			return nil, err
		}
		for _, s := range page {
			if s.Connected && !seen[s.Platform] {
				seen[s.Platform] = true
				out = append(out, s)
			}
		}
		if next == "" {
			return out, nil
		}
		q.Cursor = next
	}
}

// SetProductCategory records the manager's category for a product on a
// platform after checking it against the platform: the category must be a
// leaf of its tree, and every mandatory attribute must have a value (the
// manager's, or one the hub knows: catalog.KnownAttributeValues). A
// refusal is invalid_argument on category_id or attributes.<id>; nothing
// is stored.
func (c *Commands) SetProductCategory(ctx context.Context, choice *catalog.CategoryChoice) (ProductPlacement, error) {
	product, err := c.Store.Product(ctx, choice.ProductID)
	if err != nil {
		return ProductPlacement{}, err
	}
	if err := choice.Validate(); err != nil {
		return ProductPlacement{}, err
	}
	shops, err := c.platformShops(ctx, product.CoopID)
	if err != nil {
		return ProductPlacement{}, err
	}
	var shop catalog.Shop
	for _, s := range shops {
		if s.Platform == choice.Platform {
			shop = s
		}
	}
	if shop.ID == 0 {
		return ProductPlacement{}, Invalid("platform", fmt.Sprintf("the co-op has no connected %s shop", PlatformName(choice.Platform)))
	}
	pp := ProductPlacement{Platform: shop.Platform, ShopID: shop.ID}
	if err := c.place(ctx, shop, product, choice, &pp); err != nil {
		return ProductPlacement{}, err
	}
	if pp.Category.Path == "" { // not in the tree (categoryOr)
		return ProductPlacement{}, Invalid("category_id", "not a category of "+PlatformName(choice.Platform))
	}
	if !pp.Category.Leaf {
		return ProductPlacement{}, Invalid("category_id", "choose a category with no sub-categories")
	}
	if err := catalog.CheckAttributes(pp.Attributes, pp.Values); err != nil {
		return ProductPlacement{}, err
	}
	if err := c.Store.SetProductCategory(ctx, choice); err != nil {
		return ProductPlacement{}, err
	}
	pp.Choice = choice
	return pp, nil
}

// catalogMessage is an error's message for an answer field.
func catalogMessage(err error) string {
	var ce *catalog.Error
	if errors.As(err, &ce) {
		return ce.Message
	}
	return err.Error()
}
