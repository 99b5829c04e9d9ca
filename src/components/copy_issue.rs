//! "Copy as Markdown issue": a test's issue text (built by `display::markdown_issue`) put on
//! the clipboard; where the clipboard refuses, the text is shown to copy by hand.

use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use crate::display::{markdown_issue, SharedAnalysis};

/// Props of [`CopyIssue`].
#[derive(Properties, PartialEq)]
pub struct CopyIssueProps {
    /// The analysis holding the test.
    pub analysis: SharedAnalysis,
    /// The test's index in `analysis.tests`.
    pub index: usize,
}

/// What the last click did.
#[derive(Clone, PartialEq)]
enum Copied {
    Not,
    Done,
    Failed(String),
}

/// The button and its status.
#[function_component(CopyIssue)]
pub fn copy_issue(props: &CopyIssueProps) -> Html {
    let copied = use_state(|| Copied::Not);
    {
        let copied = copied.clone();
        use_effect_with(props.index, move |_| copied.set(Copied::Not));
    }
    let onclick = {
        let (analysis, index, copied) = (props.analysis.clone(), props.index, copied.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(test) = analysis.tests.get(index) else {
                return;
            };
            let text = markdown_issue(&analysis, test);
            let copied = copied.clone();
            let Some(window) = web_sys::window() else {
                return;
            };
            let promise = window.navigator().clipboard().write_text(&text);
            wasm_bindgen_futures::spawn_local(async move {
                match JsFuture::from(promise).await {
                    Ok(_) => copied.set(Copied::Done),
                    Err(_) => copied.set(Copied::Failed(text)),
                }
            });
        })
    };
    html! {
        <div class="copy-issue">
            <button id="copy-issue" type="button" class="secondary small" {onclick}
                title="Copy a Markdown issue about this test: its runs, first failure and the lines that differ">
                {"Copy as Markdown issue"}
            </button>
            <span role="status" class="copy-status" data-testid="copy-status">
                { match &*copied {
                    Copied::Not => "",
                    Copied::Done => "Copied.",
                    Copied::Failed(_) => "The clipboard refused; copy the text below.",
                } }
            </span>
            if let Copied::Failed(text) = &*copied {
                <textarea class="copy-fallback" readonly=true rows="8" aria-label="Markdown issue text" value={text.clone()} />
            }
        </div>
    }
}
