package ops

import (
	"context"
	"time"

	"ocophub/catalog"
	"ocophub/worker"
)

// CampaignStore is the part of the store the campaign routes and pages
// use (*store.Store implements it). The store decides who sees which
// campaign and acts for which co-op.
type CampaignStore interface {
	CreateCampaign(ctx context.Context, c *catalog.Campaign) error
	CancelCampaign(ctx context.Context, id int64) (catalog.Campaign, error)
	Campaign(ctx context.Context, id int64) (catalog.Campaign, error)
	ListCampaigns(ctx context.Context, q catalog.ListQuery) ([]catalog.Campaign, string, error)
	CampaignMatches(ctx context.Context, c catalog.Campaign) ([]catalog.CampaignMatch, error)
	SetCampaignItems(ctx context.Context, campaignID, coopID int64, items []catalog.CampaignOptIn) ([]catalog.CampaignItem, error)
	CampaignItems(ctx context.Context, campaignID int64) ([]catalog.CampaignItem, error)
	CampaignListings(ctx context.Context, campaignID int64) ([]catalog.CampaignListing, error)
	CampaignReport(ctx context.Context, id int64) (catalog.CampaignReport, error)
}

// CreateCampaign stores a campaign and queues its start and end tasks.
// A failed enqueue does not fail the request: the campaign is stored, and
// the worker's sweep starts and ends overdue campaigns by itself, so the
// person is not led to create it twice.
func CreateCampaign(ctx context.Context, st CampaignStore, tasks Enqueuer, c *catalog.Campaign) error {
	if err := st.CreateCampaign(ctx, c); err != nil {
		return err
	}
	if tasks != nil {
		_ = worker.ScheduleCampaign(ctx, tasks, *c)
	}
	return nil
}

// CancelCampaign ends a campaign now and queues the pushes that put its
// listings back at their base price (the sweep re-drives them if the
// enqueue fails).
func CancelCampaign(ctx context.Context, st CampaignStore, tasks Enqueuer, id int64) (catalog.Campaign, error) {
	c, err := st.CancelCampaign(ctx, id)
	if err != nil {
		return c, err
	}
	if tasks != nil {
		_, _ = tasks.EnqueueContext(ctx, worker.CampaignSyncTask(id, time.Now()))
	}
	return c, nil
}
