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

fn data(name: &str) -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data")
        .join(name)
}

/// The two TLE lines of a Vallado verification object (cut at column 69), in a temp file.
fn vallado_file(norad: &str, tag: &str) -> PathBuf {
    let text = std::fs::read_to_string(data("SGP4-VER.TLE")).expect("SGP4-VER.TLE");
    let lines: Vec<&str> = text.lines().collect();
    let i = lines
        .iter()
        .position(|l| l.starts_with(&format!("1 {norad}")))
        .expect("object");
    let f = temp_dir(tag).join(format!("{norad}.tle"));
    std::fs::write(
        &f,
        format!("{}\n{}\n", &lines[i][..69], &lines[i + 1][..69]),
    )
    .unwrap();
    f
}

fn csv_rows(out: &str) -> Vec<Vec<String>> {
    out.lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

#[test]
fn predict_columns_and_formats() {
    let f = vallado_file("28057", "predict");
    let args = [
        "predict",
        "--elements",
        f.to_str().unwrap(),
        "--site",
        "33.6744,51.3178,3600",
        "--from",
        "2006-06-27T00:00:00Z",
        "--to",
        "2006-06-27T00:02:00.27Z",
        "--step",
        "60",
        "--data-dir",
        "/nonexistent",
    ];
    let o = aposos(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("EOP table embedded"), "{}", stderr(&o));
    let rows = csv_rows(&stdout(&o));
    let head = &rows[0];
    for c in [
        "norad",
        "time_utc",
        "ra_deg",
        "dec_deg",
        "az_deg",
        "el_deg",
        "range_km",
        "range_rate_km_s",
        "sunlit",
        "sun_el_deg",
        "mag",
    ] {
        assert!(head.iter().any(|h| h == c), "{c}");
    }
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[1][1], "2006-06-27T00:00:00.000Z");
    assert_eq!(rows[3][1], "2006-06-27T00:02:00.000Z");
    let ra = &rows[1][2];
    assert_eq!(ra.split('.').nth(1).unwrap().len(), 9);
    let sunlit_col = head.iter().position(|h| h == "sunlit").unwrap();
    assert!(rows[1][sunlit_col] == "1" || rows[1][sunlit_col] == "0");
    // --std-mag gives magnitudes when sunlit; JSON has the same rows.
    let mut with_mag = args.to_vec();
    with_mag.extend([
        "--std-mag",
        "4",
        "--format",
        "json",
        "--geometric",
        "--refraction",
        "--pressure-hpa",
        "700",
        "--temperature-c",
        "-5",
    ]);
    let o = aposos(&with_mag);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 3);
    assert_eq!(v[0]["light_time_s"], 0.0);
    // Site by name; unknown site and bad options are usage errors.
    let mut by_name = args.to_vec();
    by_name[4] = "pe-characato";
    assert!(aposos(&by_name).status.success());
    by_name[4] = "atlantis";
    let o = aposos(&by_name);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("ir-gargash"), "{}", stderr(&o));
    let mut bad = args.to_vec();
    bad.extend(["--pressure-hpa", "700"]);
    assert_eq!(aposos(&bad).status.code(), Some(2));
}

