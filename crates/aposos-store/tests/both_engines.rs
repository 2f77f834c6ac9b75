//! The store's behaviour, run identically on the embedded SQLite file and on PostgreSQL
//! (the server started by `scripts/with-postgres`).

use aposos_formats::{read_elements, ElementSet, ReadOptions};
use aposos_store::catalog::{GpFilter, InsertOutcome, NewAudit, NewElementSet, ObjectFilter};
use aposos_store::seed::{Seed, SeedOrg};
use aposos_store::testing::{fresh_dir, fresh_postgres_database};
use aposos_store::{
    ItemAccess, ObjectRecord, OrgKind, Role, Sharing, SiteRecord, Store, StoreError,
};

const ISS: &str = "ISS (ZARYA)
1 25544U 98067A   08264.51782528 -.00002182  00000+0 -11606-4 0  2926
2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537
";

fn iss() -> ElementSet {
    read_elements("iss", ISS, &ReadOptions::default())
        .elements
        .remove(0)
}

fn element(norad: u32, day_offset: i64) -> ElementSet {
    let mut e = iss();
    e.norad_cat_id = norad;
    e.epoch = e
        .epoch
        .add_ns(day_offset * aposos_formats::epoch::NS_PER_DAY);
    e
}

fn object(norad: u32, owner: &str) -> ObjectRecord {
    ObjectRecord {
        norad_cat_id: norad,
        object_id: Some(format!("2020-{:03}A", norad % 1000)),
        object_name: Some(format!("OBJECT {norad}")),
        object_type: "PAY".into(),
        owner: Some(owner.into()),
        launch_site: None,
        launch_date: Some("2020-01-01".into()),
        decay_date: None,
        orbit_class: None,
        rcs_m2: Some(1.5),
        size_m: None,
        std_mag: None,
        consortium_only: false,
        provisional: false,
    }
}

fn seed() -> Seed {
    let org = |n: &str, k, c: Option<&str>, o: Option<&str>| SeedOrg {
        name: n.into(),
        kind: k,
        country: c.map(Into::into),
        satcat_owner: o.map(Into::into),
    };
    Seed {
        centre: Some(org("Centre", OrgKind::Member, None, None)),
        orgs: vec![
            org("SUPARCO", OrgKind::Member, Some("PK"), Some("PAKI")),
            org("Watcher", OrgKind::Observer, None, None),
        ],
        admin_user: "admin".into(),
        sites: vec![SiteRecord {
            id: "pk-test".into(),
            name: "Test node".into(),
            country: "PK".into(),
            role: "node".into(),
            status: "planned".into(),
            lat_deg: 33.5,
            lon_deg: 73.1,
            height_m: 480.0,
            telescope: serde_json::json!({"aperture_m": 0.15}),
            horizon_mask: serde_json::json!([[0.0, 10.0]]),
            station_number: None,
            updated_us: 0,
        }],
        objects: (1..=5)
            .map(|n| object(n, if n == 1 { "PAKI" } else { "US" }))
            .collect(),
        elements: (1..=5).map(|n| element(n, 0)).collect(),
        elements_format: "3le".into(),
    }
}

fn audit(action: &str) -> NewAudit {
    NewAudit {
        user_id: None,
        user_name: Some("tester".into()),
        org_id: None,
        action: action.into(),
        target: "t".into(),
        outcome: "ok".into(),
        remote_addr: Some("127.0.0.1".into()),
        detail: None,
    }
}

