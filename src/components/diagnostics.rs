//! Everything the reader rejected, recovered or reinterpreted.

use flakelens_core::Severity;
use yew::prelude::*;

use crate::app::SharedAnalysis;

/// Props of [`DiagnosticsPanel`].
#[derive(Properties, PartialEq)]
pub struct DiagnosticsProps {
    /// The analysis whose diagnostics to list.
    pub analysis: SharedAnalysis,
}

/// The diagnostics panel; open by default when a file was rejected.
#[function_component(DiagnosticsPanel)]
pub fn diagnostics_panel(props: &DiagnosticsProps) -> Html {
    let diagnostics = &props.analysis.diagnostics;
    if diagnostics.is_empty() {
        return html! {};
    }
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    html! {
        <details class="diagnostics" data-testid="diagnostics" open={errors > 0}>
            <summary>
                {format!("Diagnostics: {errors} error(s), {warnings} warning(s), {} note(s)",
                    diagnostics.len() - errors - warnings)}
            </summary>
            <ul>
                { for diagnostics.iter().map(|d| {
                    let severity = match d.severity {
                        Severity::Error => "error",
                        Severity::Warning => "warning",
                        Severity::Info => "info",
                    };
                    let place = if d.line == 0 {
                        d.file.clone()
                    } else {
                        format!("{}:{}:{}", d.file, d.line, d.column)
                    };
                    html! {
                        <li class={severity}>
                            <span class="severity">{severity}</span>
                            <code class="place">{place}</code>
                            <span class="message">{&d.message}</span>
                        </li>
                    }
                }) }
            </ul>
        </details>
    }
}
