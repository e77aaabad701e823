package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/bsm/redislock"
	"github.com/hibiken/asynq"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/connectors"
	"ocophub/connectors/driver"
)

// Stock goes out per shop, not per listing: listings whose stock changed
// are added to their shop's pending set in Redis, and one shop push drains
// the set in batches, reading the channel once per batch and writing once
// per batch (within the platform's batch limits). Under a burst of orders
// the calls to a shop grow with the number of batches, not of SKUs.
//
// Redis is only a transport: a listing lost from a set (Redis emptied, a
// worker killed between popping and pushing) still has a pushed_version
// behind its stock, and the relay's sweep adds it again.

// KindShopPush drains one shop's pending stock pushes (ShopPush).
const KindShopPush = "stock:push-shop"

// ShopPush pushes the pending listings of one shop.
type ShopPush struct {
	ShopID int64 `json:"shop_id"`
}

// pushBatch is how many listings one round of a shop push takes from the
// set: one snapshot query, one batched read and one batched write for
// all of them.
const pushBatch = 200

func pendingKey(shopID int64) string { return "ocophub:push:pending:" + strconv.FormatInt(shopID, 10) }
func settleKey(shopID int64) string  { return "ocophub:push:settle:" + strconv.FormatInt(shopID, 10) }
func queuedKey(shopID int64) string  { return "ocophub:push:queued:" + strconv.FormatInt(shopID, 10) }

// enqueuePush adds listings of one shop to its pending set and makes sure
// a shop push will run after now: the queued flag is taken by whoever
// enqueues and dropped by the push when it starts, so a listing added
// while a push is draining is either popped by it or triggers the next.
func (w *Worker) enqueuePush(ctx context.Context, shopID int64, listingIDs ...int64) error {
	return w.addPending(ctx, pendingKey(shopID), shopID, listingIDs)
}

func (w *Worker) addPending(ctx context.Context, key string, shopID int64, listingIDs []int64) error {
	if len(listingIDs) == 0 {
		return nil
	}
	members := make([]any, len(listingIDs))
	for i, id := range listingIDs {
		members[i] = id
	}
	if err := w.cfg.Redis.SAdd(ctx, key, members...).Err(); err != nil {
		return err
	}
	first, err := w.cfg.Redis.SetNX(ctx, queuedKey(shopID), 1, time.Minute).Result()
	if err != nil || !first {
		return err
	}
	b, _ := json.Marshal(ShopPush{ShopID: shopID})
	_, err = w.client.EnqueueContext(ctx, asynq.NewTask(KindShopPush, b), asynq.Queue(QueueCritical), asynq.MaxRetry(20))
	if err != nil {
		w.cfg.Redis.Del(context.WithoutCancel(ctx), queuedKey(shopID))
	}
	return err
}

// handleStockPush takes one listing's push request (the API's "push
// again", a settle after a margin was held back) into its shop's sets.
func (w *Worker) handleStockPush(ctx context.Context, t *asynq.Task) error {
	var p StockPush
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	l, err := w.cfg.Store.Listing(system(ctx), p.ListingID)
	if catalog.ErrorCode(err) == catalog.CodeNotFound {
		return nil // deleted since
	}
	if err != nil {
		return err
	}
	key := pendingKey(l.ShopID)
	if p.Settle {
		key = settleKey(l.ShopID)
	}
	return w.addPending(ctx, key, l.ShopID, []int64{l.ID})
}

// handleShopPush drains a shop's pending and settle sets. Shop pushes
// never overlap (a lock per shop, across workers): the unseen-sales
// accounting reads and writes the listings' counters around the channel
// calls. A push that finds the lock taken leaves the work to the holder,
// which looks at the sets once more after releasing the lock: whatever was
// added while it held the lock is never stranded (the same handshake as
// order ingestion).
func (w *Worker) handleShopPush(ctx context.Context, t *asynq.Task) error {
	var p ShopPush
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	w.cfg.Redis.Del(ctx, queuedKey(p.ShopID))
	for {
		lock, err := w.cfg.Channels.Locker.Obtain(ctx, "ocophub:lock:push-shop:"+strconv.FormatInt(p.ShopID, 10), 30*time.Second, nil)
		if errors.Is(err, redislock.ErrNotObtained) {
			return nil // the holder will take it
		}
		if err != nil {
			return err
		}
		err = w.drainShop(ctx, p.ShopID, lock)
		_ = lock.Release(context.WithoutCancel(ctx))
		if err != nil {
			return err
		}
		n, err := w.cfg.Redis.SCard(ctx, pendingKey(p.ShopID)).Result()
		if err != nil {
			return err
		}
		m, err := w.cfg.Redis.SCard(ctx, settleKey(p.ShopID)).Result()
		if err != nil || n+m == 0 {
			return err
		}
	}
}

