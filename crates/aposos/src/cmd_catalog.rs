//! `aposos catalog …`: catalog tools.

use crate::cli::GenerateArgs;
use crate::UsageError;
use anyhow::Context;
use aposos_formats::{write_elements, ElementSet, Epoch};
use aposos_orbit::synthetic::generate_catalog;
use std::io::Write;

/// Writes a generated catalog in the requested format.
pub fn generate(args: &GenerateArgs) -> anyhow::Result<()> {
    let epoch = Epoch::parse_iso(&args.epoch).map_err(|e| UsageError(format!("--epoch: {e}")))?;
    if args.count > 339_999 {
        return Err(UsageError(format!(
            "--count {} is above the 339,999 numbers a TLE can carry",
            args.count
        ))
        .into());
    }
    let elements: Vec<ElementSet> = generate_catalog(args.count, args.seed, epoch)
        .into_iter()
        .map(|o| o.elements)
        .collect();
    let text = write_elements(&elements, args.to.to_format())
        .context("cannot write the generated catalog")?;
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(())
}
