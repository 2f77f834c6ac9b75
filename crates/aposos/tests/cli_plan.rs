//! End-to-end tests of the planning commands: `aposos sites`, `predict`, `passes`, `eop update`.

use std::path::PathBuf;
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

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("aposos-plan-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn sites_lists_the_network() {
    let o = aposos(&["sites"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let mut lines = out.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("id,name,country,role,status,lat_deg,lon_deg,height_m"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 4);
    for c in [",PK,", ",PE,", ",IR,", ",CN,"] {
        assert!(rows.iter().any(|r| r.contains(c)), "{c}");
    }
    let o = aposos(&["sites", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 4);
    assert_eq!(v[0]["telescope"]["aperture_m"], 0.15);
}

#[test]
fn sites_file_errors_name_site_and_field() {
    let dir = temp_dir("sites");
    let f = dir.join("bad.toml");
    std::fs::write(
        &f,
        "[[site]]\nid = \"a\"\nname = \"A\"\ncountry = \"PK\"\nlat_deg = 95\nlon_deg = 1\nheight_m = 0\n",
    )
    .unwrap();
    let o = aposos(&["sites", "--sites", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("site 1 (\"a\"): field `lat_deg`"),
        "{}",
        stderr(&o)
    );
}
