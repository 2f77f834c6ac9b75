//! `aposos catalog …`: catalog tools.

use crate::cli::{DegradeArgs, GenerateArgs};
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
    emit(args.output.as_deref(), &text)
}

/// Writes `text` to `path`, or to stdout.
fn emit(path: Option<&std::path::Path>, text: &str) -> anyhow::Result<()> {
    match path {
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

/// Writes the element sets of a file with the errors of a real catalog (see
/// `aposos_orbit::synthetic::degrade_catalog`).
pub fn degrade(args: &DegradeArgs) -> anyhow::Result<()> {
    for (name, v) in [
        ("--along-km", args.along_km),
        ("--along-km-per-day", args.along_km_per_day),
        ("--cross-km", args.cross_km),
    ] {
        if !(v.is_finite() && v >= 0.0) {
            return Err(UsageError(format!("{name}: a number from 0, not {v}")).into());
        }
    }
    let truth = crate::elements_io::load(&args.elements, false)?.elements;
    let errors = aposos_orbit::synthetic::ElementErrors {
        along_km: args.along_km,
        along_km_per_day: args.along_km_per_day,
        cross_km: args.cross_km,
    };
    let degraded = aposos_orbit::synthetic::degrade_catalog(&truth, args.seed, &errors);
    let text = write_elements(&degraded, args.to.to_format())
        .context("cannot write the degraded catalog")?;
    emit(args.output.as_deref(), &text)
}
