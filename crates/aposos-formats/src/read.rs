//! Options and results shared by the multi-object readers of every format.

use crate::detect::Format;
use crate::element_set::ElementSet;
use crate::error::{ParseError, Warning};

/// Options of the multi-object readers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Accept, with a warning, what the strict reader refuses but can read unambiguously:
    /// bad TLE checksums, a blank TLE classification, numbers written as JSON strings.
    pub lenient: bool,
}

/// What a multi-object reader got from one text: the objects it accepted and why it refused others.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ElementsRead {
    /// The format the text was read as (`None` when it could not be recognised).
    pub format: Option<Format>,
    /// The accepted element sets, in the order of the text.
    pub elements: Vec<ElementSet>,
    /// One error per refused object (or per unreadable part of the text).
    pub errors: Vec<ParseError>,
    /// What was accepted with doubts (lenient mode) or ignored (unknown fields).
    pub warnings: Vec<Warning>,
}

impl ElementsRead {
    /// An empty result for `format`.
    pub(crate) fn new(format: Format) -> Self {
        Self {
            format: Some(format),
            ..Self::default()
        }
    }
}
