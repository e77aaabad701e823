package webui_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"ocophub/catalog"
)

// TestProductEditorJourney: a co-op manager on a phone adds a product in
// the hub: three variants (rows added with "Thêm loại hàng"), SKUs
// suggested from the product code, a barcode with a wrong check digit
// refused beside its field with everything typed kept, opening stock in
// the co-op's warehouse; then edits a variant's package, and archives the
// product (out of the list, history kept) and restores it.
func TestProductEditorJourney(t *testing.T) {
	h := startHub(t, true)
	h.addUser(t, "quanly", catalog.RoleCoopManager, "HTX-HAODAT")
	tab := newTab(t)
	login(t, tab, h.url, "quanly", "/products")
	screenshots(t, tab, h.url+"/products/new", "product-new")
	do(t, tab, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(1)),
		chromedp.Navigate(h.url+"/products"), chromedp.WaitVisible(chromedp.CSS("#add-product")))

	do(t, tab, chromedp.Click(chromedp.CSS("#add-product")), chromedp.WaitVisible(chromedp.CSS("#save")))
	require.Contains(t, text(t, tab, "h1"), "Thêm sản phẩm")
	field := func(name string) chromedp.CSS { return chromedp.CSS(`[id="f-` + name + `"]`) }
	do(t, tab,
		chromedp.SetValue(field("code"), "mat-ong-rung"),
		chromedp.SetValue(field("name.vi"), "Mật ong rừng Tân Cương"),
		chromedp.SetValue(field("name.en"), "Tan Cuong wild honey"),
		chromedp.SetValue(field("description.vi"), "Mật ong rừng nguyên chất, khai thác thủ công."),
		chromedp.SetValue(field("group"), "food"),
		chromedp.SetValue(field("stars"), "4"),
		chromedp.SetValue(field("certificate.number"), "OCOP-TN-2025-117"),
		chromedp.SetValue(field("certificate.certified_on"), "15/03/2025"),
		chromedp.SetValue(field("origin.commune"), "Xã Tân Cương"),
		chromedp.SetValue(field("variants[0].name.vi"), "Chai 250 ml"),
		chromedp.SetValue(field("variants[0].price"), "120.000"),
		chromedp.SetValue(field("variants[0].net_weight_g"), "330"),
		chromedp.Click(chromedp.CSS("#add-variant")), chromedp.WaitVisible(field("variants[1].name.vi")))
	do(t, tab,
		chromedp.SetValue(field("variants[1].name.vi"), "Chai 500 ml"),
		chromedp.SetValue(field("variants[1].price"), "220.000"),
		chromedp.Click(chromedp.CSS("#add-variant")), chromedp.WaitVisible(field("variants[2].name.vi")))
	require.Equal(t, "Chai 250 ml", inputValue(t, tab, "variants[0].name.vi"), "adding a row keeps what was typed")
	require.Equal(t, "MAT-ONG-RUNG-3", attr(t, tab, `[id="f-variants[2].sku"]`, "placeholder"), "the SKU suggested from the code")
	body := "893600000999"
	bad := body + string('0'+(catalog.GTINCheckDigit(body)-'0'+1)%10)
	do(t, tab,
		chromedp.SetValue(field("variants[2].name.vi"), "Hũ 1 kg"),
		chromedp.SetValue(field("variants[2].price"), "390.000"),
		chromedp.SetValue(field("variants[2].gtin13"), bad),
		chromedp.SetValue(chromedp.CSS(`[id^="f-variants[0].opening."]`), "20"),
		chromedp.Click(chromedp.CSS("#save")), chromedp.WaitVisible(chromedp.CSS("#form-message")))
	require.Contains(t, text(t, tab, `[id="err-variants[2].gtin13"]`), "số cuối đúng")
	require.Equal(t, "Mật ong rừng Tân Cương", inputValue(t, tab, "name.vi"), "nothing typed is lost")
	require.Equal(t, "Hũ 1 kg", inputValue(t, tab, "variants[2].name.vi"))
	require.Equal(t, bad, inputValue(t, tab, "variants[2].gtin13"))
	_, err := h.productByCode("MAT-ONG-RUNG")
	require.Error(t, err, "a refused form stores nothing")
	png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(artefacts(t), "product-new-refused-phone.png"), png, 0o644))

	do(t, tab, chromedp.SetValue(field("variants[2].gtin13"), body+string(catalog.GTINCheckDigit(body))),
		chromedp.Click(chromedp.CSS("#save")), chromedp.WaitVisible(chromedp.CSS("#flash")))
	require.Contains(t, text(t, tab, "#flash"), "Đã tạo sản phẩm")
	p, err := h.productByCode("MAT-ONG-RUNG")
	require.NoError(t, err)
	require.Len(t, p.Variants, 3)
	for i, v := range p.Variants {
		require.Equal(t, catalog.SuggestSKU("MAT-ONG-RUNG", i+1), v.SKU)
	}
	require.Equal(t, catalog.VND(390000), p.Variants[2].Price)
	require.Equal(t, catalog.Origin{Province: "Thái Nguyên", Commune: "Xã Tân Cương"}, p.Origin, "the co-op's province by default")
	require.Equal(t, catalog.NewDate(2028, 3, 15), p.Certificate.ExpiresOn)
	require.Equal(t, "20", text(t, tab, `[data-sku="MAT-ONG-RUNG-1"] .available`), "the opening stock")
	screenshots(t, tab, h.url+"/products/"+itoa(p.ID), "product-created")

	// Edit: the second variant's package; its SKU is fixed once saved.
	do(t, tab, chromedp.Navigate(h.url+"/products/"+itoa(p.ID)+"/edit"), chromedp.WaitVisible(chromedp.CSS("#save")))
	require.Zero(t, eval[int](t, tab, `document.querySelectorAll('[id="f-variants[1].sku"]').length`), "a saved SKU is not editable")
	do(t, tab,
		chromedp.SetValue(field("variants[1].package.length_mm"), "80"),
		chromedp.SetValue(field("variants[1].package.width_mm"), "80"),
		chromedp.SetValue(field("variants[1].package.height_mm"), "190"),
		chromedp.SetValue(field("variants[1].package.weight_g"), "abc"),
		chromedp.Click(chromedp.CSS("#save")), chromedp.WaitVisible(chromedp.CSS("#form-message")))
	require.Contains(t, text(t, tab, `[id="err-variants[1].package.weight_g"]`), "số nguyên")
	do(t, tab, chromedp.SetValue(field("variants[1].package.weight_g"), "720"),
		chromedp.Click(chromedp.CSS("#save")), chromedp.WaitVisible(chromedp.CSS("#flash")))
	p, err = h.productByCode("MAT-ONG-RUNG")
	require.NoError(t, err)
	require.Equal(t, catalog.Dimensions{LengthMM: 80, WidthMM: 80, HeightMM: 190, WeightG: 720}, p.Variants[1].Package)
	require.Equal(t, "Chai 500 ml", p.Variants[1].Name.VI, "the rest is as it was")

	// Archive, then restore.
	do(t, tab, chromedp.Click(chromedp.CSS("#archive")), chromedp.WaitVisible(chromedp.CSS("#archived-note")))
	require.Contains(t, text(t, tab, "#flash"), "gỡ khỏi mọi sàn")
	do(t, tab, chromedp.Navigate(h.url+"/products?q=mat ong rung"), chromedp.WaitVisible(chromedp.CSS("h1")))
	require.NotContains(t, text(t, tab, "main"), "Mật ong rừng Tân Cương", "archived: out of the list")
	do(t, tab, chromedp.Click(chromedp.CSS("#archived-products")), chromedp.WaitVisible(chromedp.CSS("#product-list")))
	require.Contains(t, text(t, tab, "#product-list"), "Mật ong rừng Tân Cương")
	do(t, tab, chromedp.Click(chromedp.CSS("#product-list a")), chromedp.WaitVisible(chromedp.CSS("#restore")),
		chromedp.Click(chromedp.CSS("#restore")), chromedp.WaitVisible(chromedp.CSS("#archive")))
	p, err = h.productByCode("MAT-ONG-RUNG")
	require.NoError(t, err)
	require.False(t, p.Archived())
}

// inputValue is an editor input's current value.
func inputValue(t *testing.T, tab context.Context, name string) string {
	t.Helper()
	return strings.TrimSpace(eval[string](t, tab, `document.getElementById(`+strconv.Quote("f-"+name)+`).value`))
}

// attr is an attribute of the element sel finds.
func attr(t *testing.T, tab context.Context, sel, name string) string {
	t.Helper()
	return eval[string](t, tab, `document.querySelector(`+strconv.Quote(sel)+`).getAttribute(`+strconv.Quote(name)+`)`)
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
