package webui_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/photo"
)

// TestPhotosOnAPhone: on a 390 px screen the manager adds photos to a
// product; a PDF renamed .jpg, a 0-byte file, a 40 MB photo and a 10×10
// image are each refused with a Vietnamese message beside the field and
// store nothing; a real photo uploads with progress; the photos move and
// go; the list and the public page show the cover.
func TestPhotosOnAPhone(t *testing.T) {
	h := startHub(t, true)
	h.addUser(t, "quanly.haodat", catalog.RoleCoopManager, "HTX-HAODAT")
	product, err := h.productByCode("CHE-HAODAT")
	require.NoError(t, err)
	productURL := fmt.Sprintf("%s/products/%d", h.url, product.ID)
	tab := newTab(t)
	login(t, tab, h.url, "quanly.haodat", fmt.Sprintf("/products/%d", product.ID))
	do(t, tab, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(1)), chromedp.Navigate(productURL))
	require.Equal(t, 1, eval[int](t, tab, `document.querySelectorAll('#gallery .photo').length`), "the demo cover")
	require.Equal(t, "image/*", eval[string](t, tab, `document.querySelector('#photo-file').accept`))
	require.True(t, eval[bool](t, tab, `document.querySelector('#photo-file').multiple && document.querySelector('#photo-file').hasAttribute('capture')`))

	dir := t.TempDir()
	file := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, data, 0o644))
		return p
	}
	gallery := func() int {
		g, err := h.st.ProductImages(h.ctx, product.ID)
		require.NoError(t, err)
		return len(g)
	}
	for _, c := range []struct {
		path, want string
	}{
		{file("giay-chung-nhan.jpg", append([]byte("%PDF-1.7\n"), make([]byte, 5000)...)), "không phải ảnh JPEG, PNG hoặc WebP"},
		{file("rong.jpg", nil), "trống (0 byte)"},
		{file("anh-40mb.jpg", append(photo.Sample(600, 600, "jpeg"), make([]byte, 40<<20)...)), "quá lớn: mỗi ảnh tối đa 20 MB"},
		{file("nho.png", photo.Sample(10, 10, "png")), "quá nhỏ: mỗi cạnh phải từ 500 px"},
	} {
		do(t, tab, chromedp.Navigate(productURL), chromedp.SetUploadFiles(`#photo-file`, []string{c.path}),
			chromedp.Click(chromedp.CSS("#photo-send")), chromedp.WaitVisible(chromedp.CSS("#err-photo-file")))
		msg := text(t, tab, "#err-photo-file")
		require.Contains(t, msg, c.want, filepath.Base(c.path))
		require.Contains(t, msg, filepath.Base(c.path), "the message names the file")
		require.Equal(t, "true", eval[string](t, tab, `document.querySelector('#photo-file').getAttribute('aria-invalid')`))
		require.Equal(t, 1, gallery(), "%s stored nothing", filepath.Base(c.path))
	}
	// The last refusal as the phone shows it, message beside the field.
	shot, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(artefacts(t), "photos-refused-phone.png"), shot, 0o644))

	// Two real photos at once; the upload shows its progress bar.
	good := file("che-tan-cuong.jpg", photo.Sample(800, 600, "jpeg"))
	second := file("hop-che.png", photo.Sample(500, 500, "png"))
	do(t, tab, chromedp.Navigate(productURL), chromedp.SetUploadFiles(`#photo-file`, []string{good, second}),
		chromedp.Click(chromedp.CSS("#photo-send")))
	// Processing takes a moment (longer under -race): wait for the page
	// the upload sends the browser to.
	eventually(t, "the upload's page", func() error {
		if eval[bool](t, tab, `!!document.querySelector('#flash')`) {
			return nil
		}
		return fmt.Errorf("no flash yet")
	})
	require.Contains(t, text(t, tab, "#flash"), "Đã thêm ảnh")
	require.Equal(t, 3, gallery())
	require.Equal(t, 3, eval[int](t, tab, `document.querySelectorAll('#gallery .photo').length`))
	require.Contains(t, text(t, tab, "#gallery"), "800×600")

	// The last becomes the cover by moving it up twice; then it is deleted.
	images, err := h.st.ProductImages(h.ctx, product.ID)
	require.NoError(t, err)
	last := images[2].ID
	for range 2 {
		do(t, tab, chromedp.Navigate(productURL), chromedp.Click(chromedp.CSS(fmt.Sprintf("#photo-%d .photo-up", last))), chromedp.WaitVisible(chromedp.CSS("#flash")))
		require.Contains(t, text(t, tab, "#flash"), "Đã đổi thứ tự ảnh")
	}
	images, err = h.st.ProductImages(h.ctx, product.ID)
	require.NoError(t, err)
	require.Equal(t, last, images[0].ID, "moved to the cover")
	require.Contains(t, text(t, tab, fmt.Sprintf("#photo-%d", last)), "Ảnh bìa")
	screenshots(t, tab, productURL, "photos-gallery")
	do(t, tab, chromedp.Navigate(productURL), chromedp.Click(chromedp.CSS(fmt.Sprintf("#photo-%d .photo-delete", last))), chromedp.WaitVisible(chromedp.CSS("#flash")))
	require.Contains(t, text(t, tab, "#flash"), "Đã xoá ảnh")
	require.Equal(t, 2, gallery())

	// The cover in the product list and on the public page.
	do(t, tab, chromedp.Navigate(h.url+"/products?q=CHE-HAODAT"))
	src := eval[string](t, tab, `document.querySelector('#product-list img.cover').getAttribute('src')`)
	require.Regexp(t, `^/media/[0-9a-f]{64}\.jpg$`, src)
	require.True(t, eval[bool](t, tab, `(() => { const i = document.querySelector('#product-list img.cover'); return i.complete && i.naturalWidth === 320; })()`), "the thumbnail loads")
	do(t, tab, chromedp.Navigate(h.url+"/p/"+string(product.Variants[0].GTIN)))
	require.True(t, eval[bool](t, tab, `(() => { const i = document.querySelector('#cover'); return !!i && i.complete && i.naturalWidth === 1024; })()`), "the public page shows the cover")
}
