//! A test's verdict flags as small chips, each with the rule that raised it as its tooltip.

use flakelens_core::metrics::test_metrics::{Flag, FlagHit};
use yew::prelude::*;

/// Props of [`FlagChips`].
#[derive(Properties, PartialEq)]
pub struct FlagChipsProps {
    /// The flags, in the core's order.
    pub flags: Vec<FlagHit>,
    /// Show each rule beside its chip (the detail panel) instead of only as a tooltip.
    #[prop_or_default]
    pub with_rules: bool,
}

/// The CSS class that colours a flag's chip.
pub fn flag_class(flag: &Flag) -> &'static str {
    match flag {
        Flag::FlakyAcrossRuns | Flag::FlakyInRun => "flaky",
        Flag::Broken => "broken",
        Flag::GroupSensitive(_) => "sensitive",
        Flag::Stable => "stable-pass",
        Flag::NotRun => "skipped",
    }
}

/// One chip per flag; with `with_rules`, one line per flag with its rule spelled out.
#[function_component(FlagChips)]
pub fn flag_chips(props: &FlagChipsProps) -> Html {
    if props.with_rules {
        return html! {
            <ul class="flag-rules">
                { for props.flags.iter().map(|hit| html! {
                    <li data-testid="detail-flag">
                        <span class={classes!("flag", flag_class(&hit.flag))}>{hit.flag.name()}</span>
                        <span class="visually-hidden">{": "}</span>
                        <span class="rule">{&hit.rule}</span>
                    </li>
                }) }
            </ul>
        };
    }
    html! {
        <ul class="flags">
            { for props.flags.iter().map(|hit| html! {
                <li class={classes!("flag", flag_class(&hit.flag))} data-testid="flag"
                    title={hit.rule.clone()}>{hit.flag.name()}</li>
            }) }
        </ul>
    }
}
