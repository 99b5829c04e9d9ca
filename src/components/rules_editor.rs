//! Editing the categorization rules in the page: a flakelens rules JSON in a text box, or an
//! Allure `categories.json` imported from a file. Apply checks every pattern first; an error
//! names the rule and leaves the analysis as it was.

use flakelens_core::categories::default_rules;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::display::confidence_label;

/// Props of [`RulesEditor`].
#[derive(Properties, PartialEq)]
pub struct RulesEditorProps {
    /// The rules text last applied.
    pub rules_text: String,
    /// Why the last Apply failed, if it did.
    pub error: Option<String>,
    /// Called with the text to apply.
    pub on_apply: Callback<String>,
}

const EXAMPLE: &str = r#"{
  "categories": [{"id": "known-bug", "name": "Known bug"}],
  "rules": [
    {"name": "page count", "category": "known-bug", "message": "page_count\\("}
  ]
}"#;

/// The editor.
#[function_component(RulesEditor)]
pub fn rules_editor(props: &RulesEditorProps) -> Html {
    let text = use_state(|| props.rules_text.clone());
    let import_error = use_state(|| None::<String>);
    {
        let text = text.clone();
        use_effect_with(props.rules_text.clone(), move |applied| {
            text.set(applied.clone())
        });
    }
    let oninput = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            text.set(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let on_apply = {
        let (text, apply) = (text.clone(), props.on_apply.clone());
        Callback::from(move |_: MouseEvent| apply.emit((*text).clone()))
    };
    let on_reset = {
        let (text, apply) = (text.clone(), props.on_apply.clone());
        Callback::from(move |_: MouseEvent| {
            text.set(String::new());
            apply.emit(String::new());
        })
    };
    let on_import = {
        let (text, apply, import_error) =
            (text.clone(), props.on_apply.clone(), import_error.clone());
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let Some(file) = input.files().and_then(|list| list.get(0)) else {
                return;
            };
            input.set_value("");
            let (text, apply, import_error) = (text.clone(), apply.clone(), import_error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let file = gloo_file::File::from(file);
                match gloo_file::futures::read_as_text(&file).await {
                    Ok(content) => {
                        import_error.set(None);
                        text.set(content.clone());
                        apply.emit(content);
                    }
                    Err(e) => import_error.set(Some(format!("cannot read {}: {e}", file.name()))),
                }
            });
        })
    };
    let defaults = default_rules();
    html! {
        <section class="rules" data-testid="rules-editor" aria-labelledby="rules-title">
            <h2 id="rules-title">{"Categorization rules"}</h2>
            <p class="hint">
                {"Your rules rank above the defaults. A flakelens rules file: {\"categories\": [{\"id\", \"name\"}], \"rules\": [{\"name\", \"category\", \
                  \"message\" | \"type\" | \"body\" | \"system_err\" | \"test_name\" (regular expressions, all must match), \"confidence\"}]}; \
                  or import Allure's categories.json. Apply with an empty box to go back to the defaults."}
            </p>
            <textarea id="rules-text" aria-label="Rules file (JSON)" rows="8" spellcheck="false"
                placeholder={EXAMPLE} value={(*text).clone()} {oninput} />
            <div class="rules-actions">
                <button id="apply-rules" type="button" onclick={on_apply}>{"Apply"}</button>
                <label class="file-label">
                    {"Import Allure categories.json"}
                    <input type="file" id="rules-file" class="visually-hidden" accept=".json,application/json"
                        onchange={on_import} />
                </label>
                if !props.rules_text.is_empty() {
                    <button type="button" class="secondary" onclick={on_reset}>{"Back to the default rules"}</button>
                }
            </div>
            if let Some(error) = &*import_error {
                <p class="rules-error" role="alert">{error}</p>
            }
            if let Some(error) = &props.error {
                <p class="rules-error" role="alert" data-testid="rules-error">{error}</p>
            } else if !props.rules_text.is_empty() {
                <p class="hint" data-testid="rules-applied">{"Your rules are applied."}</p>
            }
            <details class="default-rules">
                <summary>{format!("The {} default rules", defaults.len())}</summary>
                <div class="scroll">
                    <table>
                        <thead><tr>
                            <th scope="col">{"Rule"}</th><th scope="col">{"Category"}</th>
                            <th scope="col" class="num">{"Priority"}</th><th scope="col">{"Confidence"}</th>
                            <th scope="col">{"Matches"}</th>
                        </tr></thead>
                        <tbody>
                            { for defaults.iter().map(|r| {
                                let matcher = [("message", &r.message), ("type", &r.failure_type), ("body", &r.body),
                                    ("system_err", &r.system_err), ("test_name", &r.test_name)]
                                    .iter().filter_map(|(k, v)| v.as_ref().map(|p| format!("{k} /{p}/")))
                                    .chain(r.signal.and_then(|s| serde_json::to_value(s).ok())
                                        .and_then(|v| v.as_str().map(|s| format!("signal {s}"))))
                                    .collect::<Vec<_>>().join("; ");
                                html! {
                                    <tr>
                                        <th scope="row"><code>{&r.name}</code></th>
                                        <td>{&r.category}</td>
                                        <td class="num">{r.priority}</td>
                                        <td>{confidence_label(r.confidence)}</td>
                                        <td class="pattern"><code>{matcher}</code></td>
                                    </tr>
                                }
                            }) }
                        </tbody>
                    </table>
                </div>
            </details>
        </section>
    }
}
