package shopee

import (
	"bytes"
	"math"
	"strconv"
)

// Wire shapes shared by several product APIs.
type (
	stockValue struct {
		Stock int64 `json:"stock"`
	}
	priceInfo struct {
		OriginalPrice float64 `json:"original_price"`
		CurrentPrice  float64 `json:"current_price"`
	}
	stockInfo struct {
		SummaryInfo struct {
			TotalReservedStock  int64 `json:"total_reserved_stock"`
			TotalAvailableStock int64 `json:"total_available_stock"`
		} `json:"summary_info"`
		SellerStock []stockValue `json:"seller_stock"`
	}
	tier struct {
		Name       string       `json:"name"`
		OptionList []tierOption `json:"option_list"`
	}
	tierOption struct {
		Option string `json:"option"`
	}
	// failureEntry is one failure_list entry of update_stock/update_price
	// (model_id) or unlist_item (item_id).
	failureEntry struct {
		ModelID      int64  `json:"model_id"`
		ItemID       int64  `json:"item_id"`
		FailedReason string `json:"failed_reason"`
	}
)

// number is a numeric field Shopee sends as a JSON number in some answers
// and as a string in others (weight is "0.1" in get_item_base_info).
type number float64

func (n *number) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	*n = number(f)
	return nil
}

// dong rounds a Shopee money amount (a float) to whole đồng.
func dong(f float64) int64 { return int64(math.Round(f)) }

// priceOf is the seller's price of a price_info list (original_price:
// what update_price sets; promotions change current_price).
func priceOf(list []priceInfo) int64 {
	if len(list) == 0 {
		return 0
	}
	return dong(list[0].OriginalPrice)
}

// stockOf is the seller stock of stock_info_v2 and the units a promotion
// reserves within it.
func stockOf(s stockInfo) (stock, reserved int64) {
	if len(s.SellerStock) == 0 {
		return s.SummaryInfo.TotalAvailableStock, s.SummaryInfo.TotalReservedStock
	}
	for _, v := range s.SellerStock {
		stock += v.Stock
	}
	return stock, s.SummaryInfo.TotalReservedStock
}

// failures indexes a failure_list by model (or item) id.
func failures(list []failureEntry, byItem bool) map[int64]string {
	out := make(map[int64]string, len(list))
	for _, f := range list {
		if byItem {
			out[f.ItemID] = f.FailedReason
		} else {
			out[f.ModelID] = f.FailedReason
		}
	}
	return out
}
