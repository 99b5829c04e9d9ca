//! The theme toggle: switches between light and dark. Without a choice the page follows the
//! system's `prefers-color-scheme`; the choice is stored by the app (an effect, not here).

use yew::prelude::*;

use crate::state::Theme;

/// Props of [`ThemeToggle`].
#[derive(Properties, PartialEq)]
pub struct ThemeToggleProps {
    /// The chosen theme; `None` follows the system.
    pub theme: Option<Theme>,
    /// Called with the new choice.
    pub on_change: Callback<Option<Theme>>,
}

/// The system's theme now.
fn system_theme() -> Theme {
    let dark = web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches());
    if dark {
        Theme::Dark
    } else {
        Theme::Light
    }
}

/// A button naming the theme it switches to.
#[function_component(ThemeToggle)]
pub fn theme_toggle(props: &ThemeToggleProps) -> Html {
    let shown = props.theme.unwrap_or_else(system_theme);
    let next = shown.flipped();
    let onclick = {
        let (theme, on_change) = (props.theme, props.on_change.clone());
        Callback::from(move |_: MouseEvent| {
            on_change.emit(Some(theme.unwrap_or_else(system_theme).flipped()))
        })
    };
    let label = match next {
        Theme::Dark => "Dark theme",
        Theme::Light => "Light theme",
    };
    html! {
        <button id="theme-toggle" type="button" class="secondary theme-toggle" {onclick}
            data-theme-shown={shown.as_str()}
            title={format!("Switch to the {} theme (remembered in this browser)", next.as_str())}>
            <span aria-hidden="true">{if next == Theme::Dark { "☾ " } else { "☀ " }}</span>{label}
        </button>
    }
}
