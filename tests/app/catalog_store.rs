//! The catalogue store against real databases, each test once per backend: a fresh SQLite
//! file, and a fresh database on the PostgreSQL server of `TEST_POSTGRES_URL` (see
//! `support::database`), migrated from empty and seeded, exactly as the app opens them at start.

use aura_commerce::catalog::edit::ProductEdit;
use aura_commerce::catalog::seed::{seeded_products, SEED_PRODUCT_COUNT as SEED};
use aura_commerce::catalog::store::{EditRefused, ProductStore};
use aura_commerce::catalog::{Product, ProductQuery, SortOrder};
use aura_commerce::config::DatabaseKind;

use crate::support::database::{Backend, TestDatabase};

/// Each named test, once on SQLite and once on PostgreSQL.
macro_rules! on_both_backends {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $test() { super::$test(super::Backend::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test] async fn $test() { super::$test(super::Backend::Postgres).await })*
        }
    };
}

on_both_backends!(
    a_new_database_is_migrated_and_seeded,
    reopening_keeps_the_data_and_does_not_seed_again,
    search_finds_words_in_names_and_descriptions,
    the_category_filter_narrows_the_results,
    sorting_orders_the_whole_catalogue,
    pagination_has_no_gaps_or_overlaps_and_clean_edges,
    an_edit_is_saved_versioned_and_recorded,
    concurrent_edits_from_one_version_give_exactly_one_conflict,
    a_stale_edit_does_not_overwrite_a_newer_one,
    invalid_edits_and_unknown_products_are_refused,
    the_catalogue_version_moves_with_every_saved_edit_only,
);

/// A store on a new database of `backend`'s kind, and the database (an SQLite file is removed
/// when it is dropped); `None` when PostgreSQL is not configured outside CI.
async fn fresh_store(backend: Backend) -> Option<(ProductStore, TestDatabase)> {
    let database = TestDatabase::new(backend).await?;
    let store = ProductStore::open(&database.url)
        .await
        .expect("a new database is created, migrated and seeded");
    Some((store, database))
}

fn query(q: &str) -> ProductQuery {
    ProductQuery {
        q: q.into(),
        ..ProductQuery::default()
    }
}

fn names(page: &aura_commerce::catalog::ProductPage) -> Vec<&str> {
    page.items.iter().map(|p| p.name.as_str()).collect()
}

/// Whether every word of `q` is in `product`'s name or description, ignoring case: the
/// search's rule, applied to the seed file directly.
fn matches(product: &Product, q: &str) -> bool {
    let text = format!("{} {}", product.name, product.description).to_lowercase();
    q.split_whitespace()
        .all(|word| text.contains(&word.to_lowercase()))
}

/// The names of the seeded products matching `q`, in catalogue order.
fn seed_matching(q: &str) -> Vec<String> {
    seeded_products()
        .into_iter()
        .filter(|p| matches(p, q))
        .map(|p| p.name)
        .collect()
}

/// Opening an empty database runs the migrations and seeds the catalogue; an SQLite file is
/// created with its directory, in WAL mode.
async fn a_new_database_is_migrated_and_seeded(backend: Backend) {
    let Some((store, database)) = fresh_store(backend).await else {
        return;
    };
    let all = store.search(&ProductQuery::default()).await.unwrap();
    assert_eq!(all.total, SEED as u32);
    assert_eq!(all.items.len(), 12, "the first page holds the default 12");
    assert_eq!(
        all.items[0],
        seeded_products()[0],
        "every field survives the trip"
    );
    match backend {
        Backend::Sqlite => {
            assert_eq!(store.kind(), DatabaseKind::Sqlite);
            let dir = database.dir.as_ref().unwrap();
            assert!(dir.path().join("nested/dir/catalog.sqlite").is_file());
            let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
                .fetch_one(store.sqlite_pool().unwrap())
                .await
                .unwrap();
            assert_eq!(mode, "wal");
        }
        Backend::Postgres => {
            assert_eq!(store.kind(), DatabaseKind::Postgres);
            assert!(store.sqlite_pool().is_none());
        }
    }
}

/// Opening the same database again runs no migration twice and seeds nothing twice.
async fn reopening_keeps_the_data_and_does_not_seed_again(backend: Backend) {
    let Some((store, database)) = fresh_store(backend).await else {
        return;
    };
    let product = store.get(1).await.unwrap().unwrap();
    store
        .apply_edit(
            &ProductEdit {
                id: 1,
                price_cents: 3900,
                stock: 7,
                version: product.version,
            },
            "auth0|staff",
        )
        .await
        .unwrap();
    store.close().await;

    let reopened = ProductStore::open(&database.url).await.unwrap();
    assert_eq!(reopened.seed_if_empty().await.unwrap(), 0);
    assert_eq!(
        reopened
            .search(&ProductQuery::default())
            .await
            .unwrap()
            .total,
        SEED as u32
    );
    assert_eq!(reopened.get(1).await.unwrap().unwrap().price_cents, 3900);
}

