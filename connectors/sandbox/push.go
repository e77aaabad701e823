package sandbox

import (
	"bytes"
	"context"
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
	url       string    // the callback URL when it was lost, to render Body
}

// PushStats count deliveries for /_sandbox/state.
type PushStats struct {
	Delivered int `json:"delivered"`
	Retried   int `json:"retried"`
	Lost      int `json:"lost"`
}

// pushWorkers deliver pushes side by side: an app slow to answer one push
// holds back only that worker, as the platforms' push senders do. Pushes
// of one order may therefore arrive out of order (each carries its update
// time, as the real ones do).
const pushWorkers = 4

// pushJob is one delivery attempt of an event; attempt 0 is the first.
type pushJob struct {
	ev      PushEvent
	attempt int
}

// retry is a scheduled retry: its job and the body already rendered.
type retry struct {
	job  pushJob
	body []byte
}

type pusher struct {
	e      *Engine
	client *http.Client
	// ctx ends at close: deliveries in flight are cancelled.
	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	url     string
	enabled bool
	format  PushFormatter
	lost    []LostPush
	lostID  int64
	stats   PushStats
	closed  bool
	timers  map[*time.Timer]retry // retries waiting for their time

	queue     chan pushJob
	wg        sync.WaitGroup // workers and fired retry timers
	closeOnce sync.Once
}

func newPusher(e *Engine) *pusher {
	ctx, cancel := context.WithCancel(context.Background())
	p := &pusher{e: e, client: &http.Client{Timeout: 5 * time.Second}, enabled: true, ctx: ctx, cancel: cancel,
		timers: map[*time.Timer]retry{}, queue: make(chan pushJob, 65536)}
	p.wg.Add(pushWorkers)
	for range pushWorkers {
		go p.run()
	}
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

// orderChanged queues a push. The caller holds e.mu, so it never blocks
// and never calls the formatter (which may read engine state): a push that
// cannot be queued is recorded as lost at once, its body rendered when it
// is read.
func (p *pusher) orderChanged(s *Shop, o Order) {
	ev := PushEvent{Kind: "order_status", ShopID: s.ID, Order: o, Timestamp: p.e.now()}
	if s.pushOff {
		p.lose(ev, nil)
		return
	}
	select {
	case p.queue <- pushJob{ev: ev}:
	default:
		p.lose(ev, nil)
	}
}

func (p *pusher) run() {
	defer p.wg.Done()
	for {
		select {
		case job := <-p.queue:
			p.deliver(job)
		case <-p.ctx.Done():
			return
		}
	}
}

// deliver tries once and schedules the next attempt on failure.
func (p *pusher) deliver(job pushJob) {
	p.mu.Lock()
	url, enabled, format := p.url, p.enabled, p.format
	p.mu.Unlock()
	if !enabled || url == "" || format == nil {
		p.lose(job.ev, nil)
		return
	}
	body, header := format(url, job.ev)
	req, err := http.NewRequestWithContext(p.ctx, http.MethodPost, url, bytes.NewReader(body))
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
	if job.attempt >= len(schedule) || p.ctx.Err() != nil {
		p.lose(job.ev, body)
		return
	}
	delay := time.Duration(float64(schedule[job.attempt]) * p.e.cfg.PushTimeScale)
	p.retryLater(retry{job: pushJob{ev: job.ev, attempt: job.attempt + 1}, body: body}, delay)
}

// retryLater queues r again after delay. The timer is kept so that close
// can stop it; a fired timer counts in wg until it has handed r over.
func (p *pusher) retryLater(r retry, delay time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		p.loseLocked(r.job.ev, r.body)
		return
	}
	p.stats.Retried++
	var t *time.Timer
	p.wg.Add(1)
	t = time.AfterFunc(delay, func() {
		defer p.wg.Done()
		p.mu.Lock()
		_, pending := p.timers[t]
		delete(p.timers, t)
		p.mu.Unlock()
		if !pending {
			return // close took it over
		}
		select {
		case p.queue <- r.job:
		default:
			p.lose(r.job.ev, r.body)
		}
	})
	p.timers[t] = r
}

// lose records an undelivered push; body nil is rendered when read.
func (p *pusher) lose(ev PushEvent, body []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.loseLocked(ev, body)
}

func (p *pusher) loseLocked(ev PushEvent, body []byte) {
	p.lostID++
	p.lost = append(p.lost, LostPush{ID: p.lostID, ShopID: ev.ShopID, Body: body, Event: ev, Timestamp: ev.Timestamp, url: p.url})
	p.stats.Lost++
}

// LostPushes returns up to limit undelivered pushes, oldest first. Bodies
// of pushes lost while the engine was locked are rendered here, once.
func (e *Engine) LostPushes(limit int) (msgs []LostPush, more bool) {
	p := e.push
	p.mu.Lock()
	n := max(0, min(limit, len(p.lost)))
	msgs, more = append([]LostPush(nil), p.lost[:n]...), len(p.lost) > n
	format := p.format
	p.mu.Unlock()
	rendered := map[int64][]byte{}
	for i := range msgs {
		if msgs[i].Body == nil && format != nil {
			msgs[i].Body, _ = format(msgs[i].url, msgs[i].Event)
			rendered[msgs[i].ID] = msgs[i].Body
		}
	}
	if len(rendered) > 0 {
		p.mu.Lock()
		for i := range p.lost {
			if b, ok := rendered[p.lost[i].ID]; ok && p.lost[i].Body == nil {
				p.lost[i].Body = b
			}
		}
		p.mu.Unlock()
	}
	return msgs, more
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

// close cancels deliveries in flight, stops the scheduled retries (their
// pushes become lost pushes) and waits for every delivery goroutine.
func (p *pusher) close() {
	p.closeOnce.Do(func() {
		p.cancel()
		p.mu.Lock()
		p.closed = true
		for t, r := range p.timers {
			if t.Stop() {
				p.wg.Done() // its function will not run
			}
			p.loseLocked(r.job.ev, r.body)
		}
		clear(p.timers)
		p.mu.Unlock()
		p.wg.Wait()
	})
}
