//! A collapsed block of long text (a stack trace, system-out, system-err): the text is put in
//! the DOM only while the block is open.

use std::sync::Arc;

use web_sys::Element;
use yew::prelude::*;

/// Props of [`LazyText`].
#[derive(Properties, PartialEq)]
pub struct LazyTextProps {
    /// The summary line, such as "system-out (3 lines)".
    pub summary: AttrValue,
    /// The text, shared rather than copied.
    pub text: Arc<str>,
    /// The `data-testid` of the `<details>`.
    #[prop_or_default]
    pub testid: Option<AttrValue>,
}

/// `<details>` whose `<pre>` is rendered only when opened.
#[function_component(LazyText)]
pub fn lazy_text(props: &LazyTextProps) -> Html {
    let open = use_state(|| false);
    let ontoggle = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            open.set(e.target_unchecked_into::<Element>().has_attribute("open"))
        })
    };
    let lines = props.text.lines().count();
    html! {
        <details class="lazy-text" data-testid={props.testid.clone()} {ontoggle}>
            <summary>{format!("{} ({lines} line{})", props.summary, if lines == 1 { "" } else { "s" })}</summary>
            if *open {
                <pre class="output">{props.text.to_string()}</pre>
            }
        </details>
    }
}
