//! Reading element-set files for the commands, with every problem reported on stderr.

use anyhow::{bail, Context};
use aposos_formats::{read_elements, ElementSet, ReadOptions};
use std::path::Path;

/// Element sets read from one file, and how many records were refused.
pub struct LoadedElements {
    /// The accepted element sets, in file order.
    pub elements: Vec<ElementSet>,
    /// Records refused with an error (each already reported on stderr).
    pub rejected: usize,
}

/// Reads a file of element sets in any supported format; refused records are
/// reported on stderr and the good ones kept. Fails only if nothing could be read.
pub fn load(path: &Path, lenient: bool) -> anyhow::Result<LoadedElements> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let name = path.display().to_string();
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => bail!(
            "{name}: not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ),
    };
    let opts = ReadOptions { lenient };
    let read = read_elements(&name, &text, &opts);
    for w in &read.warnings {
        eprintln!("{w}");
    }
    for e in &read.errors {
        eprintln!("error: {e}");
    }
    if read.elements.is_empty() {
        if read.errors.is_empty() {
            bail!("{name}: no element sets found (expected TLE, 3LE or CCSDS OMM in KVN, XML, JSON or CSV)");
        }
        bail!(
            "{name}: no element set could be read ({} refused)",
            read.errors.len()
        );
    }
    Ok(LoadedElements {
        rejected: read.errors.len(),
        elements: read.elements,
    })
}
