package shopee_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/connectors/driver"
)

// TestErrorTable: Shopee's answers (HTTP status, error code with or without
// module prefix, message) and the driver codes they become.
func TestErrorTable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		status     int
		header     http.Header
		body       string
		code       driver.Code
		retryAfter time.Duration
	}{
		{"invalid token", 403, nil, `{"error":"error_auth","message":"Invalid access_token.","request_id":"rid"}`, driver.CodeUnauthenticated, 0},
		{"expired token, Shopee's spelling", 403, nil, `{"error":"invalid_acceess_token","message":"Invalid access_token.","request_id":"rid"}`, driver.CodeUnauthenticated, 0},
		{"expired token, correct spelling", 403, nil, `{"error":"invalid_access_token","message":"Invalid access_token.","request_id":"rid"}`, driver.CodeUnauthenticated, 0},
		{"spent code", 403, nil, `{"error":"invalid_code","message":"The code is expired or used or invalid.","request_id":"rid"}`, driver.CodeUnauthenticated, 0},
		{"wrong sign is a credentials problem", 403, nil, `{"error":"error_sign","message":"Wrong sign.","request_id":"rid"}`, driver.CodePermissionDenied, 0},
		{"bad parameter keeps Shopee's words", 400, nil, `{"error":"product.error_param","message":"invalid field ItemId: value must Not Null","request_id":"rid"}`, driver.CodeInvalidArgument, 0},
		{"below the promotion reserve", 400, nil, `{"error":"product.error_param","message":"Can not update item with stock less than reserved stock","request_id":"rid"}`, driver.CodeFailedPrecondition, 0},
		{"stock locked by a promotion", 400, nil, `{"error":"product.error_cannt_edit_stock_in_promotion","message":"in promotion","request_id":"rid"}`, driver.CodeFailedPrecondition, 0},
		{"invalid-something", 400, nil, `{"error":"error_invalid_category","message":"no such category","request_id":"rid"}`, driver.CodeInvalidArgument, 0},
		{"order window", 400, nil, `{"error":"order.order_list_invalid_time","message":"diff in 15days","request_id":"rid"}`, driver.CodeInvalidArgument, 0},
		{"unknown item", 400, nil, `{"error":"product.error_item_not_found","message":"Item_id is not found.","request_id":"rid"}`, driver.CodeNotFound, 0},
		{"duplicate seller SKU", 400, nil, `{"error":"product.error_repeated_mtsku","message":"A similar product has already been uploaded","request_id":"rid"}`, driver.CodeAlreadyExists, 0},
		{"order past its state", 400, nil, `{"error":"order.error_limit","message":"Can not cancel this order.","request_id":"rid"}`, driver.CodeFailedPrecondition, 0},
		{"throttled", 429, nil, `{"error":"error_system_busy","message":"try later","request_id":"rid"}`, driver.CodeResourceExhausted, time.Second},
		{"throttled with Retry-After", 429, http.Header{"Retry-After": {"3"}}, `{"error":"error_system_busy","message":"try later","request_id":"rid"}`, driver.CodeResourceExhausted, 3 * time.Second},
		{"busy without 429", 200, nil, `{"error":"error_system_busy","message":"try later","request_id":"rid"}`, driver.CodeResourceExhausted, time.Second},
		{"server error", 500, nil, `{"error":"error_server","message":"Something wrong.","request_id":"rid"}`, driver.CodeUnavailable, 0},
		{"gateway timeout", 504, nil, `{"error":"error_inner","message":"try later","request_id":"rid"}`, driver.CodeUnavailable, 0},
		{"unknown code on a 5xx", 503, nil, `{"error":"error_whatever","message":"","request_id":"rid"}`, driver.CodeUnavailable, 0},
		{"unknown code", 400, nil, `{"error":"error_new_in_2027","message":"?","request_id":"rid"}`, driver.CodeInternal, 0},
		{"path Shopee does not serve", 404, nil, `{"error":"error_not_found","message":"no API","request_id":"rid"}`, driver.CodeInternal, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
				for k, v := range tc.header {
					w.Header()[k] = v
				}
				answer(tc.status, tc.body)(w, nil)
			})
			err := f.driver().SetActive(context.Background(), "800", true)
			var de *driver.Error
			require.True(t, errors.As(err, &de), "%v", err)
			require.Equal(t, tc.code, de.Code, "%v", err)
			require.Equal(t, "rid", de.RequestID)
			require.Equal(t, tc.retryAfter, de.RetryAfter)
			require.NotEmpty(t, de.Vendor, "Shopee's own code is kept")
		})
	}
}

func TestUnreadableAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		body   string
		code   driver.Code
	}{
		{"proxy error page", http.StatusBadGateway, "<html>bad gateway</html>", driver.CodeUnavailable},
		{"throttle page", http.StatusTooManyRequests, "slow down", driver.CodeResourceExhausted},
		{"garbage success", http.StatusOK, "not json", driver.CodeInternal},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, answer(tc.status, tc.body))
			err := f.driver().SetActive(context.Background(), "800", true)
			require.Equal(t, tc.code, driver.CodeOf(err), "%v", err)
		})
	}
}

func TestTransportErrorsHideTheQuery(t *testing.T) {
	t.Parallel()
	f := newFake(t, answer(http.StatusOK, `{}`))
	d := f.driver()
	f.srv.Close()
	_, err := d.FindBySellerSKU(context.Background(), "A")
	require.Equal(t, driver.CodeUnavailable, driver.CodeOf(err), "%v", err)
	require.NotContains(t, err.Error(), testToken)
	require.NotContains(t, err.Error(), "sign=")
}

// TestPerModelFailures: a partial success of update_stock fails only the
// models in failure_list, each with the code its reason means.
func TestPerModelFailures(t *testing.T) {
	t.Parallel()
	f := newFake(t, answer(http.StatusOK, `{"error":"","message":"","request_id":"rid-7","response":{
		"failure_list":[
			{"model_id":1,"failed_reason":"Can not update item with stock less than reserved stock"},
			{"model_id":2,"failed_reason":"Wrong model_id."},
			{"model_id":3,"failed_reason":"Wrong parameters, detail: stock must not be negative."}],
		"success_list":[{"model_id":4,"stock":9}]}}`))
	results, err := f.driver().SetStock(context.Background(), []driver.StockUpdate{
		{ItemID: "800", ModelID: "1", SellerSKU: "S1", Quantity: 1},
		{ItemID: "800", ModelID: "2", SellerSKU: "S2", Quantity: 1},
		{ItemID: "800", ModelID: "3", SellerSKU: "S3", Quantity: 1},
		{ItemID: "800", ModelID: "4", SellerSKU: "S4", Quantity: 9},
	})
	require.NoError(t, err)
	require.Len(t, results, 4)
	want := []driver.Code{driver.CodeFailedPrecondition, driver.CodeNotFound, driver.CodeInvalidArgument, ""}
	for i, r := range results {
		require.Equal(t, want[i], driver.CodeOf(r.Err), "%s: %v", r.SellerSKU, r.Err)
		require.Equal(t, strings.TrimPrefix(r.SellerSKU, "S"), r.ModelID)
	}
	var de *driver.Error
	require.True(t, errors.As(results[0].Err, &de))
	require.Equal(t, "rid-7", de.RequestID)
	require.Equal(t, "Can not update item with stock less than reserved stock", de.Message)
}

// TestThrottleMidOperation: the first call of an operation gives its
// throttle to the caller (the Channel backs off); a later call waits the
// throttle out, so a lookup of several calls finishes under a tight limit.
func TestThrottleMidOperation(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	calls := map[string]int{}
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls[r.URL.Path]++
		n := calls[r.URL.Path]
		mu.Unlock()
		switch {
		case strings.HasSuffix(r.URL.Path, "/search_item"):
			answer(http.StatusOK, `{"error":"","request_id":"r","response":{"item_id_list":[800]}}`)(w, r)
		case n == 1:
			w.Header().Set("Retry-After", "1")
			answer(http.StatusTooManyRequests, `{"error":"error_system_busy","message":"busy","request_id":"r"}`)(w, r)
		default:
			answer(http.StatusOK, `{"error":"","request_id":"r","response":{"item_list":[{"item_id":800,"item_name":"Chè","item_sku":"A","item_status":"NORMAL","has_model":false,
				"price_info":[{"original_price":95000}],"stock_info_v2":{"summary_info":{"total_reserved_stock":1},"seller_stock":[{"stock":12}]}}]}}`)(w, r)
		}
	})
	began := time.Now()
	l, err := f.driver().FindBySellerSKU(context.Background(), "A")
	require.NoError(t, err)
	require.GreaterOrEqual(t, time.Since(began), time.Second, "waited the Retry-After")
	require.Equal(t, driver.Listing{ItemID: "800", Title: "Chè", Active: true, Variants: []driver.Variant{
		{ModelID: "0", SellerSKU: "A", Price: 95000, Stock: 12, Reserved: 1}}}, l)
	require.Equal(t, 2, calls["/api/v2/product/get_item_base_info"])
}
