//! Sharing without uploading: "Copy share link" (the audit in the link's fragment, which
//! browsers never send to a server) and "Download as single file" (the page and the audit in
//! one HTML file that opens from `file://` with no network).

use std::rc::Rc;

use flakelens_core::audit::{Criteria, Privacy};
use flakelens_core::share::{Fit, SHARE_LINK_BUDGET};
use wasm_bindgen::JsValue;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::display::SharedAnalysis;
use crate::download::{save_text, save_texts};
use crate::engine;
use crate::loader::LoadedAudit;
use crate::protocol::AuditOf;
use crate::share::{share_link, single_file_report};

/// Props of [`ShareLink`].
#[derive(Properties, PartialEq)]
pub struct ShareLinkProps {
    /// The analysis shown, if any.
    #[prop_or_default]
    pub analysis: Option<SharedAnalysis>,
    /// The summary-only audit shown, if any (shared as it is).
    #[prop_or_default]
    pub summary_audit: Option<Rc<LoadedAudit>>,
    /// The criteria to evaluate in the analysis.
    #[prop_or_default]
    pub criteria: Criteria,
    /// The audit's title, if any.
    #[prop_or_default]
    pub title: Option<String>,
}

#[derive(Clone, PartialEq)]
enum Note {
    Info(String),
    Error(String),
    /// Too large for a link: the explanation, with the JSON download offered.
    TooLarge(String),
}

/// What to share, cheap to clone into callbacks; the audit is made on click.
#[derive(Clone)]
struct Source {
    analysis: Option<SharedAnalysis>,
    summary_audit: Option<Rc<LoadedAudit>>,
    criteria: Criteria,
    title: Option<String>,
}

impl Source {
    fn of(props: &ShareLinkProps) -> Source {
        Source {
            analysis: props.analysis.clone(),
            summary_audit: props.summary_audit.clone(),
            criteria: props.criteria.clone(),
            title: props.title.clone(),
        }
    }

    /// The audit shown, as the engine's requests name it: a summary-only audit as it is, else
    /// the engine's (which holds the stack traces and outputs the page's analysis lacks).
    fn audit(&self) -> Result<AuditOf, String> {
        if let Some(audit) = &self.summary_audit {
            return Ok(AuditOf::Json(audit.json.clone()));
        }
        if self.analysis.is_none() {
            return Err("nothing is loaded".to_owned());
        }
        engine::analysis_audit(&self.criteria, self.title.clone())
    }
}

/// Copies `text` with the asynchronous clipboard API, where the browser offers it.
async fn copy(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let navigator = window.navigator();
    let has_clipboard = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard"))
        .is_ok_and(|c| !c.is_undefined() && !c.is_null());
    if !has_clipboard {
        return false;
    }
    wasm_bindgen_futures::JsFuture::from(navigator.clipboard().write_text(text))
        .await
        .is_ok()
}

