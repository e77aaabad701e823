package worker

import (
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"ocophub/connectors/driver"
)

// isFailure: a throttled call is the channel asking us to wait, not a
// failure; it must not count toward the task's failure metrics.
func isFailure(err error) bool {
	return driver.CodeOf(err) != driver.CodeResourceExhausted
}

// retryDelay honours the channel's Retry-After, else backs off
// exponentially from 200 ms up to a minute.
func retryDelay(n int, err error, _ *asynq.Task) time.Duration {
	var de *driver.Error
	if errors.As(err, &de) && de.RetryAfter > 0 {
		return de.RetryAfter
	}
	d := 200 * time.Millisecond << min(n, 9)
	return min(d, time.Minute)
}

// permanent wraps errors that no retry can fix (invalid argument,
// permission denied, not found) with asynq.SkipRetry.
func permanent(err error) error {
	switch driver.CodeOf(err) {
	case driver.CodeInvalidArgument, driver.CodePermissionDenied, driver.CodeNotFound, driver.CodeAlreadyExists,
		driver.CodeFailedPrecondition:
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	return err
}