async fn exercise(store: Store) {
    store.migrate().await.unwrap();
    store.migrate().await.expect("migrations are idempotent");
    assert!(!store.is_seeded().await.unwrap());
    let report = store
        .seed_if_new(&seed())
        .await
        .unwrap()
        .expect("first seed");
    assert_eq!(
        (
            report.orgs,
            report.sites,
            report.objects,
            report.element_sets
        ),
        (3, 1, 5, 5)
    );
    assert!(
        store.seed_if_new(&seed()).await.unwrap().is_none(),
        "seeding happens once"
    );

    // Tokens: shown once, stored hashed, expiring and revocable.
    let admin = store
        .authenticate(&report.admin_token.token)
        .await
        .unwrap()
        .expect("admin token works");
    assert_eq!(
        (admin.role, admin.org_name.as_str()),
        (Role::Admin, "Centre")
    );
    assert!(store.authenticate("aposos_0000").await.unwrap().is_none());
    let pk = store.find_org("SUPARCO").await.unwrap();
    store
        .add_user("pk-analyst", "SUPARCO", Role::Analyst)
        .await
        .unwrap();
    let e = store
        .add_user("pk-admin", "SUPARCO", Role::Admin)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("centre"),
        "admins belong to the centre only: {e}"
    );
    assert_eq!(store.centre_org().await.unwrap().as_deref(), Some("Centre"));
    assert!(matches!(
        store.add_user("pk-analyst", "SUPARCO", Role::Viewer).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.add_user("x", "Nobody", Role::Viewer).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.add_org("SUPARCO", OrgKind::Member, None, None).await,
        Err(StoreError::Conflict(_))
    ));
    let t = store.create_token("pk-analyst", "test", 1).await.unwrap();
    let p = store.authenticate(&t.token).await.unwrap().unwrap();
    assert_eq!(
        (p.org_id, p.role, p.org_satcat_owner.as_deref()),
        (pk.id, Role::Analyst, Some("PAKI"))
    );
    let listed = store.list_tokens(Some("pk-analyst")).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(
        !format!("{listed:?}").contains(&t.token[7..]),
        "listings never show the secret"
    );
    assert!(store.revoke_token(t.id).await.unwrap());
    assert!(
        store.authenticate(&t.token).await.unwrap().is_none(),
        "revoked"
    );
    assert!(store.create_token("pk-analyst", "", 0).await.is_err());

    // Element sets: duplicates (same object, epoch, source) change nothing.
    let mk = |e: ElementSet, sharing| NewElementSet {
        elements: e,
        source_org_id: pk.id,
        sharing,
        precise: true,
        uploaded_by: Some(p.user_id),
        upload_format: "3le".into(),
    };
    let items = vec![
        mk(element(1, 1), Sharing::Private),
        mk(element(1, 2), Sharing::Consortium),
        mk(element(1, 1), Sharing::Public),
    ];
    let out = store
        .insert_element_sets(&items, Some(&audit("elements.upload")))
        .await
        .unwrap();
    assert!(matches!(out[0], InsertOutcome::Inserted(_)));
    assert!(matches!(out[1], InsertOutcome::Inserted(_)));
    assert_eq!(out[2], InsertOutcome::Duplicate);
    let again = store.insert_element_sets(&items[..1], None).await.unwrap();
    assert_eq!(again, vec![InsertOutcome::Duplicate]);
    assert_eq!(store.count_element_sets().await.unwrap(), 7);

    // Latest visible: the predicate decides, and an older visible set shows through.
    let only_public = |a: &ItemAccess| a.sharing == Sharing::Public;
    let all = |_: &ItemAccess| true;
    let keep = |_: &ElementSet| true;
    let f = GpFilter {
        norads: vec![1],
        ..GpFilter::default()
    };
    let (v, more) = store
        .latest_element_sets(&f, None, 10, &only_public, &keep)
        .await
        .unwrap();
    assert!(!more);
    assert_eq!(v.len(), 1);
    assert_eq!(
        v[0].elements.epoch,
        element(1, 0).epoch,
        "public catalog set"
    );
    assert_eq!(
        v[0].elements,
        element(1, 0),
        "element set round trip through the database"
    );
    let (v, _) = store
        .latest_element_sets(&f, None, 10, &all, &keep)
        .await
        .unwrap();
    assert_eq!(v[0].elements.epoch, element(1, 2).epoch);
    assert_eq!(v[0].access.sharing, Sharing::Consortium);

    // Paging over the catalog by number, stable and complete.
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let (page, more) = store
            .latest_element_sets(&GpFilter::default(), after, 2, &all, &keep)
            .await
            .unwrap();
        seen.extend(page.iter().map(|s| s.elements.norad_cat_id));
        after = page.last().map(|s| s.elements.norad_cat_id);
        if !more {
            break;
        }
    }
    assert_eq!(seen, vec![1, 2, 3, 4, 5]);
    let by_name = GpFilter {
        name_contains: Some("zar".into()),
        ..GpFilter::default()
    };
    assert_eq!(
        store
            .latest_element_sets(&by_name, None, 10, &all, &keep)
            .await
            .unwrap()
            .0
            .len(),
        5
    );
    let wildcard = GpFilter {
        name_contains: Some("%".into()),
        ..GpFilter::default()
    };
    assert!(
        store
            .latest_element_sets(&wildcard, None, 10, &all, &keep)
            .await
            .unwrap()
            .0
            .is_empty(),
        "LIKE wildcards are literal"
    );
    let owned = GpFilter {
        owners: vec!["PAKI".into()],
        ..GpFilter::default()
    };
    let (v, _) = store
        .latest_element_sets(&owned, None, 10, &all, &keep)
        .await
        .unwrap();
    assert_eq!(
        v.iter()
            .map(|s| s.elements.norad_cat_id)
            .collect::<Vec<_>>(),
        vec![1]
    );

    // History with a cursor.
    let lo = element(1, -10).epoch;
    let hi = element(1, 10).epoch;
    let (h1, more) = store
        .element_set_history(1, lo, hi, None, 2, &all)
        .await
        .unwrap();
    assert!(more);
    let cursor = (h1[1].elements.epoch.ns_since_1950(), h1[1].id);
    let (h2, more) = store
        .element_set_history(1, lo, hi, Some(cursor), 2, &all)
        .await
        .unwrap();
    assert!(!more);
    assert_eq!(h1.len() + h2.len(), 3);
    let (hp, _) = store
        .element_set_history(1, lo, hi, None, 10, &only_public)
        .await
        .unwrap();
    assert_eq!(hp.len(), 1);

    // Objects and marking.
    assert!(store
        .set_consortium_only(1, true, &audit("satcat.marking"))
        .await
        .unwrap());
    assert!(store.get_object(1).await.unwrap().unwrap().consortium_only);
    assert!(!store
        .set_consortium_only(999, true, &audit("satcat.marking"))
        .await
        .unwrap());
    let (v, _) = store
        .latest_element_sets(&f, None, 10, &all, &keep)
        .await
        .unwrap();
    assert!(v[0].access.object_consortium_only);
    // Optional numbers: a NULL first, then values, through the same (cached) statement.
    let mut none = object(40, "US");
    none.rcs_m2 = None;
    none.std_mag = None;
    let mut some = object(41, "US");
    some.rcs_m2 = Some(0.123456789012345);
    some.size_m = Some(2.5);
    some.std_mag = Some(-1.25);
    assert_eq!(
        store
            .insert_objects(std::slice::from_ref(&none))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .insert_objects(std::slice::from_ref(&some))
            .await
            .unwrap(),
        1
    );
    assert_eq!(store.get_object(40).await.unwrap().unwrap(), none);
    assert_eq!(
        store.get_object(41).await.unwrap().unwrap(),
        some,
        "floats survive exactly"
    );
    let objs = store
        .list_objects(&ObjectFilter::default(), Some(2), 2)
        .await
        .unwrap();
    assert_eq!(
        objs.iter().map(|o| o.norad_cat_id).collect::<Vec<_>>(),
        vec![3, 4]
    );

    // Sites.
    assert!(store
        .set_site_status("pk-test", "sunny", None, &audit("site.status"))
        .await
        .is_err());
    let s = store
        .set_site_status("pk-test", "online", Some(p.user_id), &audit("site.status"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.status, "online");
    assert!(store
        .set_site_status("nowhere", "online", None, &audit("site.status"))
        .await
        .unwrap()
        .is_none());

    // Audit: every write above left an entry; filters and cursor work.
    let all_audit = store
        .query_audit(&Default::default(), None, 100)
        .await
        .unwrap();
    let actions: Vec<&str> = all_audit.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(
        actions,
        vec!["elements.upload", "satcat.marking", "site.status"]
    );
    let f = aposos_store::audit::AuditFilter {
        action_prefix: Some("site.".into()),
        ..Default::default()
    };
    assert_eq!(store.query_audit(&f, None, 100).await.unwrap().len(), 1);
    let first = &all_audit[0];
    let rest = store
        .query_audit(&Default::default(), Some((first.at_us, first.id)), 100)
        .await
        .unwrap();
    assert_eq!(rest.len(), 2);

    requests_and_plans(&store, &p).await;
    store.close().await;
}

