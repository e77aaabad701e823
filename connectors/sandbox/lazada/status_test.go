package lazada_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestUpdateSkuStatus lists a delisted product again the documented way:
// /product/update with every SKU's Status set to active.
func TestUpdateSkuStatus(t *testing.T) {
	c, _ := start(t)
	itemID, skus := c.createProduct("Chè", map[string]int64{"ST-1": 5, "ST-2": 5})
	update := func(statuses ...string) map[string]any {
		entries := ""
		for i, sku := range []string{"ST-1", "ST-2"}[:len(statuses)] {
			entries += fmt.Sprintf(`{"SkuId":"%d","Status":"%s"}`, skus[sku], statuses[i])
			if i < len(statuses)-1 {
				entries += ","
			}
		}
		return c.call("/product/update", map[string]string{"payload": fmt.Sprintf(`{"Request":{"Product":{"ItemId":"%d","Skus":{"Sku":[%s]}}}}`, itemID, entries)})
	}
	status := func() any {
		return get(c.call("/product/item/get", map[string]string{"item_id": strconv.FormatInt(itemID, 10)}), "data", "status")
	}

	res := c.call("/product/deactivate", map[string]string{"apiRequestBody": fmt.Sprintf(`{"Request":{"Product":{"ItemId":"%d"}}}`, itemID)})
	require.Equal(t, "0", res["code"], "%v", res)
	require.Equal(t, "InActive", status())

	require.Equal(t, "501", update("active")["code"], "the engine lists whole items: naming one SKU of two is refused")
	require.Equal(t, "501", update("active", "inactive")["code"], "mixed statuses are refused")
	require.Equal(t, "501", update("active", "deleted")["code"], "deleted is /product/remove's job")
	require.Equal(t, "InActive", status())

	res = update("active", "active")
	require.Equal(t, "0", res["code"], "%v", res)
	require.Equal(t, "Active", status())
	require.Equal(t, "active", get(c.call("/product/item/get", map[string]string{"item_id": strconv.FormatInt(itemID, 10)}), "data", "skus", 0, "Status"))
	_, code := c.placeOrder("ST-1", 1, "")
	require.Equal(t, http.StatusOK, code, "a listed product can be bought")

	res = update("inactive", "inactive")
	require.Equal(t, "0", res["code"], "%v", res)
	require.Equal(t, "InActive", status())
}
