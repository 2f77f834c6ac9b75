//! Time lists of the command line: minutes since epoch and UTC grids.

use aposos_formats::Epoch;

/// Most time points one command accepts (keeps a typo from exhausting memory).
pub const MAX_TIME_POINTS: usize = 50_000_000;

/// Parses `0,360,720.5` (minutes) or `START:STOP:STEP` (stop included when on the grid).
pub fn parse_tsince_list(text: &str) -> Result<Vec<f64>, String> {
    let num = |s: &str, what: &str| -> Result<f64, String> {
        let v: f64 = s
            .trim()
            .parse()
            .map_err(|_| format!("{what}: expected a number of minutes, found {s:?}"))?;
        if v.is_finite() {
            Ok(v)
        } else {
            Err(format!("{what}: expected a finite number, found {s:?}"))
        }
    };
    if text.contains(':') {
        let parts: Vec<&str> = text.split(':').collect();
        let [start, stop, step] = parts.as_slice() else {
            return Err(format!("expected START:STOP:STEP, found {text:?}"));
        };
        let (start, stop, step) = (num(start, "START")?, num(stop, "STOP")?, num(step, "STEP")?);
        range(start, stop, step)
    } else {
        text.split(',')
            .enumerate()
            .map(|(i, s)| num(s, &format!("item {}", i + 1)))
            .collect()
    }
}

/// `start, start+step, …` then `stop` itself, as Vallado's SGP4 driver steps (a last
/// point within 1e-9 of a step of `stop` is `stop`); `step` may be negative.
pub fn range(start: f64, stop: f64, step: f64) -> Result<Vec<f64>, String> {
    if step == 0.0 || !step.is_finite() {
        return Err(format!("STEP must be a non-zero number, found {step}"));
    }
    if (stop - start) * step < 0.0 {
        return Err(format!(
            "STEP {step} goes away from STOP {stop} (START {start})"
        ));
    }
    let n = ((stop - start) / step + 1e-9).floor();
    if n + 1.0 > MAX_TIME_POINTS as f64 {
        return Err(format!(
            "{} time points is more than the limit of {MAX_TIME_POINTS}",
            n + 1.0
        ));
    }
    // Rounded to 1e-9 min so that 0:1:0.1 gives 0.3, not 0.30000000000000004.
    let mut out: Vec<f64> = (0..=n as usize)
        .map(|i| ((start + i as f64 * step) * 1e9).round() / 1e9 + 0.0)
        .collect();
    match out.last_mut() {
        Some(last) if ((stop - *last) / step).abs() < 1e-9 => *last = stop,
        _ => out.push(stop),
    }
    Ok(out)
}

/// UTC grid from `from` to `to` (included when on the grid) every `step_s` seconds.
pub fn utc_grid(from: &str, to: &str, step_s: f64) -> Result<Vec<Epoch>, String> {
    let from_epoch = Epoch::parse_iso(from).map_err(|e| format!("--from: {e}"))?;
    let to_epoch = Epoch::parse_iso(to).map_err(|e| format!("--to: {e}"))?;
    if !(step_s.is_finite() && step_s > 0.0) {
        return Err(format!(
            "--step must be a positive number of seconds, found {step_s}"
        ));
    }
    if to_epoch < from_epoch {
        return Err(format!("--to {to} is before --from {from}"));
    }
    let step_ns = (step_s * 1e9).round() as i64;
    if step_ns <= 0 {
        return Err(format!("--step {step_s} s is below one nanosecond"));
    }
    // i128: the span between two accepted epochs can exceed an i64 of nanoseconds.
    let span = to_epoch.ns_since_1950() as i128 - from_epoch.ns_since_1950() as i128;
    let n = span / step_ns as i128;
    if n as u64 + 1 > MAX_TIME_POINTS as u64 {
        return Err(format!(
            "{} time points is more than the limit of {MAX_TIME_POINTS}",
            n + 1
        ));
    }
    let n = n as i64;
    Ok((0..=n).map(|i| from_epoch.add_ns(i * step_ns)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comma_list_and_ranges() {
        assert_eq!(
            parse_tsince_list("0,360,720.5").unwrap(),
            vec![0.0, 360.0, 720.5]
        );
        assert_eq!(
            parse_tsince_list("0:1440:360").unwrap(),
            vec![0.0, 360.0, 720.0, 1080.0, 1440.0]
        );
        assert_eq!(
            parse_tsince_list("-5184:-4896:120").unwrap(),
            vec![-5184.0, -5064.0, -4944.0, -4896.0]
        );
        assert!(parse_tsince_list("-5184:-4896:-120")
            .unwrap_err()
            .contains("away"));
        assert_eq!(
            parse_tsince_list("0:-720:-360").unwrap(),
            vec![0.0, -360.0, -720.0]
        );
        assert_eq!(
            parse_tsince_list("0:10:3").unwrap(),
            vec![0.0, 3.0, 6.0, 9.0, 10.0]
        );
        let tenths = parse_tsince_list("0:1:0.1").unwrap();
        assert_eq!(tenths.len(), 11);
        assert_eq!(tenths[3].to_string(), "0.3");
        assert_eq!(tenths[6].to_string(), "0.6");
        assert_eq!(
            parse_tsince_list("-1:0:0.5")
                .unwrap()
                .last()
                .unwrap()
                .to_string(),
            "0"
        );
        let far = utc_grid("1800-01-01T00:00:00", "2200-12-31T00:00:00", 1.0);
        assert!(far.unwrap_err().contains("limit"));
        assert_eq!(parse_tsince_list("5:5:1").unwrap(), vec![5.0]);
        assert!(parse_tsince_list("0:10:0").is_err());
        assert!(parse_tsince_list("0,abc").unwrap_err().contains("item 2"));
        assert!(parse_tsince_list("1:2").is_err());
        assert!(parse_tsince_list("0:1e12:1").is_err());
        assert!(parse_tsince_list("NaN").is_err());
    }

    #[test]
    fn utc_grids() {
        let g = utc_grid("2026-05-20T00:00:00Z", "2026-05-20T00:01:00Z", 30.0).unwrap();
        assert_eq!(g.len(), 3);
        assert_eq!(g[2].to_iso(), "2026-05-20T00:01:00.000000");
        assert!(utc_grid("2026-05-20T00:01:00", "2026-05-20T00:00:00", 30.0).is_err());
        assert!(utc_grid("2026-05-20", "2026-05-21", -1.0).is_err());
        assert!(utc_grid("yesterday", "2026-05-21", 1.0)
            .unwrap_err()
            .contains("--from"));
    }
}
