//! Knowing when the page has become interactive.

use leptos::prelude::*;

/// A signal that turns true once this component is running in the browser after hydration.
/// Buttons that need WASM stay disabled until then, so an early click is never lost.
pub fn use_hydrated() -> ReadSignal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    hydrated
}
