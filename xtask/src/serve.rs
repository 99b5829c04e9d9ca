//! `cargo xtask serve [--port N]`: install what the page needs, then `trunk serve` it.
//!
//! The page's "Load example" button loads the bundled example reports, so nothing else is
//! served.

use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::{cmd, tools};

const DEFAULT_PORT: u16 = 8080;

/// Parses the arguments after `serve`: nothing, or `--port N` / `--port=N`.
pub fn parse_port(args: &[String]) -> Result<u16> {
    let mut port = DEFAULT_PORT;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let value = if arg == "--port" {
            args.next().context("`--port` needs a value")?.as_str()
        } else if let Some(value) = arg.strip_prefix("--port=") {
            value
        } else {
            bail!("unexpected argument `{arg}` (usage: cargo xtask serve [--port N])");
        };
        port = value
            .parse()
            .with_context(|| format!("`{value}` is not a port number"))?;
    }
    Ok(port)
}

pub fn serve(root: &Path, port: u16) -> Result<()> {
    tools::setup(root, tools::Needs::web())?;
    println!("serve: http://127.0.0.1:{port}/ (Ctrl-C to stop)");
    let port = port.to_string();
    cmd::run(
        tools::trunk_command().args([
            "serve",
            "--address",
            "127.0.0.1",
            "--port",
            &port,
            "--open=false",
        ]),
        root,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn port_defaults_and_parses_both_spellings() {
        assert_eq!(parse_port(&[]).ok(), Some(DEFAULT_PORT));
        assert_eq!(parse_port(&args(&["--port", "9000"])).ok(), Some(9000));
        assert_eq!(parse_port(&args(&["--port=9001"])).ok(), Some(9001));
        assert!(parse_port(&args(&["--port"])).is_err());
        assert!(parse_port(&args(&["--port", "x"])).is_err());
        assert!(parse_port(&args(&["--release"])).is_err());
    }
}
