package sandbox

import (
	"bytes"
	"net/http"
	"sync"
	"time"
)

// PushEvent is something the platform tells the app about.
type PushEvent struct {
	Kind      string // "order_status"
	ShopID    int64
	Order     Order
	Timestamp time.Time
}

// PushFormatter renders an event for a callback URL as the platform does:
// the body and the signed headers.
type PushFormatter func(url string, ev PushEvent) (body []byte, header http.Header)

// LostPush is a push that was not delivered: pushes were off, or every
// retry failed. Shopee's get_lost_push_message serves them.
type LostPush struct {
	ID        int64     `json:"id"`
	ShopID    int64     `json:"shop_id"`
	Body      []byte    `json:"body"`
	Event     PushEvent `json:"-"`
	Timestamp time.Time `json:"timestamp"`
}

// PushStats count deliveries for /_sandbox/state.
type PushStats struct {
	Delivered int `json:"delivered"`
	Retried   int `json:"retried"`
	Lost      int `json:"lost"`
}

type pusher struct {
	e       *Engine
	client  *http.Client
	mu      sync.Mutex
	url     string
	enabled bool
	format  PushFormatter
	lost    []LostPush
	lostID  int64
	stats   PushStats
	queue   chan PushEvent
	done    chan struct{}
	wg      sync.WaitGroup
}

func newPusher(e *Engine) *pusher {
	p := &pusher{e: e, client: &http.Client{Timeout: 5 * time.Second}, enabled: true,
		queue: make(chan PushEvent, 65536), done: make(chan struct{})}
	p.wg.Add(1)
	go p.run()
	return p
}

// SetPushFormatter is called once by the front.
func (e *Engine) SetPushFormatter(f PushFormatter) {
	e.push.mu.Lock()
	e.push.format = f
	e.push.mu.Unlock()
}

// SetPushTarget sets the app's callback URL and whether pushes are sent at
// all (off simulates lost pushes).
func (e *Engine) SetPushTarget(url string, enabled bool) {
	e.push.mu.Lock()
	e.push.url, e.push.enabled = url, enabled
	e.push.mu.Unlock()
}

// SetShopPush turns pushes of one shop on or off.
func (e *Engine) SetShopPush(shopID int64, enabled bool) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, err := e.shop(shopID)
	if err != nil {
		return err
	}
	s.pushOff = !enabled
	return nil
}

// orderChanged queues a push; the caller holds e.mu, so it never blocks.
func (p *pusher) orderChanged(s *Shop, o Order) {
	ev := PushEvent{Kind: "order_status", ShopID: s.ID, Order: o, Timestamp: p.e.now()}
	if s.pushOff {
		p.loseLater(ev)
		return
	}
	select {
	case p.queue <- ev:
	default:
		p.loseLater(ev)
	}
}

func (p *pusher) loseLater(ev PushEvent) {
	go p.lose(ev, nil)
}

func (p *pusher) run() {
	defer p.wg.Done()
	for {
		select {
		case ev := <-p.queue:
			p.deliver(ev, 0)
		case <-p.done:
			return
		}
	}
}

// deliver tries once and schedules the next attempt on failure.
func (p *pusher) deliver(ev PushEvent, attempt int) {
	p.mu.Lock()
	url, enabled, format := p.url, p.enabled, p.format
	p.mu.Unlock()
	if !enabled || url == "" || format == nil {
		p.lose(ev, nil)
		return
	}
	body, header := format(url, ev)
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err == nil {
		req.Header = header
		var resp *http.Response
		resp, err = p.client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode/100 == 2 {
				p.mu.Lock()
				p.stats.Delivered++
				p.mu.Unlock()
				return
			}
		}
	}
	schedule := p.e.cfg.PushSchedule
	if attempt >= len(schedule) {
		p.lose(ev, body)
		return
	}
	p.mu.Lock()
	p.stats.Retried++
	p.mu.Unlock()
	delay := time.Duration(float64(schedule[attempt]) * p.e.cfg.PushTimeScale)
	time.AfterFunc(delay, func() {
		select {
		case <-p.done:
		default:
			p.deliver(ev, attempt+1)
		}
	})
}

func (p *pusher) lose(ev PushEvent, body []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if body == nil && p.format != nil {
		body, _ = p.format(p.url, ev)
	}
	p.lostID++
	p.lost = append(p.lost, LostPush{ID: p.lostID, ShopID: ev.ShopID, Body: body, Event: ev, Timestamp: ev.Timestamp})
	p.stats.Lost++
}

// LostPushes returns up to limit undelivered pushes, oldest first.
func (e *Engine) LostPushes(limit int) (msgs []LostPush, more bool) {
	e.push.mu.Lock()
	defer e.push.mu.Unlock()
	msgs = e.push.lost
	if len(msgs) > limit {
		return append([]LostPush(nil), msgs[:limit]...), true
	}
	return append([]LostPush(nil), msgs...), false
}

// ConfirmLostPushes drops lost pushes up to and including lastID.
func (e *Engine) ConfirmLostPushes(lastID int64) {
	e.push.mu.Lock()
	defer e.push.mu.Unlock()
	i := 0
	for i < len(e.push.lost) && e.push.lost[i].ID <= lastID {
		i++
	}
	e.push.lost = e.push.lost[i:]
}

func (p *pusher) close() {
	select {
	case <-p.done:
	default:
		close(p.done)
	}
	p.wg.Wait()
}
