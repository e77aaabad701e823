package lazada

import (
	"slices"
	"strings"

	"ocophub/connectors/driver"
)

// product is a product as /products/get and /product/item/get show it.
type product struct {
	ItemID          scalar            `json:"item_id"`
	PrimaryCategory scalar            `json:"primary_category"`
	Attributes      map[string]scalar `json:"attributes"`
	Images          []string          `json:"images"`
	Status          string            `json:"status"`
	Skus            []productSKU      `json:"skus"`
}

type productSKU struct {
	SkuID      scalar            `json:"SkuId"`
	SellerSku  string            `json:"SellerSku"`
	ShopSku    string            `json:"ShopSku"`
	Status     string            `json:"Status"`
	Price      scalar            `json:"price"`
	Quantity   scalar            `json:"quantity"`
	Available  scalar            `json:"Available"`
	Warehouses []inventory       `json:"multiWarehouseInventories"`
	Channels   []inventory       `json:"channelInventories"`
	Weight     scalar            `json:"package_weight"`
	Length     scalar            `json:"package_length"`
	Width      scalar            `json:"package_width"`
	Height     scalar            `json:"package_height"`
	SaleProp   map[string]scalar `json:"saleProp"`
}

type inventory struct {
	SellableQuantity scalar `json:"sellableQuantity"`
}

func (p product) holds(sellerSKU string) bool {
	for _, s := range p.Skus {
		if s.SellerSku == sellerSKU {
			return true
		}
	}
	return false
}

// listing converts a product to the hub's terms.
func (p product) listing() driver.Listing {
	l := driver.Listing{
		ItemID:      p.ItemID.String(),
		Title:       p.Attributes["name"].String(),
		Description: p.Attributes["description"].String(),
		CategoryID:  p.PrimaryCategory.String(),
		Brand:       p.Attributes["brand"].String(),
		Images:      p.Images,
		Active:      isActive(p.Status),
	}
	if l.Brand == "" {
		l.Brand = p.Attributes["brand_id"].String()
	}
	for k, v := range p.Attributes {
		switch k {
		case "name", "description", "brand", "brand_id":
			continue
		}
		if l.Attributes == nil {
			l.Attributes = map[string]string{}
		}
		l.Attributes[k] = v.String()
	}
	for _, s := range p.Skus {
		if p.Status == "" && isActive(s.Status) {
			l.Active = true
		}
		l.Variants = append(l.Variants, s.variant())
	}
	return l
}

func (s productSKU) variant() driver.Variant {
	v := driver.Variant{ModelID: s.SkuID.String(), SellerSKU: s.SellerSku, ShopSKU: s.ShopSku, Stock: s.sellable()}
	v.Price, _ = parseScaled(s.Price.String(), 0)
	if g, ok := parseScaled(s.Weight.String(), 3); ok {
		v.WeightG = int(g)
	}
	for _, side := range []struct {
		dst *int
		cm  scalar
	}{{&v.LengthMM, s.Length}, {&v.WidthMM, s.Width}, {&v.HeightMM, s.Height}} {
		if mm, ok := parseScaled(side.cm.String(), 1); ok {
			*side.dst = int(mm)
		}
	}
	for _, c := range s.Channels {
		if n, ok := c.SellableQuantity.int(); ok {
			v.Reserved += n
		}
	}
	if name, ok := s.SaleProp[variationName]; ok {
		v.Name = name.String()
	} else if len(s.SaleProp) > 0 {
		keys := make([]string, 0, len(s.SaleProp))
		for k := range s.SaleProp {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		values := make([]string, 0, len(keys))
		for _, k := range keys {
			values = append(values, s.SaleProp[k].String())
		}
		v.Name = strings.Join(values, " / ")
	}
	return v
}

// sellable is what buyers can still order: the warehouses' sellable
// quantity, else Available, else quantity (which also counts units of open
// orders still in the warehouse).
func (s productSKU) sellable() int64 {
	var total int64
	found := false
	for _, w := range s.Warehouses {
		if n, ok := w.SellableQuantity.int(); ok {
			total += n
			found = true
		}
	}
	if found {
		return total
	}
	if n, ok := s.Available.int(); ok {
		return n
	}
	n, _ := s.Quantity.int()
	return n
}
