package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// ControlHandler serves the control API under /_sandbox/: what a test, a
// benchmark or a person at the demo uses to set the marketplace up and to
// play the buyer. It is JSON in and out; errors are {"error": "..."}.
//
//	POST /_sandbox/shops                      {"name","region"} → shop
//	GET  /_sandbox/shops                      → shops
//	GET  /_sandbox/state                      → State
//	POST /_sandbox/shops/{shop}/faults        Faults
//	POST /_sandbox/shops/{shop}/expire_tokens → {"expired": n}
//	POST /_sandbox/shops/{shop}/push          {"enabled"}
//	POST /_sandbox/shops/{shop}/orders        {"lines":[{"seller_sku","sku_id","quantity"}],"buyer","status"} → Order
//	POST /_sandbox/shops/{shop}/orders/{sn}/status {"status","reason"} → Order
//	POST /_sandbox/shops/{shop}/buyers        BuyerSpec → BuyerResult
//	POST /_sandbox/shops/{shop}/reserved      {"seller_sku","reserved"} → SKU
//	POST /_sandbox/push                       {"url","enabled"}
//	POST /_sandbox/lifetimes                  {"code_s","access_s","refresh_s"}
//	POST /_sandbox/authorize                  {"shop_id","app_key","redirect"} → {"code"} (the authorization page without a browser)
func ControlHandler(e *Engine) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /_sandbox/shops", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Name, Region string }
		if decode(w, r, &in) {
			if in.Name == "" {
				in.Name = "Shop thử nghiệm"
			}
			reply(w, http.StatusCreated, e.CreateShop(in.Name, in.Region))
		}
	})
	mux.HandleFunc("GET /_sandbox/shops", func(w http.ResponseWriter, r *http.Request) {
		reply(w, http.StatusOK, e.ShopViews())
	})
	mux.HandleFunc("GET /_sandbox/state", func(w http.ResponseWriter, r *http.Request) {
		reply(w, http.StatusOK, e.State())
	})
	// The bytes of an uploaded image, as the platform keeps them.
	mux.HandleFunc("GET /_sandbox/images/{id}", func(w http.ResponseWriter, r *http.Request) {
		data, info, ok := e.Image(r.PathValue("id"))
		if !ok {
			reply(w, http.StatusNotFound, map[string]string{"error": "no such image"})
			return
		}
		w.Header().Set("Content-Type", "image/"+info.Format)
		_, _ = w.Write(data)
	})
	mux.HandleFunc("POST /_sandbox/shops/{shop}/faults", withShop(func(w http.ResponseWriter, r *http.Request, shop int64) {
		var f Faults
		if decode(w, r, &f) {
			replyErr(w, e.SetFaults(shop, f), map[string]any{"shop_id": shop, "faults": f})
		}
	}))
	mux.HandleFunc("POST /_sandbox/shops/{shop}/expire_tokens", withShop(func(w http.ResponseWriter, r *http.Request, shop int64) {
		reply(w, http.StatusOK, map[string]int{"expired": e.ExpireTokens(shop)})
	}))
	mux.HandleFunc("POST /_sandbox/shops/{shop}/push", withShop(func(w http.ResponseWriter, r *http.Request, shop int64) {
		var in struct{ Enabled bool }
		if decode(w, r, &in) {
			replyErr(w, e.SetShopPush(shop, in.Enabled), map[string]any{"shop_id": shop, "push_enabled": in.Enabled})
		}
	}))
	mux.HandleFunc("POST /_sandbox/shops/{shop}/orders", withShop(func(w http.ResponseWriter, r *http.Request, shop int64) {
		var in struct {
			Buyer  string `json:"buyer"`
			Status string `json:"status"`
			Lines  []struct {
				SellerSKU string `json:"seller_sku"`
				SKUID     int64  `json:"sku_id"`
				Quantity  int64  `json:"quantity"`
			} `json:"lines"`
		}
		if !decode(w, r, &in) {
			return
		}
		buys := make([]Buy, len(in.Lines))
		for i, l := range in.Lines {
			buys[i] = Buy{SKU: SKURef{ID: l.SKUID, SellerSKU: l.SellerSKU}, Quantity: l.Quantity}
		}
		if in.Buyer == "" {
			in.Buyer = "buyer"
		}
		o, err := e.PlaceOrder(shop, in.Buyer, buys, in.Status)
		replyErr(w, err, o)
	}))
	mux.HandleFunc("POST /_sandbox/shops/{shop}/orders/{sn}/status", withShop(func(w http.ResponseWriter, r *http.Request, shop int64) {
		var in struct{ Status, Reason string }
		if decode(w, r, &in) {
			o, err := e.SetOrderStatus(shop, r.PathValue("sn"), in.Status, in.Reason)
			replyErr(w, err, o)
		}
	}))
	mux.HandleFunc("POST /_sandbox/shops/{shop}/buyers", withShop(func(w http.ResponseWriter, r *http.Request, shop int64) {
		var spec BuyerSpec
		if decode(w, r, &spec) {
			res, err := e.SimulateBuyers(r.Context(), shop, spec)
			replyErr(w, err, res)
		}
	}))
	mux.HandleFunc("POST /_sandbox/shops/{shop}/reserved", withShop(func(w http.ResponseWriter, r *http.Request, shop int64) {
		var in struct {
			SellerSKU string `json:"seller_sku"`
			Reserved  int64  `json:"reserved"`
		}
		if decode(w, r, &in) {
			k, err := e.SetReserved(shop, SKURef{SellerSKU: in.SellerSKU}, in.Reserved)
			replyErr(w, err, k)
		}
	}))
	mux.HandleFunc("POST /_sandbox/push", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			URL     string `json:"url"`
			Enabled bool   `json:"enabled"`
		}
		if decode(w, r, &in) {
			e.SetPushTarget(in.URL, in.Enabled)
			reply(w, http.StatusOK, in)
		}
	})
	mux.HandleFunc("POST /_sandbox/lifetimes", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			CodeS    int `json:"code_s"`
			AccessS  int `json:"access_s"`
			RefreshS int `json:"refresh_s"`
		}
		if decode(w, r, &in) {
			e.SetLifetimes(time.Duration(in.CodeS)*time.Second, time.Duration(in.AccessS)*time.Second, time.Duration(in.RefreshS)*time.Second)
			reply(w, http.StatusOK, in)
		}
	})
	mux.HandleFunc("POST /_sandbox/authorize", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			ShopID   int64  `json:"shop_id"`
			AppKey   string `json:"app_key"`
			Redirect string `json:"redirect"`
		}
		if !decode(w, r, &in) {
			return
		}
		if in.AppKey == "" {
			in.AppKey = e.DefaultApp().Key
		}
		code, err := e.IssueCode(in.AppKey, in.ShopID, in.Redirect)
		replyErr(w, err, map[string]string{"code": code})
	})
	return mux
}

func withShop(h func(http.ResponseWriter, *http.Request, int64)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("shop"), 10, 64)
		if err != nil {
			reply(w, http.StatusBadRequest, map[string]string{"error": "shop id must be a number"})
			return
		}
		h(w, r, id)
	}
}

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if r.ContentLength == 0 {
		return true
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(v); err != nil {
		reply(w, http.StatusBadRequest, map[string]string{"error": "invalid JSON: " + err.Error()})
		return false
	}
	return true
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// replyErr answers v, or err with a status by kind.
func replyErr(w http.ResponseWriter, err error, v any) {
	if err == nil {
		reply(w, http.StatusOK, v)
		return
	}
	status := http.StatusBadRequest
	var inv *InvalidError
	switch {
	case errors.Is(err, ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, ErrOutOfStock), errors.Is(err, ErrBadTransition), errors.Is(err, ErrBelowReserved):
		status = http.StatusConflict
	case errors.As(err, &inv), errors.Is(err, ErrUnknownApp):
	case errors.Is(err, context.Canceled):
		status = http.StatusRequestTimeout
	}
	reply(w, status, map[string]string{"error": err.Error()})
}
