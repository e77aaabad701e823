package sandbox

import (
	"sort"
)

// State is everything a test or benchmark needs to observe: shops with
// their items, SKUs (stock, reserved, time of the last stock change) and
// orders; calls by endpoint and status; push counts.
type State struct {
	Platform string         `json:"platform"`
	Shops    []ShopState    `json:"shops"`
	Calls    map[string]int `json:"calls"`
	Push     PushStats      `json:"push"`
}

// ShopState is one shop in State.
type ShopState struct {
	ShopView
	Items  []ItemState `json:"items"`
	Orders []Order     `json:"orders"`
}

// ItemState is an item in State: its images are shown with what the
// sandbox decoded from the uploaded bytes.
type ItemState struct {
	Item
	Images []ImageInfo `json:"images"`
}

// ImageInfo is an uploaded image as the sandbox keeps it: its id, format
// and size as decoded from the bytes (0×0 when they are not a JPEG or PNG).
type ImageInfo struct {
	ID     string `json:"id"`
	Format string `json:"format"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Bytes  int    `json:"bytes"`
}

// State snapshots the engine.
func (e *Engine) State() State {
	e.mu.Lock()
	st := State{Platform: e.cfg.Platform, Calls: map[string]int{}}
	for k, v := range e.calls {
		st.Calls[k] = v
	}
	for _, s := range sortedShops(e.shops) {
		ss := ShopState{ShopView: s.view(), Items: []ItemState{}, Orders: []Order{}}
		ids := make([]int64, 0, len(s.items))
		for id := range s.items {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		for _, id := range ids {
			it := ItemState{Item: s.items[id].clone(), Images: []ImageInfo{}}
			for _, img := range it.Item.Images {
				if stored := e.images[img]; stored != nil {
					it.Images = append(it.Images, stored.info)
				}
			}
			ss.Items = append(ss.Items, it)
		}
		for _, o := range e.orders {
			if o.ShopID == s.ID {
				ss.Orders = append(ss.Orders, *o)
			}
		}
		sort.Slice(ss.Orders, func(i, j int) bool { return ss.Orders[i].ID < ss.Orders[j].ID })
		st.Shops = append(st.Shops, ss)
	}
	e.mu.Unlock()
	e.push.mu.Lock()
	st.Push = e.push.stats
	e.push.mu.Unlock()
	return st
}

func sortedShops(m map[int64]*Shop) []*Shop {
	out := make([]*Shop, 0, len(m))
	for _, s := range m {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
