//! `aposos convert`: element sets from any supported format to another.

use crate::cli::ConvertArgs;
use crate::elements_io;
use anyhow::{bail, Context};
use aposos_formats::write_elements;

/// Runs the conversion; refused input records make the exit code 1 after the good ones are written.
pub fn run(args: &ConvertArgs) -> anyhow::Result<()> {
    let loaded = elements_io::load(&args.elements, args.lenient)?;
    let text = write_elements(&loaded.elements, args.to.to_format())
        .with_context(|| format!("cannot write {} as {:?}", args.elements.display(), args.to))?;
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
    if loaded.rejected > 0 {
        bail!(
            "{} record(s) of {} refused; {} converted",
            loaded.rejected,
            args.elements.display(),
            loaded.elements.len()
        );
    }
    Ok(())
}
