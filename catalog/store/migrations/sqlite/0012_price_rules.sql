-- Price rules per shop (issue 17 §4): the price on this shop is the
-- catalog price moved by ± price_rule_value percent or đồng and rounded to
-- price_rule_round_to đồng. An empty kind is no rule (the catalog price).
ALTER TABLE shops ADD COLUMN price_rule_kind TEXT NOT NULL DEFAULT ''
    CHECK (price_rule_kind IN ('', 'percent', 'amount'));
ALTER TABLE shops ADD COLUMN price_rule_value INTEGER NOT NULL DEFAULT 0;
ALTER TABLE shops ADD COLUMN price_rule_round_to INTEGER NOT NULL DEFAULT 0
    CHECK (price_rule_round_to IN (0, 100, 500, 1000));
