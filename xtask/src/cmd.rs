//! Running external commands: echo them, run them, and turn a bad exit into an error.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

/// `cargo`, as the cargo that started xtask (so the pinned toolchain is used).
pub fn cargo() -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    Command::new(cargo)
}

/// Runs `command` in `dir` with inherited stdio, printing it first; fails unless it exits 0.
pub fn run(command: &mut Command, dir: &Path) -> Result<()> {
    println!("$ {}", display(command));
    let status = command
        .current_dir(dir)
        .status()
        .with_context(|| format!("cannot start `{}`", display(command)))?;
    if !status.success() {
        bail!("`{}` failed: {status}", display(command));
    }
    Ok(())
}

/// The first line a program prints for `args` (stdout, else stderr), or `None` when it
/// cannot be started or fails. Used for version checks such as `trunk --version`.
pub fn first_line<I, S>(program: &str, args: I) -> Option<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    printed(Command::new(program).args(args))?
        .lines()
        .next()
        .map(|line| line.trim().to_owned())
}

/// What `command` printed (stdout, else stderr) with no input, or `None` when it cannot be
/// started or fails.
pub fn printed(command: &mut Command) -> Option<String> {
    let out = command.stdin(Stdio::null()).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = if out.stdout.is_empty() {
        out.stderr
    } else {
        out.stdout
    };
    Some(String::from_utf8_lossy(&text).into_owned())
}

/// Whether `program` is an executable file on `PATH`.
pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// The command line as a shell would show it (env assignments first).
pub fn display(command: &Command) -> String {
    let mut parts: Vec<String> = command
        .get_envs()
        .filter_map(|(k, v)| {
            let v = v?;
            Some(format!("{}={}", k.to_string_lossy(), quote(v)))
        })
        .collect();
    parts.push(quote(command.get_program()));
    parts.extend(command.get_args().map(quote));
    parts.join(" ")
}

fn quote(s: &OsStr) -> String {
    let s = s.to_string_lossy();
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        s.into_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}
