package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"ocophub/catalog"
	"ocophub/catalog/store"
)

// Alliance campaigns in the worker. The API queues a campaign's start and
// end as asynq tasks processed at those times, with a TaskID per campaign
// and phase so any number of workers, and an API retrying, queue each
// once. Each task runs the store's transition (idempotent: it checks the
// status in the same transaction) and then pushes every price the
// transition left owed. Redis is only the alarm clock: the sweep starts
// and ends overdue campaigns itself and re-queues owed pushes, so a lost
// Redis or a worker killed between the transition and its pushes still
// converges.
//
// Prices go out through SetPrice with the campaign as a promotion over the
// base price (store.PriceTarget.Promo). A platform that runs promotions of
// its own (Capabilities().Promotions: Lazada's special price) shows it as
// a discount, the base price crossed out, and ends it itself at the
// campaign's end even if no worker runs then; an early end closes its
// window. The others (Shopee, whose discount activities the driver does
// not use yet, and Zalo) are sent the campaign price as the price, and the
// base price back at the end.

// Campaign task kinds.
const (
	KindCampaignStart = "campaign:start" // CampaignTask
	KindCampaignEnd   = "campaign:end"   // CampaignTask
	KindCampaignSync  = "campaign:sync"  // CampaignTask: push the prices a campaign still owes
)

// CampaignTask names a campaign.
type CampaignTask struct {
	CampaignID int64 `json:"campaign_id"`
}

func campaignTaskID(id int64, phase string) string {
	return "campaign:" + strconv.FormatInt(id, 10) + ":" + phase
}

// CampaignStartTask starts a campaign at its start time.
func CampaignStartTask(id int64, at time.Time) *asynq.Task {
	return newTask(KindCampaignStart, CampaignTask{CampaignID: id}, asynq.Queue(QueueDefault), asynq.ProcessAt(ceilSecond(at)),
		asynq.TaskID(campaignTaskID(id, "start")), asynq.MaxRetry(20))
}

// CampaignEndTask ends a campaign at its end time.
func CampaignEndTask(id int64, at time.Time) *asynq.Task {
	return newTask(KindCampaignEnd, CampaignTask{CampaignID: id}, asynq.Queue(QueueDefault), asynq.ProcessAt(ceilSecond(at)),
		asynq.TaskID(campaignTaskID(id, "end")), asynq.MaxRetry(20))
}

// ceilSecond rounds up to a whole second: asynq keeps ProcessAt in whole
// seconds (truncated), and a start task run before its time does nothing.
func ceilSecond(t time.Time) time.Time {
	if r := t.Truncate(time.Second); !r.Equal(t) {
		return r.Add(time.Second)
	}
	return t
}

// campaignSyncBucket spaces the sweep's sync tasks of one campaign: one
// TaskID per bucket coalesces them, and a task given up on (archived)
// does not block the next bucket's.
const campaignSyncBucket = 30 * time.Second

// CampaignSyncTask pushes the prices a campaign still owes (after a
// cancellation, a crash, a failed push).
func CampaignSyncTask(id int64, now time.Time) *asynq.Task {
	bucket := strconv.FormatInt(now.Unix()/int64(campaignSyncBucket/time.Second), 10)
	return newTask(KindCampaignSync, CampaignTask{CampaignID: id}, asynq.Queue(QueueDefault),
		asynq.TaskID(campaignTaskID(id, "sync:"+bucket)), asynq.MaxRetry(10))
}

// ScheduleCampaign queues a campaign's start and end. Queuing again (a
// retry, another replica) finds the tasks there and changes nothing.
func ScheduleCampaign(ctx context.Context, tasks interface {
	EnqueueContext(ctx context.Context, task *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error)
}, c catalog.Campaign) error {
	for _, t := range []*asynq.Task{CampaignStartTask(c.ID, c.StartsAt), CampaignEndTask(c.ID, c.EndsAt)} {
		if _, err := tasks.EnqueueContext(ctx, t); err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
			return err
		}
	}
	return nil
}

func campaignOf(t *asynq.Task) (int64, error) {
	var p CampaignTask
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.CampaignID <= 0 {
		return 0, fmt.Errorf("campaign task payload %q: %w", t.Payload(), asynq.SkipRetry)
	}
	return p.CampaignID, nil
}

func (w *Worker) handleCampaignStart(ctx context.Context, t *asynq.Task) error {
	return w.campaignPhase(ctx, t, w.cfg.Store.StartCampaign)
}

func (w *Worker) handleCampaignEnd(ctx context.Context, t *asynq.Task) error {
	return w.campaignPhase(ctx, t, w.cfg.Store.EndCampaign)
}

func (w *Worker) handleCampaignSync(ctx context.Context, t *asynq.Task) error {
	return w.campaignPhase(ctx, t, nil)
}

