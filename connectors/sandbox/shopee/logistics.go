package shopee

import (
	"errors"
	"strconv"
	"time"

	"ocophub/connectors/sandbox"
)

// The sandbox has one pickup address per shop and offers the next three
// mornings (09:00 Vietnam time) as pickup slots.
const (
	pickupAddressID = 80001
	pickupSlots     = 3
)

var vietnam = time.FixedZone("ICT", 7*3600)

// pickupTimes are the slots offered at now.
func pickupTimes(now time.Time) []time.Time {
	local := now.In(vietnam)
	day := time.Date(local.Year(), local.Month(), local.Day(), 9, 0, 0, 0, vietnam)
	out := make([]time.Time, 0, pickupSlots)
	for i := 1; i <= pickupSlots; i++ {
		out = append(out, day.AddDate(0, 0, i))
	}
	return out
}

// shippableOrder loads an order for the logistics APIs.
func (f *front) shippableOrder(c *call, sn string) (sandbox.Order, error) {
	if sn == "" {
		return sandbox.Order{}, errDetail(c.module, "order_sn is a required field.")
	}
	o, err := f.e.Order(c.shopID, sn)
	if err != nil {
		return o, errOrderNotFound
	}
	switch o.Status {
	case sandbox.OrderReadyToShip:
		return o, nil
	case sandbox.OrderCancelled:
		return o, errBusiness("error_status", "The order has been cancelled.")
	default:
		return o, errBusiness("logistics.error_limit", "Can not update order logistics in current status.")
	}
}

// getShippingParameter is v2.logistics.get_shipping_parameter: the order
// ships by pickup (address_id + pickup_time_id); dropoff and
// non_integrated are accepted by ship_order too.
func (f *front) getShippingParameter(c *call) (any, error) {
	if _, err := f.shippableOrder(c, c.q.Get("order_sn")); err != nil {
		return nil, err
	}
	type slot struct {
		Date         int64    `json:"date"`
		TimeText     string   `json:"time_text"`
		PickupTimeID string   `json:"pickup_time_id"`
		Flags        []string `json:"flags"`
	}
	var slots []slot
	for i, t := range pickupTimes(f.e.Now()) {
		s := slot{Date: t.Unix(), TimeText: t.Format("02/01/2006") + " 09:00-12:00",
			PickupTimeID: strconv.FormatInt(t.Unix(), 10), Flags: []string{}}
		if i == 0 {
			s.Flags = []string{"recommended"}
		}
		slots = append(slots, s)
	}
	return map[string]any{
		"info_needed": map[string][]string{"pickup": {"address_id", "pickup_time_id"}, "dropoff": {}, "non_integrated": {}},
		"dropoff":     nil,
		"pickup": map[string]any{"address_list": []map[string]any{{
			"address_id": pickupAddressID, "region": "VN", "state": "Hà Nội", "city": "Quận Cầu Giấy",
			"district": "Phường Dịch Vọng", "town": "", "address": "1 Đường Sandbox", "zipcode": "100000",
			"address_flag": []string{"default_address", "pickup_address", "return_address"}, "time_slot_list": slots,
		}}},
	}, nil
}

// shipOrder is v2.logistics.ship_order: one of pickup, dropoff or
// non_integrated; a tracking number given in any of them is kept,
// otherwise the carrier (the engine) assigns one.
func (f *front) shipOrder(c *call) (any, error) {
	var in struct {
		OrderSN       string `json:"order_sn"`
		PackageNumber string `json:"package_number"`
		Pickup        *struct {
			AddressID      flexInt `json:"address_id"`
			PickupTimeID   string  `json:"pickup_time_id"`
			TrackingNumber string  `json:"tracking_number"`
		} `json:"pickup"`
		Dropoff *struct {
			TrackingNumber string `json:"tracking_number"`
		} `json:"dropoff"`
		NonIntegrated *struct {
			TrackingNumber string `json:"tracking_number"`
		} `json:"non_integrated"`
	}
	if err := decodeBody(c, &in); err != nil {
		return nil, err
	}
	m := c.module
	o, err := f.shippableOrder(c, in.OrderSN)
	if err != nil {
		return nil, err
	}
	if in.PackageNumber != "" && in.PackageNumber != o.PackageID {
		return nil, errBusiness("logistics.package_number_not_exist", "Please request with package_number for this split order.")
	}
	tracking := ""
	switch {
	case in.Pickup != nil:
		if !in.Pickup.AddressID.Set || in.Pickup.AddressID.V != pickupAddressID {
			return nil, errBusiness("logistics.address_not_found", "Address is not found.")
		}
		if id := in.Pickup.PickupTimeID; id != "" && !offeredSlot(f.e.Now(), id) {
			return nil, errBusiness("logistics.error_cutoff_time", "Pickup time is not invalid. Please check the pickup time.")
		}
		tracking = in.Pickup.TrackingNumber
	case in.Dropoff != nil:
		tracking = in.Dropoff.TrackingNumber
	case in.NonIntegrated != nil:
		tracking = in.NonIntegrated.TrackingNumber
	default:
		return nil, errDetail(m, "one of pickup, dropoff and non_integrated is required.")
	}
	if _, err := f.e.Ship(c.shopID, o.SN, tracking); err != nil {
		if errors.Is(err, sandbox.ErrBadTransition) {
			return nil, errBusiness("logistics.error_limit", "Can not update order logistics in current status.")
		}
		return nil, err
	}
	return nil, nil
}

func offeredSlot(now time.Time, id string) bool {
	for _, t := range pickupTimes(now) {
		if strconv.FormatInt(t.Unix(), 10) == id {
			return true
		}
	}
	return false
}

// getTrackingNumber is v2.logistics.get_tracking_number.
func (f *front) getTrackingNumber(c *call) (any, error) {
	sn := c.q.Get("order_sn")
	if sn == "" {
		return nil, errDetail(c.module, "order_sn is a required field.")
	}
	o, err := f.e.Order(c.shopID, sn)
	if err != nil {
		return nil, errOrderNotFound
	}
	out := map[string]string{"tracking_number": o.Tracking}
	if o.Tracking == "" {
		out["hint"] = "The tracking number is not generated yet: arrange shipment with ship_order first."
	}
	return out, nil
}
