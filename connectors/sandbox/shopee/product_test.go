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

// newItemBody is a complete add_item body.
func newItemBody(name, sku string, price, stock int64, images []string) map[string]any {
	return map[string]any{
		"item_name": name, "description": "Đặc sản OCOP 4 sao", "original_price": price, "weight": 0.5,
		"category_id": 100861, "item_sku": sku,
		"attribute_list": []map[string]any{
			{"attribute_id": 100037, "attribute_value_list": []map[string]any{{"value_id": 0, "original_value_name": "Việt Nam"}}},
			{"attribute_id": 100999, "attribute_value_list": []map[string]any{{"value_id": 0, "original_value_name": "500", "value_unit": "g"}}}}, "seller_stock": []map[string]any{{"stock": stock}},
		"image":         map[string]any{"image_id_list": images},
		"logistic_info": []map[string]any{{"logistic_id": 50018, "enabled": true}},
		"dimension":     map[string]any{"package_height": 10, "package_length": 20, "package_width": 15},
		"brand":         map[string]any{"brand_id": 0, "original_brand_name": "NoBrand"},
		"condition":     "NEW",
	}
}

type itemAnswer struct {
	ItemID     int64  `json:"item_id"`
	ItemName   string `json:"item_name"`
	ItemSKU    string `json:"item_sku"`
	ItemStatus string `json:"item_status"`
}

func (sh *shop) addItem(t testing.TB, name, sku string, price, stock int64) int64 {
	t.Helper()
	var it itemAnswer
	sh.post("/api/v2/product/add_item", newItemBody(name, sku, price, stock, sh.upload(t, pngBytes))).ok(t, &it)
	require.NotZero(t, it.ItemID)
	return it.ItemID
}

type baseInfo struct {
	ItemID      int64  `json:"item_id"`
	ItemName    string `json:"item_name"`
	ItemSKU     string `json:"item_sku"`
	ItemStatus  string `json:"item_status"`
	HasModel    bool   `json:"has_model"`
	Weight      string `json:"weight"`
	Description string `json:"description"`
	PriceInfo   []struct {
		Currency      string `json:"currency"`
		OriginalPrice int64  `json:"original_price"`
		CurrentPrice  int64  `json:"current_price"`
	} `json:"price_info"`
	StockInfoV2 *stockInfo `json:"stock_info_v2"`
	Image       struct {
		ImageIDList  []string `json:"image_id_list"`
		ImageURLList []string `json:"image_url_list"`
	} `json:"image"`
	LogisticInfo []struct {
		LogisticID int64 `json:"logistic_id"`
	} `json:"logistic_info"`
	Brand struct {
		OriginalBrandName string `json:"original_brand_name"`
	} `json:"brand"`
}

type stockInfo struct {
	SummaryInfo struct {
		TotalReservedStock  int64 `json:"total_reserved_stock"`
		TotalAvailableStock int64 `json:"total_available_stock"`
	} `json:"summary_info"`
	SellerStock []struct {
		Stock int64 `json:"stock"`
	} `json:"seller_stock"`
}

func (sh *shop) baseInfo(t testing.TB, q url.Values) []baseInfo {
	t.Helper()
	var out struct {
		ItemList []baseInfo `json:"item_list"`
	}
	sh.get("/api/v2/product/get_item_base_info", q).ok(t, &out)
	return out.ItemList
}

