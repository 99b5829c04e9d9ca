//! The progress of a load: files and bytes done, and a Cancel button that stops after the
//! current file and keeps what was read.

use yew::prelude::*;

use crate::loader::{self, Progress};

/// Props of [`LoadProgress`].
#[derive(Properties, PartialEq)]
pub struct LoadProgressProps {
    /// How far the running load is; `None` hides the bar.
    pub progress: Option<Progress>,
    /// Called when the user clicks Cancel.
    pub on_cancel: Callback<()>,
}

/// The progress of the running load, from [`loader::subscribe_progress`]; `None` when no load
/// runs. Pass it to [`LoadProgress`].
#[hook]
pub fn use_load_progress() -> Option<Progress> {
    let progress = use_state(|| None::<Progress>);
    {
        let progress = progress.clone();
        use_effect_with((), move |()| {
            let id = loader::subscribe_progress(Callback::from(move |p| progress.set(p)));
            move || loader::unsubscribe_progress(id)
        });
    }
    (*progress).clone()
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// A progress bar with "N of M files", the bytes read and Cancel.
#[function_component(LoadProgress)]
pub fn load_progress(props: &LoadProgressProps) -> Html {
    let Some(p) = &props.progress else {
        return html! {};
    };
    let onclick = props.on_cancel.reform(|_: MouseEvent| ());
    // Bytes when their total is known (dropped files), else files.
    let (value, max) = if p.bytes_total > 0 && p.bytes_done <= p.bytes_total {
        (p.bytes_done as f64, p.bytes_total as f64)
    } else {
        (p.files_done as f64, p.files_total.max(1) as f64)
    };
    let bytes = if p.bytes_total > 0 {
        format!(
            "{} of {}",
            megabytes(p.bytes_done),
            megabytes(p.bytes_total)
        )
    } else {
        megabytes(p.bytes_done)
    };
    html! {
        <div class="load-progress" data-testid="load-progress" role="region" aria-label="Reading files"
            style="display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1rem; margin: 0.75rem 0;">
            <progress data-testid="load-progress-bar" value={value.to_string()} max={max.to_string()}
                style="flex: 1 1 12rem;" aria-label="Files read" />
            <span data-testid="load-files" data-done={p.files_done.to_string()} data-total={p.files_total.to_string()}>
                {format!("{} of {} files", p.files_done, p.files_total)}
            </span>
            <span data-testid="load-bytes">{bytes}</span>
            if p.cancelling {
                <span class="hint" data-testid="load-cancelling">{"stopping after this file…"}</span>
            } else {
                <button id="cancel-load" type="button" class="secondary" {onclick}
                    title="Stop after the current file; the files read so far are kept">
                    {"Cancel"}
                </button>
            }
            if !p.current.is_empty() {
                <span class="hint" data-testid="load-current" style="flex-basis: 100%; margin: 0;">{&p.current}</span>
            }
        </div>
    }
}