/// Tracking requests (filed, listed newest first, cancelled softly, found by window) and
/// versioned plans, as `p` (an analyst of SUPARCO).
async fn requests_and_plans(store: &Store, p: &aposos_store::Principal) {
    use aposos_store::requests::{NewRequest, REQUEST_ACTIVE, REQUEST_CANCELLED};
    let body = |ids: Vec<u32>, from: &str, to: &str, priority: u8| NewRequest {
        norad_ids: ids,
        from_utc: from.into(),
        to_utc: to.into(),
        priority,
        tracklets_per_night: 2,
        nights: 1,
        sharing: "private".into(),
        note: Some("for the conjunction on the 3rd".into()),
    };
    let day = 86_400_000_000_i64;
    let a = body(
        vec![25544, 1],
        "2026-12-01T00:00:00Z",
        "2026-12-05T00:00:00Z",
        3,
    )
    .validate()
    .unwrap();
    let b = body(vec![7], "2026-12-04T00:00:00Z", "2026-12-10T00:00:00Z", 9)
        .validate()
        .unwrap();
    let mut audit_target = audit("request.file");
    audit_target.target = String::new();
    let ra = store.insert_request(p, &a, &audit_target).await.unwrap();
    let rb = store
        .insert_request(p, &b, &audit("request.file"))
        .await
        .unwrap();
    assert_eq!(
        (
            ra.org_name.as_str(),
            ra.user_name.as_str(),
            ra.norad_ids.clone(),
            ra.priority,
            ra.tracklets_per_night,
            ra.nights,
            ra.sharing,
            ra.status.as_str(),
            ra.note.as_deref(),
            ra.cancelled_us,
        ),
        (
            "SUPARCO",
            "pk-analyst",
            vec![25544, 1],
            3,
            2,
            1,
            Sharing::Private,
            REQUEST_ACTIVE,
            Some("for the conjunction on the 3rd"),
            None
        )
    );
    assert_eq!((ra.from_us, ra.to_us), (a.from_us, a.to_us));
    assert_eq!(ra.access().owner_org_id, p.org_id);
    assert_eq!(store.get_request(ra.id).await.unwrap().as_ref(), Some(&ra));
    assert!(store.get_request(42).await.unwrap().is_none());
    let listed: Vec<i64> = store
        .list_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(listed, vec![rb.id, ra.id], "newest first");
    // Overlap: a window touching only a's, both, only b's, none; most urgent first.
    let ids = |v: Vec<aposos_store::requests::TrackingRequest>| -> Vec<i64> {
        v.iter().map(|r| r.id).collect()
    };
    let between = |f: i64, t: i64| store.active_requests_between(f, t);
    assert_eq!(
        ids(between(a.from_us - day, a.from_us + day).await.unwrap()),
        vec![ra.id]
    );
    assert_eq!(
        ids(between(a.from_us, b.to_us).await.unwrap()),
        vec![rb.id, ra.id]
    );
    assert_eq!(
        ids(between(a.to_us, b.to_us).await.unwrap()),
        vec![rb.id],
        "windows are half-open"
    );
    assert!(between(b.to_us, b.to_us + day).await.unwrap().is_empty());
    let c = store
        .cancel_request(rb.id, &audit("request.cancel"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.status, REQUEST_CANCELLED);
    assert!(c.cancelled_us.is_some() && !c.is_active());
    let again = store
        .cancel_request(rb.id, &audit("request.cancel"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        again.cancelled_us, c.cancelled_us,
        "cancelling twice changes nothing"
    );
    assert!(store
        .cancel_request(42, &audit("request.cancel"))
        .await
        .unwrap()
        .is_none());
    assert_eq!(ids(between(a.from_us, b.to_us).await.unwrap()), vec![ra.id]);
    assert_eq!(
        store.list_requests().await.unwrap().len(),
        2,
        "the row is kept"
    );
    let f = aposos_store::audit::AuditFilter {
        action_prefix: Some("request.".into()),
        ..Default::default()
    };
    let entries = store.query_audit(&f, None, 100).await.unwrap();
    assert_eq!(entries.len(), 4);
    assert_eq!(
        entries[0].target,
        ra.id.to_string(),
        "an empty target names the request"
    );

    // Plans: versions from 1 per site and night; the latest unless one is asked for.
    let night = "2026-12-01";
    assert!(store
        .get_plan("pk-test", night, None)
        .await
        .unwrap()
        .is_none());
    assert!(store
        .plan_versions("pk-test", night)
        .await
        .unwrap()
        .is_empty());
    let doc1 = serde_json::json!({"targets": [{"norad": 25544, "start_utc": "2026-12-01T18:00:00Z"}], "x": 0.1});
    let doc2 = serde_json::json!({"targets": [], "note": "clouded out"});
    assert_eq!(
        store
            .insert_plan("pk-test", night, "admin", &doc1)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .insert_plan("pk-test", night, "planner", &doc2)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .insert_plan("pk-test", "2026-12-02", "admin", &doc1)
            .await
            .unwrap(),
        1,
        "versions count per night"
    );
    let latest = store
        .get_plan("pk-test", night, None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (latest.version, latest.created_by.as_str(), &latest.document),
        (2, "planner", &doc2)
    );
    let first = store
        .get_plan("pk-test", night, Some(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (first.version, &first.document),
        (1, &doc1),
        "documents round trip"
    );
    assert_eq!(
        (first.site_id.as_str(), first.night.as_str()),
        ("pk-test", night)
    );
    assert!(store
        .get_plan("pk-test", night, Some(3))
        .await
        .unwrap()
        .is_none());
    let versions = store.plan_versions("pk-test", night).await.unwrap();
    assert_eq!(
        versions
            .iter()
            .map(|v| (v.0, v.2.as_str()))
            .collect::<Vec<_>>(),
        vec![(1, "admin"), (2, "planner")]
    );
    assert!(versions[0].1 <= versions[1].1);
    assert!(matches!(
        store.insert_plan("nowhere", night, "admin", &doc1).await,
        Err(StoreError::NotFound(_))
    ));
    let e = store
        .insert_plan("pk-test", "2026-02-30", "admin", &doc1)
        .await
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("night: expected a date"), "{e}");
    // Concurrent publishers of one night get distinct, consecutive versions.
    let (x, y, z) = tokio::join!(
        store.insert_plan("pk-test", "2026-12-03", "a", &doc1),
        store.insert_plan("pk-test", "2026-12-03", "b", &doc1),
        store.insert_plan("pk-test", "2026-12-03", "c", &doc1)
    );
    let mut got = vec![x.unwrap(), y.unwrap(), z.unwrap()];
    got.sort();
    assert_eq!(got, vec![1, 2, 3]);
}

#[tokio::test]
async fn on_sqlite() {
    let dir = fresh_dir("store");
    exercise(Store::open_sqlite_dir(&dir).await.unwrap()).await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn on_postgres() {
    let url = fresh_postgres_database().await.unwrap();
    exercise(Store::connect(&url, 4).await.unwrap()).await;
}

#[tokio::test]
async fn concurrent_seeding_on_postgres_seeds_once() {
    let url = fresh_postgres_database().await.unwrap();
    let a = Store::connect(&url, 2).await.unwrap();
    let b = Store::connect(&url, 2).await.unwrap();
    let (ma, mb) = tokio::join!(a.migrate(), b.migrate());
    ma.unwrap();
    mb.unwrap();
    let s = seed();
    let (ra, rb) = tokio::join!(a.seed_if_new(&s), b.seed_if_new(&s));
    let seeded = [ra.unwrap().is_some(), rb.unwrap().is_some()];
    assert_eq!(
        seeded.iter().filter(|x| **x).count(),
        1,
        "exactly one process seeds"
    );
    assert_eq!(a.count_element_sets().await.unwrap(), 5);
    assert_eq!(b.list_orgs().await.unwrap().len(), 3);
}

#[tokio::test]
async fn bad_urls_are_refused_with_a_reason() {
    let e = Store::connect("mysql://x", 1)
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("sqlite: or postgres:"), "{e}");
    let e = Store::connect("postgres://u:secret@127.0.0.1:1/db", 1)
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(!e.contains("secret"), "password redacted: {e}");
}

/// A statement first run with NULL optional floats, then with values, on one connection
/// (so the second run reuses the prepared statement): sqlx's `Any` driver declares a NULL
/// f64 as float4, which once broke seeding the real SATCAT on PostgreSQL.
#[tokio::test]
async fn optional_floats_after_nulls_on_one_postgres_connection() {
    let url = fresh_postgres_database().await.unwrap();
    let store = Store::connect(&url, 1).await.unwrap();
    store.migrate().await.unwrap();
    let mut none = object(40, "US");
    none.rcs_m2 = None;
    none.size_m = None;
    none.std_mag = None;
    let mut some = object(41, "US");
    some.rcs_m2 = Some(0.123456789012345);
    some.size_m = Some(2.5);
    some.std_mag = Some(-1.25);
    for o in [&none, &some] {
        assert_eq!(
            store.insert_objects(std::slice::from_ref(o)).await.unwrap(),
            1
        );
    }
    assert_eq!(store.get_object(40).await.unwrap().unwrap(), none);
    assert_eq!(store.get_object(41).await.unwrap().unwrap(), some);
}
