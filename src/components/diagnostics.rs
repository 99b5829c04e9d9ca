//! Everything the reader rejected, recovered or reinterpreted, grouped per file. As a view
//! (`full`) every file is listed open; elsewhere (beside a summary-only audit) it is one
//! collapsible panel, open when a file was rejected.

use flakelens_core::{Diagnostic, Severity};
use yew::prelude::*;

use crate::display::SharedAnalysis;

/// Props of [`DiagnosticsPanel`].
#[derive(Properties, PartialEq)]
pub struct DiagnosticsProps {
    /// The analysis whose diagnostics to list.
    pub analysis: SharedAnalysis,
    /// The diagnostics view: a section with every file open, shown even when empty.
    #[prop_or_default]
    pub full: bool,
}

fn severity(d: &Diagnostic) -> &'static str {
    match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// The diagnostics, per file in the order first seen.
fn by_file(diagnostics: &[Diagnostic]) -> Vec<(&str, Vec<&Diagnostic>)> {
    let mut files: Vec<(&str, Vec<&Diagnostic>)> = Vec::new();
    for d in diagnostics {
        match files.iter_mut().find(|(f, _)| *f == d.file) {
            Some((_, list)) => list.push(d),
            None => files.push((d.file.as_str(), vec![d])),
        }
    }
    files
}

fn item(d: &Diagnostic) -> Html {
    let place = if d.line == 0 {
        d.file.clone()
    } else {
        format!("{}:{}:{}", d.file, d.line, d.column)
    };
    html! {
        <li class={severity(d)}>
            <span class="severity">{severity(d)}</span>
            <code class="place">{place}</code>
            <span class="message">{&d.message}</span>
        </li>
    }
}

/// The panel or the view.
#[function_component(DiagnosticsPanel)]
pub fn diagnostics_panel(props: &DiagnosticsProps) -> Html {
    let diagnostics = &props.analysis.diagnostics;
    if diagnostics.is_empty() && !props.full {
        return html! {};
    }
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    let title = format!(
        "Diagnostics: {errors} error(s), {warnings} warning(s), {} note(s)",
        diagnostics.len() - errors - warnings
    );
    let files = by_file(diagnostics);
    let groups = html! {
        { for files.iter().map(|(file, list)| {
            let errors = list.iter().filter(|d| d.severity == Severity::Error).count();
            html! {
                <details class="diagnostic-file" data-file={file.to_string()} open={props.full || errors > 0}>
                    <summary>
                        <code>{*file}</code>
                        {format!(" · {} diagnostic{}", list.len(), if list.len() == 1 { "" } else { "s" })}
                        if errors > 0 {
                            <span class="severity-note">{format!(" · {errors} error(s)")}</span>
                        }
                    </summary>
                    <ul>{ for list.iter().map(|d| item(d)) }</ul>
                </details>
            }
        }) }
    };
    if props.full {
        return html! {
            <section class="diagnostics" data-testid="diagnostics" aria-labelledby="diagnostics-title">
                <h2 id="diagnostics-title">{title}</h2>
                <p class="hint">
                    {"What the reader rejected (errors: a file or a part of it could not be read), recovered or reinterpreted (warnings), and noted; grouped per file, each with its line and column."}
                </p>
                if diagnostics.is_empty() {
                    <p class="muted">{"Every file was read as it is: nothing was skipped or reinterpreted."}</p>
                }
                {groups}
            </section>
        };
    }
    html! {
        <details class="diagnostics" data-testid="diagnostics" open={errors > 0}>
            <summary>{title}</summary>
            {groups}
        </details>
    }
}
