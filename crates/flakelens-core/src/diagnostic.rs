//! Diagnostics: what the reader rejected, recovered or reinterpreted, with its position.

use serde::{Deserialize, Serialize};

/// How serious a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Nothing was lost; a remark such as a suite attribute that disagrees with its elements.
    Info,
    /// A value was recovered or reinterpreted (for example a time written as `1,234.5`).
    Warning,
    /// Data was lost or the file was rejected (malformed XML, not a JUnit report).
    Error,
}

/// One message about one input file.
///
/// `line` and `column` are 1-based and count characters (Unicode scalar values) as a text
/// editor does; both are 0 when the message concerns the whole file (for example an
/// unreadable file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// The file name as the caller passed it to the reader.
    pub file: String,
    /// 1-based line, or 0 for the whole file.
    pub line: u32,
    /// 1-based column in characters, or 0 for the whole file.
    pub column: u32,
    /// How serious it is.
    pub severity: Severity,
    /// A lowercase fragment that says what was found and what was expected.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic about the whole file (line and column 0).
    pub fn whole_file(file: &str, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_owned(),
            line: 0,
            column: 0,
            severity,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let severity = match self.severity {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        if self.line == 0 {
            write!(f, "{}: {severity}: {}", self.file, self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {severity}: {}",
                self.file, self.line, self.column, self.message
            )
        }
    }
}

/// Converts a byte offset into `input` to a 1-based (line, column) pair, counting columns in
/// characters. Offsets past the end are clamped to the end.
pub(crate) fn line_column(input: &[u8], offset: usize) -> (u32, u32) {
    let offset = offset.min(input.len());
    let before = &input[..offset];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    // Count UTF-8 scalar values: every byte that is not a continuation byte starts one.
    let column = before[line_start..]
        .iter()
        .filter(|&&b| (b & 0xC0) != 0x80)
        .count()
        + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_from_one() {
        let text = b"ab\ncd\n\xc3\xa9x";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 1), (1, 2));
        assert_eq!(line_column(text, 3), (2, 1));
        // After the two-byte 'é' the column is 2, not 3.
        assert_eq!(line_column(text, 8), (3, 2));
        assert_eq!(line_column(text, 999), (3, 3));
    }

    #[test]
    fn display_names_file_line_and_column() {
        let d = Diagnostic {
            file: "a.xml".into(),
            line: 3,
            column: 7,
            severity: Severity::Error,
            message: "malformed xml".into(),
        };
        assert_eq!(d.to_string(), "a.xml:3:7: error: malformed xml");
    }
}
