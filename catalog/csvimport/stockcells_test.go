package csvimport

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
)

func TestParseStockExported(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want map[string]catalog.StockCell
		bad  bool
	}{
		{in: "", want: map[string]catalog.StockCell{}},
		{in: "MAIN=120@4", want: map[string]catalog.StockCell{"MAIN": {Warehouse: "MAIN", Exported: 120, Version: 4}}},
		{in: " main = 0 @ 0 ; KHO-2=7@3; ", want: map[string]catalog.StockCell{
			"MAIN": {Warehouse: "MAIN", Exported: 0, Version: 0}, "KHO-2": {Warehouse: "KHO-2", Exported: 7, Version: 3}}},
		{in: "MAIN=120", bad: true},
		{in: "MAIN=-1@2", bad: true},
		{in: "=1@2", bad: true},
		{in: "MAIN=mười@2", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseStockExported(tt.in)
			if tt.bad {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
			var cells []catalog.StockCell
			for _, code := range []string{"MAIN", "KHO-2"} {
				if c, ok := got[code]; ok {
					cells = append(cells, c)
				}
			}
			again, err := ParseStockExported(FormatStockExported(cells))
			require.NoError(t, err)
			require.Equal(t, tt.want, again, "format and parse agree")
		})
	}
}

// TestParseStockColumns: stock@ columns are read per warehouse with what
// the export read; a bad cell or snapshot is a row error on its column.
func TestParseStockColumns(t *testing.T) {
	t.Parallel()
	head := "alliance_code,alliance_name,province,coop_code,coop_name,product_code,product_name_vi,ocop_group,ocop_stars," +
		"ocop_certified_year,sku,variant_name_vi,price_vnd,stock@main,stock@KHO-2,stock_exported\n"
	row := "LM-1,Liên minh,Thái Nguyên,HTX-1,HTX chè,P1,Chè,beverage,4,2024,%s,Hộp,95000,%s,%s,%s\n"
	file := head +
		fmt.Sprintf(row, "A-1", "12", "", "MAIN=10@2") +
		fmt.Sprintf(row, "A-2", "", "5", "") +
		fmt.Sprintf(row, "A-3", "nhiều", "", "") +
		fmt.Sprintf(row, "A-4", "1", "", "MAIN=1")
	batch, res, err := Parse(strings.NewReader(file))
	require.NoError(t, err)
	require.Len(t, res.Errors, 2)
	require.Equal(t, 4, res.Errors[0].Line)
	require.Equal(t, "stock@MAIN", res.Errors[0].Column)
	require.Equal(t, 5, res.Errors[1].Line)
	require.Equal(t, "stock_exported", res.Errors[1].Column)
	require.Len(t, batch.Products, 1)
	require.Equal(t, [][]catalog.StockCell{
		{{Warehouse: "MAIN", OnHand: 12, Exported: 10, Version: 2}},
		{{Warehouse: "KHO-2", OnHand: 5}},
	}, batch.Products[0].Stock)

	_, res, err = Parse(strings.NewReader(strings.Replace(head, "stock@KHO-2", "stock@", 1)))
	require.Error(t, err)
	require.Equal(t, CodeUnknownColumn, res.Errors[0].Code)
}
