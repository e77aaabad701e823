package store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// TestInboxRetriesThenDeadLetter: a stored push is queued again only once
// its back-off has passed, its attempts are counted, and after the last one
// it is a dead letter, shown with why; a processed push is never retried; a
// signed body the driver could not read is a dead letter at once, one per
// body however often it is delivered, even with bytes PostgreSQL text
// cannot hold.
func TestInboxRetriesThenDeadLetter(t *testing.T) {
	eachClocked(t, func(t *testing.T, s *store.Store, c *clock) {
		op := storetest.Operator()
		retry := store.InboxRetry{Grace: time.Second, MaxAttempts: 3, Limit: 10,
			Backoff: func(n int) time.Duration { return time.Duration(n) * time.Minute }}
		stuck, added, err := s.InboxAdd(op, catalog.PlatformLazada, "ev-stuck", "S1", "O1", []byte(`{}`))
		require.NoError(t, err)
		require.True(t, added)
		done, _, err := s.InboxAdd(op, catalog.PlatformLazada, "ev-done", "S1", "O2", []byte(`{}`))
		require.NoError(t, err)
		require.NoError(t, s.InboxProcessed(op, done))

		due, dead, err := s.RetryInbox(op, retry)
		require.NoError(t, err)
		require.Empty(t, due, "the webhook's own ingestion has its grace")
		require.Empty(t, dead)

		c.Advance(2 * time.Second)
		due, _, err = s.RetryInbox(op, retry)
		require.NoError(t, err)
		require.Len(t, due, 1, "only the unprocessed push")
		require.Equal(t, stuck, due[0].ID)
		require.Equal(t, 2, due[0].Attempts)
		require.NoError(t, s.InboxFailed(op, "unavailable: Lazada is down", stuck))

		c.Advance(time.Minute) // the back-off after attempt 2 is 2 minutes
		due, _, err = s.RetryInbox(op, retry)
		require.NoError(t, err)
		require.Empty(t, due, "still backing off")

		c.Advance(time.Minute + 2*time.Second)
		due, _, err = s.RetryInbox(op, retry)
		require.NoError(t, err)
		require.Len(t, due, 1)
		require.Equal(t, 3, due[0].Attempts)

		c.Advance(3*time.Minute + 2*time.Second)
		due, dead, err = s.RetryInbox(op, retry)
		require.NoError(t, err)
		require.Empty(t, due)
		require.Len(t, dead, 1, "three attempts, then a dead letter")
		require.Equal(t, stuck, dead[0].ID)

		c.Advance(time.Hour)
		due, dead, err = s.RetryInbox(op, retry)
		require.NoError(t, err)
		require.Empty(t, due, "a dead letter is never retried")
		require.Empty(t, dead)

		unread := []byte("{\"order\":\x00\xff}")
		for range 2 {
			_, _, err = s.InboxDeadLetter(op, catalog.PlatformZalo, unread, "invalid_argument: not a Zalo event")
			require.NoError(t, err)
		}
		letters, total, err := s.DeadLetters(op, 10)
		require.NoError(t, err)
		require.Equal(t, int64(2), total)
		require.Equal(t, catalog.PlatformZalo, letters[0].Platform, "newest first")
		require.Equal(t, "invalid_argument: not a Zalo event", letters[0].Error)
		require.Equal(t, stuck, letters[1].ID)
		require.Equal(t, 3, letters[1].Attempts)
		require.Equal(t, "unavailable: Lazada is down", letters[1].Error)

		_, _, err = s.DeadLetters(coopCtx(1), 10)
		requireCode(t, catalog.CodePermissionDenied, err, "dead letters are the operator's")
		_, _, err = s.RetryInbox(coopCtx(1), retry)
		requireCode(t, catalog.CodePermissionDenied, err, "the sweep is the operator's")
	})
}

