//! Black-box access matrix through the HTTP API: every caller (anonymous, the centre's
//! admin, each role of two member states and of an observer) against every item
//! (owner organisation × sharing level × object marked consortium-only or not) on every
//! endpoint that reads or lists element sets. Nobody may read what they should not, and
//! a forbidden item answers exactly as an absent one. Run on SQLite and on PostgreSQL.
//!
//! The expected visibility is written here as its own table, not by calling the
//! server's policy, so a change to the rule shows up as a failure.

mod common;

use common::{element, object, three_le, Engine, TestServer, ORGS, ROLES};
use std::collections::BTreeSet;

const SHARINGS: &[&str] = &["private", "consortium", "public"];

/// One matrix item: an element set uploaded by `owner` at `sharing`, on an object marked or not.
#[derive(Debug, Clone)]
struct Item {
    norad: u32,
    owner: &'static str,
    sharing: &'static str,
    marked: bool,
}

fn items() -> Vec<Item> {
    let mut v = Vec::new();
    for (oi, (owner, ..)) in ORGS.iter().enumerate() {
        for (si, sharing) in SHARINGS.iter().enumerate() {
            for marked in [false, true] {
                v.push(Item {
                    norad: 100 + (oi * 6 + si * 2) as u32 + u32::from(marked),
                    owner,
                    sharing,
                    marked,
                });
            }
        }
    }
    v
}

/// A caller: `None` anonymous, else a user name, with its organisation and role.
#[derive(Debug, Clone)]
struct Caller {
    user: Option<String>,
    org: Option<&'static str>,
    admin: bool,
}

fn callers() -> Vec<Caller> {
    let mut v = vec![
        Caller {
            user: None,
            org: None,
            admin: false,
        },
        Caller {
            user: Some("admin".into()),
            org: Some("Centre"),
            admin: true,
        },
    ];
    for (org, ..) in ORGS {
        for role in ROLES {
            v.push(Caller {
                user: Some(format!("{org}-{role}")),
                org: Some(org),
                admin: false,
            });
        }
    }
    v
}

/// The agreed rule, spelt out: may `c` read `it`?
fn expected(c: &Caller, it: &Item) -> bool {
    let member = matches!(c.org, Some("Centre" | "SUPARCO" | "CONIDA"));
    let own = c.org == Some(it.owner);
    // A marked object's precise products are at most consortium.
    let level = if it.marked && it.sharing == "public" {
        "consortium"
    } else {
        it.sharing
    };
    c.admin
        || own
        || match level {
            "private" => false,
            "consortium" => member,
            "public" => true,
            _ => unreachable!(),
        }
}

