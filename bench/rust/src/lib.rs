//! Shared by the benchmark programs: the files to read, in a stable order.

use std::path::{Path, PathBuf};

/// Every regular file under each of `roots` (directories are walked recursively, files are
/// taken as given), sorted by path within each root, so every tool reads the same files.
pub fn files(roots: &[String]) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for root in roots {
        let root = Path::new(root);
        if root.is_dir() {
            let mut found = Vec::new();
            walk(root, &mut found)?;
            found.sort();
            out.extend(found);
        } else {
            out.push(root.to_path_buf());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// The files under the roots given on the command line ([`files`]); on an error, names
/// `program` and it on stderr and returns `None`.
pub fn files_from_args(program: &str) -> Option<Vec<PathBuf>> {
    let roots: Vec<String> = std::env::args().skip(1).collect();
    files(&roots).map_err(|e| eprintln!("{program}: {e}")).ok()
}