func TestAddItemNeedsUploadedImagesAndEchoesItsFields(t *testing.T) {
	t.Parallel()
	s := start(t)
	sh := s.connect("HTX chè Thái Nguyên")
	imgs := s.upload(t, pngBytes, pngBytes)
	require.Len(t, imgs, 2)

	sh.post("/api/v2/product/add_item", newItemBody("Chè", "CHE-01", 150000, 10, []string{"img-not-uploaded"})).
		fails(t, http.StatusBadRequest, "error_param", "Image not exist.")
	body := newItemBody("Chè", "CHE-01", 150000, 10, imgs)
	delete(body, "logistic_info")
	sh.post("/api/v2/product/add_item", body).fails(t, http.StatusBadRequest, "product.error_param", "LogisticInfo")
	body = newItemBody("Chè", "CHE-01", 150000, 10, imgs)
	body["original_price"] = 150000.5
	sh.post("/api/v2/product/add_item", body).fails(t, http.StatusBadRequest, "error_invalid_price", "")

	var added struct {
		itemAnswer
		PriceInfo struct {
			OriginalPrice int64 `json:"original_price"`
		} `json:"price_info"`
		Images struct {
			ImageIDList []string `json:"image_id_list"`
		} `json:"images"`
	}
	sh.post("/api/v2/product/add_item", newItemBody("Chè Tân Cương 200g", "CHE-01", 150000, 10, imgs)).ok(t, &added)
	require.Equal(t, "NORMAL", added.ItemStatus)
	require.Equal(t, int64(150000), added.PriceInfo.OriginalPrice)
	require.Equal(t, imgs, added.Images.ImageIDList)
	sh.post("/api/v2/product/add_item", newItemBody("Chè khác", "CHE-01", 150000, 10, imgs)).
		fails(t, http.StatusBadRequest, "error_repeated_mtsku", "")

	got := sh.baseInfo(t, url.Values{"item_id_list": {strconv.FormatInt(added.ItemID, 10)}})
	require.Len(t, got, 1)
	it := got[0]
	require.Equal(t, "CHE-01", it.ItemSKU)
	require.False(t, it.HasModel)
	require.Equal(t, "0.5", it.Weight)
	require.Equal(t, "VND", it.PriceInfo[0].Currency)
	require.Equal(t, int64(150000), it.PriceInfo[0].OriginalPrice)
	require.Equal(t, int64(10), it.StockInfoV2.SummaryInfo.TotalAvailableStock)
	require.Equal(t, int64(10), it.StockInfoV2.SellerStock[0].Stock)
	require.Equal(t, imgs, it.Image.ImageIDList)
	require.Equal(t, int64(50018), it.LogisticInfo[0].LogisticID, "unknown fields are echoed")
	require.Equal(t, "NoBrand", it.Brand.OriginalBrandName)

	var upd itemAnswer
	sh.post("/api/v2/product/update_item", map[string]any{"item_id": added.ItemID, "item_name": "Chè Tân Cương 500g",
		"item_sku": "CHE-500", "description": "Mới"}).ok(t, &upd)
	require.Equal(t, "Chè Tân Cương 500g", upd.ItemName)
	it = sh.baseInfo(t, url.Values{"item_id_list": {strconv.FormatInt(added.ItemID, 10)}})[0]
	require.Equal(t, "CHE-500", it.ItemSKU)
	require.Equal(t, "Mới", it.Description)
	require.Equal(t, http.StatusOK, s.control(shopPath(sh.id, "/orders"), map[string]any{"lines": []map[string]any{{"seller_sku": "CHE-500", "quantity": 1}}}, nil),
		"the renamed item_sku is the seller SKU buyers order")

	sh.post("/api/v2/product/delete_item", map[string]any{"item_id": added.ItemID}).ok(t, nil)
	sh.post("/api/v2/product/delete_item", map[string]any{"item_id": added.ItemID}).fails(t, http.StatusBadRequest, "error_item_not_found", "")
	require.Empty(t, sh.baseInfo(t, url.Values{"item_id_list": {strconv.FormatInt(added.ItemID, 10)}}))
}

type model struct {
	ModelID   int64  `json:"model_id"`
	ModelSKU  string `json:"model_sku"`
	TierIndex []int  `json:"tier_index"`
	PriceInfo []struct {
		OriginalPrice int64 `json:"original_price"`
		CurrentPrice  int64 `json:"current_price"`
	} `json:"price_info"`
	StockInfoV2 stockInfo `json:"stock_info_v2"`
}

// initModels gives an item two models: 100g and 200g.
func (sh *shop) initModels(t testing.TB, itemID int64) []model {
	t.Helper()
	var out struct {
		ItemID int64   `json:"item_id"`
		Model  []model `json:"model"`
	}
	sh.post("/api/v2/product/init_tier_variation", map[string]any{
		"item_id": itemID,
		"tier_variation": []map[string]any{{"name": "Khối lượng", "option_list": []map[string]any{
			{"option": "100g"}, {"option": "200g"}}}},
		"model": []map[string]any{
			{"tier_index": []int{0}, "model_sku": "MO-100", "original_price": 90000, "seller_stock": []map[string]any{{"stock": 10}}},
			{"tier_index": []int{1}, "model_sku": "MO-200", "original_price": 160000, "seller_stock": []map[string]any{{"stock": 20}}, "weight": 0.25},
		},
	}).ok(t, &out)
	require.Len(t, out.Model, 2)
	return out.Model
}

