//! `aposos obs convert`: observations between IOD, CCSDS TDM (KVN, XML) and JSON.

use crate::cli::ObsConvertArgs;
use crate::UsageError;
use anyhow::Context;
use aposos_formats::obs::{read_observations, write_observations, ObsFormat};
use aposos_formats::Epoch;

/// Runs `aposos obs convert`: refused records are reported with file, line and field,
/// the good ones are still written, and the exit code is then 1.
pub fn convert(args: &ObsConvertArgs) -> anyhow::Result<()> {
    let to: ObsFormat = args
        .to
        .parse()
        .map_err(|e: String| UsageError(format!("--to: {e}")))?;
    let name = args.obs.display().to_string();
    let text = std::fs::read_to_string(&args.obs).with_context(|| format!("cannot read {name}"))?;
    let (format, read) = read_observations(&name, &text);
    for w in &read.warnings {
        eprintln!("{w}");
    }
    for e in &read.errors {
        eprintln!("error: {e}");
    }
    let obs: Vec<_> = read.observations.into_iter().map(|(_, o)| o).collect();
    let out = write_observations(&obs, to, "APOSOS", Epoch::now_utc_micros())?;
    match &args.output {
        Some(path) => {
            std::fs::write(path, out).with_context(|| format!("cannot write {}", path.display()))?
        }
        None => print!("{out}"),
    }
    eprintln!(
        "{} observation(s) read as {} and written as {}; {} refused",
        obs.len(),
        format.map_or("?", |f| f.name()),
        to.name(),
        read.errors.len()
    );
    if read.errors.is_empty() {
        Ok(())
    } else {
        anyhow::bail!("{} record(s) of {name} refused", read.errors.len())
    }
}