/// The version moves on with each saved edit, and stays put for a refused one; on PostgreSQL
/// another store on the same database (another instance) reads the same version.
async fn the_catalogue_version_moves_with_every_saved_edit_only(backend: Backend) {
    let Some((store, database)) = fresh_store(backend).await else {
        return;
    };
    let start = store.catalog_version().await.unwrap();
    let product = store.get(4).await.unwrap().unwrap();
    let edit = ProductEdit {
        id: 4,
        price_cents: 1234,
        stock: 3,
        version: product.version,
    };
    store.apply_edit(&edit, "auth0|a").await.unwrap();
    assert_eq!(store.catalog_version().await.unwrap(), start + 1);

    let stale = store.apply_edit(&edit, "auth0|b").await;
    assert!(
        matches!(stale, Err(EditRefused::Conflict { .. })),
        "{stale:?}"
    );
    let invalid = store
        .apply_edit(
            &ProductEdit {
                price_cents: -1,
                ..edit.clone()
            },
            "auth0|b",
        )
        .await;
    assert!(
        matches!(invalid, Err(EditRefused::Invalid(_))),
        "{invalid:?}"
    );
    assert_eq!(store.catalog_version().await.unwrap(), start + 1);

    if backend == Backend::Postgres {
        let other_instance = ProductStore::open(&database.url).await.unwrap();
        assert_eq!(other_instance.catalog_version().await.unwrap(), start + 1);
        let current = other_instance.get(4).await.unwrap().unwrap();
        other_instance
            .apply_edit(
                &ProductEdit {
                    version: current.version,
                    ..edit
                },
                "auth0|c",
            )
            .await
            .unwrap();
        assert_eq!(
            store.catalog_version().await.unwrap(),
            start + 2,
            "an edit through one instance moves the version every instance reads"
        );
    }
}

/// Two instances starting at once on an empty PostgreSQL database: both migrate and seed, and
/// the catalogue holds the seed once. (An SQLite file belongs to one process.)
#[tokio::test]
async fn two_instances_starting_together_on_an_empty_postgres_database_seed_it_once() {
    let Some(database) = TestDatabase::new(Backend::Postgres).await else {
        return;
    };
    let (a, b) = tokio::join!(
        ProductStore::open(&database.url),
        ProductStore::open(&database.url)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.all().await.unwrap(), seeded_products());
    assert_eq!(b.all().await.unwrap(), seeded_products());
}

/// Search looks in names and descriptions, ignores case, and every word must match.
async fn search_finds_words_in_names_and_descriptions(backend: Backend) {
    let Some((store, _database)) = fresh_store(backend).await else {
        return;
    };
    let by_name = store.search(&query("pour-over")).await.unwrap();
    assert_eq!(names(&by_name), seed_matching("pour-over"));

    let by_description = store.search(&query("LAPTOP")).await.unwrap();
    let laptop = seed_matching("laptop");
    assert!(
        laptop
            .iter()
            .all(|name| !name.to_lowercase().contains("laptop")),
        "the word is in descriptions only: {laptop:?}"
    );
    assert_eq!(names(&by_description), laptop);

    let wool = store.search(&query("wool")).await.unwrap();
    assert_eq!(names(&wool), seed_matching("wool"));
    assert!(wool.total >= 2, "{:?}", names(&wool));
    let wool_socks = store.search(&query("wool socks")).await.unwrap();
    assert_eq!(names(&wool_socks), seed_matching("wool socks"));
    assert!(wool_socks.total < wool.total, "every word must match");

    assert_eq!(store.search(&query("zeppelin")).await.unwrap().total, 0);
    // LIKE's wildcards in the text match themselves.
    assert_eq!(store.search(&query("%")).await.unwrap().total, 0);
    assert_eq!(store.search(&query("_")).await.unwrap().total, 0);
}

