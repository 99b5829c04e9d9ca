//! The nav bar: one link per view, each a URL fragment that keeps the test table's query (and
//! any share-link part), the current one marked with `aria-current="page"`.

use yew::prelude::*;

use crate::display::route::{Route, View, NAV};

/// Props of [`NavBar`].
#[derive(Properties, PartialEq)]
pub struct NavBarProps {
    /// The route shown.
    pub route: Route,
    /// Parts of the fragment owned by others (`audit=...`), kept in every link.
    pub others: Vec<String>,
    /// Tests in the analysis, shown beside "Tests".
    pub tests: usize,
    /// Flaky tests, shown beside "Tests" when there are any.
    pub flaky: usize,
    /// Diagnostics, shown beside "Diagnostics".
    pub diagnostics: usize,
}

/// The links.
#[function_component(NavBar)]
pub fn nav_bar(props: &NavBarProps) -> Html {
    let current = props.route.view.slug();
    html! {
        <nav aria-label="Views" class="views-nav">
            <ul>
                { for NAV.iter().map(|view| {
                    let href = props.route.with_view(view.clone()).to_fragment(&props.others);
                    let here = view.slug() == current;
                    let badge = match view {
                        View::Tests if props.flaky > 0 => Some(format!("{} flaky", props.flaky)),
                        View::Tests => Some(props.tests.to_string()),
                        View::Diagnostics => Some(props.diagnostics.to_string()),
                        _ => None,
                    };
                    html! {
                        <li>
                            <a {href} data-view={view.slug()} aria-current={here.then_some("page")}>
                                {view.title()}
                                if let Some(badge) = badge {
                                    <span class="nav-badge">{badge}</span>
                                }
                            </a>
                        </li>
                    }
                }) }
            </ul>
            <p class="keys-hint" aria-hidden="true"><kbd>{"/"}</kbd>{" search · "}<kbd>{"j"}</kbd><kbd>{"k"}</kbd>{" move · "}<kbd>{"Enter"}</kbd>{" open · "}<kbd>{"Esc"}</kbd>{" close"}</p>
        </nav>
    }
}