#[test]
fn passes_and_optical_windows() {
    let f = vallado_file("28057", "passes");
    let base = [
        "passes",
        "--elements",
        f.to_str().unwrap(),
        "--site",
        "ir-gargash",
        "--from",
        "2006-06-26T18:00:00Z",
        "--to",
        "2006-06-29T18:00:00Z",
        "--data-dir",
        "/nonexistent",
    ];
    let o = aposos(&base);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = csv_rows(&stdout(&o));
    assert_eq!(rows[0][..9].join(","), "norad,site,rise_utc,rise_az_deg,culminate_utc,culminate_az_deg,max_el_deg,set_utc,set_az_deg");
    assert!(rows.len() > 5);
    for r in &rows[1..] {
        assert_eq!(r[0], "28057");
        assert!(r[2] < r[4] && r[4] < r[7], "{r:?}");
        assert!(r[6].parse::<f64>().unwrap() >= 10.0);
    }
    // Optical: windows with their start, end and brightest magnitude.
    let mut opt = base.to_vec();
    opt.extend(["--optical", "--std-mag", "5", "--site", "pk-islamabad"]);
    let o = aposos(&opt);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = csv_rows(&stdout(&o));
    let head = &rows[0];
    for c in ["window_start_utc", "window_end_utc", "brightest_mag"] {
        assert!(head.iter().any(|h| h == c), "{c}");
    }
    assert!(rows.len() > 1, "{}", stdout(&o));
    for r in &rows[1..] {
        assert!(r[9] < r[10] && r[2] <= r[9] && r[10] <= r[7], "{r:?}");
        assert!(r[13].parse::<f64>().unwrap() <= 12.0);
    }
    // A pass under way at --from has an empty rise.
    let first = csv_rows(&stdout(&aposos(&base)))[1].clone();
    let mut mid = base.to_vec();
    mid[6] = &first[4];
    let o = aposos(&mid);
    let r = &csv_rows(&stdout(&o))[1];
    assert_eq!(r[2], "");
    assert_eq!(r[7], first[7]);
    let mut json = base.to_vec();
    json.extend(["--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&aposos(&json).stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), rows_len(&base));
    let mut bad = base.to_vec();
    bad[6] = "2006-06-30T00:00:00Z";
    assert_eq!(aposos(&bad).status.code(), Some(2));
}

fn rows_len(args: &[&str]) -> usize {
    stdout(&aposos(args)).lines().count() - 1
}

#[test]
fn eop_update_installs_and_is_used() {
    let dir = temp_dir("eop");
    let src =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/eop/finals2000A.all");
    let o = aposos(&[
        "eop",
        "update",
        "--file",
        src.to_str().unwrap(),
        "--data-dir",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.join("eop/finals2000A.all").exists());
    let f = vallado_file("28057", "eop");
    let o = aposos(&[
        "predict",
        "--elements",
        f.to_str().unwrap(),
        "--site",
        "ir-gargash",
        "--from",
        "2006-06-27T00:00:00Z",
        "--to",
        "2006-06-27T00:00:00Z",
        "--step",
        "1",
        "--data-dir",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert!(
        stderr(&o).contains("eop/finals2000A.all ("),
        "{}",
        stderr(&o)
    );
    // A broken file is refused and the installed one kept.
    let bad = dir.join("bad.all");
    std::fs::write(&bad, "not an EOP table\n").unwrap();
    let o = aposos(&[
        "eop",
        "update",
        "--file",
        bad.to_str().unwrap(),
        "--data-dir",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(dir.join("eop/finals2000A.all").exists());
}

#[test]
fn predict_warns_outside_the_eop_table_and_notes_predicted_values() {
    let f = vallado_file("00005", "eop-range");
    let dir = temp_dir("eop-range-data");
    let run = |from: &str, to: &str| {
        aposos(&[
            "predict",
            "--elements",
            f.to_str().unwrap(),
            "--site",
            "pk-islamabad",
            "--from",
            from,
            "--to",
            to,
            "--step",
            "60",
            "--data-dir",
            dir.to_str().unwrap(),
        ])
    };
    // Inside the final part of the embedded table: neither warning nor note.
    let o = run("2024-01-01T00:00:00Z", "2024-01-01T00:02:00Z");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("outside the EOP table") && !stderr(&o).contains("predicted"));
    // Past its end (2027-10-29): UT1-UTC = 0 with a warning, never silently.
    let o = run("2030-01-01T00:00:00Z", "2030-01-01T00:02:00Z");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("warning: times outside the EOP table"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stdout(&o).lines().count(), 4);
    // In the predicted part.
    let o = run("2027-03-01T00:00:00Z", "2027-03-01T00:02:00Z");
    assert!(stderr(&o).contains("predicted values"), "{}", stderr(&o));
}

#[test]
fn optical_passes_say_which_objects_have_no_brightness_limit() {
    let f = vallado_file("28057", "no-mag");
    let dir = temp_dir("no-mag-data");
    let run = |extra: &[&str]| {
        let mut a = vec![
            "passes",
            "--optical",
            "--elements",
            f.to_str().unwrap(),
            "--site",
            "pk-islamabad",
            "--from",
            "2006-06-26T00:00:00Z",
            "--to",
            "2006-06-27T00:00:00Z",
            "--data-dir",
            dir.to_str().unwrap(),
        ];
        a.extend_from_slice(extra);
        aposos(&a)
    };
    let o = run(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("1 unknown: no magnitude and no brightness limit"),
        "{}",
        stderr(&o)
    );
    let o = run(&["--std-mag", "6"]);
    assert!(stderr(&o).contains("1 take --std-mag 6"), "{}", stderr(&o));
}

#[test]
fn simulate_then_diagnose_a_biased_node() {
    let dir = temp_dir("simulate");
    let cat = dir.join("cat.3le");
    let o = aposos(&[
        "catalog",
        "generate",
        "--count",
        "800",
        "--seed",
        "4",
        "--output",
        cat.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let settings = dir.join("sim.toml");
    std::fs::write(
        &settings,
        "[defaults]\ncloud_probability = 0.0\n\n[site.ir-gargash]\ntiming_bias_ms = -30\nbias_dec_arcsec = 10\n",
    )
    .unwrap();
    let (obs, truth) = (dir.join("night.iod"), dir.join("truth.json"));
    let sim_as = |seed: &str, out: &std::path::Path, format: &str| {
        aposos(&[
            "simulate",
            "--elements",
            cat.to_str().unwrap(),
            "--from",
            "2026-05-20T12:00:00",
            "--to",
            "2026-05-21T12:00:00",
            "--settings",
            settings.to_str().unwrap(),
            "--seed",
            seed,
            "--format",
            format,
            "--output",
            out.to_str().unwrap(),
            "--truth",
            truth.to_str().unwrap(),
        ])
    };
    let sim = |seed: &str, out: &std::path::Path| sim_as(seed, out, "iod");
    let o = sim("7", &obs);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("3 sites, 3 nights (0 clouded)"),
        "{}",
        stderr(&o)
    );
    let text = std::fs::read_to_string(&obs).unwrap();
    // IOD lines carry the sites' station numbers (data/sites.toml).
    for n in ["9701", "9702", "9703"] {
        assert!(text.lines().any(|l| &l[16..20] == n), "station {n} missing");
    }
    let t: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&truth).unwrap()).unwrap();
    assert_eq!(
        t["settings"]["ir-gargash"]["timing_bias_ms"].as_f64(),
        Some(-30.0)
    );
    assert!(t["tracklets"].as_array().is_some_and(|a| a.len() > 100));
    // The same seed gives the same file.
    let again = dir.join("again.iod");
    assert!(sim("7", &again).status.success());
    assert_eq!(std::fs::read_to_string(&again).unwrap(), text);
    // The same night as RDE reports: the station numbers in the headers, every measurement.
    let rde = dir.join("night.rde");
    let o = sim_as("7", &rde, "rde");
    assert!(o.status.success(), "{}", stderr(&o));
    let rde_text = std::fs::read_to_string(&rde).unwrap();
    let (f, r) = aposos_formats::obs::read_observations("night.rde", &rde_text);
    assert_eq!(f, Some(aposos_formats::obs::ObsFormat::Rde));
    assert!(r.errors.is_empty(), "{:?}", r.errors.first());
    assert_eq!(r.observations.len(), text.lines().count());
    for n in ["9701", "9702", "9703"] {
        assert!(
            r.observations.iter().any(|(_, o)| o.station == n),
            "station {n} missing"
        );
    }

    let res = dir.join("res.csv");
    let o = aposos(&[
        "obs",
        "stats",
        "--obs",
        obs.to_str().unwrap(),
        "--elements",
        cat.to_str().unwrap(),
        "--residuals",
        res.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let stations = v.as_array().unwrap();
    assert_eq!(stations.len(), 3, "{v}");
    for s in stations {
        let n = &s["nights"][0];
        let (t, dec) = (
            n["timing_bias_ms"].as_f64().unwrap(),
            n["bias_dec_arcsec"].as_f64().unwrap(),
        );
        let flagged = !n["flags"].as_array().unwrap().is_empty();
        // IOD angle format 1 rounds RA to 0.1 s of time (1.5″) and Dec to 1″.
        if s["station"] == "ir-gargash" {
            assert!(
                (t + 30.0).abs() < 3.0 && (dec - 10.0).abs() < 1.0 && flagged,
                "{n}"
            );
        } else {
            assert!(t.abs() < 3.0 && dec.abs() < 1.0 && !flagged, "{n}");
        }
    }
    assert!(std::fs::read_to_string(&res).unwrap().lines().count() > 1000);
    // A bad settings file names the file, the table and the field.
    std::fs::write(&settings, "[site.ir-gargash]\nnoise_arcsec = -1\n").unwrap();
    let o = sim("7", &obs);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("sim.toml: [site.ir-gargash] noise_arcsec = -1"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn correlate_a_simulated_night_without_tracklet_ids() {
    let dir = temp_dir("correlate");
    let (truth_cat, cat) = (dir.join("truth.3le"), dir.join("catalog.3le"));
    let p = |f: &PathBuf| f.to_str().unwrap().to_string();
    let o = aposos(&[
        "catalog",
        "generate",
        "--count",
        "1000",
        "--seed",
        "9",
        "--output",
        &p(&truth_cat),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The catalog correlation knows: the truth with errors growing with age.
    let o = aposos(&[
        "catalog",
        "degrade",
        "--elements",
        &p(&truth_cat),
        "--seed",
        "3",
        "--output",
        &p(&cat),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let settings = dir.join("sim.toml");
    std::fs::write(&settings, "[defaults]\ncloud_probability = 0.0\n").unwrap();
    let (obs, truth) = (dir.join("night.json"), dir.join("truth.json"));
    let o = aposos(&[
        "simulate",
        "--elements",
        &p(&truth_cat),
        "--from",
        "2026-05-20T12:00:00",
        "--to",
        "2026-05-21T12:00:00",
        "--settings",
        &p(&settings),
        "--seed",
        "2",
        "--format",
        "json",
        "--uncorrelated",
        "--output",
        &p(&obs),
        "--truth",
        &p(&truth),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Without tracklet ids (as IOD, UK and RDE records come), correlation makes the
    // tracklets from the exposures.
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&obs).unwrap()).unwrap();
    for o in v.as_array_mut().unwrap() {
        assert!(o.as_object_mut().unwrap().remove("tracklet").is_some());
    }
    std::fs::write(&obs, v.to_string()).unwrap();
    let (report, assigned) = (dir.join("report.json"), dir.join("assigned.json"));
    let o = aposos(&[
        "correlate",
        "--obs",
        &p(&obs),
        "--elements",
        &p(&cat),
        "--output",
        &p(&report),
        "--assigned",
        &p(&assigned),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("assigned"), "{}", stderr(&o));
    let t: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&truth).unwrap()).unwrap();
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let tracklets = t["tracklets"].as_array().unwrap();
    // The tracklets found are the simulated ones.
    assert_eq!(
        r["tracklets"].as_array().unwrap().len(),
        tracklets.len(),
        "{}",
        stderr(&o)
    );
    // Every exposure's truth object, by site and written time.
    let mut truth_of = std::collections::HashMap::new();
    for tr in tracklets {
        for f in tr["frames"].as_array().unwrap() {
            let e = aposos_formats::Epoch::parse_iso(f["reported_utc"].as_str().unwrap()).unwrap();
            let key = (tr["site"].as_str().unwrap().to_string(), e.ns_since_1950());
            truth_of.insert(key, tr["norad_cat_id"].as_u64().unwrap() as u32);
        }
    }
    let text = std::fs::read_to_string(&assigned).unwrap();
    let (_, read) = aposos_formats::obs::read_observations("a.json", &text);
    assert!(read.errors.is_empty());
    let (mut right, mut wrong, mut none) = (0, 0, 0);
    for (_, ob) in &read.observations {
        let key = (ob.station.clone(), ob.time.ns_since_1950());
        let want = truth_of[&key];
        match ob.norad_cat_id {
            Some(n) if n == want => right += 1,
            Some(_) => wrong += 1,
            None => none += 1,
        }
    }
    let n = read.observations.len();
    assert!(
        right as f64 >= 0.995 * n as f64,
        "{right} right, {wrong} wrong, {none} unassigned of {n}"
    );
    assert_eq!(wrong, 0);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn correlate_then_fit_three_nights() {
    let dir = temp_dir("od");
    let p = |f: &PathBuf| f.to_str().unwrap().to_string();
    let (truth_cat, cat) = (dir.join("truth.3le"), dir.join("catalog.3le"));
    assert!(aposos(&[
        "catalog",
        "generate",
        "--count",
        "300",
        "--seed",
        "12",
        "--output",
        &p(&truth_cat)
    ])
    .status
    .success());
    assert!(aposos(&[
        "catalog",
        "degrade",
        "--elements",
        &p(&truth_cat),
        "--output",
        &p(&cat)
    ])
    .status
    .success());
    let settings = dir.join("sim.toml");
    std::fs::write(&settings, "[defaults]\ncloud_probability = 0.0\n").unwrap();
    let obs = dir.join("nights.json");
    let o = aposos(&[
        "simulate",
        "--elements",
        &p(&truth_cat),
        "--from",
        "2026-05-20T12:00:00",
        "--to",
        "2026-05-23T12:00:00",
        "--settings",
        &p(&settings),
        "--schedule",
        "every-window",
        "--uncorrelated",
        "--format",
        "json",
        "--output",
        &p(&obs),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let assigned = dir.join("assigned.json");
    let o = aposos(&[
        "correlate",
        "--obs",
        &p(&obs),
        "--elements",
        &p(&cat),
        "--output",
        &p(&dir.join("r.json")),
        "--assigned",
        &p(&assigned),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (fitted, report) = (dir.join("fitted.json"), dir.join("report.json"));
    let o = aposos(&[
        "od",
        "--obs",
        &p(&assigned),
        "--initial",
        &p(&cat),
        "--format",
        "omm-json",
        "--output",
        &p(&fitted),
        "--report",
        &p(&report),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let fits = r.as_array().unwrap();
    assert!(fits.len() > 50, "{} fits\n{}", fits.len(), stderr(&o));
    // Objects seen on several passes get all their elements fitted; a single tracklet
    // corrects the mean longitude only, and says so.
    let full: Vec<_> = fits
        .iter()
        .filter(|f| f["fitted"] == "all elements")
        .collect();
    let good = full
        .iter()
        .filter(|f| f["converged"] == true && f["rms_arcsec"].as_f64().unwrap() < 2.5)
        .count();
    assert!(full.len() > 50, "{} full fits", full.len());
    assert!(
        good as f64 >= 0.98 * full.len() as f64,
        "{good} of {}",
        full.len()
    );
    assert!(fits.iter().all(|f| f["converged"] == true
        && (f["fitted"] == "all elements" || f["used"].as_u64() <= Some(16))));
    // The fitted element sets read back as OMM JSON, one per fit, at the last measurement.
    let text = std::fs::read_to_string(&fitted).unwrap();
    let read = aposos_formats::read_elements("fitted.json", &text, &Default::default());
    assert!(read.errors.is_empty(), "{:?}", read.errors.first());
    assert_eq!(read.elements.len(), fits.len());
    // Without initial orbits the command says what is missing.
    let o = aposos(&["od", "--obs", &p(&assigned)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--initial"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn iod_links_a_night_of_uncorrelated_tracks() {
    let dir = temp_dir("iod");
    let p = |f: &PathBuf| f.to_str().unwrap().to_string();
    let cat = dir.join("truth.3le");
    assert!(aposos(&[
        "catalog",
        "generate",
        "--count",
        "300",
        "--seed",
        "5",
        "--output",
        &p(&cat)
    ])
    .status
    .success());
    let settings = dir.join("sim.toml");
    std::fs::write(
        &settings,
        "[defaults]\ncloud_probability = 0.0\nrevisit_s = 1800\n",
    )
    .unwrap();
    let (obs, truth) = (dir.join("night.json"), dir.join("truth.json"));
    let o = aposos(&[
        "simulate",
        "--elements",
        &p(&cat),
        "--from",
        "2026-05-20T12:00:00",
        "--to",
        "2026-05-21T12:00:00",
        "--settings",
        &p(&settings),
        "--uncorrelated",
        "--format",
        "json",
        "--output",
        &p(&obs),
        "--truth",
        &p(&truth),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (out, report) = (dir.join("candidates.json"), dir.join("iod.json"));
    let o = aposos(&[
        "iod",
        "--obs",
        &p(&obs),
        "--output",
        &p(&out),
        "--report",
        &p(&report),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&truth).unwrap()).unwrap();
    let mut truth_of = std::collections::HashMap::new();
    for tr in t["tracklets"].as_array().unwrap() {
        for f in tr["frames"].as_array().unwrap() {
            let e = aposos_formats::Epoch::parse_iso(f["reported_utc"].as_str().unwrap()).unwrap();
            truth_of.insert(
                (tr["site"].as_str().unwrap().to_string(), e.ns_since_1950()),
                tr["norad_cat_id"].as_u64().unwrap(),
            );
        }
    }
    let text = std::fs::read_to_string(&obs).unwrap();
    let (_, read) = aposos_formats::obs::read_observations("n.json", &text);
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let cands = r["candidates"].as_array().unwrap();
    assert!(cands.len() >= 5, "{}", stderr(&o));
    // Each candidate holds one true object's observations.
    for c in cands {
        let owners: std::collections::BTreeSet<u64> = c["observations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                let ob = &read.observations[i.as_u64().unwrap() as usize].1;
                truth_of[&(ob.station.clone(), ob.time.ns_since_1950())]
            })
            .collect();
        assert_eq!(owners.len(), 1, "{c}");
    }
    let read = aposos_formats::read_elements(
        "c.json",
        &std::fs::read_to_string(&out).unwrap(),
        &Default::default(),
    );
    assert_eq!(read.elements.len(), cands.len());
    assert!(read.elements.iter().all(|e| e.norad_cat_id >= 330_000));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn od_sp_writes_an_oem_with_covariance_and_a_report() {
    let dir = temp_dir("od-sp");
    let p = |f: &PathBuf| f.to_str().unwrap().to_string();
    let truth = dir.join("truth.3le");
    assert!(aposos(&[
        "catalog",
        "generate",
        "--count",
        "200",
        "--seed",
        "21",
        "--output",
        &p(&truth)
    ])
    .status
    .success());
    let settings = dir.join("sim.toml");
    std::fs::write(&settings, "[defaults]\ncloud_probability = 0.0\n").unwrap();
    let obs = dir.join("nights.json");
    let o = aposos(&[
        "simulate",
        "--elements",
        &p(&truth),
        "--from",
        "2026-05-20T12:00:00",
        "--to",
        "2026-05-22T12:00:00",
        "--settings",
        &p(&settings),
        "--schedule",
        "every-window",
        "--format",
        "json",
        "--output",
        &p(&obs),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The object with the most measurements.
    let list: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&obs).unwrap()).unwrap();
    let mut count = std::collections::BTreeMap::new();
    for m in list.as_array().unwrap() {
        *count.entry(m["norad"].as_u64().unwrap()).or_insert(0) += 1;
    }
    let (&norad, &n) = count.iter().max_by_key(|(_, c)| **c).unwrap();
    assert!(n >= 20, "{n}");
    let (oem, report) = (dir.join("fit.oem"), dir.join("fit.json"));
    let o = aposos(&[
        "od",
        "--obs",
        &p(&obs),
        "--initial",
        &p(&truth),
        "--model",
        "sp",
        "--norad",
        &norad.to_string(),
        "--format",
        "oem",
        "--step-s",
        "300",
        "--predict-days",
        "0.5",
        "--output",
        &p(&oem),
        "--report",
        &p(&report),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&oem).unwrap();
    let (segs, errors) = aposos_formats::oem::read_oem("fit.oem", &text);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(segs.len(), 1);
    let s = &segs[0];
    assert_eq!(s.frame, "GCRF");
    assert!(s.states.len() > 10);
    // In time order, one every 300 s, from the first measurement to half a day past
    // the last (the fit epoch, where the covariance is).
    assert!(s
        .states
        .windows(2)
        .all(|w| w[1].epoch.minutes_since(w[0].epoch) == 5.0));
    let c = &s.covariances[0];
    let last = s.states.last().unwrap().epoch;
    let ahead_min = last.minutes_since(c.epoch);
    assert!(
        ahead_min > 0.5 * 1440.0 - 5.0 && ahead_min <= 0.5 * 1440.0,
        "{ahead_min}"
    );
    assert_eq!(c.frame, "RTN");
    for i in 0..6 {
        assert!(c.matrix[i][i] > 0.0, "{:?}", c.matrix);
    }
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let fit = &r[0];
    assert_eq!(fit["model"], "sp");
    assert_eq!(fit["residuals"].as_array().unwrap().len(), n);
    // The truth is SGP4, not the SP force model: the fit shows that as a misfit of
    // arcseconds to tens of arcseconds, never a failure.
    assert!(fit["rms_arcsec"].as_f64().unwrap() < 60.0, "{fit}");
    // The SGP4 fit of the same object as an OMM with its RTN covariance (21 terms),
    // which reads back as an element set.
    let kvn = dir.join("fit.kvn");
    let o = aposos(&[
        "od",
        "--obs",
        &p(&obs),
        "--initial",
        &p(&truth),
        "--norad",
        &norad.to_string(),
        "--format",
        "omm-kvn",
        "--output",
        &p(&kvn),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&kvn).unwrap();
    assert!(text.contains("COV_REF_FRAME       = RTN"), "{text}");
    let cov = &text[text.find("COV_REF_FRAME").unwrap()..];
    let terms = cov
        .lines()
        .skip(1)
        .filter(|l| l.starts_with('C') && l.contains(" = "))
        .count();
    assert_eq!(terms, 21, "{text}");
    let back = aposos_formats::read_elements("fit.kvn", &text, &Default::default());
    assert!(
        back.errors.is_empty() && back.warnings.is_empty(),
        "{:?}",
        back.warnings
    );
    let cov = back.elements[0]
        .omm
        .covariance
        .clone()
        .expect("covariance read back");
    assert_eq!(cov.ref_frame.as_deref(), Some("RTN"));
    assert!((0..6).all(|i| cov.matrix()[i][i] > 0.0), "{cov:?}");
    // The same block in the JSON encoding.
    let json = dir.join("fit-omm.json");
    let o = aposos(&[
        "od",
        "--obs",
        &p(&obs),
        "--initial",
        &p(&truth),
        "--norad",
        &norad.to_string(),
        "--format",
        "omm-json",
        "--output",
        &p(&json),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let jtext = std::fs::read_to_string(&json).unwrap();
    let jback = aposos_formats::read_elements("fit.json", &jtext, &Default::default());
    assert_eq!(jback.elements[0].omm.covariance, Some(cov), "{jtext}");
    let o = aposos(&["convert", "--elements", &p(&kvn), "--to", "3le"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 3);
    // The SP fit as an OMM: SGP4 mean elements fitted to its ephemeris, with the SP
    // covariance; they reproduce the SP state at epoch to within SGP4's theory error.
    let sp_omm = dir.join("sp.kvn");
    let o = aposos(&[
        "od",
        "--obs",
        &p(&obs),
        "--initial",
        &p(&truth),
        "--norad",
        &norad.to_string(),
        "--model",
        "sp",
        "--format",
        "omm-kvn",
        "--output",
        &p(&sp_omm),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&sp_omm).unwrap();
    let back = aposos_formats::read_elements("sp.kvn", &text, &Default::default());
    assert!(back.errors.is_empty(), "{:?}", back.errors);
    let mean = &back.elements[0];
    let sp_cov = mean.omm.covariance.clone().expect("the SP covariance");
    assert_eq!(sp_cov.ref_frame.as_deref(), Some("RTN"));
    assert!(
        text.contains("SGP4 mean elements fitted to its ephemeris"),
        "{text}"
    );
    let sp_fit = &r[0];
    // The elements' epoch is the SP fit's, to the TLE day-fraction grid (0.864 ms).
    let sp_epoch = aposos_formats::Epoch::parse_iso(
        sp_fit["epoch_utc"].as_str().unwrap().trim_end_matches('Z'),
    )
    .unwrap();
    assert!(
        (mean.epoch.minutes_since(sp_epoch) * 60.0).abs() < 1e-3,
        "{} vs {}",
        mean.epoch.to_iso(),
        sp_epoch.to_iso()
    );
    for (i, row) in sp_fit["covariance_rtn_km_km_s"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let want = row[i].as_f64().unwrap();
        assert!(
            (sp_cov.matrix()[i][i] - want).abs() <= 1e-12 * want.abs(),
            "{i}"
        );
    }
    // SGP4 at epoch in GCRS against the SP state: within a few km (SGP4's own error).
    let sat = aposos_orbit::Sgp4::new(mean).unwrap();
    let s = sat.propagate(0.0).unwrap();
    let ts = aposos_astro::TimeScales::from_utc_ns_since_1950(
        mean.epoch.ns_since_1950(),
        aposos_astro::Eop::embedded(),
    );
    let er = aposos_astro::EarthRotation::new(&ts);
    let m = aposos_astro::frames::teme_to_gcrs_matrix(&ts, &er);
    let gcrs = aposos_astro::frames::mxv(&m, s.position_km);
    let sp_pos: Vec<f64> = sp_fit["position_km"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    let d = (0..3)
        .map(|k| (gcrs[k] - sp_pos[k]).powi(2))
        .sum::<f64>()
        .sqrt();
    eprintln!("SGP4 mean elements {d:.3} km from the SP state at epoch");
    assert!(d < 5.0, "mean elements {d} km from the SP state at epoch");
}
