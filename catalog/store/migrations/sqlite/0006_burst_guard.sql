-- The burst guard sums each variant's units reserved by orders in the last
-- few seconds at every stock push: an index that reaches them directly.
CREATE INDEX stock_movements_recent ON stock_movements (variant_id, created_at);
