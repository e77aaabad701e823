package webui

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
)

// gridProducts is how many products one grid page shows.
const gridProducts = 40

// gridData is the grid page: price and on-hand stock of every variant of a
// page of products, one input per cell.
type gridData struct {
	Q, Cursor, Next string
	// Codes are the warehouse codes, one stock column each.
	Codes    []string
	Rows     []gridRow
	CanStock bool
	// Saved and Refused count the cells of the last save when some were
	// refused (the page is then shown again with their errors).
	Saved, Refused int
}

type gridRow struct {
	ProductID int64
	Product   catalog.Text
	Variant   catalog.Variant
	Price     gridCell
	Stock     []gridCell // one per Codes; Name "" where the co-op has no such warehouse
}

// gridCell is one input with what the page read under it: the value
// (and, for stock, the level's version), so a save changes only the cells
// a person edited, at the version they saw.
type gridCell struct {
	Name, Value, Was, Version, Error string
	// Held is what orders and lives hold of the stock: the least it can be.
	Held int64
}

// Field names: p.<variant> price, pw.<variant> the price shown, pv.<product>
// the product's version; s.<variant>.<warehouse> on hand, sw. the on hand
// shown, sv. the level's version.
func priceField(variantID int64) string { return fmt.Sprintf("p.%d", variantID) }
func stockField(variantID, warehouseID int64) string {
	return fmt.Sprintf("s.%d.%d", variantID, warehouseID)
}

func (ui *UI) gridPage(c *gin.Context) {
	d := &gridData{Q: c.Query("q"), Cursor: c.Query("cursor")}
	p := ui.newPage(c, "products", "grid.title", d)
	if err := ui.loadGrid(c.Request.Context(), p, d, nil); err != nil {
		if catalog.ErrorCode(err) == catalog.CodeInvalidArgument {
			ui.render(c, http.StatusUnprocessableEntity, "grid", p)
			return
		}
		ui.fail(c, err)
		return
	}
	ui.render(c, http.StatusOK, "grid", p)
}

// loadGrid reads the page's products, their stock and the warehouses.
// Cells named in keep show the typed value and error given instead of the
// stored one, with the stored value and version underneath.
func (ui *UI) loadGrid(ctx context.Context, p *page, d *gridData, keep map[string]gridCell) error {
	q := catalog.ListQuery{Q: d.Q, Cursor: d.Cursor, Limit: gridProducts}
	products, next, err := ui.d.Store.ListProducts(ctx, q)
	if err != nil {
		return err
	}
	d.Next = next
	var warehouses []catalog.Warehouse
	d.CanStock = p.Can(string(catalog.PermStockAdjust))
	if d.CanStock {
		wq := catalog.ListQuery{Limit: catalog.MaxLimit}
		for {
			page, next, err := ui.d.Store.ListWarehouses(ctx, wq)
			if err != nil {
				return err
			}
			warehouses = append(warehouses, page...)
			if next == "" {
				break
			}
			wq.Cursor = next
		}
	}
	seen := map[string]bool{}
	for _, w := range warehouses {
		if !seen[w.Code] {
			seen[w.Code] = true
			d.Codes = append(d.Codes, w.Code)
		}
	}
	sort.Strings(d.Codes)
	var ids []int64
	for _, pr := range products {
		for _, v := range pr.Variants {
			ids = append(ids, v.ID)
		}
	}
	levels := map[int64][]catalog.StockLevel{}
	if d.CanStock && len(ids) > 0 {
		if levels, err = ui.d.Store.StockLevelsOf(ctx, ids); err != nil {
			return err
		}
	}
	d.Rows = d.Rows[:0]
	for _, pr := range products {
		for _, v := range pr.Variants {
			row := gridRow{ProductID: pr.ID, Product: pr.Name, Variant: v}
			row.Price = gridCell{Name: priceField(v.ID), Value: strconv.FormatInt(int64(v.Price), 10),
				Version: strconv.FormatInt(pr.Version, 10)}
			row.Price.Was = row.Price.Value
			row.Price = kept(row.Price, keep)
			for _, code := range d.Codes {
				cell := gridCell{}
				for _, w := range warehouses {
					if w.CoopID != pr.CoopID || w.Code != code {
						continue
					}
					l := catalog.StockLevel{}
					for _, lv := range levels[v.ID] {
						if lv.WarehouseID == w.ID {
							l = lv
						}
					}
					cell = gridCell{Name: stockField(v.ID, w.ID), Value: strconv.FormatInt(l.OnHand, 10),
						Was: strconv.FormatInt(l.OnHand, 10), Version: strconv.FormatInt(l.Version, 10), Held: l.Reserved + l.Held}
					cell = kept(cell, keep)
				}
				row.Stock = append(row.Stock, cell)
			}
			d.Rows = append(d.Rows, row)
		}
	}
	return nil
}

// kept is cell with a refused cell's typed value and error, if any.
func kept(cell gridCell, keep map[string]gridCell) gridCell {
	if k, ok := keep[cell.Name]; ok {
		cell.Value, cell.Error = k.Value, k.Error
	}
	return cell
}

