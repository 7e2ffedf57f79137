//! The browser's wall clock in whole seconds, the unit of JWT times.

pub fn now_secs() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}