// drainShop pushes the shop's sets until both are empty.
func (w *Worker) drainShop(ctx context.Context, shopID int64, lock *redislock.Lock) error {
	for {
		n, err := w.drain(ctx, shopID, settleKey(shopID), true)
		if err != nil {
			return err
		}
		m, err := w.drain(ctx, shopID, pendingKey(shopID), false)
		if err != nil {
			return err
		}
		if n+m == 0 {
			return nil
		}
		if err := lock.Refresh(ctx, 30*time.Second, nil); err != nil {
			return err
		}
	}
}

// drain pops one batch from a set and pushes it; on a failure that a retry
// may fix, the batch goes back into the set before the task is retried.
func (w *Worker) drain(ctx context.Context, shopID int64, key string, settle bool) (int, error) {
	members, err := w.cfg.Redis.SPopN(ctx, key, pushBatch).Result()
	if err != nil || len(members) == 0 {
		return 0, err
	}
	ids := make([]int64, 0, len(members))
	for _, m := range members {
		if id, err := strconv.ParseInt(m, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	if err := w.pushShop(ctx, shopID, ids, settle); err != nil {
		if !errors.Is(err, asynq.SkipRetry) {
			back := make([]any, len(ids))
			for i, id := range ids {
				back[i] = id
			}
			w.cfg.Redis.SAdd(context.WithoutCancel(ctx), key, back...)
		}
		return len(ids), err
	}
	return len(ids), nil
}

// pushPlan is one listing's part of a shop push.
type pushPlan struct {
	snap    store.PushSnap
	avail   int64 // what the shop's rule allows of the hub's stock
	current int64 // what the channel shows: read, else the pushed quantity (own sales: what it should show)
	unseen  int64 // units the channel sold that the hub has not ingested
	margin  int64
	qty     int64 // what will be written
	// ownSales: the hub's stock moved only by this shop's own sales;
	// nothing to write, unless verify's read finds the channel showing
	// more than expected.
	ownSales bool
	// expected is what the channel should show after its own sales.
	expected int64
	// verify: the last write was recent (Config.ErasedSaleWindow), so a
	// sale made in its round trip may have been erased by it; read the
	// channel to see.
	verify bool
	// hot: a share of the last units of a selling variant (SplitHot).
	hot bool
}

// pushShop is one batched push of a shop's listings: read the hub's stock
// (one snapshot), read the channel's stock of the listings that may need
// a write (one batched read: it reveals sales the hub has not ingested
// yet), write the absolute quantities (one batched write), record every
// outcome (one transaction).
//
// The hub is read first, then the channel, then the write at once: the
// only sales that can slip through are those in the one round trip between
// reading the channel and writing it. An order ingested after the hub was
// read counts as unseen now and as sold-since-push next time.
func (w *Worker) pushShop(ctx context.Context, shopID int64, ids []int64, settle bool) error {
	sctx := system(ctx)
	shop, err := w.cfg.Store.Shop(sctx, shopID)
	if catalog.ErrorCode(err) == catalog.CodeNotFound {
		return nil
	}
	if err != nil {
		return err
	}
	if !shop.Connected {
		return nil
	}
	ch, err := w.cfg.Channels.For(shop)
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	snaps, err := w.cfg.Store.PushSnapshots(sctx, ids, shop.Rule)
	if err != nil {
		return err
	}
	var records []store.PushRecord
	var plans []*pushPlan
	for _, s := range snaps {
		l := s.Listing
		if l.Status != catalog.ListingLive || l.ShopID != shopID {
			continue
		}
		avail, capped := s.Avail(shop.Rule)
		if capped && !settle {
			// Another shop's claim on the shared units holds this one
			// below its share: look again in a moment. (That shop's
			// push also wakes this one when it comes down; a settle
			// that is still held does not queue itself again, so a
			// shop that never comes down costs no reads.)
			_, _ = w.client.EnqueueContext(ctx, SettlePushTask(l.ID))
		}
		switch {
		case l.PushedAt == nil:
		case l.PushedVersion >= s.Version && !settle && avail == l.PushedAvail:
			// The hub knows nothing new and the rule allows what it
			// allowed; the channel already shows its own sales, seen or
			// not. Writing would only risk erasing sales made while we
			// write. (A changed rule, or the burst guard splitting or
			// giving back, changes avail without a stock change.)
			continue
		case !settle && avail == l.PushedAvail-l.SoldSincePush:
			// Nothing changed but this shop's own sales, which the
			// channel took off by itself: recorded as pushed without a
			// write. The channel should show base − sold; if it shows
			// less, its sales the hub has not seen stay out of
			// base − sold, so the next read still tells them
			// (UnseenSales). It can only show MORE when the last write
			// erased a sale made during its round trip (an absolute
			// write does), and such a sale reaches the hub soon after
			// that write: only then is the channel read to make sure.
			expected := l.Claim() // what it shows once its own sales are off
			plans = append(plans, &pushPlan{snap: s, avail: avail, current: expected, expected: expected, ownSales: true,
				verify: time.Since(*l.PushedAt) < w.cfg.ErasedSaleWindow})
			continue
		}
		plans = append(plans, &pushPlan{snap: s, avail: avail, current: l.PushedQuantity})
	}
	// While a listing shows a share of the last units of a selling
	// variant (store.PushSnap.SplitHot), look again in a moment: once the
	// variant is quiet a shop the burst guard split gets the rest of its
	// units back.
	for _, p := range plans {
		if p.hot = p.snap.SplitHot(shop.Rule); p.hot {
			_, _ = w.client.EnqueueContext(ctx, SettlePushTask(p.snap.Listing.ID))
		}
	}
	readAt := time.Now()
	if err := w.readChannel(ctx, ch, plans); err != nil {
		return w.recordFailure(sctx, plans, err)
	}
	var updates []driver.StockUpdate
	var writing []*pushPlan
	for _, p := range plans {
		l := p.snap.Listing
		if l.PushedAt != nil && (!p.ownSales || p.verify) {
			p.unseen = catalog.UnseenSales(l.PushedBase, p.current, l.SoldSincePush)
		}
		if p.ownSales && p.current > p.expected {
			p.ownSales = false // a sale was erased: write, as for any change
		}
		if settle && (p.unseen > 0 || l.SoldSincePush > 0) {
			// Still selling: keep the margin a little longer.
			_, _ = w.client.EnqueueContext(ctx, SettlePushTask(l.ID))
			continue
		}
		if p.ownSales {
			records = append(records, store.PushRecord{ListingID: l.ID, Kind: "stock", Before: &p.current, After: &p.current,
				Version: p.snap.Version, Result: "own_sales", SoldAccounted: l.SoldSincePush, Base: p.current + p.unseen, Avail: p.avail})
			continue
		}
		p.margin = catalog.SellingMargin(p.unseen, l.SoldSincePush)
		p.qty = catalog.PushQuantity(p.avail, p.unseen, p.margin)
		if p.margin > 0 && l.PushedAt != nil {
			// The shop is selling this SKU right now. Lowering it is
			// always safe; raising it could hand back units whose sale
			// the hub cannot see yet (or that an earlier write erased),
			// so while it sells it only goes down, and the settle push
			// raises it once the shop is quiet.
			p.qty = min(p.qty, max(0, p.current-p.margin))
		}
		if p.qty == p.current && l.PushedAt != nil {
			// The channel shows it already: a write could only erase
			// a sale made while it travels. Recorded as pushed when
			// there is anything to record (a newer version, sales to
			// account for, a new base).
			if l.PushedVersion >= p.snap.Version && l.SoldSincePush == 0 && p.current+p.unseen == l.PushedBase && p.avail == l.PushedAvail {
				continue
			}
			records = append(records, store.PushRecord{ListingID: l.ID, Kind: "stock", Before: &p.current, After: &p.current,
				Version: p.snap.Version, Result: "unchanged", SoldAccounted: l.SoldSincePush, Base: p.current + p.unseen, Avail: p.avail})
			continue
		}
		writing = append(writing, p)
		updates = append(updates, driver.StockUpdate{ItemID: l.ExternalItemID, ModelID: l.ExternalModelID,
			SellerSKU: p.snap.SellerSKU, Quantity: p.qty})
	}
	start := time.Now()
	outcome, err := w.write(ctx, ch, writing, updates)
	if err != nil {
		return w.recordFailure(sctx, writing, err)
	}
	latency := time.Since(start)
	if len(writing) > 0 {
		w.lag.pushed(shop, time.Since(readAt))
	}
	var transient error
	for _, p := range writing {
		l := p.snap.Listing
		rec := store.PushRecord{ListingID: l.ID, Kind: "stock", Before: &p.current, After: &p.qty, Version: p.snap.Version,
			Result: "ok", Latency: latency, SoldAccounted: l.SoldSincePush, Base: p.qty + p.unseen, Avail: p.avail}
		if rerr := outcome[p]; rerr != nil {
			rec.Result, rec.Error = "error", rerr.Error()
			var de *driver.Error
			if errors.As(rerr, &de) {
				rec.RequestID = de.RequestID
			}
			if !errors.Is(permanent(rerr), asynq.SkipRetry) {
				transient = rerr
			}
		} else if p.margin > 0 {
			// Give the margin back once the burst has passed.
			_, _ = w.client.EnqueueContext(ctx, SettlePushTask(l.ID))
		}
		records = append(records, rec)
	}
	if err := w.cfg.Store.RecordPushes(sctx, records); err != nil {
		return err
	}
	w.wakeSharers(ctx, shop.Rule, writing, outcome)
	// A transient failure of some SKUs retries the batch: the SKUs
	// written are then skipped by the version guard.
	return transient
}

// wakeSharers pushes the other shops sharing a split variant whose
// listing was just lowered here: its claim on the shared units came down,
// and a shop it held below its share (StockRule.SharedAvail) may be
// raised now.
func (w *Worker) wakeSharers(ctx context.Context, rule catalog.StockRule, written []*pushPlan, outcome map[*pushPlan]error) {
	for _, p := range written {
		if outcome[p] != nil || p.qty >= p.current || !p.snap.Split(rule) {
			continue
		}
		for _, o := range p.snap.Others {
			_ = w.enqueuePush(ctx, o.ShopID, o.ListingID)
		}
	}
}

// recordFailure audits every listing of a batch that a failed read or
// write of the channel stopped, so the seller sees why each was not pushed
// (the web UI explains the error); the batch is retried as before.
func (w *Worker) recordFailure(ctx context.Context, plans []*pushPlan, err error) error {
	var de *driver.Error
	requestID := ""
	if errors.As(err, &de) {
		requestID = de.RequestID
	}
	recs := make([]store.PushRecord, 0, len(plans))
	for _, p := range plans {
		recs = append(recs, store.PushRecord{ListingID: p.snap.Listing.ID, Kind: "stock", Before: &p.current,
			Version: p.snap.Version, Result: "error", Error: err.Error(), RequestID: requestID})
	}
	if rerr := w.cfg.Store.RecordPushes(ctx, recs); rerr != nil {
		return errors.Join(err, rerr)
	}
	return err
}

// readChannel fills current for the plans of listings pushed before, in
// one batched read; an own-sales plan is read only to verify it.
func (w *Worker) readChannel(ctx context.Context, ch *connectors.Channel, plans []*pushPlan) error {
	var refs []driver.StockRef
	var read []*pushPlan
	for _, p := range plans {
		if p.snap.Listing.PushedAt == nil || p.ownSales && !p.verify {
			continue
		}
		l := p.snap.Listing
		refs = append(refs, driver.StockRef{ItemID: l.ExternalItemID, ModelID: l.ExternalModelID, SellerSKU: p.snap.SellerSKU})
		read = append(read, p)
	}
	if len(refs) == 0 {
		return nil
	}
	levels, err := ch.GetStock(ctx, refs)
	if err != nil {
		return err
	}
	find := byIdentity(read)
	for _, lv := range levels {
		p := find(lv.SellerSKU, lv.ModelID)
		if p == nil {
			continue
		}
		if lv.Err != nil {
			// Unknown to the channel (deleted there?) or unreadable: a
			// push without knowing the channel's sales could hand back
			// units it sold, so the batch waits for a good read.
			if driver.CodeOf(lv.Err) != driver.CodeNotFound {
				return lv.Err
			}
			continue
		}
		p.current = lv.Quantity
	}
	return nil
}

// byIdentity finds a plan by the SKU a result names: the Channel groups
// a batch by item and platforms answer in their own order, so results are
// matched by seller SKU (or, failing that, model id), never by position.
func byIdentity(plans []*pushPlan) func(sku, model string) *pushPlan {
	bySKU := make(map[string]*pushPlan, len(plans))
	byModel := make(map[string]*pushPlan, len(plans))
	for _, p := range plans {
		bySKU[p.snap.SellerSKU] = p
		if m := p.snap.Listing.ExternalModelID; m != "" {
			byModel[m] = p
		}
	}
	return func(sku, model string) *pushPlan {
		if p, ok := bySKU[sku]; ok && sku != "" {
			return p
		}
		return byModel[model]
	}
}

// write sends the batch and returns each plan's error (nil when written).
// A plan the platform's answer does not name failed: its stock is unknown.
func (w *Worker) write(ctx context.Context, ch *connectors.Channel, plans []*pushPlan, updates []driver.StockUpdate) (map[*pushPlan]error, error) {
	if len(updates) == 0 {
		return nil, nil
	}
	results, err := ch.SetStock(ctx, updates)
	if err != nil {
		return nil, err
	}
	outcome := make(map[*pushPlan]error, len(plans))
	for _, p := range plans {
		outcome[p] = &driver.Error{Code: driver.CodeUnavailable, Message: "the platform's answer left this SKU out"}
	}
	find := byIdentity(plans)
	for _, r := range results {
		if p := find(r.SellerSKU, r.ModelID); p != nil {
			outcome[p] = r.Err
		}
	}
	return outcome, nil
}
