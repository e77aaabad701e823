package sandbox

import (
	"html/template"
	"net/http"
	"strconv"
)

// AuthRequest is a parsed authorization request of a front.
type AuthRequest struct {
	AppKey   string
	Redirect string
	// Approved returns where to send the browser once the seller approved
	// shop with code (the front adds its own query parameters).
	Approved func(code string, shopID int64) string
}

var authPage = template.Must(template.New("auth").Parse(`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{.Platform}} sandbox — Ủy quyền ứng dụng</title>
<style>body{font-family:system-ui,sans-serif;max-width:30rem;margin:2rem auto;padding:0 1rem}
label{display:block;padding:.8rem;border:1px solid #ccc;border-radius:.5rem;margin:.5rem 0}
button{font-size:1.1rem;padding:.8rem 1.5rem;border-radius:.5rem;border:0;background:#ee4d2d;color:#fff}</style></head>
<body><h1>{{.Platform}} sandbox</h1>
<p>Ứng dụng <b>{{.App}}</b> xin quyền quản lý sản phẩm, tồn kho và đơn hàng của shop. Chọn shop thử nghiệm và bấm Đồng ý.</p>
<form method="post">
{{range .Shops}}<label><input type="radio" name="shop_id" value="{{.ID}}" required> {{.Name}} (ID {{.ID}})</label>
{{else}}<p>Chưa có shop thử nghiệm: tạo bằng POST /_sandbox/shops.</p>{{end}}
<button type="submit" name="approve" value="1" id="approve">Đồng ý</button>
</form></body></html>`))

// ServeAuthorizePage shows the shop picker on GET and, on POST, issues a
// code and redirects to the app. No password: it is a sandbox.
func (e *Engine) ServeAuthorizePage(w http.ResponseWriter, r *http.Request, req AuthRequest) {
	if _, ok := e.App(req.AppKey); !ok {
		http.Error(w, "unknown app / ứng dụng không tồn tại: "+req.AppKey, http.StatusBadRequest)
		return
	}
	if r.Method == http.MethodPost {
		shopID, err := strconv.ParseInt(r.PostFormValue("shop_id"), 10, 64)
		if err != nil {
			http.Error(w, "choose a shop / hãy chọn shop", http.StatusBadRequest)
			return
		}
		code, err := e.IssueCode(req.AppKey, shopID, req.Redirect)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		http.Redirect(w, r, req.Approved(code, shopID), http.StatusFound)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = authPage.Execute(w, map[string]any{"Platform": e.cfg.Platform, "App": req.AppKey, "Shops": e.ShopViews()})
}
