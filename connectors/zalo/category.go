package zalo

import (
	"context"
	"strconv"

	"ocophub/connectors/driver"
)

// categoryPage is how many store categories one getcategoryofoa call asks
// for.
const categoryPage = 50

// Categories is GET /v2.0/store/category/getcategoryofoa, paged to the
// end: the OA's own store categories, flat, every one a leaf.
func (d *Driver) Categories(ctx context.Context) ([]driver.Category, error) {
	token, err := d.accessToken(ctx)
	if err != nil {
		return nil, err
	}
	var out []driver.Category
	for offset := 0; ; offset += categoryPage {
		var page struct {
			Categories []struct {
				ID   flexString `json:"id"`
				Name string     `json:"name"`
			} `json:"categories"`
			Total flexInt `json:"total"`
		}
		q := map[string]string{"offset": strconv.Itoa(offset), "limit": strconv.Itoa(categoryPage)}
		if err := d.get(ctx, token, "/v2.0/store/category/getcategoryofoa", q, &page); err != nil {
			return nil, err
		}
		for _, c := range page.Categories {
			out = append(out, driver.Category{ID: string(c.ID), Name: c.Name, Leaf: true})
		}
		if len(page.Categories) < categoryPage || offset+categoryPage >= int(page.Total) {
			return out, nil
		}
	}
}

// CategoryAttributes is always empty: Zalo's store categories carry no
// attributes.
func (d *Driver) CategoryAttributes(context.Context, string) ([]driver.Attribute, error) {
	return []driver.Attribute{}, nil
}
