//! "Download audit JSON": the current analysis and its criteria as a `flakelens-audit/1`
//! document, made by the engine (which holds the full analysis) and saved through a Blob; the privacy choices decide which
//! texts it holds.

use flakelens_core::audit::{Criteria, Privacy};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::display::SharedAnalysis;
use crate::download::save_text;
use crate::engine;

/// Props of [`AuditDownload`].
#[derive(Properties, PartialEq)]
pub struct AuditDownloadProps {
    /// The analysis to write.
    pub analysis: SharedAnalysis,
    /// The criteria to evaluate in it.
    pub criteria: Criteria,
    /// The audit's title, if any.
    pub title: Option<String>,
}

/// The button and its two privacy checkboxes.
#[function_component(AuditDownload)]
pub fn audit_download(props: &AuditDownloadProps) -> Html {
    let messages = use_state(|| true);
    let output = use_state(|| true);
    let error = use_state(|| None::<String>);
    let toggle = |flag: UseStateHandle<bool>| {
        Callback::from(move |e: Event| {
            flag.set(e.target_unchecked_into::<HtmlInputElement>().checked())
        })
    };
    let onclick = {
        let (criteria, title) = (props.criteria.clone(), props.title.clone());
        let (messages, output, error) = (messages.clone(), output.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            let privacy = Privacy {
                messages: *messages,
                output: *output,
            };
            // The engine holds the full analysis (the page's has no traces or outputs).
            let (criteria, title, error) = (criteria.clone(), title.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let json = match engine::analysis_audit(&criteria, title) {
                    Ok(of) => engine::audit_json(of, privacy).await,
                    Err(e) => Err(e),
                };
                let saved = match json {
                    Ok(json) => save_text("flakelens-audit.json", &json, "application/json")
                        .map_err(|e| format!("cannot save the audit: {e:?}")),
                    Err(message) => Err(format!("cannot save the audit: {message}")),
                };
                error.set(saved.err());
            });
        })
    };
    html! {
        <div class="download">
            <button id="download-audit" type="button" {onclick}
                title="Save the analysis and its criteria as a flakelens-audit/1 JSON file (made in this page; nothing is uploaded)">
                {"Download audit JSON"}
            </button>
            <label>
                <input type="checkbox" id="audit-messages" checked={*messages} onchange={toggle(messages.clone())} />
                {" include messages"}
            </label>
            <label>
                <input type="checkbox" id="audit-output" checked={*output} onchange={toggle(output.clone())} />
                {" include output"}
            </label>
            <span class="hint">{"Messages: failure messages and stack traces. Output: system-out and system-err."}</span>
            if let Some(e) = &*error {
                <p class="rules-error" role="alert">{e}</p>
            }
        </div>
    }
}
