//! `/products`: the catalogue, with search, category filter, sort and pages, all kept in the URL
//! so a link shows the same results and back/forward work.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};

use crate::auth::permissions::READ_PRODUCTS;
use crate::auth::protected_call::call_protected;
use crate::catalog::query::{QueryError, CATEGORIES};
use crate::catalog::server_fns::get_products;
use crate::catalog::{Product, ProductPage, ProductQuery, SortOrder};
use crate::components::api_error_notice::ApiErrorNotice;
use crate::components::product_card::{ProductCard, ProductCardSkeleton};
use crate::components::require_session::RequireSession;

/// The catalogue. The controls come from the URL, so the server renders them; the results are
/// loaded in the browser after hydration (only the browser holds the bearer token), and until
/// then a skeleton of the same size holds their place.
#[component]
pub fn ProductsPage() -> impl IntoView {
    let location = use_location();
    let query = Memo::new(move |_| {
        let search = location.search.get();
        ProductQuery::from_pairs(form_urlencoded::parse(
            search.trim_start_matches('?').as_bytes(),
        ))
    });
    let current = Signal::derive(move || query.get().unwrap_or_default());
    // Only a change between "usable" and "not usable" rebuilds the results; a new search just
    // refetches them.
    let problem = Memo::new(move |_| query.with(|query| query.as_ref().err().cloned()));
    view! {
        <section class="catalogue">
            <h1>"Products"</h1>
            <CatalogueControls query=current />
            {move || match problem.get() {
                Some(error) => view! { <BadQueryNotice error /> }.into_any(),
                None => view! {
                    <RequireSession permission=READ_PRODUCTS pending=ResultsSkeleton>
                        <Results query=current />
                    </RequireSession>
                }
                .into_any(),
            }}
        </section>
    }
}

/// Search box, category links and sort menu. Each change is a navigation to a new URL, so the
/// browser's history holds every step.
#[component]
fn CatalogueControls(query: Signal<ProductQuery>) -> impl IntoView {
    let navigate = use_navigate();
    let search_input = NodeRef::<leptos::html::Input>::new();
    let go = move |next: ProductQuery| navigate(&next.href("/products"), Default::default());
    let on_search = {
        let go = go.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let text = search_input
                .get()
                .map(|input| input.value())
                .unwrap_or_default();
            go(ProductQuery {
                q: text.trim().to_owned(),
                page: 1,
                ..query.get_untracked()
            });
        }
    };
    let on_sort = move |event: leptos::ev::Event| {
        let sort = SortOrder::parse(&event_target_value(&event)).unwrap_or_default();
        go(ProductQuery {
            sort,
            page: 1,
            ..query.get_untracked()
        });
    };
    let category_link = move |category: Option<&'static str>| {
        let href = move || {
            ProductQuery {
                category: category.map(str::to_owned),
                page: 1,
                ..query.get()
            }
            .href("/products")
        };
        let current = move || (query.get().category.as_deref() == category).then_some("page");
        view! {
            <li><a href=href aria-current=current class="chip">{category.unwrap_or("All")}</a></li>
        }
    };
    view! {
        <div class="controls">
            <form class="search" role="search" action="/products" method="get" on:submit=on_search>
                <label for="product-search">"Search products"</label>
                <div class="search-row">
                    <input
                        id="product-search"
                        type="search"
                        name="q"
                        node_ref=search_input
                        placeholder="Try “wool” or “mug”"
                        maxlength="100"
                        autocomplete="off"
                        value=move || query.get().q
                        prop:value=move || query.get().q
                    />
                    <button type="submit" class="button">"Search"</button>
                </div>
            </form>
            <div class="sort">
                <label for="product-sort">"Sort by"</label>
                <select id="product-sort" name="sort" on:change=on_sort prop:value=move || query.get().sort.as_str()>
                    {SortOrder::ALL.into_iter().map(|sort| view! {
                        <option value=sort.as_str() selected=move || query.get().sort == sort>{sort.label()}</option>
                    }).collect_view()}
                </select>
            </div>
        </div>
        <nav class="categories" aria-label="Categories">
            <ul>
                {category_link(None)}
                {CATEGORIES.into_iter().map(|c| category_link(Some(c))).collect_view()}
            </ul>
        </nav>
    }
}