// campaignPhase runs a transition (none for a sync), then the pushes.
func (w *Worker) campaignPhase(ctx context.Context, t *asynq.Task,
	transition func(context.Context, int64) (catalog.Campaign, bool, error)) error {
	id, err := campaignOf(t)
	if err != nil {
		return err
	}
	if transition != nil {
		c, changed, err := transition(system(ctx), id)
		if catalog.ErrorCode(err) == catalog.CodeNotFound {
			return fmt.Errorf("%w: %w", err, asynq.SkipRetry) // deleted with its alliance
		}
		if err != nil {
			return err
		}
		if changed {
			w.cfg.Logger.Info("campaign "+string(c.Status), "campaign", id)
		}
	}
	return w.syncCampaign(ctx, id)
}

// syncCampaign pushes the prices of every item (shop × product) of a
// campaign with a listing still owed its state's price.
func (w *Worker) syncCampaign(ctx context.Context, id int64) error {
	items, err := w.cfg.Store.CampaignPushes(system(ctx), id)
	if err != nil {
		return err
	}
	var errs []error
	for _, it := range items {
		if err := w.pushCampaignItem(ctx, id, it); err != nil {
			errs = append(errs, fmt.Errorf("shop %d product %d: %w", it.ShopID, it.ProductID, err))
		}
	}
	return errors.Join(errs...)
}

func (w *Worker) pushCampaignItem(ctx context.Context, id int64, it store.ShopProduct) error {
	owed, err := w.cfg.Store.OwedCampaignRows(system(ctx), id, it)
	if err != nil {
		return err
	}
	shop, product, live, err := w.liveListings(ctx, it.ShopID, it.ProductID)
	if err != nil {
		return err
	}
	// A listing no longer live shows no price: nothing is owed to it.
	isLive := map[int64]bool{}
	for _, l := range live {
		isLive[l.ID] = true
	}
	var settle []store.CampaignPushResult
	for listingID, refs := range owed {
		if isLive[listingID] {
			continue
		}
		for _, ref := range refs {
			settle = append(settle, store.CampaignPushResult{Ref: ref})
		}
	}
	if err := w.cfg.Store.SettleCampaignPrices(system(ctx), settle); err != nil {
		return err
	}
	if len(live) == 0 {
		return nil
	}
	if !shop.Connected {
		var failed []store.CampaignPushResult
		for listingID, refs := range owed {
			for _, ref := range refs {
				if isLive[listingID] {
					failed = append(failed, store.CampaignPushResult{Ref: ref, Err: "the shop is disconnected: connect it again"})
				}
			}
		}
		return w.cfg.Store.SettleCampaignPrices(system(ctx), failed)
	}
	ch, err := w.cfg.Channels.For(shop)
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	return w.pushPrices(ctx, ch, shop, product, live)
}

// sweepCampaigns is the sweep's backstop for campaigns: it runs every
// overdue start or end itself (one transaction each, no channel call) and
// queues a sync for every campaign whose owed pushes have waited five
// sweeps (till then they are the task's that made them).
func (w *Worker) sweepCampaigns(ctx context.Context) {
	now := time.Now()
	due, err := w.cfg.Store.DueCampaigns(system(ctx), now, 100)
	if err != nil {
		if ctx.Err() == nil {
			w.cfg.Logger.Warn("sweep campaigns", "err", err)
		}
		return
	}
	for _, d := range due {
		transition := w.cfg.Store.StartCampaign
		if d.Phase == store.PhaseEnd {
			transition = w.cfg.Store.EndCampaign
		}
		if _, _, err := transition(system(ctx), d.ID); err != nil {
			w.cfg.Logger.Warn("overdue campaign "+string(d.Phase), "campaign", d.ID, "err", err)
			continue
		}
		w.enqueueCampaignSync(ctx, d.ID, now)
	}
	ids, err := w.cfg.Store.UnsyncedCampaigns(system(ctx), now.Add(-5*w.cfg.SweepInterval), 100)
	if err != nil {
		return
	}
	for _, id := range ids {
		w.enqueueCampaignSync(ctx, id, now)
	}
}

// joinRunningCampaigns puts listings that just went live into the running
// campaigns their SKUs take part in and pushes those campaigns' prices now
// (the sweep would otherwise find them owed a few sweeps later).
// A failure is logged, not returned: the listings are live and pushed
// already, and retrying the publish would only flip them back to
// publishing for a moment.
func (w *Worker) joinRunningCampaigns(ctx context.Context, listingIDs []int64) {
	ids, err := w.cfg.Store.JoinRunningCampaigns(system(ctx), listingIDs)
	if err != nil && ctx.Err() == nil {
		w.cfg.Logger.Warn("listings gone live could not join the running campaigns", "listings", listingIDs, "err", err)
	}
	for _, id := range ids {
		w.enqueueCampaignSync(ctx, id, time.Now())
	}
}

func (w *Worker) enqueueCampaignSync(ctx context.Context, id int64, now time.Time) {
	if _, err := w.client.EnqueueContext(ctx, CampaignSyncTask(id, now)); err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) && ctx.Err() == nil {
		w.cfg.Logger.Warn("queue campaign sync", "campaign", id, "err", err)
	}
}
