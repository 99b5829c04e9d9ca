//! `?audit=URL` and `?runs=URL`: the page asks before it fetches anything from another
//! origin. Nothing is requested until the user clicks Load.

use yew::prelude::*;

use crate::loader::{self, Hosted, HostedKind, Loaded};

/// Props of [`ConfirmFetch`].
#[derive(Properties, PartialEq)]
pub struct ConfirmFetchProps {
    /// Called with what was loaded: an audit, or runs to add.
    pub on_loaded: Callback<Loaded>,
}

#[derive(Clone, PartialEq)]
enum Step {
    /// Waiting for the user.
    Ask(Hosted),
    /// Fetching.
    Loading(Hosted, String),
    /// Loaded, or declined: nothing to show.
    Done,
    /// The URL cannot be used, or loading failed.
    Failed(String),
}

/// Shows the origin named in the page's address with Load and Cancel; loads only on Load,
/// and explains failures (CORS, HTTP status, size) in plain words.
#[function_component(ConfirmFetch)]
pub fn confirm_fetch(props: &ConfirmFetchProps) -> Html {
    let step = use_state(|| match loader::hosted_request() {
        None => Step::Done,
        Some(Ok(hosted)) => Step::Ask(hosted),
        Some(Err(message)) => Step::Failed(message),
    });
    match (*step).clone() {
        Step::Done => html! {},
        Step::Failed(message) => html! {
            <div class="confirm-fetch" data-testid="confirm-fetch" role="region" aria-label="Load from another site">
                <p class="rules-error" role="alert" data-testid="fetch-error">{message}</p>
            </div>
        },
        Step::Loading(hosted, status) => html! {
            <div class="confirm-fetch" data-testid="confirm-fetch" role="region" aria-label="Load from another site">
                <p class="status" role="status" data-testid="fetch-status">
                    {format!("Loading from {}: {status}", hosted.origin)}
                </p>
            </div>
        },
        Step::Ask(hosted) => {
            let on_load = {
                let step = step.clone();
                let on_loaded = props.on_loaded.clone();
                let hosted = hosted.clone();
                Callback::from(move |_: MouseEvent| {
                    let (step, on_loaded, hosted) =
                        (step.clone(), on_loaded.clone(), hosted.clone());
                    step.set(Step::Loading(hosted.clone(), "starting".to_owned()));
                    wasm_bindgen_futures::spawn_local(async move {
                        let progress = {
                            let (step, hosted) = (step.clone(), hosted.clone());
                            move |s: String| step.set(Step::Loading(hosted.clone(), s))
                        };
                        match loader::read_hosted(&hosted, progress).await {
                            Ok(loaded) => {
                                step.set(Step::Done);
                                on_loaded.emit(loaded);
                            }
                            Err(message) => step.set(Step::Failed(message)),
                        }
                    });
                })
            };
            let on_cancel = {
                let step = step.clone();
                Callback::from(move |_: MouseEvent| step.set(Step::Done))
            };
            let what = match hosted.kind {
                HostedKind::Audit => "an audit",
                HostedKind::Runs => "test runs",
            };
            html! {
                <div class="confirm-fetch" data-testid="confirm-fetch" role="region" aria-label="Load from another site"
                    style="border: 1px solid currentColor; border-radius: 6px; padding: 0.75rem 1rem; margin: 0.75rem 0;">
                    <p>
                        {format!("This link asks the page to load {what} from ")}
                        <strong data-testid="fetch-origin">{&hosted.origin}</strong>
                        {"."}
                    </p>
                    <p class="hint" data-testid="fetch-url">{&hosted.url}</p>
                    <p class="hint">
                        {"Nothing has been fetched yet. Load only from a site you trust; the file is read in this page and not sent anywhere."}
                    </p>
                    <div class="actions" style="justify-content: flex-start;">
                        <button id="confirm-load" type="button" onclick={on_load}>{"Load"}</button>
                        <button id="confirm-cancel" type="button" class="secondary" onclick={on_cancel}>{"Cancel"}</button>
                    </div>
                </div>
            }
        }
    }
}