#[component]
fn Results(query: Signal<ProductQuery>) -> impl IntoView {
    let results = LocalResource::new(move || {
        let query = query.get();
        async move { call_protected(move || get_products(query.clone())).await }
    });
    let (pending, set_pending) = signal(false);
    view! {
        <div class="results" class:is-loading=pending aria-busy=move || pending.get().to_string()>
            <Transition fallback=ResultsSkeleton set_pending>
                {move || Suspend::new(async move {
                    match results.await {
                        Ok(page) => view! { <ResultList page query=query.get_untracked() /> }.into_any(),
                        Err(error) => view! { <ApiErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

/// The count line, the cards and the page links (or the reason there are none).
#[component]
fn ResultList(page: ProductPage, query: ProductQuery) -> impl IntoView {
    let summary = result_summary(&page, &query);
    if page.items.is_empty() {
        let body = if page.total > 0 {
            let last = query.with_page(page.page_count());
            view! {
                <p>{format!("There is no page {}; the last page is {}.", page.page, page.page_count())}</p>
                <a class="button" href=last.href("/products")>"Go to the last page"</a>
            }
            .into_any()
        } else if query.is_narrowed() {
            view! {
                <h2>"No products found"</h2>
                <p>"Try fewer or different words, or another category."</p>
                <a class="button" href="/products">"Show all products"</a>
            }
            .into_any()
        } else {
            view! {
                <h2>"The shelves are empty"</h2>
                <p>"There are no products in the catalogue yet. Please come back soon."</p>
            }
            .into_any()
        };
        return view! {
            <p class="result-count" role="status">{summary}</p>
            <div class="empty-state">{body}</div>
        }
        .into_any();
    }
    let pagination = (page.page_count() > 1)
        .then(|| view! { <Pagination page=page.clone() query=query.clone() /> });
    view! {
        <p class="result-count" role="status">{summary}</p>
        <ul class="product-grid" aria-label="Products">
            {page.items.into_iter().map(|product: Product| view! { <ProductCard product /> }).collect_view()}
        </ul>
        {pagination}
    }
    .into_any()
}

fn result_summary(page: &ProductPage, query: &ProductQuery) -> String {
    let noun = if page.total == 1 {
        "product"
    } else {
        "products"
    };
    let mut text = format!("{} {noun}", page.total);
    let q = query.q.trim();
    if !q.is_empty() {
        text.push_str(&format!(" matching “{q}”"));
    }
    if let Some(category) = &query.category {
        text.push_str(&format!(" in {category}"));
    }
    if page.total > 0 && page.page_count() > 1 {
        text.push_str(&format!(" · page {} of {}", page.page, page.page_count()));
    }
    text
}

#[component]
fn Pagination(page: ProductPage, query: ProductQuery) -> impl IntoView {
    let last = page.page_count();
    let link = |n: u32, label: String, aria: String| {
        view! { <a href=query.with_page(n).href("/products") aria-label=aria>{label}</a> }
    };
    let previous = if page.page > 1 {
        link(page.page - 1, "← Previous".into(), "Previous page".into()).into_any()
    } else {
        view! { <span class="disabled" aria-hidden="true">"← Previous"</span> }.into_any()
    };
    let next = if page.page < last {
        link(page.page + 1, "Next →".into(), "Next page".into()).into_any()
    } else {
        view! { <span class="disabled" aria-hidden="true">"Next →"</span> }.into_any()
    };
    let numbers = (1..=last)
        .map(|n| {
            if n == page.page {
                view! { <li><span class="current" aria-current="page">{n}</span></li> }.into_any()
            } else {
                view! { <li>{link(n, n.to_string(), format!("Page {n}"))}</li> }.into_any()
            }
        })
        .collect_view();
    view! {
        <nav class="pagination" aria-label="Pages">
            {previous}
            <ol>{numbers}</ol>
            {next}
        </nav>
    }
}

/// The place of the results while they load: the count line and a full page of card outlines,
/// the same size as the real ones, so nothing moves when the products arrive.
#[component]
pub fn ResultsSkeleton() -> impl IntoView {
    view! {
        <p class="result-count placeholder-text" aria-hidden="true">"Loading products…"</p>
        <ul class="product-grid skeleton" aria-busy="true" aria-label="Loading products">
            {(0..crate::catalog::query::DEFAULT_PER_PAGE).map(|_| view! { <ProductCardSkeleton /> }).collect_view()}
        </ul>
    }
}

/// The URL asked for something the catalogue cannot show; say what, and offer a clean start.
#[component]
fn BadQueryNotice(error: QueryError) -> impl IntoView {
    view! {
        <div class="notice" role="alert">
            <p>{format!("This link has a parameter the catalogue cannot use — {error}.")}</p>
            <a class="button" href="/products">"Show all products"</a>
        </div>
    }
}
