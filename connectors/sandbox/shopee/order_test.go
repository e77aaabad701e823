package shopee_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/connectors/sandbox"
)

// buy plays a buyer through the control API.
func (sh *shop) buy(t testing.TB, sellerSKU string, qty int64) (sandbox.Order, int) {
	t.Helper()
	var o sandbox.Order
	status := sh.control(shopPath(sh.id, "/orders"), map[string]any{"buyer": "chi-lan",
		"lines": []map[string]any{{"seller_sku": sellerSKU, "quantity": qty}}}, &o)
	return o, status
}

func (s *sb) stockOf(t testing.TB, shopID int64, sellerSKU string) int64 {
	t.Helper()
	resp, err := http.Get(s.base + "/_sandbox/state")
	require.NoError(t, err)
	defer resp.Body.Close()
	var st sandbox.State
	require.NoError(t, jsonDecode(resp, &st))
	for _, sh := range st.Shops {
		for _, it := range sh.Items {
			for _, k := range it.SKUs {
				if sh.ID == shopID && k.SellerSKU == sellerSKU && it.Status != sandbox.ItemDeleted {
					return k.Stock
				}
			}
		}
	}
	t.Fatalf("no SKU %s", sellerSKU)
	return 0
}

type orderPage struct {
	More       bool   `json:"more"`
	NextCursor string `json:"next_cursor"`
	OrderList  []struct {
		OrderSN     string `json:"order_sn"`
		OrderStatus string `json:"order_status"`
	} `json:"order_list"`
}

func window(from, to time.Time, extra url.Values) url.Values {
	q := url.Values{"time_range_field": {"create_time"}, "time_from": {strconv.FormatInt(from.Unix(), 10)},
		"time_to": {strconv.FormatInt(to.Unix(), 10)}, "page_size": {"2"}, "response_optional_fields": {"order_status"}}
	for k, v := range extra {
		q[k] = v
	}
	return q
}

func TestOrderListWindowAndCursor(t *testing.T) {
	t.Parallel()
	s := start(t)
	sh := s.connect("HTX vải thiều Lục Ngạn")
	sh.addItem(t, "Vải thiều", "VAI", 50000, 10)
	start := s.clock.Now()
	var sns []string
	for range 5 {
		o, status := sh.buy(t, "VAI", 1)
		require.Equal(t, http.StatusOK, status)
		sns = append(sns, o.SN)
		s.clock.Add(30 * time.Minute) // the token lives 4 hours
	}
	_, status := sh.buy(t, "VAI", 6)
	require.Equal(t, http.StatusConflict, status, "a buy beyond the shop's stock fails")
	require.Equal(t, int64(5), s.stockOf(t, sh.id, "VAI"))

	sh.get("/api/v2/order/get_order_list", window(start, start.Add(16*24*time.Hour), nil)).
		fails(t, http.StatusBadRequest, "order.order_list_invalid_time", "15days")
	sh.get("/api/v2/order/get_order_list", window(start, start.Add(-time.Hour), nil)).
		fails(t, http.StatusBadRequest, "order.order_list_invalid_time", "")
	sh.get("/api/v2/order/get_order_list", window(start, start.Add(time.Hour), url.Values{"page_size": {"0"}})).
		fails(t, http.StatusBadRequest, "error_param", "page_size")

	var got []string
	cursor, pages := "", 0
	for {
		var page orderPage
		sh.get("/api/v2/order/get_order_list", window(start, start.Add(15*24*time.Hour), url.Values{"cursor": {cursor}})).ok(t, &page)
		pages++
		for _, o := range page.OrderList {
			got = append(got, o.OrderSN)
			require.Equal(t, "READY_TO_SHIP", o.OrderStatus)
		}
		if !page.More {
			require.Empty(t, page.NextCursor)
			break
		}
		require.NotEmpty(t, page.NextCursor)
		cursor = page.NextCursor
	}
	require.Equal(t, 3, pages)
	require.Equal(t, sns, got)

	// The window is inclusive to the second and filters by status.
	var page orderPage
	sh.get("/api/v2/order/get_order_list", window(start, start, url.Values{"page_size": {"100"}})).ok(t, &page)
	require.Len(t, page.OrderList, 1)
	sh.get("/api/v2/order/get_order_list", window(start, start.Add(24*time.Hour), url.Values{"page_size": {"100"}, "order_status": {"CANCELLED"}})).ok(t, &page)
	require.Empty(t, page.OrderList)
}

