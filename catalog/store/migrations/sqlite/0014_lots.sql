-- Lots (issue 18 §1): a harvest or production batch of a variant, received
-- into a warehouse with its dates and "one step before" notes (Circular
-- 02/2024/TT-BKHCN). Its code is unique per variant: it is printed on the
-- package and in the lot's GS1 Digital Link. quantity is what was received;
-- per-lot stock (FEFO) will add its own columns. The ledger row of the
-- receipt names the lot.
CREATE TABLE lots (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    variant_id      INTEGER NOT NULL REFERENCES variants(id),
    coop_id         INTEGER NOT NULL REFERENCES coops(id),
    warehouse_id    INTEGER NOT NULL REFERENCES warehouses(id),
    code            TEXT NOT NULL,
    produced_on     TEXT NOT NULL,
    expires_on      TEXT NOT NULL,
    shelf_life_days INTEGER NOT NULL DEFAULT 0,
    quantity        INTEGER NOT NULL CHECK (quantity > 0),
    notes           TEXT NOT NULL DEFAULT '',
    received_by     TEXT NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (variant_id, code)
);
CREATE INDEX lots_coop ON lots (coop_id, id);

ALTER TABLE stock_movements ADD COLUMN lot_id INTEGER;
CREATE INDEX stock_movements_lot ON stock_movements (lot_id) WHERE lot_id IS NOT NULL;
