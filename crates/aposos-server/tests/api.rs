//! The API's behaviour from outside: uploads with per-record outcomes, errors as problem
//! JSON, body and rate limits, ETags and paging, sites and their status, markings,
//! the OpenAPI document against the mounted routes, and the operational endpoints.

mod common;

use common::{element, object, three_le, Engine, TestServer};

fn small(engine: Engine, tweak: impl FnOnce(&mut aposos_server::ServerConfig)) -> TestServer {
    let catalog: Vec<_> = (1..=30)
        .map(|n| element(n, 0, &format!("CAT {n}")))
        .collect();
    let mut objects: Vec<_> = (1..=30).map(|n| object(n, "US")).collect();
    objects.push(object(77, "PAKI"));
    TestServer::start(engine, catalog, objects, tweak)
}

#[test]
fn uploads_report_every_record_and_are_idempotent() {
    let srv = small(Engine::Sqlite, |_| {});
    let analyst = srv.token("CONIDA-analyst").to_string();
    let good = three_le(&[element(501, 1, "GOOD A"), element(502, 1, "GOOD B")]);
    let mut bad_checksum = three_le(&[element(503, 1, "BAD SUM")]);
    // Break the checksum of line 1 of the third object (line 7 of the upload).
    let last = bad_checksum.lines().nth(1).unwrap().to_string();
    let flipped = format!("{}{}", &last[..68], (last.as_bytes()[68] - b'0' + 1) % 10);
    bad_checksum = bad_checksum.replace(&last, &flipped);
    let body = format!("{good}{bad_checksum}");
    let r = srv.call(
        "POST",
        "/api/v1/elements?sharing=consortium",
        Some(&analyst),
        &[],
        Some(&body),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(
        (
            v["accepted"].as_u64(),
            v["duplicates"].as_u64(),
            v["rejected"].as_u64()
        ),
        (Some(2), Some(0), Some(1)),
        "{v}"
    );
    assert_eq!(v["format"], "3le");
    assert_eq!(v["sharing"], "consortium");
    let rejected: Vec<_> = v["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "rejected")
        .collect();
    assert_eq!(rejected[0]["line"], 8, "{v}");
    assert!(
        rejected[0]["reason"].as_str().unwrap().contains("checksum"),
        "{v}"
    );
    // The same upload again: nothing new, everything reported as duplicate.
    let v = srv
        .call(
            "POST",
            "/api/v1/elements?sharing=consortium",
            Some(&analyst),
            &[],
            Some(&good),
        )
        .json();
    assert_eq!(
        (v["accepted"].as_u64(), v["duplicates"].as_u64()),
        (Some(0), Some(2)),
        "{v}"
    );
    // The accepted ones are there for a member, not for an observer.
    assert_eq!(
        srv.get("/api/v1/gp?norad=501,502", Some("SUPARCO-viewer"))
            .norads(),
        vec![501, 502]
    );
    srv.get("/api/v1/gp?norad=501", Some("Watcher-viewer"))
        .assert_problem(404);
    // Nothing acceptable: 422 with every record's reason.
    let p = srv
        .call(
            "POST",
            "/api/v1/elements",
            Some(&analyst),
            &[],
            Some("hello\nworld\n"),
        )
        .assert_problem(422);
    assert!(
        p["errors"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("format: expected TLE"),
        "{p}"
    );
    srv.call("POST", "/api/v1/elements", Some(&analyst), &[], Some(""))
        .assert_problem(422);
    // A future epoch is refused with its reason.
    let future = three_le(&[element(504, 365 * 30, "FUTURE")]);
    let p = srv
        .call(
            "POST",
            "/api/v1/elements",
            Some(&analyst),
            &[],
            Some(&future),
        )
        .assert_problem(422);
    assert!(
        p["errors"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("future"),
        "{p}"
    );
    // Who may upload, and with which parameters.
    srv.call(
        "POST",
        "/api/v1/elements",
        Some(srv.token("CONIDA-viewer")),
        &[],
        Some(&good),
    )
    .assert_problem(403);
    srv.call(
        "POST",
        "/api/v1/elements",
        Some(srv.token("CONIDA-operator")),
        &[],
        Some(&good),
    )
    .assert_problem(403);
    srv.call("POST", "/api/v1/elements", None, &[], Some(&good))
        .assert_problem(401);
    let p = srv
        .call(
            "POST",
            "/api/v1/elements?sharing=everyone",
            Some(&analyst),
            &[],
            Some(&good),
        )
        .assert_problem(400);
    assert!(p["detail"].as_str().unwrap().contains("sharing"));
    srv.call(
        "POST",
        "/api/v1/elements?format=xml",
        Some(&analyst),
        &[],
        Some(&good),
    )
    .assert_problem(400);
    // Control characters in names are refused per record.
    let mut nul = element(506, 1, "A");
    nul.object_name = Some("A\u{0}B".into());
    let json = aposos_formats::write_omm_json(&[nul, element(507, 1, "FINE")]).unwrap();
    let v = srv
        .call(
            "POST",
            "/api/v1/elements?sharing=public",
            Some(&analyst),
            &[],
            Some(&json),
        )
        .json();
    assert_eq!(
        (v["accepted"].as_u64(), v["rejected"].as_u64()),
        (Some(1), Some(1)),
        "{v}"
    );
    // A set an OMM carries but a TLE cannot is left out of TLE listings, never failing them.
    let mut wild = element(508, 1, "WILD");
    wild.mean_motion_dot_rev_per_day2 = 5.0;
    assert!(aposos_formats::write_tle(&wild).is_err());
    let json = aposos_formats::write_omm_json(&[wild]).unwrap();
    let v = srv
        .call(
            "POST",
            "/api/v1/elements?sharing=public",
            Some(&analyst),
            &[],
            Some(&json),
        )
        .json();
    assert_eq!(v["accepted"], 1, "{v}");
    let r = srv.get("/api/v1/gp?norad=507,508&format=tle", None);
    assert_eq!(r.status, 200);
    assert_eq!(r.body.lines().count(), 2, "{}", r.body);
    assert!(r
        .headers
        .get("x-aposos-omitted")
        .is_some_and(|h| h.starts_with("1 ")));
    assert_eq!(
        srv.get("/api/v1/gp?norad=507,508", None).norads(),
        vec![507, 508]
    );
    // OMM XML is read too (format given or detected).
    let xml = aposos_formats::write_omm_xml(&[element(505, 1, "XML ONE")]).unwrap();
    let v = srv
        .call("POST", "/api/v1/elements", Some(&analyst), &[], Some(&xml))
        .json();
    assert_eq!(
        (v["format"].as_str(), v["accepted"].as_u64()),
        (Some("omm-xml"), Some(1)),
        "{v}"
    );
    // Writes were audited, including refusals.
    let audit = srv
        .get("/api/v1/audit?action=elements.upload", Some("admin"))
        .json();
    let outcomes: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    assert!(
        outcomes.contains(&"ok") && outcomes.contains(&"denied") && outcomes.contains(&"rejected"),
        "{outcomes:?}"
    );
    assert!(audit
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["user"] == "CONIDA-analyst"));
}

#[test]
fn every_failure_is_problem_json() {
    let srv = small(Engine::Sqlite, |c| c.max_body_bytes = 4096);
    srv.get("/no/such/route", None).assert_problem(404);
    let r = srv.call("DELETE", "/api/v1/gp", None, &[], None);
    r.assert_problem(405);
    srv.get("/api/v1/gp?limit=abc", None).assert_problem(400);
    srv.get("/api/v1/gp?limit=0", None).assert_problem(400);
    srv.get("/api/v1/gp?limit=100000000", None)
        .assert_problem(400);
    srv.get("/api/v1/gp?format=pdf", None).assert_problem(400);
    srv.get("/api/v1/gp?group=nowhere", None)
        .assert_problem(400);
    srv.get("/api/v1/gp?cursor=zzz", None).assert_problem(400);
    srv.get("/api/v1/gp/history", None).assert_problem(400);
    srv.get("/api/v1/gp/history?norad=1&from=yesterday", None)
        .assert_problem(400);
    srv.get("/api/v1/satcat/notanumber", None)
        .assert_problem(400);
    srv.get("/api/v1/satcat/424242", None).assert_problem(404);
    srv.get("/api/v1/sites/nowhere", None).assert_problem(404);
    srv.get("/api/v1/me", None).assert_problem(401);
    let r = srv.call("GET", "/api/v1/me", Some("aposos_forged"), &[], None);
    r.assert_problem(401);
    srv.call(
        "GET",
        "/api/v1/gp",
        None,
        &[("authorization", "Basic abc")],
        None,
    )
    .assert_problem(401);
    // Text the engines store differently, unknown parameters.
    for path in [
        "/api/v1/gp?name=%00",
        "/api/v1/gp?intdes=a%07",
        "/api/v1/satcat?owner=%00",
        "/api/v1/sites/a%00b",
    ] {
        srv.get(path, None).assert_problem(400);
    }
    srv.get("/api/v1/audit?user=%00", Some("admin"))
        .assert_problem(400);
    let p = srv.get("/api/v1/gp?nroad=5", None).assert_problem(400);
    assert!(p["detail"].as_str().unwrap().contains("nroad"), "{p}");
    // Failed authentications are limited per address before the database is asked.
    let limited = small(Engine::Sqlite, |c| {
        c.rate_limit_burst = 3.0;
        c.rate_limit_per_s = 0.01;
    });
    for _ in 0..3 {
        limited
            .call("GET", "/api/v1/me", Some("aposos_guess"), &[], None)
            .assert_problem(401);
    }
    let r = limited.call("GET", "/api/v1/me", Some("aposos_guess"), &[], None);
    r.assert_problem(429);
    assert!(r.headers.contains_key("retry-after"));
    // A body over the limit is refused before it is read.
    let big = "x".repeat(10_000);
    srv.call(
        "POST",
        "/api/v1/elements",
        Some(srv.token("SUPARCO-analyst")),
        &[],
        Some(&big),
    )
    .assert_problem(413);
    let r = srv.call(
        "PUT",
        "/api/v1/sites/pk-test/status",
        Some(srv.token("SUPARCO-operator")),
        &[("content-type", "application/json")],
        Some("{not json"),
    );
    r.assert_problem(400);
    // Revoked tokens stop working at once.
    let t = srv.token("Watcher-viewer").to_string();
    assert_eq!(
        srv.call("GET", "/api/v1/me", Some(&t), &[], None).status,
        200
    );
    srv.block_on(srv.store.revoke_user_tokens("Watcher-viewer"))
        .unwrap();
    srv.call("GET", "/api/v1/me", Some(&t), &[], None)
        .assert_problem(401);
}

#[test]
fn rate_limits_answer_429_with_retry_after() {
    let srv = small(Engine::Sqlite, |c| {
        c.rate_limit_per_s = 0.5;
        c.rate_limit_burst = 3.0;
    });
    for _ in 0..3 {
        assert_eq!(srv.get("/api/v1/sites", Some("SUPARCO-viewer")).status, 200);
    }
    let r = srv.get("/api/v1/sites", Some("SUPARCO-viewer"));
    let p = r.assert_problem(429);
    assert_eq!(
        r.headers.get("retry-after").map(String::as_str),
        Some("2"),
        "{p}"
    );
    // Per token: another caller is not held back; operations endpoints are never limited.
    assert_eq!(srv.get("/api/v1/sites", Some("CONIDA-viewer")).status, 200);
    assert_eq!(srv.get("/healthz", None).status, 200);
}

#[test]
fn anonymous_access_can_be_switched_off() {
    let srv = small(Engine::Sqlite, |c| c.allow_anonymous = false);
    srv.get("/api/v1/gp?norad=1", None).assert_problem(401);
    assert_eq!(
        srv.get("/api/v1/gp?norad=1", Some("Watcher-viewer")).status,
        200
    );
    assert_eq!(srv.get("/healthz", None).status, 200);
}

#[test]
fn etags_paging_and_formats() {
    let srv = small(Engine::Sqlite, |_| {});
    let r = srv.get("/api/v1/gp?norad=1,2,3", None);
    assert_eq!(r.status, 200);
    assert_eq!(r.content_type, "application/json");
    let tag = r.headers.get("etag").expect("etag").clone();
    let again = srv.call(
        "GET",
        "/api/v1/gp?norad=1,2,3",
        None,
        &[("if-none-match", &tag)],
        None,
    );
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    // A new element set changes the answer and its tag.
    let text = three_le(&[element(2, 5, "CAT 2")]);
    let v = srv
        .call(
            "POST",
            "/api/v1/elements?sharing=public",
            Some(srv.token("SUPARCO-analyst")),
            &[],
            Some(&text),
        )
        .json();
    assert_eq!(v["accepted"], 1);
    let changed = srv.call(
        "GET",
        "/api/v1/gp?norad=1,2,3",
        None,
        &[("if-none-match", &tag)],
        None,
    );
    assert_eq!(changed.status, 200);
    assert_ne!(changed.headers.get("etag"), Some(&tag));
    // Every format, read back by our own readers to the same objects.
    for (fmt, ct) in [
        ("tle", "text/plain"),
        ("3le", "text/plain"),
        ("omm-kvn", "text/plain"),
        ("omm-xml", "application/xml"),
        ("omm-csv", "text/csv"),
        ("omm-json", "application/json"),
    ] {
        let r = srv.get(&format!("/api/v1/gp?norad=1,2,3&format={fmt}"), None);
        assert_eq!(r.status, 200);
        assert!(r.content_type.starts_with(ct), "{fmt}: {}", r.content_type);
        let read = aposos_formats::read_elements(fmt, &r.body, &Default::default());
        assert!(read.errors.is_empty(), "{fmt}: {:?}", read.errors);
        assert_eq!(
            read.elements
                .iter()
                .map(|e| e.norad_cat_id)
                .collect::<Vec<_>>(),
            vec![1, 2, 3],
            "{fmt}"
        );
    }
    // Paging: a Link header to the next page, and the pages cover the catalog once.
    let r = srv.get("/api/v1/gp?limit=7&format=tle", None);
    let link = r.headers.get("link").expect("link");
    assert!(
        link.contains("cursor=") && link.ends_with("rel=\"next\""),
        "{link}"
    );
    let mut n = 0;
    let mut path = "/api/v1/satcat?limit=7".to_string();
    loop {
        let r = srv.get(&path, None);
        n += r.json().as_array().unwrap().len();
        match r.headers.get("x-next-cursor") {
            Some(c) => path = format!("/api/v1/satcat?limit=7&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(n, 31);
    // History over a range.
    let h = srv
        .get("/api/v1/gp/history?norad=2&from=2008-09-22T00:00:00Z", None)
        .json();
    assert_eq!(h.as_array().unwrap().len(), 1);
    // Groups and SATCAT queries.
    assert_eq!(
        srv.get("/api/v1/gp?group=leo&limit=100", None)
            .norads()
            .len(),
        30
    );
    assert!(srv.get("/api/v1/gp?group=geo", None).norads().is_empty());
    assert_eq!(
        srv.get("/api/v1/gp?group=payloads", None).norads().len(),
        30
    );
    let owned = srv.get("/api/v1/satcat?owner=paki", None).json();
    assert_eq!(owned[0]["NORAD_CAT_ID"], 77);
    assert_eq!(owned[0]["OWNER_ORGANISATION"], "SUPARCO");
    assert_eq!(
        srv.get("/api/v1/satcat/5", None).json()["OBJECT_NAME"],
        "OBJECT 5"
    );
}

#[test]
fn sites_and_markings_follow_the_roles() {
    let srv = small(Engine::Sqlite, |_| {});
    let sites = srv.get("/api/v1/sites", None).json();
    assert_eq!(sites.as_array().unwrap().len(), 2);
    assert_eq!(sites[0]["telescope"]["aperture_m"], 0.15);
    let put = |user: Option<&str>, site: &str, body: &str| {
        let token = user.map(|u| srv.token(u).to_string());
        srv.call(
            "PUT",
            &format!("/api/v1/sites/{site}/status"),
            token.as_deref(),
            &[("content-type", "application/json")],
            Some(body),
        )
    };
    let ok = put(
        Some("SUPARCO-operator"),
        "pk-test",
        r#"{"status":"weather"}"#,
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.json()["status"], "weather");
    assert_eq!(
        srv.get("/api/v1/sites/pk-test", None).json()["status"],
        "weather"
    );
    put(
        Some("CONIDA-operator"),
        "pk-test",
        r#"{"status":"offline"}"#,
    )
    .assert_problem(403);
    put(
        Some("SUPARCO-analyst"),
        "pk-test",
        r#"{"status":"offline"}"#,
    )
    .assert_problem(403);
    put(
        Some("Watcher-operator"),
        "pk-test",
        r#"{"status":"offline"}"#,
    )
    .assert_problem(403);
    put(None, "pk-test", r#"{"status":"offline"}"#).assert_problem(401);
    put(Some("SUPARCO-operator"), "pk-test", r#"{"status":"sunny"}"#).assert_problem(422);
    put(
        Some("SUPARCO-operator"),
        "nowhere",
        r#"{"status":"online"}"#,
    )
    .assert_problem(404);
    assert_eq!(
        put(Some("admin"), "pe-test", r#"{"status":"maintenance"}"#).status,
        200
    );
    assert_eq!(
        srv.get("/api/v1/sites/pk-test", None).json()["status"],
        "weather",
        "refusals change nothing"
    );
    let audit = srv
        .get("/api/v1/audit?action=site.status", Some("admin"))
        .json();
    let rows: Vec<(String, String)> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["user"].as_str().unwrap_or("").to_string(),
                e["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(rows.contains(&("SUPARCO-operator".into(), "ok".into())));
    assert!(rows.contains(&("CONIDA-operator".into(), "denied".into())));
    // Markings: the owner's analysts and the admins only.
    let mark = |user: &str, norad: u32| {
        srv.call(
            "PUT",
            &format!("/api/v1/satcat/{norad}/marking"),
            Some(srv.token(user)),
            &[("content-type", "application/json")],
            Some(r#"{"consortium_only":true}"#),
        )
    };
    mark("CONIDA-analyst", 77).assert_problem(403);
    mark("SUPARCO-viewer", 77).assert_problem(403);
    assert_eq!(mark("SUPARCO-analyst", 77).json()["CONSORTIUM_ONLY"], true);
    mark("SUPARCO-analyst", 5).assert_problem(403);
    assert_eq!(mark("admin", 5).status, 200);
    mark("admin", 4242).assert_problem(404);
}

#[test]
fn openapi_describes_exactly_the_mounted_routes() {
    let srv = small(Engine::Sqlite, |_| {});
    let doc = srv.get("/api/openapi.json", None).json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    let mut documented = Vec::new();
    for (path, ops) in paths {
        for method in ops.as_object().unwrap().keys() {
            documented.push(format!("{} {path}", method.to_uppercase()));
        }
    }
    documented.sort();
    // The routes this server is meant to mount (a new route must be added here and documented).
    let mut expected = vec![
        "GET /api/v1/gp",
        "GET /api/v1/gp/history",
        "GET /api/v1/satcat",
        "GET /api/v1/satcat/{norad}",
        "PUT /api/v1/satcat/{norad}/marking",
        "POST /api/v1/elements",
        "GET /api/v1/sites",
        "GET /api/v1/sites/{id}",
        "GET /api/v1/sites/{id}/diagnostics",
        "PUT /api/v1/sites/{id}/status",
        "GET /api/v1/sites/{id}/plan",
        "POST /api/v1/sites/{id}/plan",
        "GET /api/v1/requests",
        "POST /api/v1/requests",
        "GET /api/v1/requests/{id}",
        "DELETE /api/v1/requests/{id}",
        "GET /api/v1/observations",
        "POST /api/v1/observations",
        "GET /api/v1/audit",
        "GET /api/v1/me",
        "GET /healthz",
        "GET /readyz",
        "GET /metrics",
    ];
    expected.sort();
    assert_eq!(documented, expected);
    // Every documented operation is really mounted: it never gets the router's "no such
    // resource" nor 405, whatever the arguments.
    for op in &documented {
        let (method, path) = op.split_once(' ').unwrap();
        let concrete = path.replace("{norad}", "5").replace("{id}", "pk-test");
        let r = srv.call(
            method,
            &concrete,
            Some(srv.token("admin")),
            &[("content-type", "application/json")],
            if method == "GET" { None } else { Some("{}") },
        );
        assert_ne!(r.status, 405, "{op}");
        if r.status == 404 {
            assert!(
                !r.body.contains("no such resource"),
                "{op} is documented but not mounted"
            );
        }
        // And every documented operation describes its answers.
        assert!(
            paths[path][method.to_lowercase()]["responses"]
                .as_object()
                .is_some_and(|m| !m.is_empty()),
            "{op}"
        );
    }
    // A route that is not documented is not mounted either.
    assert!(srv
        .get("/api/v1/tokens", Some("admin"))
        .body
        .contains("no such resource"));
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[test]
fn operations_endpoints() {
    let srv = small(Engine::Sqlite, |_| {});
    assert_eq!(srv.get("/healthz", None).body, "ok\n");
    assert_eq!(srv.get("/readyz", None).body, "ready\n");
    srv.get("/api/v1/gp?norad=1", None);
    srv.get("/api/v1/gp?norad=abc", None);
    let m = srv.get("/metrics", None);
    assert!(m.content_type.starts_with("text/plain"));
    assert!(
        m.body.contains(
            "aposos_http_requests_total{method=\"GET\",route=\"/api/v1/gp\",status=\"200\"} 1"
        ),
        "{}",
        m.body
    );
    assert!(m.body.contains(
        "aposos_http_requests_total{method=\"GET\",route=\"/api/v1/gp\",status=\"400\"} 1"
    ));
    assert!(m.body.contains("aposos_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/gp\",le=\"+Inf\"} 2"));
    assert!(m.body.contains("aposos_db_pool_connections "));
    assert!(m.body.contains("aposos_db_pool_max_connections 8"));
    // Readiness follows the database.
    srv.block_on(srv.store.close());
    srv.get("/readyz", None).assert_problem(503);
    assert_eq!(srv.get("/healthz", None).status, 200);
}

#[test]
fn the_api_works_the_same_on_postgres() {
    let srv = small(Engine::Postgres, |_| {});
    let text = three_le(&[element(601, 1, "PG ONE"), element(602, 1, "PG TWO")]);
    let v = srv
        .call(
            "POST",
            "/api/v1/elements?sharing=private",
            Some(srv.token("SUPARCO-analyst")),
            &[],
            Some(&text),
        )
        .json();
    assert_eq!(v["accepted"], 2);
    let v = srv
        .call(
            "POST",
            "/api/v1/elements?sharing=private",
            Some(srv.token("SUPARCO-analyst")),
            &[],
            Some(&text),
        )
        .json();
    assert_eq!(v["duplicates"], 2);
    assert_eq!(
        srv.get("/api/v1/gp?norad=601,602", Some("SUPARCO-viewer"))
            .norads(),
        vec![601, 602]
    );
    srv.get("/api/v1/gp?norad=601", Some("CONIDA-viewer"))
        .assert_problem(404);
    srv.get("/api/v1/gp?name=%00", None).assert_problem(400);
    // Two analysts of one organisation uploading overlapping sets in opposite orders at once:
    // no deadlock, every set stored once.
    let a: Vec<_> = (0..40).map(|i| element(700 + i, 1, "RACE")).collect();
    let b: Vec<_> = a.iter().rev().cloned().collect();
    let (ta, tb) = (three_le(&a), three_le(&b));
    std::thread::scope(|sc| {
        for text in [&ta, &tb, &ta, &tb] {
            let srv = &srv;
            sc.spawn(move || {
                let r = srv.call(
                    "POST",
                    "/api/v1/elements?sharing=private",
                    Some(srv.token("SUPARCO-analyst")),
                    &[],
                    Some(text),
                );
                assert_eq!(r.status, 200, "{}", r.body);
            });
        }
    });
    let n = srv
        .get("/api/v1/gp?name=race&limit=1000", Some("SUPARCO-viewer"))
        .norads()
        .len();
    assert_eq!(n, 40);
    assert_eq!(srv.get("/api/v1/gp?limit=100", None).norads().len(), 30);
    assert_eq!(srv.get("/readyz", None).status, 200);
    let audit = srv.get("/api/v1/audit", Some("admin")).json();
    assert!(audit
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "gp.read" && e["user"] == "SUPARCO-viewer"));
}
