//! Errors and warnings of the readers and writers.
//!
//! A [`ParseError`] says where (source name, 1-based line, JSON/XML path), which
//! field, what was expected and what was found, e.g.
//! `active.txt:12: field inclination (columns 9-16): expected a number 0 to 180, found "12x.4567"`.
//! A [`Warning`] has the same position and a message; it marks something the
//! lenient readers accepted. A [`WriteError`] says why an element set cannot be
//! written in a format.

use std::fmt;

/// A position in a source: its name (usually a file name) and a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourcePos {
    /// Name of the source (file name), empty if unknown.
    pub source_name: String,
    /// 1-based line number, if known.
    pub line: Option<usize>,
}

impl SourcePos {
    /// A position at `line` (1-based) of `source_name`.
    pub fn new(source_name: &str, line: Option<usize>) -> Self {
        Self {
            source_name: source_name.to_string(),
            line,
        }
    }
}

/// Why some text could not be read as an element set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ParseError {
    /// Name of the source (file name), empty if unknown.
    pub source_name: String,
    /// 1-based line number where the problem is, if known.
    pub line: Option<usize>,
    /// Path inside a JSON or XML document (`[3].INCLINATION`, `/ndm/omm[2]/...`), if any.
    pub path: Option<String>,
    /// The field (and its columns for fixed-column formats), e.g. `inclination (columns 9-16)`.
    pub field: String,
    /// What was expected there.
    pub expected: String,
    /// What was found, as shown to the user: quoted text or a description (`nothing`).
    pub found: String,
}

impl ParseError {
    /// An error about `field` with no position yet; `found` is the offending text (it is quoted).
    pub fn new(field: impl Into<String>, expected: impl Into<String>, found: &str) -> Self {
        Self {
            source_name: String::new(),
            line: None,
            path: None,
            field: field.into(),
            expected: expected.into(),
            found: quote(found),
        }
    }

    /// An error about `field` where `found` is a description, shown unquoted (e.g. `nothing`).
    pub fn described(
        field: impl Into<String>,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Self {
        Self {
            source_name: String::new(),
            line: None,
            path: None,
            field: field.into(),
            expected: expected.into(),
            found: found.into(),
        }
    }

    /// Sets the source name (file name).
    pub fn with_source(mut self, source_name: &str) -> Self {
        self.source_name = source_name.to_string();
        self
    }

    /// Sets the 1-based line number.
    pub fn with_line(mut self, line: Option<usize>) -> Self {
        self.line = line;
        self
    }

    /// Sets the JSON/XML path.
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Shifts the line number by `offset` lines (for text cut out of a larger file).
    pub fn with_line_offset(mut self, offset: usize) -> Self {
        self.line = self.line.map(|l| l.saturating_add(offset));
        self
    }

    /// Sets source name and line from a [`SourcePos`].
    pub fn at(self, pos: &SourcePos) -> Self {
        self.with_source(&pos.source_name).with_line(pos.line)
    }
}

/// Writes `name:line: path: ` (each part only if known).
fn write_position(
    f: &mut fmt::Formatter<'_>,
    source_name: &str,
    line: Option<usize>,
    path: Option<&str>,
) -> fmt::Result {
    let mut any = false;
    if !source_name.is_empty() {
        f.write_str(source_name)?;
        any = true;
    }
    if let Some(line) = line {
        if any {
            write!(f, ":{line}")?;
        } else {
            write!(f, "line {line}")?;
        }
        any = true;
    }
    if any {
        f.write_str(": ")?;
    }
    if let Some(path) = path {
        write!(f, "{path}: ")?;
    }
    Ok(())
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_position(f, &self.source_name, self.line, self.path.as_deref())?;
        write!(
            f,
            "field {}: expected {}, found {}",
            self.field, self.expected, self.found
        )
    }
}

/// Something a reader accepted but that is not quite right (lenient mode).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Name of the source (file name), empty if unknown.
    pub source_name: String,
    /// 1-based line number, if known.
    pub line: Option<usize>,
    /// Path inside a JSON or XML document, if any.
    pub path: Option<String>,
    /// What was accepted and why it is doubtful.
    pub message: String,
}

impl Warning {
    /// A warning with a message and no position yet.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            source_name: String::new(),
            line: None,
            path: None,
            message: message.into(),
        }
    }

    /// Sets the source name (file name).
    pub fn with_source(mut self, source_name: &str) -> Self {
        self.source_name = source_name.to_string();
        self
    }

    /// Sets the 1-based line number.
    pub fn with_line(mut self, line: Option<usize>) -> Self {
        self.line = line;
        self
    }

    /// Shifts the line number by `offset` lines.
    pub fn with_line_offset(mut self, offset: usize) -> Self {
        self.line = self.line.map(|l| l.saturating_add(offset));
        self
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_position(f, &self.source_name, self.line, self.path.as_deref())?;
        write!(f, "warning: {}", self.message)
    }
}

/// Why an element set cannot be written in a format.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WriteError {
    /// A value does not fit the field of the format.
    #[error(
        "catalog number {norad_cat_id}: field {field}: value {value} cannot be written: {reason}"
    )]
    OutOfRange {
        /// Catalog number of the object being written.
        norad_cat_id: u32,
        /// The field.
        field: &'static str,
        /// The value, as text.
        value: String,
        /// Why it does not fit.
        reason: String,
    },
    /// An observation cannot be written in the format.
    #[error("observation: field {field}: {message}")]
    Observation {
        /// The field.
        field: String,
        /// Why.
        message: String,
    },
}

/// Quotes text for a message, escaping control characters, at most 80 characters.
pub(crate) fn quote(text: &str) -> String {
    const MAX: usize = 80;
    let mut cut: String = text.chars().take(MAX).collect();
    if text.chars().nth(MAX).is_some() {
        cut.push('…');
    }
    format!("{cut:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_like_the_brief() {
        let e = ParseError::new(
            "inclination (columns 9-16)",
            "a number 0 to 180",
            "12x.4567",
        )
        .with_source("active.txt")
        .with_line(Some(12));
        assert_eq!(
            e.to_string(),
            "active.txt:12: field inclination (columns 9-16): expected a number 0 to 180, found \"12x.4567\""
        );
        let e = ParseError::described("INCLINATION", "a number", "nothing")
            .with_source("gp.json")
            .with_path("[3].INCLINATION");
        assert_eq!(
            e.to_string(),
            "gp.json: [3].INCLINATION: field INCLINATION: expected a number, found nothing"
        );
        assert_eq!(e.clone().with_line_offset(3).line, None);
    }

    #[test]
    fn quote_cuts_long_text() {
        let long = "x".repeat(200);
        assert!(quote(&long).chars().count() < 90);
    }
}
