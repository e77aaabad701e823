package connectors_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/connectors"
	"ocophub/connectors/driver"
)

// scriptedDriver is a driver whose answers a test scripts per call; methods
// a test does not script panic through the nil embedded interface.
type scriptedDriver struct {
	driver.Driver
	mu      sync.Mutex
	creates int
	finds   int
	lists   int
	// find answers the n-th FindBySellerSKU (1-based).
	find func(n int) (driver.Listing, error)
	// create answers the n-th CreateListing.
	create func(n int, l driver.Listing) (driver.Listing, error)
	// list answers the n-th ListOrders.
	list func(n int, cursor string) (driver.OrderPage, error)
}

func (d *scriptedDriver) Capabilities() driver.Capabilities {
	return driver.Capabilities{Platform: "scripted", StockBatch: 10, PriceBatch: 10, OrderBatch: 10}
}

func (d *scriptedDriver) FindBySellerSKU(_ context.Context, _ string) (driver.Listing, error) {
	d.mu.Lock()
	d.finds++
	n := d.finds
	d.mu.Unlock()
	return d.find(n)
}

func (d *scriptedDriver) CreateListing(_ context.Context, l driver.Listing) (driver.Listing, error) {
	d.mu.Lock()
	d.creates++
	n := d.creates
	d.mu.Unlock()
	return d.create(n, l)
}

func (d *scriptedDriver) ListOrders(_ context.Context, _, _ time.Time, cursor string) (driver.OrderPage, error) {
	d.mu.Lock()
	d.lists++
	n := d.lists
	d.mu.Unlock()
	return d.list(n, cursor)
}

func noSleep(context.Context, time.Duration) error { return nil }

func oneVariant(sku string) driver.Listing {
	return driver.Listing{Title: "Chè Tân Cương", Variants: []driver.Variant{{SellerSKU: sku, Price: 95000, Stock: 3}}}
}

// TestCreateAfterUnavailableNeverRecreatesWhileTheLookupFails: the create
// times out after it went through, and the lookup that follows is
// throttled. The Channel must look again, not send the create again.
func TestCreateAfterUnavailableNeverRecreatesWhileTheLookupFails(t *testing.T) {
	made := driver.Listing{ItemID: "777", Title: "Chè Tân Cương",
		Variants: []driver.Variant{{ModelID: "0", SellerSKU: "CHE-1", Price: 95000, Stock: 3}}}
	d := &scriptedDriver{
		find: func(n int) (driver.Listing, error) {
			switch n {
			case 1: // the Channel looks before it creates
				return driver.Listing{}, driver.Errorf(driver.CodeNotFound, "", "nothing yet")
			case 2, 3: // the lookup after the failed create is throttled twice
				return driver.Listing{}, &driver.Error{Code: driver.CodeResourceExhausted, Message: "slow down", RetryAfter: time.Millisecond}
			default:
				return made, nil
			}
		},
		create: func(n int, _ driver.Listing) (driver.Listing, error) {
			if n == 1 {
				return driver.Listing{}, driver.Errorf(driver.CodeUnavailable, "", "timeout (the item was made)")
			}
			return driver.Listing{}, driver.Errorf(driver.CodeAlreadyExists, "", "a second item")
		},
	}
	ch := connectors.New(d, nil, connectors.Options{Sleep: noSleep})
	got, err := ch.CreateListing(context.Background(), oneVariant("CHE-1"))
	require.NoError(t, err)
	require.Equal(t, "777", got.ItemID)
	require.Equal(t, 1, d.creates, "the create is sent once")
	require.Equal(t, 4, d.finds)
}

