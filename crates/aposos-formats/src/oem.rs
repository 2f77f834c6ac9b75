//! CCSDS Orbit Ephemeris Message (OEM, CCSDS 502.0-B-3) in KVN: one segment per object
//! with its states and, optionally, covariance matrices; written, and read back for
//! checks and exchange.
//!
//! Written: `CCSDS_OEM_VERS = 3.0`, header, and per segment `META_START … META_STOP`
//! (OBJECT_NAME, OBJECT_ID, CENTER_NAME, REF_FRAME, TIME_SYSTEM, START_TIME,
//! STOP_TIME), the ephemeris lines `epoch x y z vx vy vz` (km, km/s) and a
//! `COVARIANCE_START … COVARIANCE_STOP` block (EPOCH, COV_REF_FRAME, lower triangle
//! of the 6×6 matrix in km², km²/s, km²/s²). The reader takes this subset (no
//! accelerations, no interpolation use) and names the line and field of any error.

use crate::epoch::Epoch;
use crate::error::ParseError;

/// One state of an ephemeris.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OemState {
    /// Time (UTC).
    pub epoch: Epoch,
    /// Position (km).
    pub position_km: [f64; 3],
    /// Velocity (km/s).
    pub velocity_km_s: [f64; 3],
}

/// One covariance matrix of a segment.
#[derive(Debug, Clone, PartialEq)]
pub struct OemCovariance {
    /// Time (UTC).
    pub epoch: Epoch,
    /// Frame of the matrix (e.g. `RTN`, `GCRF`).
    pub frame: String,
    /// The matrix (km, km/s).
    pub matrix: [[f64; 6]; 6],
}

/// One segment: an object's ephemeris in one frame.
#[derive(Debug, Clone, PartialEq)]
pub struct OemSegment {
    /// OBJECT_NAME.
    pub object_name: String,
    /// OBJECT_ID (international designator or catalog number).
    pub object_id: String,
    /// CENTER_NAME.
    pub center: String,
    /// REF_FRAME (e.g. `GCRF`).
    pub frame: String,
    /// Free-text comments written before the metadata.
    pub comments: Vec<String>,
    /// The states in time order.
    pub states: Vec<OemState>,
    /// Covariance matrices.
    pub covariances: Vec<OemCovariance>,
}

fn iso(e: Epoch) -> String {
    e.to_iso()
}

/// Writes segments as one OEM in KVN; `originator` goes in the header.
pub fn write_oem(segments: &[OemSegment], originator: &str, created: Epoch) -> String {
    let mut s = String::new();
    s.push_str("CCSDS_OEM_VERS = 3.0\n");
    s.push_str(&format!("CREATION_DATE = {}\n", iso(created)));
    s.push_str(&format!("ORIGINATOR = {originator}\n"));
    for seg in segments {
        let (Some(first), Some(last)) = (seg.states.first(), seg.states.last()) else {
            continue;
        };
        s.push('\n');
        s.push_str("META_START\n");
        s.push_str(&format!("OBJECT_NAME = {}\n", seg.object_name));
        s.push_str(&format!("OBJECT_ID = {}\n", seg.object_id));
        s.push_str(&format!("CENTER_NAME = {}\n", seg.center));
        s.push_str(&format!("REF_FRAME = {}\n", seg.frame));
        s.push_str("TIME_SYSTEM = UTC\n");
        s.push_str(&format!("START_TIME = {}\n", iso(first.epoch)));
        s.push_str(&format!("STOP_TIME = {}\n", iso(last.epoch)));
        s.push_str("META_STOP\n\n");
        for c in &seg.comments {
            s.push_str(&format!("COMMENT {c}\n"));
        }
        for st in &seg.states {
            let (r, v) = (st.position_km, st.velocity_km_s);
            s.push_str(&format!(
                "{} {:.6} {:.6} {:.6} {:.9} {:.9} {:.9}\n",
                iso(st.epoch),
                r[0],
                r[1],
                r[2],
                v[0],
                v[1],
                v[2]
            ));
        }
        if !seg.covariances.is_empty() {
            s.push_str("\nCOVARIANCE_START\n");
            for c in &seg.covariances {
                s.push_str(&format!("EPOCH = {}\n", iso(c.epoch)));
                s.push_str(&format!("COV_REF_FRAME = {}\n", c.frame));
                for i in 0..6 {
                    let row: Vec<String> =
                        (0..=i).map(|j| format!("{:.9e}", c.matrix[i][j])).collect();
                    s.push_str(&row.join(" "));
                    s.push('\n');
                }
            }
            s.push_str("COVARIANCE_STOP\n");
        }
    }
    s
}

fn err(source: &str, line: usize, field: &str, message: String) -> ParseError {
    ParseError::described(field, "a valid OEM line", message)
        .with_source(source)
        .with_line(Some(line))
}

