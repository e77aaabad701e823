-- Platform categories (issue 17 §3); see the PostgreSQL migration for the why.
CREATE TABLE product_categories (
    product_id  INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    platform    TEXT NOT NULL,
    coop_id     INTEGER NOT NULL REFERENCES coops(id),
    category_id TEXT NOT NULL,
    attributes  TEXT NOT NULL DEFAULT '{}',
    version     INTEGER NOT NULL DEFAULT 1,
    updated_at  DATETIME NOT NULL,
    PRIMARY KEY (product_id, platform)
);
CREATE INDEX product_categories_coop ON product_categories (coop_id);
