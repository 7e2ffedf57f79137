//! The browser's wall clock.

/// Milliseconds since the epoch.
pub fn now_millis() -> f64 {
    js_sys::Date::now()
}

/// Whole seconds since the epoch, the unit of JWT times.
pub fn now_secs() -> u64 {
    (now_millis() / 1000.0) as u64
}
