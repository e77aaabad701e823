package catalog

import "fmt"

// StockCell is one warehouse's stock as an exported catalog file carries
// it: the on-hand quantity the file now asks for, and the on-hand and level
// version the export read. Comparing the two tells an edited cell from one
// left alone, and the version tells whether the stock moved since.
type StockCell struct {
	Warehouse string // warehouse code within the variant's co-op
	OnHand    int64  // the cell: the on-hand quantity wanted
	Exported  int64  // the on-hand quantity the export wrote; 0 without a record
	Version   int64  // the level's version the export read; 0 for no level
}

// Change returns the stock change that makes the level hold c.OnHand, or nil
// when the cell still says what was exported: an untouched cell of an old
// file never touches stock. The change is an adjustment by the difference
// from the exported value, made only at the exported version (IfVersion),
// so it lands exactly on c.OnHand or fails with conflict when orders moved
// the stock since the export.
func (c StockCell) Change(variantID, warehouseID int64, actor, note string) *StockChange {
	if c.OnHand == c.Exported {
		return nil
	}
	version := c.Version
	return &StockChange{
		Op: OpAdjust, VariantID: variantID, WarehouseID: warehouseID,
		Quantity: c.OnHand - c.Exported, Reason: ReasonCount, Actor: actor,
		Note: note, IfVersion: &version,
	}
}

// SetOnHand returns the stock change that takes a level read at version
// (with onHand) to want, nil when nothing changes. The grid uses it: a
// count typed over an old reading fails with conflict rather than landing
// on stock moved since.
func SetOnHand(variantID, warehouseID, onHand, version, want int64, actor string) *StockChange {
	return StockCell{OnHand: want, Exported: onHand, Version: version}.Change(variantID, warehouseID, actor,
		fmt.Sprintf("set to %d on the grid", want))
}
