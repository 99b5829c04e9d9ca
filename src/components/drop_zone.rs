//! Where files come in: drag and drop, a file picker, and the bundled example.

use wasm_bindgen::JsCast;
use web_sys::{DragEvent, FileList, HtmlInputElement};
use yew::prelude::*;

use crate::dropped::Dropped;

/// Props of [`DropZone`].
#[derive(Properties, PartialEq)]
pub struct DropZoneProps {
    /// Called with the files or folders dropped or picked, in the order the browser lists them.
    pub on_files: Callback<Dropped>,
    /// Called when the user asks for the example runs.
    pub on_example: Callback<()>,
    /// Called when the user clears the analysis.
    pub on_clear: Callback<()>,
    /// True while files are being read.
    pub busy: bool,
    /// True when an analysis is shown (enables "Clear").
    pub has_data: bool,
    /// False where the bundled example cannot be fetched (a single-file report has no
    /// `reports/` folder beside it): no "Load example" button then.
    #[prop_or(true)]
    pub example: bool,
    /// Called when the user starts to bring files: a pointer pressed on the line that holds
    /// the file pickers, Enter or Space on one of them, files dragged over the zone (not the
    /// example's button: the example is small, and would wait behind what this starts).
    /// Called again on each; the callee decides what once means.
    #[prop_or_default]
    pub on_intent: Callback<()>,
}

fn files_of(list: Option<FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// The drop area with its buttons.
#[function_component(DropZone)]
pub fn drop_zone(props: &DropZoneProps) -> Html {
    let dragging = use_state(|| false);

    let ondragover = {
        let dragging = dragging.clone();
        let on_intent = props.on_intent.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if !*dragging {
                on_intent.emit(());
            }
            dragging.set(true);
        })
    };
    let onpointerdown = props.on_intent.reform(|_: PointerEvent| ());
    let onkeydown = {
        let on_intent = props.on_intent.clone();
        Callback::from(move |e: KeyboardEvent| {
            if matches!(e.key().as_str(), "Enter" | " ") {
                on_intent.emit(());
            }
        })
    };
    let ondragleave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let ondrop = {
        let dragging = dragging.clone();
        let on_files = props.on_files.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            if let Some(data) = e.data_transfer() {
                on_files.emit(crate::dropped::take(&data));
            }
        })
    };
    let onchange = {
        let on_files = props.on_files.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            else {
                return;
            };
            let files = files_of(input.files());
            // Reset so that picking the same files again fires another change.
            input.set_value("");
            if !files.is_empty() {
                on_files.emit(Dropped::Files(files));
            }
        })
    };
    let on_example = props.on_example.reform(|_: MouseEvent| ());
    let on_clear = props.on_clear.reform(|_: MouseEvent| ());

    html! {
        <section class={classes!("drop-zone", dragging.then_some("dragging"), props.has_data.then_some("compact"))}
            {ondragover} {ondragleave} {ondrop} aria-label="Add JUnit reports">
            <p class="drop-hint" {onpointerdown} {onkeydown}>
                {"Drop JUnit XML reports here (one file per run; folders, .zip, .gz and CTRF JSON too) or a flakelens audit JSON, or "}
                <label class="file-label">
                    {"choose files"}
                    <input type="file" id="file-input" class="visually-hidden" multiple=true
                        onchange={onchange.clone()} disabled={props.busy} />
                </label>
                {" or a "}
                <label class="file-label">
                    {"folder"}
                    <input type="file" id="folder-input" class="visually-hidden" webkitdirectory=true
                        multiple=true {onchange} disabled={props.busy} />
                </label>
            </p>
            <div class="actions">
                if props.example {
                    <button id="load-example" type="button" onclick={on_example} disabled={props.busy}>
                        {"Load example"}
                    </button>
                }
                <button id="clear" type="button" class="secondary" onclick={on_clear}
                    disabled={props.busy || !props.has_data}>
                    {"Clear"}
                </button>
            </div>
            if !props.has_data && props.example {
                <p class="fine-print">
                    {"Dropped files are added to the current analysis. The example is 20 real runs of a small pytest suite: 10 sequential, 10 with 4 xdist workers."}
                </p>
            }
        </section>
    }
}