/// Reads an OEM in KVN (the subset [`write_oem`] writes). A segment with an error
/// is dropped with its error; the others are kept.
pub fn read_oem(source: &str, text: &str) -> (Vec<OemSegment>, Vec<ParseError>) {
    #[derive(PartialEq)]
    enum Part {
        Header,
        Meta,
        Data,
        Cov,
    }
    let mut segs = Vec::new();
    let mut errors = Vec::new();
    let mut cur: Option<OemSegment> = None;
    let mut bad = false;
    let mut part = Part::Header;
    let mut cov_epoch: Option<Epoch> = None;
    let mut cov_frame = String::new();
    let mut cov_rows: Vec<Vec<f64>> = Vec::new();
    let finish = |cur: &mut Option<OemSegment>, bad: &mut bool, segs: &mut Vec<OemSegment>| {
        if let Some(s) = cur.take() {
            if !*bad {
                segs.push(s);
            }
        }
        *bad = false;
    };
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with("COMMENT") {
            if let (Some(c), Some(rest)) = (cur.as_mut(), line.strip_prefix("COMMENT")) {
                if part == Part::Data {
                    c.comments.push(rest.trim().to_string());
                }
            }
            continue;
        }
        match line {
            "META_START" => {
                finish(&mut cur, &mut bad, &mut segs);
                cur = Some(OemSegment {
                    object_name: String::new(),
                    object_id: String::new(),
                    center: String::new(),
                    frame: String::new(),
                    comments: Vec::new(),
                    states: Vec::new(),
                    covariances: Vec::new(),
                });
                part = Part::Meta;
                continue;
            }
            "META_STOP" => {
                part = Part::Data;
                continue;
            }
            "COVARIANCE_START" => {
                part = Part::Cov;
                cov_rows.clear();
                continue;
            }
            "COVARIANCE_STOP" => {
                part = Part::Data;
                continue;
            }
            _ => {}
        }
        let kv = line.split_once('=').map(|(k, v)| (k.trim(), v.trim()));
        match part {
            Part::Header => {
                if kv.is_none() {
                    errors.push(err(
                        source,
                        line_no,
                        "header",
                        format!("not KEY = value before any META_START: {line:?}"),
                    ));
                }
            }
            Part::Meta => {
                let (Some(c), Some((k, v))) = (cur.as_mut(), kv) else {
                    errors.push(err(
                        source,
                        line_no,
                        "META",
                        format!("not KEY = value: {line:?}"),
                    ));
                    bad = true;
                    continue;
                };
                match k {
                    "OBJECT_NAME" => c.object_name = v.to_string(),
                    "OBJECT_ID" => c.object_id = v.to_string(),
                    "CENTER_NAME" => c.center = v.to_string(),
                    "REF_FRAME" => c.frame = v.to_string(),
                    "TIME_SYSTEM" if v != "UTC" => {
                        errors.push(err(
                            source,
                            line_no,
                            k,
                            format!("time system {v:?}: only UTC is read"),
                        ));
                        bad = true;
                    }
                    _ => {}
                }
            }
            Part::Data => {
                let Some(c) = cur.as_mut() else {
                    errors.push(err(
                        source,
                        line_no,
                        "ephemeris line",
                        format!("outside a segment (no META_START): {line:?}"),
                    ));
                    continue;
                };
                let f: Vec<&str> = line.split_whitespace().collect();
                let nums: Option<Vec<f64>> = f.get(1..7).and_then(|xs| {
                    xs.iter()
                        .map(|x| x.parse::<f64>().ok().filter(|v| v.is_finite()))
                        .collect::<Option<Vec<f64>>>()
                });
                match (Epoch::parse_iso(f[0]), nums) {
                    (Ok(t), Some(n)) if f.len() == 7 || f.len() == 10 => c.states.push(OemState {
                        epoch: t,
                        position_km: [n[0], n[1], n[2]],
                        velocity_km_s: [n[3], n[4], n[5]],
                    }),
                    _ => {
                        errors.push(err(
                            source,
                            line_no,
                            "ephemeris line",
                            format!("not EPOCH X Y Z VX VY VZ: {line:?}"),
                        ));
                        bad = true;
                    }
                }
            }
            Part::Cov => {
                let Some(c) = cur.as_mut() else { continue };
                if let Some((k, v)) = kv {
                    match k {
                        "EPOCH" => match Epoch::parse_iso(v) {
                            Ok(t) => {
                                cov_epoch = Some(t);
                                cov_rows.clear();
                            }
                            Err(e) => {
                                errors.push(err(source, line_no, "EPOCH", e.to_string()));
                                bad = true;
                            }
                        },
                        "COV_REF_FRAME" => cov_frame = v.to_string(),
                        _ => {}
                    }
                    continue;
                }
                let row: Option<Vec<f64>> = line
                    .split_whitespace()
                    .map(|x| x.parse::<f64>().ok().filter(|v| v.is_finite()))
                    .collect();
                match row {
                    Some(r) if r.len() == cov_rows.len() + 1 && cov_epoch.is_some() => {
                        cov_rows.push(r);
                        if cov_rows.len() == 6 {
                            let mut m = [[0.0; 6]; 6];
                            for (a, row) in cov_rows.iter().enumerate() {
                                for (b, v) in row.iter().enumerate() {
                                    m[a][b] = *v;
                                    m[b][a] = *v;
                                }
                            }
                            c.covariances.push(OemCovariance {
                                epoch: cov_epoch.take().unwrap_or(Epoch::from_ns_since_1950(0)),
                                frame: if cov_frame.is_empty() {
                                    c.frame.clone()
                                } else {
                                    cov_frame.clone()
                                },
                                matrix: m,
                            });
                            cov_rows.clear();
                        }
                    }
                    _ => {
                        errors.push(err(
                            source,
                            line_no,
                            "covariance row",
                            format!(
                                "expected {} numbers after an EPOCH: {line:?}",
                                cov_rows.len() + 1
                            ),
                        ));
                        bad = true;
                    }
                }
            }
        }
    }
    finish(&mut cur, &mut bad, &mut segs);
    (segs, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg() -> OemSegment {
        let t0 = Epoch::parse_iso("2026-05-20T12:00:00").unwrap();
        let mut m = [[0.0; 6]; 6];
        for (i, row) in m.iter_mut().enumerate() {
            for (j, v) in row.iter_mut().enumerate() {
                *v = if i == j {
                    1e-3 * (i + 1) as f64
                } else {
                    1e-6 * (i + j) as f64
                };
            }
        }
        OemSegment {
            object_name: "TEST SAT".into(),
            object_id: "2026-001A".into(),
            center: "EARTH".into(),
            frame: "GCRF".into(),
            comments: vec!["fit rms 1.8 arcsec".into()],
            states: (0..3)
                .map(|k| OemState {
                    epoch: t0.add_ns(k * 60_000_000_000),
                    position_km: [7000.0 + k as f64, 1.5, -2.25],
                    velocity_km_s: [0.001, 7.5, 0.25],
                })
                .collect(),
            covariances: vec![OemCovariance {
                epoch: t0,
                frame: "RTN".into(),
                matrix: m,
            }],
        }
    }

    #[test]
    fn written_oem_reads_back() {
        let s = seg();
        let text = write_oem(
            std::slice::from_ref(&s),
            "APOSOS",
            Epoch::parse_iso("2026-05-21T00:00:00").unwrap(),
        );
        assert!(text.starts_with("CCSDS_OEM_VERS = 3.0\n"));
        assert!(text.contains("REF_FRAME = GCRF") && text.contains("COV_REF_FRAME = RTN"));
        let (back, errors) = read_oem("t.oem", &text);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].states, s.states);
        assert_eq!(back[0].comments, s.comments);
        let (a, b) = (&back[0].covariances[0].matrix, &s.covariances[0].matrix);
        for i in 0..6 {
            for j in 0..6 {
                assert!((a[i][j] - b[i][j]).abs() <= 1e-9 * b[i][j].abs());
            }
        }
    }

    #[test]
    fn a_bad_line_drops_its_segment_and_names_the_line() {
        let t0 = Epoch::parse_iso("2026-05-21T00:00:00").unwrap();
        let good = write_oem(&[seg()], "APOSOS", t0);
        let broken = good.replacen("7001.000000", "70x1", 1);
        let (segs, errors) = read_oem(
            "b.oem",
            &(broken + &good[good.find("META_START").unwrap()..]),
        );
        assert_eq!(segs.len(), 1, "the good segment is kept");
        assert_eq!(errors.len(), 1);
        let e = errors[0].to_string();
        assert!(e.contains("b.oem") && e.contains("ephemeris line"), "{e}");
    }

    #[test]
    fn every_truncation_and_many_corruptions_read_without_panic() {
        let t0 = Epoch::parse_iso("2026-05-21T00:00:00").unwrap();
        let text = write_oem(&[seg(), seg()], "APOSOS", t0);
        let mut cut = text.len();
        while cut > 0 {
            cut -= 1;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            let _ = read_oem("t", &text[..cut]);
        }
        let bytes = text.as_bytes();
        for (i, repl) in (0..bytes.len())
            .step_by(7)
            .zip([b'=', b' ', b'\n', b'x', b'-', b'9'].iter().cycle())
        {
            let mut b = bytes.to_vec();
            b[i] = *repl;
            let (segs, errors) = read_oem("t", &String::from_utf8_lossy(&b));
            // A segment lost to a corrupted byte is never lost silently. (A corrupted
            // META_START of the second segment also costs the first one: its metadata
            // lines then fall inside the first segment's data.)
            assert!(
                segs.len() == 2 || !errors.is_empty(),
                "{i}: a segment lost silently"
            );
        }
    }

    #[test]
    fn garbage_never_panics() {
        for text in [
            "",
            "META_START\n",
            "META_START\nMETA_STOP\nx\n",
            "COVARIANCE_START\n1 2\n",
            "META_START\nMETA_STOP\nCOVARIANCE_START\nEPOCH = 2026-01-01T00:00:00\n1\n1 2 3\n",
        ] {
            let _ = read_oem("g", text);
        }
    }
}