fn run_matrix(engine: Engine) {
    // The public catalog: five objects of nobody's products, and object 300 (layered below).
    let catalog: Vec<_> = (200..205)
        .chain([300])
        .map(|n| element(n, 0, &format!("CATALOG {n}")))
        .collect();
    let mut objects: Vec<_> = items()
        .iter()
        .map(|it| object(it.norad, if it.marked { "PAKI" } else { "US" }))
        .collect();
    objects.extend((200..205).chain([300]).map(|n| object(n, "US")));
    let srv = TestServer::start(engine, catalog, objects, |_| {});

    // The owners' analysts upload their products; marked objects are marked by SUPARCO (their owner).
    for it in items() {
        let analyst = format!("{}-analyst", it.owner);
        let text = three_le(&[element(it.norad, 1, &format!("MATRIX {}", it.norad))]);
        let r = srv.call(
            "POST",
            &format!("/api/v1/elements?sharing={}", it.sharing),
            Some(srv.token(&analyst)),
            &[],
            Some(&text),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["accepted"], 1, "{}", r.body);
        if it.marked {
            let r = srv.call(
                "PUT",
                &format!("/api/v1/satcat/{}/marking", it.norad),
                Some(srv.token("SUPARCO-analyst")),
                &[("content-type", "application/json")],
                Some(r#"{"consortium_only":true}"#),
            );
            assert_eq!(r.status, 200, "{}", r.body);
        }
    }
    // Object 300: public catalog (day 0), SUPARCO consortium (day 1), CONIDA private (day 2).
    for (who, sharing, day) in [
        ("SUPARCO-analyst", "consortium", 1),
        ("CONIDA-analyst", "private", 2),
    ] {
        let text = three_le(&[element(300, day, "LAYERED")]);
        let r = srv.call(
            "POST",
            &format!("/api/v1/elements?sharing={sharing}"),
            Some(srv.token(who)),
            &[],
            Some(&text),
        );
        assert_eq!(r.json()["accepted"], 1, "{}", r.body);
    }

    // What an absent object answers, per endpoint (the number substituted).
    let absent_gp = srv.get("/api/v1/gp?norad=999", None);
    absent_gp.assert_problem(404);
    let absent_hist = srv.get("/api/v1/gp/history?norad=999", None);
    absent_hist.assert_problem(404);

    let all_items = items();
    let matrix_norads: BTreeSet<u32> = all_items.iter().map(|i| i.norad).collect();
    let mut checks = 0usize;
    for c in callers() {
        let user = c.user.as_deref();
        let visible: BTreeSet<u32> = all_items
            .iter()
            .filter(|it| expected(&c, it))
            .map(|it| it.norad)
            .collect();
        for it in &all_items {
            let may = expected(&c, it);
            for (path, absent) in [
                (format!("/api/v1/gp?norad={}", it.norad), &absent_gp),
                (
                    format!("/api/v1/gp/history?norad={}", it.norad),
                    &absent_hist,
                ),
                (
                    format!("/api/v1/gp?norad={}&format=3le", it.norad),
                    &absent_gp,
                ),
            ] {
                let r = srv.get(&path, user);
                if may {
                    assert_eq!(r.status, 200, "{c:?} {it:?} {path}: {}", r.body);
                    assert!(
                        r.body.contains(&format!("MATRIX {}", it.norad)),
                        "{c:?} {path}: {}",
                        r.body
                    );
                } else {
                    assert_eq!(
                        r.status, 404,
                        "{c:?} must not read {it:?} via {path}: {}",
                        r.body
                    );
                    assert_eq!(
                        r.body,
                        absent.body.replace("999", &it.norad.to_string()),
                        "{c:?} {path}: forbidden must answer as absent"
                    );
                    assert_eq!(r.content_type, absent.content_type);
                }
                checks += 1;
            }
        }
        // Lists: the whole catalog, a multi-object query, a name search, and a paged walk.
        let listed: BTreeSet<u32> = srv
            .get("/api/v1/gp", user)
            .norads()
            .into_iter()
            .filter(|n| matrix_norads.contains(n))
            .collect();
        assert_eq!(listed, visible, "{c:?}: whole-catalog list");
        let list: Vec<String> = matrix_norads.iter().map(|n| n.to_string()).collect();
        let multi = srv.get(&format!("/api/v1/gp?norad={}", list.join(",")), user);
        let multi_set: BTreeSet<u32> = if multi.status == 404 {
            BTreeSet::new()
        } else {
            multi.norads().into_iter().collect()
        };
        assert_eq!(multi_set, visible, "{c:?}: multi-object query");
        let named = srv.get("/api/v1/gp?name=matrix&format=3le", user);
        assert_eq!(named.status, 200);
        assert_eq!(
            named.body.lines().count(),
            3 * visible.len(),
            "{c:?}: name search in 3LE"
        );
        let mut walked = BTreeSet::new();
        let mut path = "/api/v1/gp?limit=4".to_string();
        let mut pages = 0;
        loop {
            let r = srv.get(&path, user);
            assert_eq!(r.status, 200, "{}", r.body);
            let page = r.norads();
            assert!(page.len() <= 4);
            for n in page {
                assert!(walked.insert(n), "{c:?}: object {n} on two pages");
            }
            pages += 1;
            match r.headers.get("x-next-cursor") {
                Some(cur) => path = format!("/api/v1/gp?limit=4&cursor={cur}"),
                None => break,
            }
        }
        assert!(pages > 1);
        assert_eq!(
            walked
                .intersection(&matrix_norads)
                .copied()
                .collect::<BTreeSet<_>>(),
            visible,
            "{c:?}: paged walk"
        );
        checks += 4;

        // The layered object: each caller gets the newest set it may see.
        let want_day = if c.admin || c.org == Some("CONIDA") {
            2
        } else if c.org == Some("SUPARCO") || c.org == Some("Centre") {
            1
        } else {
            0
        };
        let r = srv.get("/api/v1/gp?norad=300", user);
        let epoch = r.json()[0]["EPOCH"].as_str().unwrap().to_string();
        let want = format!("2008-09-{:02}", 20 + want_day);
        assert!(
            epoch.starts_with(&want),
            "{c:?}: layered object gave {epoch}, want {want}"
        );
        let hist = srv
            .get("/api/v1/gp/history?norad=300", user)
            .json()
            .as_array()
            .unwrap()
            .len();
        let want_hist = match want_day {
            2 => 3,
            1 => 2,
            _ => 1,
        };
        assert_eq!(hist, want_hist, "{c:?}: history of the layered object");
        checks += 2;
    }
    eprintln!("{engine:?}: {checks} access checks");
    assert_eq!(checks, callers().len() * (all_items.len() * 3 + 6));

    // Every read of non-public data was audited, with who and from where; public reads were not.
    let audit = srv.get("/api/v1/audit?action=gp.&limit=100000", Some("admin"));
    assert_eq!(audit.status, 200, "{}", audit.body);
    let entries = audit.json();
    let entries = entries.as_array().unwrap();
    let users: BTreeSet<&str> = entries.iter().filter_map(|e| e["user"].as_str()).collect();
    for c in callers() {
        let saw_non_public = all_items
            .iter()
            .any(|it| expected(&c, it) && (it.sharing != "public" || it.marked));
        match c.user.as_deref() {
            Some(u) => assert_eq!(
                users.contains(u),
                saw_non_public,
                "{u}: audited iff it read non-public data"
            ),
            None => assert!(
                entries.iter().all(|e| !e["user"].is_null()),
                "anonymous reads are public only, never audited"
            ),
        }
    }
    assert!(entries.iter().all(|e| e["remote_addr"] == "127.0.0.1"));
    // Reading the audit log is audited too.
    let again = srv
        .get("/api/v1/audit?action=audit.read", Some("admin"))
        .json();
    assert!(
        !again.as_array().unwrap().is_empty(),
        "audit reads are recorded"
    );
    // The audit log itself is for admins only.
    srv.get("/api/v1/audit", Some("SUPARCO-viewer"))
        .assert_problem(403);
    srv.get("/api/v1/audit", None).assert_problem(401);
}

#[test]
fn access_matrix_on_sqlite() {
    run_matrix(Engine::Sqlite);
}

#[test]
fn access_matrix_on_postgres() {
    run_matrix(Engine::Postgres);
}
