-- The catalogue: products, and the record of every staff edit to them.

CREATE TABLE products (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL,
    category    TEXT    NOT NULL,
    -- In the currency's minor unit (cents).
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    currency    TEXT    NOT NULL DEFAULT 'USD',
    stock       INTEGER NOT NULL CHECK (stock >= 0),
    rating      REAL    NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
    image       TEXT    NOT NULL,
    -- Bumped by every edit; an edit must name the version it was made from.
    version     INTEGER NOT NULL DEFAULT 1,
    updated_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE INDEX products_category ON products (category);
CREATE INDEX products_price ON products (price_cents);

CREATE TABLE product_changes (
    id                INTEGER PRIMARY KEY,
    product_id        INTEGER NOT NULL REFERENCES products (id),
    -- The `sub` of the access token that made the change.
    changed_by        TEXT    NOT NULL,
    changed_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    old_price_cents   INTEGER NOT NULL,
    new_price_cents   INTEGER NOT NULL,
    old_stock         INTEGER NOT NULL,
    new_stock         INTEGER NOT NULL,
    -- The product's version after the change.
    version           INTEGER NOT NULL
);

CREATE INDEX product_changes_product ON product_changes (product_id, id);
