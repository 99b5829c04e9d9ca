//! Files from a drop, with dropped folders walked recursively (the File and Directory Entries
//! API, `webkitGetAsEntry`, which Chromium, Firefox and Safari support).

use js_sys::{Array, Promise};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DataTransfer, FileSystemDirectoryEntry, FileSystemEntry, FileSystemFileEntry};

/// A file to read, with the name to show for it (its path inside a dropped folder).
pub struct NamedFile {
    /// `folder/sub/run-1.xml` for files from folders, the file name otherwise.
    pub name: String,
    /// The browser's file handle.
    pub file: web_sys::File,
}

/// What a drop holds, taken synchronously: the `DataTransfer` is emptied when the drop event
/// handler returns.
pub enum Dropped {
    /// Entries, when the browser supports them (folders can be walked).
    Entries(Vec<FileSystemEntry>),
    /// Plain files otherwise.
    Files(Vec<web_sys::File>),
}

/// Takes the dropped items out of `data` during the drop event.
pub fn take(data: &DataTransfer) -> Dropped {
    let items = data.items();
    let entries: Vec<FileSystemEntry> = (0..items.length())
        .filter_map(|i| items.get(i))
        .filter_map(|item| item.webkit_get_as_entry().ok().flatten())
        .collect();
    if !entries.is_empty() {
        return Dropped::Entries(entries);
    }
    let files = data
        .files()
        .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
        .unwrap_or_default();
    Dropped::Files(files)
}

/// Resolves a drop into files, walking folders in name order. Entries that cannot be read are
/// returned as names in the second list.
pub async fn files(dropped: Dropped) -> (Vec<NamedFile>, Vec<String>) {
    let mut out = Vec::new();
    let mut unreadable = Vec::new();
    match dropped {
        Dropped::Files(files) => out.extend(files.into_iter().map(|file| {
            // Files picked from a folder carry their path inside it.
            let relative = js_sys::Reflect::get(&file, &"webkitRelativePath".into())
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            NamedFile {
                name: if relative.is_empty() {
                    file.name()
                } else {
                    relative
                },
                file,
            }
        })),
        Dropped::Entries(entries) => {
            let mut stack: Vec<FileSystemEntry> = entries.into_iter().rev().collect();
            while let Some(entry) = stack.pop() {
                let path = entry.full_path().trim_start_matches('/').to_owned();
                if entry.is_directory() {
                    match read_directory(entry.unchecked_into()).await {
                        Some(mut children) => {
                            children.sort_by_key(|c| std::cmp::Reverse(c.name()));
                            stack.extend(children);
                        }
                        None => unreadable.push(path),
                    }
                } else {
                    match read_file(entry.unchecked_into()).await {
                        Some(file) => out.push(NamedFile { name: path, file }),
                        None => unreadable.push(path),
                    }
                }
            }
        }
    }
    (out, unreadable)
}

async fn read_directory(directory: FileSystemDirectoryEntry) -> Option<Vec<FileSystemEntry>> {
    let reader = directory.create_reader();
    let mut all = Vec::new();
    // readEntries returns the children in batches; an empty batch ends the listing.
    loop {
        let batch = Promise::new(&mut |resolve, reject| {
            if reader
                .read_entries_with_callback_and_callback(&resolve, &reject)
                .is_err()
            {
                let _ = reject.call0(&wasm_bindgen::JsValue::NULL);
            }
        });
        let batch: Array = JsFuture::from(batch).await.ok()?.dyn_into().ok()?;
        if batch.length() == 0 {
            return Some(all);
        }
        all.extend(
            batch
                .iter()
                .filter_map(|e| e.dyn_into::<FileSystemEntry>().ok()),
        );
    }
}

async fn read_file(entry: FileSystemFileEntry) -> Option<web_sys::File> {
    let file = Promise::new(&mut |resolve, reject| {
        entry.file_with_callback_and_callback(&resolve, &reject);
    });
    JsFuture::from(file).await.ok()?.dyn_into().ok()
}
