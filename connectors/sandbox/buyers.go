package sandbox

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"
)

// BuyerSpec describes simulated buyers on one shop.
type BuyerSpec struct {
	// SellerSKUs are the SKUs buyers pick from, round-robin.
	SellerSKUs []string `json:"seller_skus"`
	// Buyers is how many buy attempts to make.
	Buyers int `json:"buyers"`
	// Rate is attempts per second; 0 fires them all at once (a burst).
	Rate float64 `json:"rate"`
	// Quantity is the units per order (default 1).
	Quantity int64 `json:"quantity"`
}

// BuyerResult is what the buyers managed.
type BuyerResult struct {
	Attempts   int              `json:"attempts"`
	Succeeded  int              `json:"succeeded"`
	OutOfStock int              `json:"out_of_stock"`
	Failed     int              `json:"failed"`
	SoldBySKU  map[string]int64 `json:"sold_by_sku"`
	Orders     []string         `json:"orders"`
	Elapsed    time.Duration    `json:"elapsed_ns"`
}

// SimulateBuyers runs the buyers and waits for them (or ctx). A buy
// succeeds only while the shop's own stock allows, exactly as PlaceOrder.
func (e *Engine) SimulateBuyers(ctx context.Context, shopID int64, spec BuyerSpec) (BuyerResult, error) {
	if len(spec.SellerSKUs) == 0 || spec.Buyers <= 0 {
		return BuyerResult{}, Invalidf("buyers and seller_skus are required")
	}
	if spec.Quantity <= 0 {
		spec.Quantity = 1
	}
	if !e.HasShop(shopID) {
		return BuyerResult{}, ErrNotFound
	}
	res := BuyerResult{SoldBySKU: map[string]int64{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	buy := func(i int) {
		defer wg.Done()
		sku := spec.SellerSKUs[i%len(spec.SellerSKUs)]
		o, err := e.PlaceOrder(shopID, fmt.Sprintf("buyer-%d", i), []Buy{{SKU: SKURef{SellerSKU: sku}, Quantity: spec.Quantity}}, "")
		mu.Lock()
		defer mu.Unlock()
		res.Attempts++
		switch {
		case err == nil:
			res.Succeeded++
			res.SoldBySKU[sku] += spec.Quantity
			res.Orders = append(res.Orders, o.SN)
		case errors.Is(err, ErrOutOfStock):
			res.OutOfStock++
		default:
			res.Failed++
		}
	}
	var tick <-chan time.Time
	if spec.Rate > 0 {
		t := time.NewTicker(time.Duration(float64(time.Second) / spec.Rate))
		defer t.Stop()
		tick = t.C
	}
	for i := 0; i < spec.Buyers; i++ {
		if tick != nil && i > 0 {
			select {
			case <-tick:
			case <-ctx.Done():
				wg.Wait()
				return res, ctx.Err()
			}
		}
		wg.Add(1)
		go buy(i)
	}
	wg.Wait()
	sort.Strings(res.Orders)
	res.Elapsed = time.Since(start)
	return res, nil
}