// TestPruneKeepsWhatIsStillNeeded: rows past their retention go, in
// batches; unsent outbox events, unprocessed pushes, live sessions and
// recent history stay; a zero retention keeps everything.
func TestPruneKeepsWhatIsStillNeeded(t *testing.T) {
	eachClocked(t, func(t *testing.T, s *store.Store, c *clock) {
		op := storetest.Operator()
		f := storetest.NewFixture(t, s, "PR")
		u := addUser(t, s, "manager.pr", catalog.RoleCoopManager, 0, f.Coop.ID)
		db := s.DB()
		now := c.Now()
		day := 24 * time.Hour
		old, recent := now.Add(-40*day), now.Add(-2*day)
		ancient := now.Add(-500 * day)

		// A live session; signing in drops the user's expired ones, so it
		// comes first.
		_, _, err := s.CreateSession(op, u.ID, 12*time.Hour, "", "")
		require.NoError(t, err)
		for _, at := range []time.Time{old, recent} {
			require.NoError(t, db.Exec(`INSERT INTO outbox (topic, payload, created_at, sent_at) VALUES ('t', '{}', ?, ?)`, at, at).Error)
			require.NoError(t, db.Exec(`INSERT INTO webhook_inbox (platform, event_id, body, received_at, processed_at) VALUES ('lazada', ?, '{}', ?, ?)`,
				"p"+at.String(), at, at).Error)
			require.NoError(t, db.Exec(`INSERT INTO webhook_inbox (platform, event_id, body, received_at, dead_at) VALUES ('lazada', ?, '{}', ?, ?)`,
				"d"+at.String(), at, at).Error)
		}
		require.NoError(t, db.Exec(`INSERT INTO outbox (topic, payload, created_at) VALUES ('t', '{}', ?)`, old).Error)
		require.NoError(t, db.Exec(`INSERT INTO webhook_inbox (platform, event_id, body, received_at, next_attempt_at) VALUES ('lazada', 'waiting', '{}', ?, ?)`,
			old, old).Error)
		for _, at := range []time.Time{ancient, old} {
			require.NoError(t, db.Exec(`INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
				"h"+at.String(), u.ID, at, at, at.Add(12*time.Hour)).Error)
			require.NoError(t, db.Exec(`INSERT INTO push_audit (listing_id, shop_id, coop_id, kind, result, created_at) VALUES (1, 1, ?, 'stock', 'ok', ?)`,
				f.Coop.ID, at).Error)
			require.NoError(t, db.Exec(`INSERT INTO audit_log (coop_id, actor, action, created_at) VALUES (?, 'test', 'x', ?)`, f.Coop.ID, at).Error)
		}
		count := func(table string) int64 {
			var n int64
			require.NoError(t, db.Table(table).Count(&n).Error)
			return n
		}
		before := map[string]int64{}
		for _, table := range []string{"outbox", "webhook_inbox", "sessions", "push_audit", "audit_log"} {
			before[table] = count(table)
		}

		removed, err := s.Prune(op, store.Retention{})
		require.NoError(t, err)
		require.Empty(t, removed, "zero keeps everything")

		removed, err = s.Prune(op, store.Retention{Outbox: 7 * day, Inbox: 30 * day, Sessions: 30 * day, PushAudit: 400 * day, AuditLog: 400 * day})
		require.NoError(t, err)
		require.Equal(t, map[string]int64{"outbox": 1, "webhook_inbox": 2, "sessions": 2, "push_audit": 1, "audit_log": 1}, removed)
		for table, n := range removed {
			require.Equal(t, before[table]-n, count(table), table)
		}
		var waiting int64
		require.NoError(t, db.Table("webhook_inbox").Where("event_id = 'waiting'").Count(&waiting).Error)
		require.Equal(t, int64(1), waiting, "a push not yet processed is never removed")
		var unsent int64
		require.NoError(t, db.Table("outbox").Where("sent_at IS NULL").Count(&unsent).Error)
		require.Equal(t, int64(1), unsent, "an event not yet sent is never removed")

		_, err = s.Prune(coopCtx(f.Coop.ID), store.Retention{Outbox: day})
		requireCode(t, catalog.CodePermissionDenied, err, "only the worker prunes")
	})
}

// TestWorkerOnlyMethodsRefuseACoop: the webhook inbox and what only the
// worker does to a shop (open or renew its plain marketplace token, move
// its poll cursor, record a channel's answer on a listing) are the
// operator's; even the co-op that owns the shop is refused, and nothing
// changes.
func TestWorkerOnlyMethodsRefuseACoop(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		s = keyed(t, s)
		op := storetest.Operator()
		f := storetest.NewFixture(t, s, "OPONLY")
		p := f.Product("CHE-OPONLY", 8, 1)
		require.NoError(t, s.CreateProduct(op, &p))
		shop := connectShop(t, s, op, f.Coop.ID, catalog.PlatformLazada, "4242")
		l, err := s.AddListing(op, shop.ID, p.Variants[0].ID)
		require.NoError(t, err)
		id, _, err := s.InboxAdd(op, catalog.PlatformLazada, "ev-op", shop.ExternalID, "O1", []byte(`{}`))
		require.NoError(t, err)

		coop := coopCtx(f.Coop.ID)
		refused := map[string]error{}
		_, _, refused["InboxAdd"] = s.InboxAdd(coop, catalog.PlatformLazada, "ev-coop", shop.ExternalID, "O2", []byte(`{}`))
		_, _, refused["InboxDeadLetter"] = s.InboxDeadLetter(coop, catalog.PlatformLazada, []byte("?"), "unread")
		refused["InboxProcessed"] = s.InboxProcessed(coop, id)
		refused["InboxFailed"] = s.InboxFailed(coop, "no", id)
		refused["InboxDead"] = s.InboxDead(coop, id, "no")
		_, refused["ShopToken"] = s.ShopToken(coop, shop.ID)
		refused["SaveShopToken"] = s.SaveShopToken(coop, shop.ID, []byte(`{"access_token":"planted"}`), time.Now().Add(time.Hour), time.Time{})
		refused["SetOrdersCursor"] = s.SetOrdersCursor(coop, shop.ID, time.Now())
		refused["SetListingState"] = s.SetListingState(coop, l.ID, catalog.ListingLive, "", "ITEM", "MODEL")
		for name, err := range refused {
			requireCode(t, catalog.CodePermissionDenied, err, "%s as the co-op", name)
		}

		require.Equal(t, int64(1), count(t, s, "webhook_inbox"), "nothing added")
		var row struct {
			ProcessedAt, DeadAt *time.Time
			Error               string
		}
		require.NoError(t, s.DB().Table("webhook_inbox").Where("id = ?", id).Take(&row).Error)
		require.Nil(t, row.ProcessedAt)
		require.Nil(t, row.DeadAt)
		require.Empty(t, row.Error)
		tok, err := s.ShopToken(op, shop.ID)
		require.NoError(t, err)
		require.Equal(t, `{"access_token":"x"}`, string(tok), "the token is the one the shop connected with")
		got, err := s.Listing(op, l.ID)
		require.NoError(t, err)
		require.NotEqual(t, catalog.ListingLive, got.Status)
		require.NoError(t, s.SetListingState(op, l.ID, catalog.ListingLive, "", "ITEM", "MODEL"), "the worker still may")
		require.NoError(t, s.SetOrdersCursor(op, shop.ID, time.Now()))
	})
}

// TestRedeliveredPushNamesItsStoredEvent: a push delivered again is not
// stored again, and its id is the stored event's, so the ingestion queued
// for the redelivery marks that event processed; the same for a dead
// letter delivered again.
func TestRedeliveredPushNamesItsStoredEvent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		op := storetest.Operator()
		_, _, err := s.InboxAdd(op, catalog.PlatformShopee, "ev-other", "S1", "O0", []byte(`{}`))
		require.NoError(t, err)
		first, added, err := s.InboxAdd(op, catalog.PlatformShopee, "ev-1", "S1", "O1", []byte(`{}`))
		require.NoError(t, err)
		require.True(t, added)
		again, added, err := s.InboxAdd(op, catalog.PlatformShopee, "ev-1", "S1", "O1", []byte(`{}`))
		require.NoError(t, err)
		require.False(t, added, "a redelivery is a duplicate")
		require.Equal(t, first, again, "and names the stored event")
		require.NoError(t, s.InboxProcessed(op, again))
		var unprocessed int64
		require.NoError(t, s.DB().Table("webhook_inbox").Where("event_id = 'ev-1' AND processed_at IS NULL").Count(&unprocessed).Error)
		require.Zero(t, unprocessed, "the redelivery's ingestion marked it")

		letter, added, err := s.InboxDeadLetter(op, catalog.PlatformShopee, []byte("?"), "unread")
		require.NoError(t, err)
		require.True(t, added)
		same, added, err := s.InboxDeadLetter(op, catalog.PlatformShopee, []byte("?"), "unread")
		require.NoError(t, err)
		require.False(t, added)
		require.Equal(t, letter, same)
	})
}