// TestCreateAfterUnavailableGivesUpWithoutRecreating: when the lookup
// keeps failing, the Channel returns the lookup's error after its
// attempts and has still sent the create only once.
func TestCreateAfterUnavailableGivesUpWithoutRecreating(t *testing.T) {
	d := &scriptedDriver{
		find: func(n int) (driver.Listing, error) {
			if n == 1 {
				return driver.Listing{}, driver.Errorf(driver.CodeNotFound, "", "nothing yet")
			}
			return driver.Listing{}, &driver.Error{Code: driver.CodeResourceExhausted, Message: "slow down"}
		},
		create: func(int, driver.Listing) (driver.Listing, error) {
			return driver.Listing{}, driver.Errorf(driver.CodeUnavailable, "", "timeout")
		},
	}
	ch := connectors.New(d, nil, connectors.Options{Sleep: noSleep, Attempts: 3})
	_, err := ch.CreateListing(context.Background(), oneVariant("CHE-1"))
	require.Equal(t, driver.CodeResourceExhausted, driver.CodeOf(err), "%v", err)
	require.Equal(t, 1, d.creates, "never re-created while it may exist")
}

// TestCreateAfterUnavailableRecreatesWhenNotFound: a lookup that answers
// not_found proves the create did not go through: the next attempt
// creates again.
func TestCreateAfterUnavailableRecreatesWhenNotFound(t *testing.T) {
	d := &scriptedDriver{
		find: func(int) (driver.Listing, error) {
			return driver.Listing{}, driver.Errorf(driver.CodeNotFound, "", "nothing")
		},
		create: func(n int, l driver.Listing) (driver.Listing, error) {
			if n == 1 {
				return driver.Listing{}, driver.Errorf(driver.CodeUnavailable, "", "502")
			}
			l.ItemID = "778"
			return l, nil
		},
	}
	ch := connectors.New(d, nil, connectors.Options{Sleep: noSleep})
	got, err := ch.CreateListing(context.Background(), oneVariant("CHE-2"))
	require.NoError(t, err)
	require.Equal(t, "778", got.ItemID)
	require.Equal(t, 2, d.creates)
}

// TestListOrdersStopsOnACursorCycle: a platform that walks A → B → A
// would page forever; any cursor seen before in the window is an error.
func TestListOrdersStopsOnACursorCycle(t *testing.T) {
	next := map[string]string{"": "A", "A": "B", "B": "A"}
	d := &scriptedDriver{list: func(n int, cursor string) (driver.OrderPage, error) {
		if n > 20 {
			return driver.OrderPage{}, driver.Errorf(driver.CodeFailedPrecondition, "", "test: paged %d times", n)
		}
		return driver.OrderPage{Orders: []driver.OrderSummary{{ID: cursor + "-order"}}, Next: next[cursor]}, nil
	}}
	ch := connectors.New(d, nil, connectors.Options{Sleep: noSleep})
	from := time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
	_, err := ch.ListOrders(context.Background(), from, from.Add(time.Hour))
	require.Equal(t, driver.CodeInternal, driver.CodeOf(err), "%v", err)
	require.Equal(t, 3, d.lists, "stopped at the first repeated cursor")
}

// TestListOrdersCursorsArePerWindow: the same cursor in the next window
// is not a repeat.
func TestListOrdersCursorsArePerWindow(t *testing.T) {
	d := &scriptedDriver{list: func(_ int, cursor string) (driver.OrderPage, error) {
		if cursor == "" {
			return driver.OrderPage{Orders: []driver.OrderSummary{{ID: "x"}}, Next: "P2"}, nil
		}
		return driver.OrderPage{Orders: []driver.OrderSummary{{ID: "y"}}}, nil
	}}
	caps := &windowed{scriptedDriver: d}
	ch := connectors.New(caps, nil, connectors.Options{Sleep: noSleep})
	from := time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
	got, err := ch.ListOrders(context.Background(), from, from.Add(3*time.Hour))
	require.NoError(t, err)
	require.Len(t, got, 6)
	require.Equal(t, 6, d.lists)
}

// windowed is the scripted driver with a one-hour order window.
type windowed struct{ *scriptedDriver }

func (w *windowed) Capabilities() driver.Capabilities {
	c := w.scriptedDriver.Capabilities()
	c.OrderWindow = time.Hour
	return c
}
