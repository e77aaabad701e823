package webui_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"ocophub/catalog"
)

// TestExportAndGridJourney: a co-op manager exports the search they are
// looking at, changes a price in the file and imports it back; then edits
// prices and stock on the grid while an order moves one of the levels: the
// good cells are saved, the refused ones come back with what was typed and
// a Vietnamese reason beside each, and a second save settles them.
// Screenshots of the grid at desktop and phone sizes.
func TestExportAndGridJourney(t *testing.T) {
	h := startHub(t, true)
	h.addUser(t, "haodat", catalog.RoleCoopManager, "HTX-HAODAT")
	tab := newTab(t)
	login(t, tab, h.url, "haodat", "/products")

	// The export follows the search on the list.
	do(t, tab, chromedp.SendKeys(chromedp.CSS("#q"), "hao dat\n"))
	// The list before the search has the links too: wait for the search's page.
	eventually(t, "the search's page", func() error {
		if href := eval[string](t, tab, `document.querySelector("#export-csv")?.getAttribute("href") ?? ""`); href != "/api/v1/products/export?format=csv&q=hao%20dat" {
			return fmt.Errorf("export link %q", href)
		}
		return nil
	})
	require.Contains(t, eval[string](t, tab, `document.querySelector("#export-xlsx").getAttribute("href")`), "format=xlsx")
	do(t, tab, chromedp.Evaluate[chromedp.Void](`window.exported = ""; fetch(document.querySelector("#export-csv").href)
		.then(r => r.text()).then(s => window.exported = s)`))
	var exported string
	eventually(t, "the export downloads", func() error {
		exported = eval[string](t, tab, `window.exported`)
		if exported == "" {
			return fmt.Errorf("not yet")
		}
		return nil
	})
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix([]byte(exported), []byte("\ufeff")))).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 4, "the header and the three variants of Hảo Đạt")
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	require.Contains(t, col, "stock@MAIN")
	sku := rows[1][col["sku"]]
	rows[1][col["price_vnd"]] = "97000"
	stocked := rows[2][col["sku"]]
	was, err := strconv.ParseInt(rows[2][col["stock@MAIN"]], 10, 64)
	require.NoError(t, err)
	rows[2][col["stock@MAIN"]] = strconv.FormatInt(was+5, 10)
	var edited bytes.Buffer
	require.NoError(t, csv.NewWriter(&edited).WriteAll(rows))
	file := filepath.Join(t.TempDir(), "san-pham.csv")
	require.NoError(t, os.WriteFile(file, edited.Bytes(), 0o644))
	do(t, tab, chromedp.Navigate(h.url+"/import"), chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{file}),
		chromedp.Click(chromedp.CSS("#check")), chromedp.WaitVisible(chromedp.CSS("#import-ok")))
	require.Contains(t, text(t, tab, "#import-ok"), "1 sản phẩm thay đổi")
	require.Contains(t, text(t, tab, "#import-stock"), "1 ô tồn kho")
	do(t, tab, chromedp.Click(chromedp.CSS("#confirm")), chromedp.WaitVisible(chromedp.CSS("#import-done")))
	require.Equal(t, catalog.VND(97000), h.variant(t, sku).Price)
	levels, err := h.st.StockLevels(h.ctx, h.variant(t, stocked).ID)
	require.NoError(t, err)
	require.Len(t, levels, 1)
	require.Equal(t, was+5, levels[0].OnHand, "the edited stock cell is applied")

	// The grid, reached from the list with the search kept.
	do(t, tab, chromedp.Navigate(h.url+"/products?q=hao+dat"), chromedp.Click(chromedp.CSS("#grid-link")),
		chromedp.WaitVisible(chromedp.CSS("#grid")))
	found, _, err := h.st.ListProducts(h.ctx, catalog.ListQuery{Q: "hao dat"})
	require.NoError(t, err)
	require.Len(t, found, 1)
	p := found[0]
	require.Len(t, p.Variants, 3)
	v0, v1, v2 := p.Variants[0], p.Variants[1], p.Variants[2]
	wh := h.warehouse(t, "HTX-HAODAT")
	stock := func(v catalog.Variant) catalog.StockLevel {
		levels, err := h.st.StockLevels(h.ctx, v.ID)
		require.NoError(t, err)
		for _, l := range levels {
			if l.WarehouseID == wh {
				return l
			}
		}
		return catalog.StockLevel{}
	}
	before2 := stock(v2)
	price := func(v catalog.Variant) string { return fmt.Sprintf(`[name="p.%d"]`, v.ID) }
	onHand := func(v catalog.Variant) string { return fmt.Sprintf(`[name="s.%d.%d"]`, v.ID, wh) }

	// While the page is open, an order reserves 2 of the third variant.
	_, err = h.st.ChangeStock(h.ctx, catalog.StockChange{Op: catalog.OpReserve, VariantID: v2.ID, WarehouseID: wh,
		Quantity: 2, Actor: "order:lazada", OrderRef: "LZ-77"})
	require.NoError(t, err)

	do(t, tab,
		chromedp.SetValue(chromedp.CSS(price(v0)), "99.000"),   // saved
		chromedp.SetValue(chromedp.CSS(onHand(v0)), "140"),     // saved
		chromedp.SetValue(chromedp.CSS(price(v1)), "một trăm"), // refused: not a price
		chromedp.SetValue(chromedp.CSS(onHand(v2)), "55"),      // refused: the order moved the level
		chromedp.Click(chromedp.CSS("#grid-save")), chromedp.WaitVisible(chromedp.CSS("#grid-message")))
	msg := text(t, tab, "#grid-message")
	require.Contains(t, msg, "Đã lưu 2 ô")
	require.Contains(t, msg, "2 ô chưa lưu được")
	require.Contains(t, msg, "các ô khác đã được lưu")
	require.Contains(t, text(t, tab, fmt.Sprintf(`[id="err-p.%d"]`, v1.ID)), "Giá phải là số đồng")
	require.Contains(t, text(t, tab, fmt.Sprintf(`[id="err-s.%d.%d"]`, v2.ID, wh)), "Tồn kho vừa thay đổi")
	value := func(sel string) string {
		v, err := chromedp.Run(tab, chromedp.Value(chromedp.CSS(sel)))
		require.NoError(t, err)
		return v
	}
	require.Equal(t, "một trăm", value(price(v1)), "what was typed is kept")
	require.Equal(t, "55", value(onHand(v2)), "what was typed is kept")
	require.Equal(t, "99000", value(price(v0)), "a saved cell shows the stored value")
	require.Equal(t, catalog.VND(99000), h.variant(t, string(v0.SKU)).Price)
	require.Equal(t, int64(140), stock(v0).OnHand)
	require.Equal(t, v1.Price, h.variant(t, string(v1.SKU)).Price)
	require.Equal(t, before2.OnHand, stock(v2).OnHand, "a refused stock cell changes nothing")
	require.Contains(t, text(t, tab, fmt.Sprintf(`[data-sku="%s"]`, v2.SKU)), "đang giữ cho đơn hàng: 2")
	gridShots(t, tab, "grid-refused")

	// Fixed and saved again: the price, and the count over the moved level.
	do(t, tab, chromedp.SetValue(chromedp.CSS(price(v1)), "185000"), chromedp.Click(chromedp.CSS("#grid-save")),
		chromedp.WaitVisible(chromedp.CSS("#flash")))
	require.Contains(t, text(t, tab, "#flash"), "Đã lưu các ô đã sửa")
	require.Equal(t, catalog.VND(185000), h.variant(t, string(v1.SKU)).Price)
	after2 := stock(v2)
	require.Equal(t, int64(55), after2.OnHand)
	require.Equal(t, int64(2), after2.Reserved, "the order's reservation stays")
	require.Equal(t, "185000", value(price(v1)))
	screenshots(t, tab, h.url+"/products/grid?q=hao+dat", "grid")
	screenshots(t, tab, h.url+"/products?q=hao+dat", "products-export")
}

