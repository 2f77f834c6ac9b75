//! `aposos convert`: element sets from any supported format to another.

use crate::cli::ConvertArgs;
use crate::elements_io;
use anyhow::{bail, Context};
use aposos_formats::write_elements;

/// Runs the conversion; refused input records make the exit code 1 after the good ones are written.
pub fn run(args: &ConvertArgs) -> anyhow::Result<()> {
    let loaded = elements_io::load(&args.elements, args.lenient)?;
    let format = args.to.to_format();
    // An object the target format cannot carry is refused alone; the others are written.
    let mut writable = Vec::with_capacity(loaded.elements.len());
    let mut unwritable = 0usize;
    for el in loaded.elements {
        match write_elements(std::slice::from_ref(&el), format) {
            Ok(_) => writable.push(el),
            Err(e) => {
                unwritable += 1;
                eprintln!(
                    "error: {}: object {}: cannot be written as {format}: {e}",
                    args.elements.display(),
                    el.norad_cat_id
                );
            }
        }
    }
    let text = write_elements(&writable, format)
        .with_context(|| format!("cannot write {} as {format}", args.elements.display()))?;
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
    }
    if loaded.rejected + unwritable > 0 {
        bail!(
            "{} record(s) of {} refused; {} converted",
            loaded.rejected + unwritable,
            args.elements.display(),
            writable.len()
        );
    }
    Ok(())
}