func (sh *shop) models(t testing.TB, itemID int64) []model {
	t.Helper()
	var out struct {
		TierVariation []struct {
			Name       string `json:"name"`
			OptionList []struct {
				Option string `json:"option"`
			} `json:"option_list"`
		} `json:"tier_variation"`
		Model []model `json:"model"`
	}
	sh.get("/api/v2/product/get_model_list", url.Values{"item_id": {strconv.FormatInt(itemID, 10)}}).ok(t, &out)
	return out.Model
}

func TestTierVariationStockAndPrice(t *testing.T) {
	t.Parallel()
	s := start(t)
	sh := s.connect("HTX mật ong bạc hà")
	itemID := sh.addItem(t, "Mật ong bạc hà", "MO", 100000, 5)

	var stock struct {
		FailureList []struct {
			ModelID      int64  `json:"model_id"`
			FailedReason string `json:"failed_reason"`
		} `json:"failure_list"`
		SuccessList []struct {
			ModelID int64 `json:"model_id"`
			Stock   int64 `json:"stock"`
		} `json:"success_list"`
	}
	sh.post("/api/v2/product/update_stock", map[string]any{"item_id": itemID, "stock_list": []map[string]any{
		{"model_id": 0, "seller_stock": []map[string]any{{"stock": 25}}}}}).ok(t, &stock)
	require.Empty(t, stock.FailureList)
	require.Equal(t, int64(25), stock.SuccessList[0].Stock, "stock is absolute")

	models := sh.initModels(t, itemID)
	require.Equal(t, []int{0}, models[0].TierIndex)
	require.Equal(t, "MO-200", models[1].ModelSKU)
	require.NotZero(t, models[0].ModelID)
	listed := sh.models(t, itemID)
	require.Len(t, listed, 2)
	require.Equal(t, int64(160000), listed[1].PriceInfo[0].OriginalPrice)
	require.Equal(t, int64(20), listed[1].StockInfoV2.SellerStock[0].Stock)
	info := sh.baseInfo(t, url.Values{"item_id_list": {strconv.FormatInt(itemID, 10)}})[0]
	require.True(t, info.HasModel)
	require.Empty(t, info.PriceInfo, "items with models have no item-level price")
	require.Equal(t, "MO", info.ItemSKU)
	require.Equal(t, http.StatusNotFound, s.control(shopPath(sh.id, "/orders"),
		map[string]any{"lines": []map[string]any{{"seller_sku": "MO", "quantity": 1}}}, nil), "the item-level SKU is gone")

	var sku sandbox.SKU
	require.Equal(t, http.StatusOK, s.control(shopPath(sh.id, "/reserved"), map[string]any{"seller_sku": "MO-100", "reserved": 5}, &sku))
	stock.FailureList, stock.SuccessList = nil, nil
	sh.post("/api/v2/product/update_stock", map[string]any{"item_id": itemID, "stock_list": []map[string]any{
		{"model_id": models[0].ModelID, "seller_stock": []map[string]any{{"stock": 3}}},
		{"model_id": models[1].ModelID, "seller_stock": []map[string]any{{"stock": 40}}},
		{"model_id": 424242, "seller_stock": []map[string]any{{"stock": 1}}},
		{"model_id": 0, "seller_stock": []map[string]any{{"stock": 1}}},
	}}).ok(t, &stock)
	require.Len(t, stock.SuccessList, 1)
	require.Equal(t, models[1].ModelID, stock.SuccessList[0].ModelID)
	require.Equal(t, int64(40), stock.SuccessList[0].Stock)
	reasons := map[int64]string{}
	for _, f := range stock.FailureList {
		reasons[f.ModelID] = f.FailedReason
	}
	require.Contains(t, reasons[models[0].ModelID], "reserved stock")
	require.Equal(t, "Wrong model_id.", reasons[424242])
	require.Contains(t, reasons[0], "has models")
	listed = sh.models(t, itemID)
	require.Equal(t, int64(10), listed[0].StockInfoV2.SellerStock[0].Stock, "a refused model keeps its stock")
	require.Equal(t, int64(5), listed[0].StockInfoV2.SummaryInfo.TotalReservedStock)
	require.Equal(t, int64(40), listed[1].StockInfoV2.SummaryInfo.TotalAvailableStock)

	sh.post("/api/v2/product/update_stock", map[string]any{"item_id": itemID, "stock_list": []map[string]any{
		{"model_id": models[1].ModelID, "seller_stock": []map[string]any{{"stock": 1}}},
		{"model_id": models[1].ModelID, "seller_stock": []map[string]any{{"stock": 2}}}}}).
		fails(t, http.StatusBadRequest, "product.error_param", "Repeat model_id.")
	sh.post("/api/v2/product/update_stock", map[string]any{"item_id": 1, "stock_list": []map[string]any{
		{"model_id": 0, "seller_stock": []map[string]any{{"stock": 1}}}}}).
		fails(t, http.StatusBadRequest, "error_item_not_found", "")

	var price struct {
		FailureList []struct {
			ModelID      int64  `json:"model_id"`
			FailedReason string `json:"failed_reason"`
		} `json:"failure_list"`
		SuccessList []struct {
			ModelID       int64 `json:"model_id"`
			OriginalPrice int64 `json:"original_price"`
		} `json:"success_list"`
	}
	sh.post("/api/v2/product/update_price", map[string]any{"item_id": itemID, "price_list": []map[string]any{
		{"model_id": models[0].ModelID, "original_price": 95000},
		{"model_id": models[1].ModelID, "original_price": 99.5},
		{"model_id": 7, "original_price": 1000},
	}}).ok(t, &price)
	require.Len(t, price.SuccessList, 1)
	require.Equal(t, int64(95000), price.SuccessList[0].OriginalPrice)
	require.Len(t, price.FailureList, 2)
	require.Equal(t, models[1].ModelID, price.FailureList[0].ModelID)
	require.Contains(t, price.FailureList[0].FailedReason, "Invalid price")
	listed = sh.models(t, itemID)
	require.Equal(t, int64(95000), listed[0].PriceInfo[0].CurrentPrice)
	require.Equal(t, int64(160000), listed[1].PriceInfo[0].OriginalPrice)
}

