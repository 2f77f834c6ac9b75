//! End-to-end tests of the `aposos` command, run as a user would.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn aposos(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aposos"))
        .args(args)
        .output()
        .expect("run aposos")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data")
        .join(name)
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("aposos-cli-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The two TLE lines of a Vallado verification object (cut at column 69).
fn vallado_tle(norad: &str) -> String {
    let text = std::fs::read_to_string(data("SGP4-VER.TLE")).expect("SGP4-VER.TLE");
    let lines: Vec<&str> = text.lines().collect();
    let i = lines
        .iter()
        .position(|l| l.starts_with(&format!("1 {norad}")))
        .expect("object in SGP4-VER.TLE");
    format!("{}\n{}\n", &lines[i][..69], &lines[i + 1][..69])
}

/// tcppver.out rows (tsince, x, y, z, vx, vy, vz) of one object.
fn vallado_rows(norad: &str) -> Vec<[f64; 7]> {
    let text = std::fs::read_to_string(data("tcppver.out")).expect("tcppver.out");
    let mut rows = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if line.contains("xx") {
            inside = line.split_whitespace().next() == Some(norad.trim_start_matches('0'));
            continue;
        }
        if inside {
            let v: Vec<f64> = line
                .split_whitespace()
                .take(7)
                .map(|f| f.parse().unwrap())
                .collect();
            rows.push([v[0], v[1], v[2], v[3], v[4], v[5], v[6]]);
        }
    }
    rows
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write fixture");
    p
}

#[test]
fn propagate_csv_matches_vallado_reference() {
    let dir = temp_dir("vallado");
    let f = write(&dir, "00005.tle", &vallado_tle("00005"));
    let o = aposos(&[
        "propagate",
        "--elements",
        f.to_str().unwrap(),
        "--tsince",
        "0:4320:360",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("norad,tsince_min,x_km,y_km,z_km,vx_km_s,vy_km_s,vz_km_s")
    );
    let reference = vallado_rows("00005");
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), reference.len());
    for (row, want) in rows.iter().zip(&reference) {
        assert_eq!(row[0], "5");
        assert_eq!(row[1].parse::<f64>().unwrap(), want[0]);
        assert_eq!(
            row[2].split('.').nth(1).map(str::len),
            Some(8),
            "8 decimals for km"
        );
        assert_eq!(
            row[5].split('.').nth(1).map(str::len),
            Some(9),
            "9 decimals for km/s"
        );
        for k in 1..7 {
            let got: f64 = row[k + 1].parse().unwrap();
            let tol = if k <= 3 { 1e-6 } else { 1e-9 };
            assert!(
                (got - want[k]).abs() <= tol,
                "t={} col {k}: {got} vs {}",
                want[0],
                want[k]
            );
        }
    }
}

