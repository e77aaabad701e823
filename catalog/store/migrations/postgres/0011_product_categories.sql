-- Platform categories (issue 17 §3): the category a manager confirmed for a
-- product on each platform, with the attribute values they filled (JSON
-- object, attribute id → value). A listing's own category_id/attributes
-- (per-listing overrides) still win; without a row here the worker uses
-- the suggested category.
CREATE TABLE product_categories (
    product_id  BIGINT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    platform    TEXT NOT NULL,
    coop_id     BIGINT NOT NULL REFERENCES coops(id),
    category_id TEXT NOT NULL,
    attributes  TEXT NOT NULL DEFAULT '{}',
    version     BIGINT NOT NULL DEFAULT 1,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (product_id, platform)
);
CREATE INDEX product_categories_coop ON product_categories (coop_id);