func TestInitTierVariationRules(t *testing.T) {
	t.Parallel()
	s := start(t)
	sh := s.connect("HTX")
	itemID := sh.addItem(t, "Nấm hương", "NAM", 100000, 5)
	tiers := []map[string]any{{"name": "Size", "option_list": []map[string]any{{"option": "S"}}}}
	m := func(idx []int, sku string) map[string]any {
		return map[string]any{"tier_index": idx, "model_sku": sku, "original_price": 1000, "seller_stock": []map[string]any{{"stock": 1}}}
	}
	tests := []struct {
		name    string
		body    map[string]any
		code    string
		message string
	}{
		{"no models", map[string]any{"item_id": itemID, "tier_variation": tiers, "model": []any{}}, "product.error_param", "between 1 to 50"},
		{"index out of the options", map[string]any{"item_id": itemID, "tier_variation": tiers, "model": []any{m([]int{3}, "A")}}, "product.error_param", "out of the options"},
		{"repeated combination", map[string]any{"item_id": itemID, "tier_variation": []map[string]any{{"name": "Size",
			"option_list": []map[string]any{{"option": "S"}, {"option": "M"}}}}, "model": []any{m([]int{0}, "A"), m([]int{0}, "B")}}, "product.error_param", "repeated"},
		{"option image not uploaded", map[string]any{"item_id": itemID, "tier_variation": []map[string]any{{"name": "Size",
			"option_list": []map[string]any{{"option": "S", "image": map[string]any{"image_id": "nope"}}}}}, "model": []any{m([]int{0}, "A")}}, "error_param", "Image not exist."},
		{"unknown item", map[string]any{"item_id": 1, "tier_variation": tiers, "model": []any{m([]int{0}, "A")}}, "error_item_not_found", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sh.post("/api/v2/product/init_tier_variation", tc.body).fails(t, http.StatusBadRequest, tc.code, tc.message)
		})
	}
	// 51 models are too many.
	many := make([]any, 51)
	opts := make([]map[string]any, 51)
	for i := range many {
		many[i] = m([]int{i}, "M"+strconv.Itoa(i))
		opts[i] = map[string]any{"option": strconv.Itoa(i)}
	}
	sh.post("/api/v2/product/init_tier_variation", map[string]any{"item_id": itemID,
		"tier_variation": []map[string]any{{"name": "N", "option_list": opts}}, "model": many}).
		fails(t, http.StatusBadRequest, "product.error_param", "between 1 to 50")
	// standardise_tier_variation works as well.
	var out struct {
		TierVariation []struct {
			Name string `json:"name"`
		} `json:"tier_variation"`
		Model []model `json:"model"`
	}
	sh.post("/api/v2/product/init_tier_variation", map[string]any{"item_id": itemID,
		"standardise_tier_variation": []map[string]any{{"variation_id": 0, "variation_name": "Màu",
			"variation_option_list": []map[string]any{{"variation_option_id": 0, "variation_option_name": "Nâu"}}}},
		"model": []any{m([]int{0}, "NAM-NAU")}}).ok(t, &out)
	require.Equal(t, "Màu", out.TierVariation[0].Name)
	require.Equal(t, "NAM-NAU", sh.models(t, itemID)[0].ModelSKU)
}

