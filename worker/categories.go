package worker

import (
	"context"
	"maps"

	"ocophub/catalog"
	"ocophub/connectors"
	"ocophub/connectors/driver"
)

// CategoryTree is a shop's platform categories in the hub's terms, with
// their paths (from the channel's cache).
func CategoryTree(ctx context.Context, ch *connectors.Channel) ([]catalog.Category, error) {
	cats, err := ch.Categories(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]catalog.Category, len(cats))
	for i, c := range cats {
		out[i] = catalog.Category{ID: c.ID, ParentID: c.ParentID, Name: c.Name, Leaf: c.Leaf}
	}
	return catalog.CategoryPaths(out), nil
}

// CategoryAttributes are what a category asks for, in the hub's terms.
func CategoryAttributes(ctx context.Context, ch *connectors.Channel, categoryID string) ([]catalog.Attribute, error) {
	attrs, err := ch.CategoryAttributes(ctx, categoryID)
	if err != nil {
		return nil, err
	}
	out := make([]catalog.Attribute, len(attrs))
	for i, a := range attrs {
		out[i] = catalog.Attribute{ID: a.ID, Name: a.Name, Mandatory: a.Mandatory, InputType: a.InputType,
			Options: a.Options, Unit: a.Unit}
	}
	return out, nil
}

// Placement is where a product's item goes on a platform: the category
// and the attribute values sent, and the mandatory attributes still
// without a value.
type Placement struct {
	Category catalog.Category `json:"category"`
	// Source says where the category came from: "listing" (a listing's
	// override), "product" (the manager's confirmed choice) or
	// "suggested".
	Source     string              `json:"source"`
	Suggested  catalog.Category    `json:"suggested"`
	Attributes []catalog.Attribute `json:"attributes"`
	Values     map[string]string   `json:"values"`
	Missing    []catalog.Attribute `json:"missing"`
}

// The sources of a placement's category.
const (
	FromListing   = "listing"
	FromProduct   = "product"
	FromSuggested = "suggested"
)

// Place decides a product's category and attributes on a shop's platform:
// the listing's override wins, then the manager's choice, then the
// suggestion (catalog.SuggestCategory). Values are what the hub knows
// (catalog.KnownAttributeValues), under the manager's values, under the
// listing's. ok is false when no category fits at all.
func Place(ctx context.Context, ch *connectors.Channel, product catalog.Product, coop catalog.Coop,
	choice *catalog.CategoryChoice, override catalog.ListingOverrides) (p Placement, ok bool, err error) {
	tree, err := CategoryTree(ctx, ch)
	if err != nil {
		return Placement{}, false, err
	}
	byID := make(map[string]catalog.Category, len(tree))
	for _, c := range tree {
		byID[c.ID] = c
	}
	p.Suggested, _ = catalog.SuggestCategory(tree, product.Group, product.Name.VI)
	switch {
	case override.CategoryID != "":
		p.Category, p.Source = categoryOr(byID, override.CategoryID), FromListing
	case choice != nil && choice.CategoryID != "":
		p.Category, p.Source = categoryOr(byID, choice.CategoryID), FromProduct
	case p.Suggested.ID != "":
		p.Category, p.Source = p.Suggested, FromSuggested
	default:
		return p, false, nil
	}
	if p.Attributes, err = CategoryAttributes(ctx, ch, p.Category.ID); err != nil {
		return Placement{}, false, err
	}
	p.Values = catalog.KnownAttributeValues(p.Attributes, product, coop)
	if choice != nil {
		maps.Copy(p.Values, nonEmpty(choice.Attributes))
	}
	maps.Copy(p.Values, nonEmpty(override.Attributes))
	p.Missing = catalog.MissingAttributes(p.Attributes, p.Values)
	return p, true, nil
}

// categoryOr is the tree's category with that id, or a bare one (a listing
// may name a category the tree lost: the platform then says so).
func categoryOr(byID map[string]catalog.Category, id string) catalog.Category {
	if c, ok := byID[id]; ok {
		return c
	}
	return catalog.Category{ID: id, Name: id}
}

func nonEmpty(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		if v != "" {
			out[k] = v
		}
	}
	return out
}

// choiceFor is the product's confirmed category on a platform, or nil.
func choiceFor(choices []catalog.CategoryChoice, p catalog.Platform) *catalog.CategoryChoice {
	for i := range choices {
		if choices[i].Platform == p {
			return &choices[i]
		}
	}
	return nil
}

// placeItem fills an item's category and attributes before any platform
// write (handlePublish, handleUpdate); the category and attributes
// itemContent took from the listings' overrides win. A refusal (no category fits, a
// mandatory attribute still missing) is a *refusal with the Vietnamese
// message the listing shows; other errors are the channel's or the
// store's.
func (w *Worker) placeItem(ctx context.Context, ch *connectors.Channel, shop catalog.Shop, product catalog.Product,
	item *driver.Listing) error {
	override := catalog.ListingOverrides{CategoryID: item.CategoryID, Attributes: item.Attributes}
	sctx := system(ctx)
	coop, err := w.cfg.Store.Coop(sctx, product.CoopID)
	if err != nil {
		return err
	}
	choices, err := w.cfg.Store.ProductCategories(sctx, product.ID)
	if err != nil {
		return err
	}
	p, ok, err := Place(ctx, ch, product, coop, choiceFor(choices, shop.Platform), override)
	if err != nil {
		return err
	}
	if !ok {
		if ch.Capabilities().CategoriesPerShop {
			return nil // an OA's own store categories are optional on Zalo: list it without one
		}
		return &refusal{catalog.NoCategoryMessage(shop.Platform)}
	}
	if len(p.Missing) > 0 {
		return &refusal{catalog.MissingAttributesMessage(shop.Platform, p.Missing)}
	}
	item.CategoryID, item.Attributes = p.Category.ID, p.Values
	return nil
}

// refusal is a publish the hub refuses before any platform call; Message
// is shown on the listing.
type refusal struct{ Message string }

func (r *refusal) Error() string { return r.Message }
