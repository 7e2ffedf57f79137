//! `/admin/products`: staff with `write:products` change prices and stock. The list is paged
//! and searched by the server, so every product is reachable however many there are. Each
//! product is its own small form; a save names the version it was made from, so a stale save
//! is refused with a conflict message instead of overwriting a colleague's change.

use leptos::prelude::*;

use crate::auth::permissions::WRITE_PRODUCTS;
use crate::auth::protected_call::call_protected;
use crate::auth::ApiError;
use crate::catalog::edit::{
    parse_price, parse_stock, price_input_value, EditError, ProductChange, ProductEdit,
};
use crate::catalog::product::format_price;
use crate::catalog::server_fns::{get_product, get_products, recent_changes, update_product};
use crate::catalog::{Product, ProductPage, ProductQuery};
use crate::components::api_error_notice::ApiErrorNotice;
use crate::components::require_session::RequireSession;

#[component]
pub fn AdminProductsPage() -> impl IntoView {
    view! {
        <section class="admin">
            <h1>"Prices and stock"</h1>
            <RequireSession permission=WRITE_PRODUCTS>
                <p class="lead">"Change a price or the units in stock and press Save. Every change is recorded with your account and the time."</p>
                <AdminProductList />
            </RequireSession>
        </section>
    }
}

/// Counts successful saves on this page, so the change log reloads after each.
#[derive(Clone, Copy)]
struct SaveCount(RwSignal<u32>);

/// Products per page of the staff list.
pub const STAFF_PER_PAGE: u32 = 25;

