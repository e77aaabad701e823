// Package worker will hold the asynq task kinds, their handlers, the outbox
// relay and the scheduler (the sync-engine issue). Today the stock spine
// writes outbox rows (catalog/store) that this package will relay.
package worker
