-- The catalogue on PostgreSQL: the same tables as migrations/sqlite/, in PostgreSQL's types.
-- Ids are BIGINT (PostgreSQL has no unsigned integers), the rating DOUBLE PRECISION (the
-- app's f64), times TIMESTAMPTZ (read back as UTC text by the store).

CREATE TABLE products (
    id          BIGINT           PRIMARY KEY,
    name        TEXT             NOT NULL,
    description TEXT             NOT NULL,
    category    TEXT             NOT NULL,
    -- In the currency's minor unit (cents).
    price_cents BIGINT           NOT NULL CHECK (price_cents >= 0),
    currency    TEXT             NOT NULL DEFAULT 'USD',
    stock       BIGINT           NOT NULL CHECK (stock >= 0),
    rating      DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
    image       TEXT             NOT NULL,
    -- Bumped by every edit; an edit must name the version it was made from.
    version     BIGINT           NOT NULL DEFAULT 1,
    updated_at  TIMESTAMPTZ      NOT NULL DEFAULT now()
);

CREATE INDEX products_category ON products (category);
CREATE INDEX products_price ON products (price_cents);

CREATE TABLE product_changes (
    id                BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id        BIGINT      NOT NULL REFERENCES products (id),
    -- The `sub` of the access token that made the change.
    changed_by        TEXT        NOT NULL,
    changed_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    old_price_cents   BIGINT      NOT NULL,
    new_price_cents   BIGINT      NOT NULL,
    old_stock         BIGINT      NOT NULL,
    new_stock         BIGINT      NOT NULL,
    -- The product's version after the change.
    version           BIGINT      NOT NULL
);

CREATE INDEX product_changes_product ON product_changes (product_id, id);

-- One row, bumped in the transaction of every edit. Every instance reads it before answering
-- from its cache of rendered pages, so none serves a page older than an acknowledged edit,
-- whichever instance acknowledged it.
CREATE TABLE catalog_version (
    only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
    n        BIGINT  NOT NULL
);

INSERT INTO catalog_version (only_row, n) VALUES (TRUE, 0);