/// "Copy share link" and "Download as single file", with their privacy checkboxes.
#[function_component(ShareLink)]
pub fn share_link_component(props: &ShareLinkProps) -> Html {
    let messages = use_state(|| true);
    let output = use_state(|| true);
    let link = use_state(|| None::<String>);
    let note = use_state(|| None::<Note>);
    let building = use_state(|| false);
    {
        // A new analysis makes the old link stale.
        let (link, note) = (link.clone(), note.clone());
        use_effect_with(
            (props.analysis.clone(), props.summary_audit.clone()),
            move |_| {
                link.set(None);
                note.set(None);
            },
        );
    }
    if props.analysis.is_none() && props.summary_audit.is_none() {
        return html! {};
    }
    let privacy = Privacy {
        messages: *messages,
        output: *output,
    };
    let toggle = |flag: UseStateHandle<bool>| {
        let (link, note) = (link.clone(), note.clone());
        Callback::from(move |e: Event| {
            flag.set(e.target_unchecked_into::<HtmlInputElement>().checked());
            link.set(None);
            note.set(None);
        })
    };

    let source = Source::of(props);
    let on_copy = {
        let (link, note, source) = (link.clone(), note.clone(), source.clone());
        Callback::from(move |_: MouseEvent| {
            let (link, note, source) = (link.clone(), note.clone(), source.clone());
            wasm_bindgen_futures::spawn_local(async move {
                // The engine applies the privacy choices and strips the audit to fit.
                let made = match source.audit() {
                    Ok(of) => share_link(of, privacy).await,
                    Err(e) => Err(e),
                };
                match made {
                    Err(e) => note.set(Some(Note::Error(format!("Cannot make a link: {e}")))),
                    Ok((_, Fit::TooLarge)) => {
                        link.set(None);
                        note.set(Some(Note::TooLarge(format!(
                        "This analysis is too large for a link, even without messages and output (links are kept under {} KiB). Download the audit JSON instead, host it on a site that allows cross-origin reads, and open this page with ?audit=<address of the JSON>, for example {}?audit=https://your-host/audits/main.json. Or use \"Download as single file\".",
                        SHARE_LINK_BUDGET / 1024,
                        web_sys::window()
                            .and_then(|w| w.location().href().ok())
                            .map(|h| h.split(['?', '#']).next().unwrap_or_default().to_owned())
                            .unwrap_or_default()
                    ))));
                    }
                    Ok((url, fit)) => {
                        let stripped = fit == Fit::Stripped;
                        link.set(Some(url.clone()));
                        {
                            let copied = copy(&url).await;
                            let mut text = if copied {
                                "Link copied. Anyone with it sees this analysis; it travels in the link itself (after #), which browsers never send to a server.".to_owned()
                            } else {
                                "Copy the link below (this browser did not allow the page to copy it). It carries the analysis in the link itself (after #), which browsers never send to a server.".to_owned()
                            };
                            if stripped {
                                text.push_str(&format!(
                                " Failure messages and output were left out so that the link fits under {} KiB.",
                                SHARE_LINK_BUDGET / 1024
                            ));
                            }
                            note.set(Some(Note::Info(text)));
                        }
                    }
                }
            });
        })
    };
    let on_download_json = {
        let (note, source) = (note.clone(), source.clone());
        Callback::from(move |_: MouseEvent| {
            let (note, source) = (note.clone(), source.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let json = match source.audit() {
                    Ok(of) => engine::audit_json(of, privacy).await,
                    Err(e) => Err(e),
                };
                let saved = json.and_then(|json| {
                    save_text("flakelens-audit.json", &json, "application/json")
                        .map_err(|e| format!("{e:?}"))
                });
                if let Err(e) = saved {
                    note.set(Some(Note::Error(format!("Cannot save the audit: {e}"))));
                }
            });
        })
    };
    let on_single_file = {
        let (note, building) = (note.clone(), building.clone());
        Callback::from(move |_: MouseEvent| {
            let (note, building, source) = (note.clone(), building.clone(), source.clone());
            building.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let made = match source.audit() {
                    Ok(of) => single_file_report(of, privacy).await,
                    Err(e) => Err(e),
                };
                let made = made.and_then(|[head, audit, tail]| {
                    save_texts(
                        "flakelens-report.html",
                        &[&head, &audit, &tail],
                        "text/html",
                    )
                    .map_err(|e| format!("{e:?}"))
                });
                building.set(false);
                if let Err(e) = made {
                    note.set(Some(Note::Error(format!(
                        "Cannot make the single file: {e}"
                    ))));
                }
            });
        })
    };
    let select_all = Callback::from(|e: MouseEvent| {
        e.target_unchecked_into::<HtmlInputElement>().select();
    });

    html! {
        <div class="share download" data-testid="share" role="group" aria-label="Share">
            <button id="copy-share-link" type="button" onclick={on_copy}
                title="Copy a link that carries this analysis in its fragment (after #), which is never sent to a server">
                {"Copy share link"}
            </button>
            <label>
                <input type="checkbox" id="share-messages" checked={*messages} onchange={toggle(messages.clone())} />
                {" include messages"}
            </label>
            <label>
                <input type="checkbox" id="share-output" checked={*output} onchange={toggle(output.clone())} />
                {" include output"}
            </label>
            <button id="download-single-file" type="button" class="secondary" onclick={on_single_file}
                disabled={*building}
                title="Save one HTML file with this page and this analysis; it opens from disk with no network">
                {if *building { "Making the single file…" } else { "Download as single file" }}
            </button>
            if let Some(url) = (*link).clone() {
                <input id="share-link" type="text" readonly=true value={url} aria-label="Share link"
                    onclick={select_all} style="flex: 1 1 100%; font-family: monospace;" />
            }
            {match (*note).clone() {
                None => html! {},
                Some(Note::Info(text)) => html! {
                    <p class="hint" role="status" data-testid="share-note" style="flex-basis: 100%;">{text}</p>
                },
                Some(Note::Error(text)) => html! {
                    <p class="rules-error" role="alert" data-testid="share-note" style="flex-basis: 100%;">{text}</p>
                },
                Some(Note::TooLarge(text)) => html! {
                    <div data-testid="share-too-large" style="flex-basis: 100%;">
                        <p class="hint" role="status" data-testid="share-note">{text}</p>
                        <button id="share-download-audit" type="button" onclick={on_download_json}>
                            {"Download audit JSON"}
                        </button>
                    </div>
                },
            }}
        </div>
    }
}