func TestUnlistRelist(t *testing.T) {
	t.Parallel()
	s := start(t)
	sh := s.connect("HTX bưởi Diễn")
	a := sh.addItem(t, "Bưởi Diễn", "BUOI", 60000, 5)
	var out struct {
		FailureList []struct {
			ItemID       int64  `json:"item_id"`
			FailedReason string `json:"failed_reason"`
		} `json:"failure_list"`
		SuccessList []struct {
			ItemID int64 `json:"item_id"`
			Unlist bool  `json:"unlist"`
		} `json:"success_list"`
	}
	sh.post("/api/v2/product/unlist_item", map[string]any{"item_list": []map[string]any{
		{"item_id": a, "unlist": true}, {"item_id": 12345, "unlist": true}}}).ok(t, &out)
	require.Equal(t, a, out.SuccessList[0].ItemID)
	require.True(t, out.SuccessList[0].Unlist)
	require.Equal(t, int64(12345), out.FailureList[0].ItemID)

	unlisted := url.Values{"offset": {"0"}, "page_size": {"10"}, "item_status": {"UNLIST"}}
	var list struct {
		Item []struct {
			ItemID     int64  `json:"item_id"`
			ItemStatus string `json:"item_status"`
		} `json:"item"`
	}
	sh.get("/api/v2/product/get_item_list", unlisted).ok(t, &list)
	require.Len(t, list.Item, 1)
	require.Equal(t, "UNLIST", list.Item[0].ItemStatus)
	require.Equal(t, http.StatusConflict, s.control(shopPath(sh.id, "/orders"),
		map[string]any{"lines": []map[string]any{{"seller_sku": "BUOI", "quantity": 1}}}, nil), "buyers cannot buy an unlisted item")

	sh.post("/api/v2/product/unlist_item", map[string]any{"item_list": []map[string]any{{"item_id": a, "unlist": false}}}).ok(t, nil)
	require.Equal(t, "NORMAL", sh.baseInfo(t, url.Values{"item_id_list": {strconv.FormatInt(a, 10)}})[0].ItemStatus)
	require.Equal(t, http.StatusOK, s.control(shopPath(sh.id, "/orders"),
		map[string]any{"lines": []map[string]any{{"seller_sku": "BUOI", "quantity": 1}}}, nil))
}

func TestItemListPagesToTheEnd(t *testing.T) {
	t.Parallel()
	s := start(t)
	sh := s.connect("HTX")
	want := map[int64]bool{}
	for i := range 7 {
		want[sh.addItem(t, "Sản phẩm "+strconv.Itoa(i), "SP-"+strconv.Itoa(i), 10000, 1)] = true
		s.clock.Add(time.Second)
	}
	got := map[int64]bool{}
	offset, pages := 0, 0
	for {
		var page struct {
			Item []struct {
				ItemID     int64 `json:"item_id"`
				UpdateTime int64 `json:"update_time"`
			} `json:"item"`
			TotalCount  int  `json:"total_count"`
			HasNextPage bool `json:"has_next_page"`
			NextOffset  int  `json:"next_offset"`
		}
		sh.get("/api/v2/product/get_item_list", url.Values{"offset": {strconv.Itoa(offset)}, "page_size": {"3"},
			"item_status": {"NORMAL", "UNLIST"}}).ok(t, &page)
		pages++
		require.Equal(t, 7, page.TotalCount)
		for _, it := range page.Item {
			got[it.ItemID] = true
		}
		if !page.HasNextPage {
			require.Len(t, page.Item, 1)
			break
		}
		require.Len(t, page.Item, 3)
		require.Equal(t, offset+3, page.NextOffset)
		offset = page.NextOffset
	}
	require.Equal(t, 3, pages)
	require.Equal(t, want, got)

	// update_time_from narrows to recently changed items.
	var recent struct {
		TotalCount int `json:"total_count"`
	}
	from := s.clock.Now().Add(-2 * time.Second).Unix()
	sh.get("/api/v2/product/get_item_list", url.Values{"offset": {"0"}, "page_size": {"100"}, "item_status": {"NORMAL"},
		"update_time_from": {strconv.FormatInt(from, 10)}}).ok(t, &recent)
	require.Equal(t, 2, recent.TotalCount)

	sh.get("/api/v2/product/get_item_list", url.Values{"offset": {"0"}, "page_size": {"101"}, "item_status": {"NORMAL"}}).
		fails(t, http.StatusBadRequest, "product.error_param", "page_size")
	sh.get("/api/v2/product/get_item_list", url.Values{"offset": {"0"}, "page_size": {"10"}}).
		fails(t, http.StatusBadRequest, "product.error_param", "ItemStatus")
}