// gridSave saves the cells a person changed, each through the path the API
// uses: prices by UpdateProduct at the product version the page showed
// (several prices of one product in one update), stock by ChangeStock at
// the level version the page showed (catalog.SetOnHand). A refused cell
// does not stop the others; the page comes back with every refused cell's
// typed value and its reason beside it.
func (ui *UI) gridSave(c *gin.Context) {
	ctx := c.Request.Context()
	f, p := ui.postedForm(c, "products", "grid.title")
	d := &gridData{Q: f.Value("q"), Cursor: f.Value("cursor")}
	p.Data = d
	actor := "web:" + p.User.Name
	refused := map[string]gridCell{}
	refuse := func(name, msg string) { refused[name] = gridCell{Value: f.Value(name), Error: msg} }

	// Prices, grouped by product.
	type priceEdit struct {
		field   string
		variant int64
		price   catalog.VND
	}
	byProduct := map[int64][]priceEdit{}
	for _, name := range sortedFields(f, "p.") {
		typed, was := strings.TrimSpace(f.Value(name)), f.Value("pw."+name[2:])
		variantID, _ := strconv.ParseInt(name[2:], 10, 64)
		productID, _ := strconv.ParseInt(f.Value("pp."+name[2:]), 10, 64)
		price, err := catalog.ParseVND(typed)
		switch {
		case err != nil || price <= 0:
			refuse(name, p.T("grid.bad_price"))
		case strconv.FormatInt(int64(price), 10) == was:
		default:
			byProduct[productID] = append(byProduct[productID], priceEdit{name, variantID, price})
		}
	}
	for productID, edits := range byProduct {
		pr, err := ui.d.Store.Product(ctx, productID)
		if err != nil {
			ui.fail(c, err)
			return
		}
		pr.Version, _ = strconv.ParseInt(f.Value(fmt.Sprintf("pv.%d", productID)), 10, 64)
		index := map[int64]int{}
		for i, v := range pr.Variants {
			index[v.ID] = i
		}
		for _, e := range edits {
			if i, ok := index[e.variant]; ok {
				pr.Variants[i].Price = e.price
			}
		}
		err = ui.d.Store.UpdateProduct(ctx, &pr)
		switch catalog.ErrorCode(err) {
		case "":
			d.Saved += len(edits)
		case catalog.CodeConflict:
			for _, e := range edits {
				refuse(e.field, p.T("grid.price_conflict"))
			}
		case catalog.CodeInvalidArgument:
			for _, e := range edits {
				refuse(e.field, p.T("grid.bad_price"))
			}
		default:
			ui.fail(c, err)
			return
		}
	}

	// Stock, one locked change per cell.
	for _, name := range sortedFields(f, "s.") {
		typed := strings.TrimSpace(f.Value(name))
		var variantID, warehouseID int64
		if _, err := fmt.Sscanf(name, "s.%d.%d", &variantID, &warehouseID); err != nil {
			continue
		}
		was, _ := strconv.ParseInt(f.Value("sw."+name[2:]), 10, 64)
		version, _ := strconv.ParseInt(f.Value("sv."+name[2:]), 10, 64)
		want, err := strconv.ParseInt(strings.NewReplacer(".", "", ",", "", " ", "").Replace(typed), 10, 64)
		if err != nil || want < 0 {
			refuse(name, p.T("grid.bad_stock"))
			continue
		}
		change := catalog.SetOnHand(variantID, warehouseID, was, version, want, actor)
		if change == nil {
			continue
		}
		_, err = ui.d.Store.ChangeStock(ctx, *change)
		switch catalog.ErrorCode(err) {
		case "":
			d.Saved++
		case catalog.CodeConflict:
			refuse(name, p.T("grid.stock_conflict"))
		case catalog.CodeInsufficientStock:
			refuse(name, p.T("grid.stock_below_orders"))
		default:
			ui.fail(c, err)
			return
		}
	}

	if d.Saved > 0 {
		ui.d.Wake()
	}
	if len(refused) == 0 {
		back(c, gridURL(d.Q, d.Cursor), "grid_saved")
		return
	}
	d.Refused = len(refused)
	for name, cell := range refused {
		cell.Name = name
		refused[name] = cell
	}
	if err := ui.loadGrid(ctx, p, d, refused); err != nil {
		ui.fail(c, err)
		return
	}
	ui.render(c, http.StatusUnprocessableEntity, "grid", p)
}

// sortedFields are the posted field names with prefix, in a stable order.
func sortedFields(f *form, prefix string) []string {
	var names []string
	for name := range f.values {
		if strings.HasPrefix(name, prefix) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

func gridURL(q, cursor string) string {
	v := url.Values{}
	if q != "" {
		v.Set("q", q)
	}
	if cursor != "" {
		v.Set("cursor", cursor)
	}
	if len(v) == 0 {
		return "/products/grid"
	}
	return "/products/grid?" + v.Encode()
}

// ProductOf is the product of the variant whose price cell has key (the
// variant id), for the hidden product fields.
func (d *gridData) ProductOf(key string) int64 {
	for _, r := range d.Rows {
		if strconv.FormatInt(r.Variant.ID, 10) == key {
			return r.ProductID
		}
	}
	return 0
}

// Key is the cell's name without its prefix: the suffix of its hidden
// fields (pw., sw., sv.).
func (c gridCell) Key() string {
	_, key, _ := strings.Cut(c.Name, ".")
	return key
}
