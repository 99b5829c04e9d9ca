//! One component per file, and [`window_keydown`], which the app's and the detail panel's
//! keyboard hooks share.

use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;

pub mod attempt_strip;
pub mod audit_download;
pub mod canvas;
pub mod categories;
pub mod category_chart;
pub mod clusters;
pub mod comparison;
pub mod confirm_fetch;
pub mod consistency;
pub mod copy_issue;
pub mod criteria;
pub mod diagnostics;
pub mod drop_zone;
pub mod duration_chart;
pub mod filter_bar;
pub mod flag_chips;
pub mod groups;
pub mod lazy_text;
pub mod load_progress;
pub mod metric_list;
pub mod nav_bar;
pub mod outcome_strip;
pub mod rate_histogram;
pub mod rules_editor;
pub mod run_failures;
pub mod runs;
pub mod runs_timeline;
pub mod share_link;
pub mod suite_tree;
pub mod summary;
pub mod summary_audit;
pub mod test_detail;
pub mod test_heatmap;
pub mod test_table;
pub mod theme_toggle;
pub mod windowed;

/// Calls `on_key` for every `keydown` on the window until the returned listener is dropped
/// (a hook drops it when its effect is cleaned up). Not passive: handlers may call
/// `prevent_default`. `None` where there is no window.
pub fn window_keydown(mut on_key: impl FnMut(&KeyboardEvent) + 'static) -> Option<EventListener> {
    let window = web_sys::window()?;
    let options = EventListenerOptions::enable_prevent_default();
    Some(EventListener::new_with_options(
        &window,
        "keydown",
        options,
        move |e| {
            if let Some(e) = e.dyn_ref::<KeyboardEvent>() {
                on_key(e);
            }
        },
    ))
}