#[component]
fn AdminProductList() -> impl IntoView {
    let saves = SaveCount(RwSignal::new(0));
    provide_context(saves);
    // The search and the page are the server's: every product is reachable however large the
    // catalogue grows, a page at a time or by its name.
    let search = RwSignal::new(String::new());
    let page = RwSignal::new(1_u32);
    let query = Memo::new(move |_| ProductQuery {
        q: search.get().trim().to_owned(),
        page: page.get(),
        per_page: STAFF_PER_PAGE,
        ..ProductQuery::default()
    });
    let products = LocalResource::new(move || {
        let query = query.get();
        call_protected(move || get_products(query.clone()))
    });
    view! {
        <div class="admin-filter">
            <label for="admin-filter">"Find a product"</label>
            <input id="admin-filter" type="search" placeholder="Words in its name or description"
                on:input=move |ev| {
                    search.set(event_target_value(&ev));
                    page.set(1);
                }
                prop:value=search />
        </div>
        <RecentChanges saves />
        <Transition fallback=|| view! { <p class="status" role="status">"Loading products…"</p> }>
            {move || Suspend::new(async move {
                match products.await {
                    Ok(found) => view! { <StaffPage found page /> }.into_any(),
                    Err(error) => view! { <ApiErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// One page of the staff list: where it sits in the whole, its forms, and the way to the
/// pages before and after.
#[component]
fn StaffPage(found: ProductPage, page: RwSignal<u32>) -> impl IntoView {
    let count = found.items.len() as u32;
    let first = (found.page - 1) * found.per_page + 1;
    let summary = match found.total {
        0 => "No product matches.".to_owned(),
        total if count == 0 => format!("No products on this page; {total} in all."),
        total => format!(
            "Products {first}–{} of {total} · page {} of {}",
            first + count - 1,
            found.page,
            found.page_count()
        ),
    };
    let has_previous = found.page > 1;
    let has_next = found.page < found.page_count();
    view! {
        <p class="result-count" role="status" data-field="staff-summary">{summary}</p>
        <ul class="edit-list" aria-label="Products to edit">
            {found.items.into_iter().map(|product| view! { <li><ProductEditForm product /></li> }).collect_view()}
        </ul>
        <nav class="pagination" aria-label="Pages of products">
            <button type="button" class="button" disabled=!has_previous
                on:click=move |_| page.update(|n| *n = n.saturating_sub(1).max(1))>"← Previous"</button>
            <button type="button" class="button" disabled=!has_next
                on:click=move |_| page.update(|n| *n += 1)>"Next →"</button>
        </nav>
    }
}

/// What the last save of a form came to.
#[derive(Clone, Debug, PartialEq)]
enum SaveOutcome {
    Saved(String),
    Conflict(String),
    Invalid(EditError),
    Failed(String),
}

#[component]
fn ProductEditForm(product: Product) -> impl IntoView {
    let id = product.id;
    let name = product.name.clone();
    let saved = RwSignal::new(product.clone());
    let price_text = RwSignal::new(price_input_value(product.price_cents));
    let stock_text = RwSignal::new(product.stock.to_string());
    let outcome = RwSignal::new(None::<SaveOutcome>);
    let saving = RwSignal::new(false);
    let saves = use_context::<SaveCount>();

    let show_latest = move |latest: Product| {
        price_text.set(price_input_value(latest.price_cents));
        stock_text.set(latest.stock.to_string());
        saved.set(latest);
    };
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if saving.get_untracked() {
            return;
        }
        let parsed = parse_price(&price_text.get_untracked())
            .and_then(|price| parse_stock(&stock_text.get_untracked()).map(|stock| (price, stock)));
        let (price_cents, stock) = match parsed {
            Ok(values) => values,
            Err(error) => {
                outcome.set(Some(SaveOutcome::Invalid(error)));
                return;
            }
        };
        let edit = ProductEdit {
            id,
            price_cents,
            stock,
            version: saved.get_untracked().version,
        };
        saving.set(true);
        outcome.set(None);
        // Scoped: the task runs with this form's reactive owner (the session is looked up there).
        leptos::task::spawn_local_scoped(async move {
            let result = call_protected(|| update_product(edit.clone())).await;
            let next = match result {
                Ok(product) => {
                    if let Some(saves) = saves {
                        saves.0.update(|n| *n += 1);
                    }
                    let message = format!(
                        "Saved: {}, {} in stock.",
                        product.display_price(),
                        product.stock
                    );
                    show_latest(product);
                    SaveOutcome::Saved(message)
                }
                Err(ApiError::Conflict(message)) => {
                    if let Ok(latest) = call_protected(|| get_product(id)).await {
                        show_latest(latest);
                    }
                    SaveOutcome::Conflict(message)
                }
                Err(ApiError::Invalid { field, message }) => {
                    SaveOutcome::Invalid(EditError { field, message })
                }
                Err(error) => SaveOutcome::Failed(error.to_string()),
            };
            outcome.set(Some(next));
            saving.set(false);
        });
    };

    let invalid = move |field: &'static str| {
        move || {
            matches!(outcome.get(), Some(SaveOutcome::Invalid(ref e)) if e.field == field)
                .then_some("true")
        }
    };
    let price_id = format!("price-{id}");
    let stock_id = format!("stock-{id}");
    let message_id = format!("edit-message-{id}");
    let message = move || {
        outcome.get().map(|outcome| {
            let (class, text) = match outcome {
                SaveOutcome::Saved(text) => ("edit-message ok", text),
                SaveOutcome::Conflict(text) => ("edit-message conflict", text),
                SaveOutcome::Invalid(error) => ("edit-message error", error.message),
                SaveOutcome::Failed(text) => ("edit-message error", text),
            };
            view! { <span class=class>{text}</span> }
        })
    };
    view! {
        <form class="edit-form" aria-label=format!("Edit {name}") on:submit=on_submit novalidate>
            <img src=product.image.clone() alt="" width="64" height="48" class="thumb" />
            <div class="edit-name">
                <strong>{name.clone()}</strong>
                <span class="muted">{move || format!("{} · version {}", saved.get().category, saved.get().version)}</span>
            </div>
            <div class="field price-field">
                <label for=price_id.clone()>"Price (USD)"</label>
                <input id=price_id type="text" inputmode="decimal" autocomplete="off"
                    aria-invalid=invalid("price") aria-describedby=message_id.clone()
                    prop:value=price_text on:input=move |ev| price_text.set(event_target_value(&ev)) />
            </div>
            <div class="field stock-field">
                <label for=stock_id.clone()>"Stock"</label>
                <input id=stock_id type="text" inputmode="numeric" autocomplete="off"
                    aria-invalid=invalid("stock") aria-describedby=message_id.clone()
                    prop:value=stock_text on:input=move |ev| stock_text.set(event_target_value(&ev)) />
            </div>
            <button type="submit" class="button" disabled=saving>
                {move || if saving.get() { "Saving…" } else { "Save" }}
            </button>
            <p class="edit-status" id=message_id role="status" aria-live="polite">{message}</p>
        </form>
    }
}

/// The latest recorded changes: who (the account's `sub`) changed what, and when.
#[component]
fn RecentChanges(saves: SaveCount) -> impl IntoView {
    let changes = LocalResource::new(move || {
        saves.0.track();
        call_protected(recent_changes)
    });
    view! {
        <details class="recent-changes">
            <summary>"Recent changes"</summary>
            <Transition fallback=|| view! { <p class="status">"Loading the change log…"</p> }>
                {move || Suspend::new(async move {
                    match changes.await {
                        Ok(list) if list.is_empty() => view! { <p class="status">"No changes yet."</p> }.into_any(),
                        Ok(list) => view! { <ChangeTable changes=list /> }.into_any(),
                        Err(error) => view! { <ApiErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </details>
    }
}

#[component]
fn ChangeTable(changes: Vec<ProductChange>) -> impl IntoView {
    let rows = changes
        .into_iter()
        .map(|change| {
            let when = change.changed_at.replace('T', " ").replace('Z', " UTC");
            let price = if change.old_price_cents == change.new_price_cents {
                format_price(change.new_price_cents, "USD")
            } else {
                format!(
                    "{} → {}",
                    format_price(change.old_price_cents, "USD"),
                    format_price(change.new_price_cents, "USD")
                )
            };
            let stock = if change.old_stock == change.new_stock {
                change.new_stock.to_string()
            } else {
                format!("{} → {}", change.old_stock, change.new_stock)
            };
            view! {
                <tr>
                    <td>{when}</td>
                    <td>{change.product_name}</td>
                    <td>{price}</td>
                    <td>{stock}</td>
                    <td class="who-changed">{change.changed_by}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table>
                <thead>
                    <tr><th scope="col">"When"</th><th scope="col">"Product"</th><th scope="col">"Price"</th><th scope="col">"Stock"</th><th scope="col">"By"</th></tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