func TestItemIDListForms(t *testing.T) {
	t.Parallel()
	s := start(t)
	sh := s.connect("HTX")
	a, b := sh.addItem(t, "A", "A", 10000, 1), sh.addItem(t, "B", "B", 10000, 1)
	as, bs := strconv.FormatInt(a, 10), strconv.FormatInt(b, 10)
	for name, q := range map[string]url.Values{
		"repeated": {"item_id_list": {as, bs}},
		"comma":    {"item_id_list": {as + "," + bs}},
		"bracket":  {"item_id_list": {"[" + as + "," + bs + "]"}},
	} {
		t.Run(name, func(t *testing.T) {
			got := sh.baseInfo(t, q)
			require.Len(t, got, 2)
			require.ElementsMatch(t, []int64{a, b}, []int64{got[0].ItemID, got[1].ItemID})
		})
	}
	// The same three forms for item_status.
	for name, q := range map[string]url.Values{
		"repeated": {"item_status": {"NORMAL", "UNLIST"}},
		"comma":    {"item_status": {"NORMAL,UNLIST"}},
		"bracket":  {"item_status": {`["NORMAL","UNLIST"]`}},
	} {
		t.Run("status "+name, func(t *testing.T) {
			q.Set("offset", "0")
			q.Set("page_size", "10")
			var page struct {
				TotalCount int `json:"total_count"`
			}
			sh.get("/api/v2/product/get_item_list", q).ok(t, &page)
			require.Equal(t, 2, page.TotalCount)
		})
	}
	ids := make([]string, 51)
	for i := range ids {
		ids[i] = strconv.Itoa(i + 1)
	}
	sh.get("/api/v2/product/get_item_base_info", url.Values{"item_id_list": {strings.Join(ids, ",")}}).
		fails(t, http.StatusBadRequest, "product.error_param", "50")
}

func TestSearchItemFindsSellerSKUs(t *testing.T) {
	t.Parallel()
	s := start(t)
	sh := s.connect("HTX")
	plain := sh.addItem(t, "Chè móc câu", "CHE-MC", 200000, 3)
	withModels := sh.addItem(t, "Mật ong", "MO", 100000, 3)
	sh.initModels(t, withModels)
	search := func(q url.Values) (ids []int64, next string) {
		var out struct {
			ItemIDList []int64 `json:"item_id_list"`
			TotalCount int     `json:"total_count"`
			NextOffset string  `json:"next_offset"`
		}
		q.Set("page_size", "10")
		sh.get("/api/v2/product/search_item", q).ok(t, &out)
		require.Equal(t, len(out.ItemIDList), out.TotalCount)
		return out.ItemIDList, out.NextOffset
	}
	ids, next := search(url.Values{"item_sku": {"CHE-MC"}})
	require.Equal(t, []int64{plain}, ids)
	require.Empty(t, next)
	ids, _ = search(url.Values{"item_sku": {"MO-200"}})
	require.Equal(t, []int64{withModels}, ids, "a model_sku finds its item")
	ids, _ = search(url.Values{"item_name": {"mật"}})
	require.Equal(t, []int64{withModels}, ids)
	ids, _ = search(url.Values{"item_sku": {"NONE"}})
	require.Empty(t, ids)
	sh.get("/api/v2/product/search_item", url.Values{"page_size": {"10"}}).fails(t, http.StatusBadRequest, "product.error_param", "one of")

	// The hub's find-by-SKU path: search, then read item and models.
	var models []model = sh.models(t, withModels)
	var found bool
	for _, m := range models {
		found = found || m.ModelSKU == "MO-100"
	}
	require.True(t, found)
	b, _ := json.Marshal(models)
	require.Contains(t, string(b), "MO-200")
}