// gridShots saves the page as it is (a refused save cannot be reloaded) at
// desktop and phone sizes and fails if the phone page scrolls sideways.
func gridShots(t *testing.T, tab context.Context, name string) {
	t.Helper()
	for _, s := range sizes {
		opts := []chromedp.EmulateViewportOption{}
		if s.mobile {
			opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateScale(1))
		}
		do(t, tab, chromedp.EmulateViewport(s.width, s.height, opts...))
		png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(artefacts(t), name+"-"+s.name+".png"), png, 0o644))
		if s.mobile {
			wide := eval[bool](t, tab, `document.documentElement.scrollWidth > document.documentElement.clientWidth`)
			require.False(t, wide, "%s scrolls sideways at %s", name, strconv.Itoa(int(s.width)))
		}
	}
	do(t, tab, chromedp.EmulateViewport(1280, 800))
}

// variant is the stored variant with sku.
func (h *hub) variant(t *testing.T, sku string) catalog.Variant {
	t.Helper()
	ps, _, err := h.st.ListProducts(h.ctx, catalog.ListQuery{Q: sku})
	require.NoError(t, err)
	for _, p := range ps {
		for _, v := range p.Variants {
			if string(v.SKU) == sku {
				return v
			}
		}
	}
	t.Fatalf("no variant %s", sku)
	return catalog.Variant{}
}

// warehouse is the id of the co-op's first warehouse.
func (h *hub) warehouse(t *testing.T, coopCode string) int64 {
	t.Helper()
	whs, _, err := h.st.ListWarehouses(h.ctx, catalog.ListQuery{Limit: catalog.MaxLimit})
	require.NoError(t, err)
	coops, _, err := h.st.ListCoops(h.ctx, catalog.ListQuery{Limit: catalog.MaxLimit})
	require.NoError(t, err)
	for _, c := range coops {
		if c.Code != coopCode {
			continue
		}
		for _, w := range whs {
			if w.CoopID == c.ID {
				return w.ID
			}
		}
	}
	t.Fatalf("no warehouse of %s", coopCode)
	return 0
}