type orderDetail struct {
	OrderSN      string `json:"order_sn"`
	OrderStatus  string `json:"order_status"`
	Currency     string `json:"currency"`
	Region       string `json:"region"`
	TotalAmount  int64  `json:"total_amount"`
	CreateTime   int64  `json:"create_time"`
	UpdateTime   int64  `json:"update_time"`
	CancelReason string `json:"cancel_reason"`
	ItemList     []struct {
		ItemID                 int64  `json:"item_id"`
		ItemSKU                string `json:"item_sku"`
		ModelID                int64  `json:"model_id"`
		ModelSKU               string `json:"model_sku"`
		ModelName              string `json:"model_name"`
		ModelQuantityPurchased int64  `json:"model_quantity_purchased"`
		ModelOriginalPrice     int64  `json:"model_original_price"`
		ModelDiscountedPrice   int64  `json:"model_discounted_price"`
		OrderItemID            int64  `json:"order_item_id"`
	} `json:"item_list"`
	RecipientAddress *struct {
		Name   string `json:"name"`
		Region string `json:"region"`
	} `json:"recipient_address"`
	PackageList []struct {
		PackageNumber   string `json:"package_number"`
		LogisticsStatus string `json:"logistics_status"`
	} `json:"package_list"`
}

func (sh *shop) details(t testing.TB, sns ...string) ([]orderDetail, string) {
	t.Helper()
	var out struct {
		OrderList []orderDetail `json:"order_list"`
	}
	a := sh.get("/api/v2/order/get_order_detail", url.Values{"order_sn_list": {strings.Join(sns, ",")},
		"response_optional_fields": {"item_list,recipient_address,total_amount,package_list,cancel_reason"}})
	a.ok(t, &out)
	return out.OrderList, a.Warning
}