/// The category filter keeps one category, and combines with the search.
async fn the_category_filter_narrows_the_results(backend: Backend) {
    let Some((store, _database)) = fresh_store(backend).await else {
        return;
    };
    let kitchen = store
        .search(&ProductQuery {
            category: Some("Kitchen".into()),
            per_page: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    let in_kitchen = seeded_products()
        .iter()
        .filter(|p| p.category == "Kitchen")
        .count();
    assert_eq!(kitchen.total, in_kitchen as u32);
    assert!(kitchen.items.iter().all(|p| p.category == "Kitchen"));

    let kitchen_mugs = store
        .search(&ProductQuery {
            q: "mug".into(),
            category: Some("Kitchen".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let mugs: Vec<String> = seeded_products()
        .into_iter()
        .filter(|p| p.category == "Kitchen" && matches(p, "mug"))
        .map(|p| p.name)
        .collect();
    assert_eq!(names(&kitchen_mugs), mugs);
}

/// Each sort order holds over the whole catalogue, page after page.
async fn sorting_orders_the_whole_catalogue(backend: Backend) {
    let Some((store, _database)) = fresh_store(backend).await else {
        return;
    };
    let all = |sort| ProductQuery {
        sort,
        per_page: 100,
        ..Default::default()
    };

    let up = store.search(&all(SortOrder::PriceAsc)).await.unwrap().items;
    assert!(up.windows(2).all(|w| w[0].price_cents <= w[1].price_cents));
    let down = store
        .search(&all(SortOrder::PriceDesc))
        .await
        .unwrap()
        .items;
    assert!(down
        .windows(2)
        .all(|w| w[0].price_cents >= w[1].price_cents));
    let dearest = seeded_products()
        .into_iter()
        .max_by_key(|p| p.price_cents)
        .unwrap();
    assert_eq!(down[0].name, dearest.name);
    let by_name = store.search(&all(SortOrder::Name)).await.unwrap().items;
    assert!(by_name
        .windows(2)
        .all(|w| w[0].name.to_lowercase() <= w[1].name.to_lowercase()));
    let by_rating = store.search(&all(SortOrder::Rating)).await.unwrap().items;
    assert!(by_rating.windows(2).all(|w| w[0].rating >= w[1].rating));
    assert_eq!(up.len(), SEED);
}

/// Pages cover every product exactly once; the last page is partial; past the end is empty.
async fn pagination_has_no_gaps_or_overlaps_and_clean_edges(backend: Backend) {
    let Some((store, _database)) = fresh_store(backend).await else {
        return;
    };
    let page = |page, per_page| ProductQuery {
        page,
        per_page,
        sort: SortOrder::PriceAsc,
        ..Default::default()
    };

    let mut seen = Vec::new();
    let pages = SEED.div_ceil(13) as u32;
    for n in 1..=pages {
        let result = store.search(&page(n, 13)).await.unwrap();
        assert_eq!(result.total, SEED as u32);
        assert_eq!(result.page_count(), pages);
        seen.extend(result.items.iter().map(|p| p.id));
    }
    assert_eq!(seen.len(), SEED);
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), SEED, "no product on two pages");

    let last = store.search(&page(pages, 13)).await.unwrap();
    assert_eq!(last.items.len(), SEED - 13 * (pages as usize - 1));
    let past_the_end = store.search(&page(pages + 1, 13)).await.unwrap();
    assert!(past_the_end.items.is_empty());
    assert_eq!(past_the_end.total, SEED as u32);
    assert_eq!(store.search(&page(1, 100)).await.unwrap().items.len(), SEED);
    assert_eq!(
        store
            .search(&page(SEED as u32, 1))
            .await
            .unwrap()
            .items
            .len(),
        1
    );
}

/// An edit bumps the version and is recorded with who made it and when.
async fn an_edit_is_saved_versioned_and_recorded(backend: Backend) {
    let Some((store, _database)) = fresh_store(backend).await else {
        return;
    };
    let before = store.get(6).await.unwrap().unwrap();
    let after = store
        .apply_edit(
            &ProductEdit {
                id: 6,
                price_cents: 3100,
                stock: 0,
                version: before.version,
            },
            "auth0|admin",
        )
        .await
        .unwrap();
    assert_eq!(
        (after.price_cents, after.stock, after.version),
        (3100, 0, before.version + 1)
    );
    assert_eq!(store.get(6).await.unwrap().unwrap(), after);

    let changes = store.changes(6).await.unwrap();
    assert_eq!(changes.len(), 1);
    let change = &changes[0];
    assert_eq!(change.changed_by, "auth0|admin");
    assert_eq!(
        (change.old_price_cents, change.new_price_cents),
        (before.price_cents, 3100)
    );
    assert_eq!((change.old_stock, change.new_stock), (before.stock, 0));
    assert_eq!(change.version, after.version);
    assert!(
        change.changed_at.ends_with('Z') && change.changed_at.len() == 20,
        "{}",
        change.changed_at
    );
    assert_eq!(change.product_name, "Polar Trail Bottle");
    assert_eq!(store.recent_changes(10).await.unwrap(), changes);
}

/// Two editors save from the same version at the same moment: one wins, the other gets a
/// conflict, and only one change is recorded.
async fn concurrent_edits_from_one_version_give_exactly_one_conflict(backend: Backend) {
    let Some((store, _database)) = fresh_store(backend).await else {
        return;
    };
    let version = store.get(2).await.unwrap().unwrap().version;
    let edit = |price_cents| ProductEdit {
        id: 2,
        price_cents,
        stock: 5,
        version,
    };
    let (a, b) = tokio::join!(
        tokio::spawn({
            let store = store.clone();
            let edit = edit(10000);
            async move { store.apply_edit(&edit, "auth0|a").await }
        }),
        tokio::spawn({
            let store = store.clone();
            let edit = edit(20000);
            async move { store.apply_edit(&edit, "auth0|b").await }
        }),
    );
    let results = [a.unwrap(), b.unwrap()];
    let saved: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    let conflicts = results
        .iter()
        .filter(|r| matches!(r, Err(EditRefused::Conflict { .. })))
        .count();
    assert_eq!((saved.len(), conflicts), (1, 1), "{results:?}");
    assert_eq!(store.get(2).await.unwrap().unwrap(), *saved[0]);
    assert_eq!(store.changes(2).await.unwrap().len(), 1);
}

/// A stale edit is refused and leaves the newer values alone.
async fn a_stale_edit_does_not_overwrite_a_newer_one(backend: Backend) {
    let Some((store, _database)) = fresh_store(backend).await else {
        return;
    };
    let loaded = store.get(3).await.unwrap().unwrap();
    store
        .apply_edit(
            &ProductEdit {
                id: 3,
                price_cents: 9900,
                stock: 1,
                version: loaded.version,
            },
            "auth0|first",
        )
        .await
        .unwrap();
    let stale = store
        .apply_edit(
            &ProductEdit {
                id: 3,
                price_cents: 100,
                stock: 1,
                version: loaded.version,
            },
            "auth0|second",
        )
        .await;
    match stale {
        Err(EditRefused::Conflict {
            current,
            attempted_version,
        }) => {
            assert_eq!(current.price_cents, 9900);
            assert_eq!(attempted_version, loaded.version);
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(store.get(3).await.unwrap().unwrap().price_cents, 9900);
}

/// Out-of-range values and unknown products are refused before anything is written.
async fn invalid_edits_and_unknown_products_are_refused(backend: Backend) {
    let Some((store, _database)) = fresh_store(backend).await else {
        return;
    };
    let edit = |id, price_cents, stock| ProductEdit {
        id,
        price_cents,
        stock,
        version: 1,
    };
    for (bad, field) in [
        (edit(1, -1, 1), "price"),
        (edit(1, 10_000_001, 1), "price"),
        (edit(1, 1, -1), "stock"),
        (edit(1, 1, 100_001), "stock"),
    ] {
        match store.apply_edit(&bad, "auth0|x").await {
            Err(EditRefused::Invalid(error)) => assert_eq!(error.field, field),
            other => panic!("{bad:?}: expected invalid, got {other:?}"),
        }
    }
    assert!(matches!(
        store.apply_edit(&edit(999, 1, 1), "auth0|x").await,
        Err(EditRefused::NotFound(999))
    ));
    assert!(store.changes(1).await.unwrap().is_empty());
    assert_eq!(store.get(999).await.unwrap(), None);
}

/// A PostgreSQL server that does not answer is named (host, port, database, never the
/// password) with the reason and the fix.
#[tokio::test]
async fn an_unreachable_postgres_database_is_refused_in_one_sentence() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = aura_commerce::config::DatabaseUrl::parse(&format!(
        "postgres://shop:s3cret@127.0.0.1:{port}/catalog"
    ))
    .unwrap();
    let error = ProductStore::open(&url).await.unwrap_err();
    assert!(
        matches!(
            &error,
            aura_commerce::catalog::store::StoreError::Unreachable { database, .. }
                if *database == format!("127.0.0.1:{port}/catalog")
        ),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.ends_with("start it, or set DATABASE_URL to one that answers."),
        "{message}"
    );
    assert!(!message.contains("s3cret"), "{message}");
}

/// A server that answers but refuses the password, or lacks the database, is refused in the
/// same sentence, with the server's reason.
#[tokio::test]
async fn a_refused_password_or_a_missing_postgres_database_is_named_at_open() {
    let Some(server) = crate::support::database::postgres_server_url() else {
        return;
    };
    let server = url::Url::parse(&server).unwrap();
    let mut wrong_password = server.clone();
    wrong_password
        .set_password(Some("not-the-password"))
        .unwrap();
    let mut missing = server.clone();
    missing.set_path("no_such_catalogue");
    for (url, reason) in [
        (wrong_password, "password authentication failed"),
        (missing, "database \"no_such_catalogue\" does not exist"),
    ] {
        let url = aura_commerce::config::DatabaseUrl::parse(url.as_str()).unwrap();
        let message = ProductStore::open(&url).await.unwrap_err().to_string();
        assert!(
            message.starts_with("cannot reach the PostgreSQL database at 127.0.0.1:"),
            "{message}"
        );
        assert!(message.contains(reason), "{message}");
        assert!(!message.contains("not-the-password"), "{message}");
    }
}
