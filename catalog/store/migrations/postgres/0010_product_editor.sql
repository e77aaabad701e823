-- The product editor (issue 17): where a product comes from (its province
-- and commune, on the product and its labels), and archiving: an archived
-- product is delisted everywhere and hidden from lists, but kept with its
-- variants, stock ledger and orders for history.
ALTER TABLE products ADD COLUMN origin_province TEXT NOT NULL DEFAULT '';
ALTER TABLE products ADD COLUMN origin_commune TEXT NOT NULL DEFAULT '';
ALTER TABLE products ADD COLUMN archived_at TIMESTAMPTZ;