func TestOrderDetailShipAndCancel(t *testing.T) {
	t.Parallel()
	s := start(t)
	sh := s.connect("HTX gạo nếp cái hoa vàng")
	plainID := sh.addItem(t, "Gạo nếp 2kg", "GAO", 70000, 10)
	honeyID := sh.addItem(t, "Mật ong", "MO", 100000, 3)
	models := sh.initModels(t, honeyID)

	var o sandbox.Order
	require.Equal(t, http.StatusOK, s.control(shopPath(sh.id, "/orders"), map[string]any{"buyer": "anh-tuan",
		"lines": []map[string]any{{"seller_sku": "GAO", "quantity": 2}, {"seller_sku": "MO-200", "quantity": 1}}}, &o))
	got, warning := sh.details(t, o.SN, "NOPE")
	require.Len(t, got, 1)
	require.Contains(t, warning, "NOPE")
	d := got[0]
	require.Equal(t, "READY_TO_SHIP", d.OrderStatus)
	require.Equal(t, "VND", d.Currency)
	require.Equal(t, "VN", d.Region)
	require.Equal(t, int64(2*70000+160000), d.TotalAmount)
	require.Equal(t, s.clock.Now().Unix(), d.CreateTime)
	require.Equal(t, "anh-tuan", d.RecipientAddress.Name)
	require.Len(t, d.ItemList, 2)
	require.Equal(t, plainID, d.ItemList[0].ItemID)
	require.Equal(t, "GAO", d.ItemList[0].ItemSKU)
	require.Zero(t, d.ItemList[0].ModelID, "an item without models is model 0")
	require.Equal(t, int64(2), d.ItemList[0].ModelQuantityPurchased)
	require.Equal(t, int64(70000), d.ItemList[0].ModelOriginalPrice)
	require.Equal(t, honeyID, d.ItemList[1].ItemID)
	require.Equal(t, models[1].ModelID, d.ItemList[1].ModelID)
	require.Equal(t, "MO-200", d.ItemList[1].ModelSKU)
	require.Equal(t, "MO", d.ItemList[1].ItemSKU)
	require.Equal(t, "200g", d.ItemList[1].ModelName)
	require.Equal(t, int64(160000), d.ItemList[1].ModelDiscountedPrice)
	require.Equal(t, o.PackageID, d.PackageList[0].PackageNumber)
	require.Equal(t, "LOGISTICS_READY", d.PackageList[0].LogisticsStatus)

	// Ship by pickup with the parameters the platform offers.
	var params struct {
		InfoNeeded struct {
			Pickup []string `json:"pickup"`
		} `json:"info_needed"`
		Pickup struct {
			AddressList []struct {
				AddressID    int64 `json:"address_id"`
				TimeSlotList []struct {
					Date         int64  `json:"date"`
					PickupTimeID string `json:"pickup_time_id"`
				} `json:"time_slot_list"`
			} `json:"address_list"`
		} `json:"pickup"`
	}
	sh.get("/api/v2/logistics/get_shipping_parameter", url.Values{"order_sn": {o.SN}}).ok(t, &params)
	require.Equal(t, []string{"address_id", "pickup_time_id"}, params.InfoNeeded.Pickup)
	addr := params.Pickup.AddressList[0]
	require.NotEmpty(t, addr.TimeSlotList)
	require.Greater(t, addr.TimeSlotList[0].Date, s.clock.Now().Unix())

	var tracking struct {
		TrackingNumber string `json:"tracking_number"`
	}
	sh.get("/api/v2/logistics/get_tracking_number", url.Values{"order_sn": {o.SN}}).ok(t, &tracking)
	require.Empty(t, tracking.TrackingNumber, "no tracking number before shipping")
	sh.post("/api/v2/logistics/ship_order", map[string]any{"order_sn": o.SN, "pickup": map[string]any{"address_id": 1, "pickup_time_id": addr.TimeSlotList[0].PickupTimeID}}).
		fails(t, http.StatusBadRequest, "logistics.address_not_found", "")
	sh.post("/api/v2/logistics/ship_order", map[string]any{"order_sn": o.SN}).fails(t, http.StatusBadRequest, "logistics.error_param", "pickup")
	sh.post("/api/v2/logistics/ship_order", map[string]any{"order_sn": o.SN,
		"pickup": map[string]any{"address_id": addr.AddressID, "pickup_time_id": addr.TimeSlotList[0].PickupTimeID}}).ok(t, nil)
	sh.get("/api/v2/logistics/get_tracking_number", url.Values{"order_sn": {o.SN}}).ok(t, &tracking)
	require.NotEmpty(t, tracking.TrackingNumber)
	got, _ = sh.details(t, o.SN)
	require.Equal(t, "PROCESSED", got[0].OrderStatus)
	require.Equal(t, "LOGISTICS_REQUEST_CREATED", got[0].PackageList[0].LogisticsStatus)
	sh.post("/api/v2/logistics/ship_order", map[string]any{"order_sn": o.SN, "non_integrated": map[string]any{"tracking_number": "X"}}).
		fails(t, http.StatusBadRequest, "logistics.error_limit", "")
	sh.post("/api/v2/order/cancel_order", map[string]any{"order_sn": o.SN, "cancel_reason": "OUT_OF_STOCK",
		"item_list": []map[string]any{{"item_id": plainID, "model_id": 0}}}).fails(t, http.StatusBadRequest, "order.error_limit", "")

	// A seller-shipped parcel keeps the seller's tracking number.
	o2, status := sh.buy(t, "GAO", 1)
	require.Equal(t, http.StatusOK, status)
	sh.post("/api/v2/logistics/ship_order", map[string]any{"order_sn": o2.SN, "non_integrated": map[string]any{"tracking_number": "VNPOST123"}}).ok(t, nil)
	sh.get("/api/v2/logistics/get_tracking_number", url.Values{"order_sn": {o2.SN}}).ok(t, &tracking)
	require.Equal(t, "VNPOST123", tracking.TrackingNumber)

	// Cancelling puts the units back.
	o3, status := sh.buy(t, "GAO", 3)
	require.Equal(t, http.StatusOK, status)
	before := s.stockOf(t, sh.id, "GAO")
	sh.post("/api/v2/order/cancel_order", map[string]any{"order_sn": o3.SN, "cancel_reason": "OUT_OF_STOCK"}).
		fails(t, http.StatusBadRequest, "error_param", "item_list")
	var cancelled struct {
		UpdateTime int64 `json:"update_time"`
	}
	sh.post("/api/v2/order/cancel_order", map[string]any{"order_sn": o3.SN, "cancel_reason": "OUT_OF_STOCK",
		"item_list": []map[string]any{{"item_id": plainID, "model_id": 0}}}).ok(t, &cancelled)
	require.Equal(t, s.clock.Now().Unix(), cancelled.UpdateTime)
	require.Equal(t, before+3, s.stockOf(t, sh.id, "GAO"))
	got, _ = sh.details(t, o3.SN)
	require.Equal(t, "CANCELLED", got[0].OrderStatus)
	require.Equal(t, "OUT_OF_STOCK", got[0].CancelReason)
	sh.get("/api/v2/logistics/get_shipping_parameter", url.Values{"order_sn": {o3.SN}}).fails(t, http.StatusBadRequest, "error_status", "cancelled")
	sh.post("/api/v2/order/cancel_order", map[string]any{"order_sn": "NOPE", "cancel_reason": "OUT_OF_STOCK",
		"item_list": []map[string]any{{"item_id": plainID, "model_id": 0}}}).fails(t, http.StatusBadRequest, "error_not_found", "")

	// Delivered through the control API: COMPLETED.
	require.Equal(t, http.StatusOK, s.control(shopPath(sh.id, "/orders/"+o.SN+"/status"), map[string]any{"status": "delivered"}, nil))
	got, _ = sh.details(t, o.SN)
	require.Equal(t, "COMPLETED", got[0].OrderStatus)
}

func jsonDecode(resp *http.Response, v any) error { return json.NewDecoder(resp.Body).Decode(v) }