#[test]
fn propagate_stops_a_decaying_object_with_a_warning() {
    let dir = temp_dir("decay");
    // 28872 decays within the hour (Vallado's sub-orbital case); 00005 keeps going.
    let text = vallado_tle("28872") + &vallado_tle("00005");
    let f = write(&dir, "two.tle", &text);
    let o = aposos(&[
        "propagate",
        "--elements",
        f.to_str().unwrap(),
        "--tsince",
        "0:60:5",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let decayed = out.lines().filter(|l| l.starts_with("28872,")).count();
    assert_eq!(
        decayed,
        vallado_rows("28872").len(),
        "rows up to the error, as in tcppver.out"
    );
    assert_eq!(out.lines().filter(|l| l.starts_with("5,")).count(), 13);
    let err = stderr(&o);
    assert!(err.contains("warning") && err.contains("28872"), "{err}");
    // No object at all: exit code 1.
    let f = write(&dir, "one.tle", &vallado_tle("28872"));
    let o = aposos(&[
        "propagate",
        "--elements",
        f.to_str().unwrap(),
        "--tsince",
        "55,60",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

#[test]
fn propagate_absolute_times_and_json() {
    let dir = temp_dir("utc");
    let f = write(&dir, "00005.tle", &vallado_tle("00005"));
    // Epoch of 00005: 2000 day 179.78495062 = 2000-06-27T18:50:19.733568.
    let o = aposos(&[
        "propagate",
        "--elements",
        f.to_str().unwrap(),
        "--from",
        "2000-06-27T18:50:19.733568Z",
        "--to",
        "2000-06-28T00:50:19.733568Z",
        "--step",
        "21600",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "norad,time_utc,x_km,y_km,z_km,vx_km_s,vy_km_s,vz_km_s"
    );
    assert_eq!(lines.len(), 3);
    assert!(
        lines[1].starts_with("5,2000-06-27T18:50:19.733568Z,"),
        "{}",
        lines[1]
    );
    let reference = vallado_rows("00005");
    for (line, want) in lines[1..].iter().zip(&reference) {
        let x: f64 = line.split(',').nth(2).unwrap().parse().unwrap();
        assert!((x - want[1]).abs() < 1e-6, "{x} vs {}", want[1]);
    }
    let o = aposos(&[
        "propagate",
        "--elements",
        f.to_str().unwrap(),
        "--tsince",
        "0,360",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    let rows = v.as_array().expect("array");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["norad"], 5);
    assert_eq!(rows[1]["tsince_min"], 360.0);
    assert!((rows[1]["x_km"].as_f64().unwrap() - reference[1][1]).abs() < 1e-6);
}

#[test]
fn usage_errors_exit_2_and_failed_work_exits_1() {
    assert_eq!(aposos(&[]).status.code(), Some(2));
    assert_eq!(
        aposos(&["propagate", "--tsince", "0"]).status.code(),
        Some(2)
    );
    assert_eq!(
        aposos(&["convert", "--elements", "x", "--to", "yaml"])
            .status
            .code(),
        Some(2)
    );
    let dir = temp_dir("usage");
    let f = write(&dir, "00005.tle", &vallado_tle("00005"));
    let o = aposos(&[
        "propagate",
        "--elements",
        f.to_str().unwrap(),
        "--tsince",
        "0:10:0",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = aposos(&[
        "propagate",
        "--elements",
        f.to_str().unwrap(),
        "--from",
        "2000-01-01T00:00:00",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = aposos(&[
        "convert",
        "--elements",
        "/nonexistent/file.tle",
        "--to",
        "tle",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("/nonexistent/file.tle"));
    for sub in [
        &["convert", "--help"][..],
        &["propagate", "--help"],
        &["bench", "sgp4", "--help"],
        &["demo", "--help"],
        &["catalog", "generate", "--help"],
    ] {
        let o = aposos(sub);
        assert!(
            o.status.success() && stdout(&o).contains("Usage"),
            "{sub:?}"
        );
    }
}

#[test]
fn bad_checksum_is_an_error_naming_the_line_unless_lenient() {
    let dir = temp_dir("checksum");
    let good = vallado_tle("00005");
    let mut bad = good.clone();
    // Change the last digit of line 2 (its checksum).
    let pos = good.len() - 2;
    let c = good.as_bytes()[pos];
    bad.replace_range(pos..pos + 1, if c == b'0' { "1" } else { "0" });
    let text = format!("{bad}{}", vallado_tle("06251"));
    let f = write(&dir, "bad.tle", &text);
    let o = aposos(&["convert", "--elements", f.to_str().unwrap(), "--to", "tle"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("bad.tle:2") && err.to_lowercase().contains("checksum"),
        "{err}"
    );
    assert!(
        stdout(&o).contains("1 06251U"),
        "the good object is still converted"
    );
    let o = aposos(&[
        "convert",
        "--elements",
        f.to_str().unwrap(),
        "--to",
        "tle",
        "--lenient",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("warning"));
    assert_eq!(stdout(&o).lines().count(), 4);
}

#[test]
fn convert_round_trips_through_every_omm_layout() {
    let dir = temp_dir("convert");
    let cat = dir.join("gen.3le");
    let o = aposos(&[
        "catalog",
        "generate",
        "--count",
        "300",
        "--seed",
        "5",
        "--output",
        cat.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let original = std::fs::read_to_string(&cat).unwrap();
    assert_eq!(original.lines().count(), 900);
    for format in ["omm-kvn", "omm-xml", "omm-json", "omm-csv", "tle"] {
        let mid = dir.join(format!("mid.{format}"));
        let o = aposos(&[
            "convert",
            "--elements",
            cat.to_str().unwrap(),
            "--to",
            format,
            "--output",
            mid.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{format}: {}", stderr(&o));
        let back = aposos(&[
            "convert",
            "--elements",
            mid.to_str().unwrap(),
            "--to",
            if format == "tle" { "tle" } else { "3le" },
        ]);
        assert!(back.status.success(), "{format}: {}", stderr(&back));
        if format == "tle" {
            let two_line: String = original
                .lines()
                .filter(|l| l.starts_with("1 ") || l.starts_with("2 "))
                .map(|l| format!("{l}\n"))
                .collect();
            assert_eq!(stdout(&back), two_line);
        } else {
            assert_eq!(
                stdout(&back),
                original,
                "3LE -> {format} -> 3LE is byte-identical"
            );
        }
    }
}

#[test]
fn bench_prints_one_json_line() {
    let dir = temp_dir("bench");
    let cat = dir.join("gen.3le");
    assert!(aposos(&[
        "catalog",
        "generate",
        "--count",
        "40",
        "--output",
        cat.to_str().unwrap()
    ])
    .status
    .success());
    let o = aposos(&[
        "bench",
        "sgp4",
        "--elements",
        cat.to_str().unwrap(),
        "--minutes",
        "60",
        "--step-min",
        "1",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON line");
    assert_eq!(v["objects"], 40);
    assert_eq!(v["propagations"], 40 * 61);
    assert_eq!(v["errors"], 0);
    assert!(v["seconds"].as_f64().unwrap() >= 0.0 && v["props_per_s"].as_f64().unwrap() > 0.0);
}

#[test]
fn demo_summarises_the_generated_catalog() {
    let dir = temp_dir("demo");
    let o = aposos(&[
        "demo",
        "--data-dir",
        dir.to_str().unwrap(),
        "--synthetic",
        "--synthetic-count",
        "500",
        "--hours",
        "2",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("500 objects"), "{out}");
    assert!(out.contains("states"), "{out}");
    // 500 objects x 121 minutes, none fails for the generated catalog.
    assert!(out.contains("60500 states"), "{out}");
    assert!(
        out.contains("stopped with an SGP4 error: 0 objects"),
        "{out}"
    );
}

/// The real snapshot (fetched by scripts/fetch-demo-data; required under CI=true).
fn real_data_dir() -> Option<PathBuf> {
    match std::env::var_os("APOSOS_ACTIVE_TLE") {
        Some(p) => Path::new(&p)
            .parent()
            .and_then(Path::parent)
            .map(Path::to_path_buf),
        None => {
            assert_ne!(
                std::env::var("CI").as_deref(),
                Ok("true"),
                "CI must run with the real snapshot (APOSOS_ACTIVE_TLE, set by scripts/test)"
            );
            eprintln!("note: APOSOS_ACTIVE_TLE not set; real-catalog demo test not run");
            None
        }
    }
}

#[test]
fn demo_uses_the_real_snapshot_joined_with_satcat() {
    let Some(dir) = real_data_dir() else { return };
    let o = aposos(&["demo", "--data-dir", dir.to_str().unwrap(), "--hours", "1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("CelesTrak active satellites snapshot"),
        "{out}"
    );
    let objects: usize = out
        .lines()
        .find_map(|l| {
            l.trim()
                .split(" objects, epochs")
                .next()
                .filter(|_| l.contains("objects, epochs"))
                .map(|n| n.trim().parse().unwrap())
        })
        .expect("object count line");
    assert!(objects > 15_000, "{out}");
    assert!(
        !out.contains("refused"),
        "every record of the snapshot is read: {out}"
    );
    if dir.join("catalog/donnees.sat").exists() {
        let matched: usize = out
            .lines()
            .find_map(|l| {
                let (_, tail) = l.split_once("; ")?;
                tail.split(" of ")
                    .next()
                    .filter(|_| l.contains("matched by catalog number"))
                    .map(|n| n.trim().parse().unwrap())
            })
            .expect("SATCAT line");
        // The table ends in early 2016, so only older objects match.
        assert!(matched > 500 && matched < objects, "{out}");
    }
}

#[test]
fn convert_refuses_only_the_object_the_format_cannot_carry() {
    let dir = temp_dir("unwritable");
    let json = dir.join("three.json");
    let o = aposos(&[
        "catalog",
        "generate",
        "--count",
        "3",
        "--to",
        "omm-json",
        "--output",
        json.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    v[1]["NORAD_CAT_ID"] = serde_json::json!(400_000_001u64);
    std::fs::write(&json, v.to_string()).unwrap();
    let o = aposos(&[
        "convert",
        "--elements",
        json.to_str().unwrap(),
        "--to",
        "tle",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 4, "the two others are written");
    let err = stderr(&o);
    assert!(err.contains("400000001") && err.contains("as tle"), "{err}");
    // OMM carries the large number.
    let o = aposos(&[
        "convert",
        "--elements",
        json.to_str().unwrap(),
        "--to",
        "omm-kvn",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("400000001"));
}

#[test]
fn obs_convert_between_iod_tdm_and_json() {
    let dir = std::env::temp_dir().join(format!("aposos-obs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let iod = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../aposos-formats/tests/data/iod/seesat_8305_2003-11-20.iod"
    );
    let bin = env!("CARGO_BIN_EXE_aposos");
    let tdm = dir.join("o.kvn");
    let out = std::process::Command::new(bin)
        .args([
            "obs", "convert", "--obs", iod, "--to", "tdm-kvn", "--output",
        ])
        .arg(&tdm)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = std::process::Command::new(bin)
        .args(["obs", "convert", "--to", "json", "--obs"])
        .arg(&tdm)
        .output()
        .unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 8);
    assert_eq!(json[0]["norad"], 23533);
    assert_eq!(json[0]["station"], "8305");
    // A bad line is reported with file and line; the good ones are still written; exit 1.
    let bad = dir.join("bad.iod");
    let text = std::fs::read_to_string(iod)
        .unwrap()
        .replacen(" 56 35 ", " 56 95 ", 1);
    std::fs::write(&bad, text).unwrap();
    let out = std::process::Command::new(bin)
        .args(["obs", "convert", "--to", "iod", "--obs"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.iod:1: field angle format code (columns 45-45)"),
        "{err}"
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 7);
    let out = std::process::Command::new(bin)
        .args(["obs", "convert", "--to", "pdf", "--obs"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(dir);
}
