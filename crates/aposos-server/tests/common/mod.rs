//! A test platform: the server in-process on 127.0.0.1 (SQLite or PostgreSQL), seeded with
//! organisations, users of every role, sites and a small catalog; an HTTP client for it.
#![allow(dead_code)]

use aposos_formats::{read_elements, write_3le, ElementSet, ReadOptions};
use aposos_server::{AppState, ServerConfig};
use aposos_store::seed::{Seed, SeedOrg};
use aposos_store::testing::{fresh_dir, fresh_postgres_database};
use aposos_store::{ObjectRecord, OrgKind, Role, SiteRecord, Store};
use std::collections::BTreeMap;
use std::time::Duration;

/// Which engine a test server runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// Organisations of the test platform: (name, kind, country, SATCAT owner code).
pub const ORGS: &[(&str, OrgKind, Option<&str>, Option<&str>)] = &[
    ("SUPARCO", OrgKind::Member, Some("PK"), Some("PAKI")),
    ("CONIDA", OrgKind::Member, Some("PE"), Some("PRU")),
    ("Watcher", OrgKind::Observer, None, None),
];

/// Roles given to one user each in every organisation above.
pub const ROLES: &[Role] = &[Role::Operator, Role::Analyst, Role::Viewer];

const ISS: &str = "ISS (ZARYA)
1 25544U 98067A   08264.51782528 -.00002182  00000+0 -11606-4 0  2926
2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537
";

/// An element set like the ISS's, for object `norad`, `day_offset` days after the ISS epoch.
pub fn element(norad: u32, day_offset: i64, name: &str) -> ElementSet {
    let mut e = read_elements("iss", ISS, &ReadOptions::default())
        .elements
        .remove(0);
    e.norad_cat_id = norad;
    e.object_name = Some(name.to_string());
    e.epoch = e
        .epoch
        .add_ns(day_offset * aposos_formats::epoch::NS_PER_DAY);
    e
}

/// The 3LE text of element sets.
pub fn three_le(sets: &[ElementSet]) -> String {
    let mut s = String::new();
    for e in sets {
        for l in write_3le(e).expect("writable") {
            s.push_str(&l);
            s.push('\n');
        }
    }
    s
}

/// SATCAT record of a test object.
pub fn object(norad: u32, owner: &str) -> ObjectRecord {
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
        rcs_m2: Some(1.0),
        size_m: None,
        std_mag: None,
        consortium_only: false,
        provisional: false,
    }
}

fn site(id: &str, country: &str, station_number: &str) -> SiteRecord {
    SiteRecord {
        id: id.into(),
        name: format!("Node {id}"),
        country: country.into(),
        role: "node".into(),
        status: "planned".into(),
        lat_deg: 10.0,
        lon_deg: 20.0,
        height_m: 100.0,
        telescope: serde_json::json!({"aperture_m": 0.15, "mount": "altaz"}),
        horizon_mask: serde_json::json!([[0.0, 10.0], [180.0, 15.0]]),
        station_number: Some(station_number.into()),
        updated_us: 0,
    }
}

/// A running test server.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Token of the centre's admin.
    pub admin: String,
    /// Tokens by user name (`SUPARCO-analyst`, …).
    pub tokens: BTreeMap<String, String>,
    /// The store (for checks behind the API).
    pub store: Store,
    runtime: Option<tokio::runtime::Runtime>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    agent: ureq::Agent,
}

/// A reply: status, headers we look at, body text.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub headers: BTreeMap<String, String>,
    pub body: String,
}

impl Reply {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    /// Asserts that this is problem JSON of `status`.
    pub fn assert_problem(&self, status: u16) -> serde_json::Value {
        assert_eq!(self.status, status, "body: {}", self.body);
        assert!(
            self.content_type.starts_with("application/problem+json"),
            "content type {:?} for {}",
            self.content_type,
            self.body
        );
        let v = self.json();
        assert_eq!(v["status"].as_u64(), Some(u64::from(status)));
        assert!(v["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("urn:aposos:problem:")));
        assert!(v["title"].is_string() && v["detail"].is_string());
        v
    }
    /// Catalog numbers in an OMM JSON body.
    pub fn norads(&self) -> Vec<u32> {
        self.json()
            .as_array()
            .unwrap_or_else(|| panic!("not an array: {}", self.body))
            .iter()
            .map(|o| o["NORAD_CAT_ID"].as_u64().expect("NORAD_CAT_ID") as u32)
            .collect()
    }
}

impl TestServer {
    /// Starts a server on `engine` seeded with the test platform and `catalog` as its public catalog.
    pub fn start(
        engine: Engine,
        catalog: Vec<ElementSet>,
        objects: Vec<ObjectRecord>,
        tweak: impl FnOnce(&mut ServerConfig),
    ) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let mut config = ServerConfig {
            rate_limit_per_s: 100_000.0,
            rate_limit_burst: 100_000.0,
            ..ServerConfig::default()
        };
        tweak(&mut config);
        let (store, admin, tokens, listener) = runtime.block_on(async {
            let store = match engine {
                Engine::Sqlite => {
                    let dir = fresh_dir("server");
                    config.data_dir = dir.clone();
                    Store::open_sqlite_dir(&dir).await.unwrap()
                }
                Engine::Postgres => {
                    let url = fresh_postgres_database().await.unwrap();
                    config.database = Some(url.clone());
                    Store::connect(&url, 8).await.unwrap()
                }
            };
            store.migrate().await.unwrap();
            let seed = Seed {
                centre: Some(SeedOrg {
                    name: "Centre".into(),
                    kind: OrgKind::Member,
                    country: None,
                    satcat_owner: None,
                }),
                orgs: ORGS
                    .iter()
                    .map(|(n, k, c, o)| SeedOrg {
                        name: (*n).into(),
                        kind: *k,
                        country: c.map(Into::into),
                        satcat_owner: o.map(Into::into),
                    })
                    .collect(),
                admin_user: "admin".into(),
                sites: vec![site("pk-test", "PK", "9901"), site("pe-test", "PE", "9902")],
                objects,
                elements: catalog,
                elements_format: "3le".into(),
            };
            let report = store.seed_if_new(&seed).await.unwrap().unwrap();
            let mut tokens = BTreeMap::new();
            for (org, ..) in ORGS {
                for role in ROLES {
                    let name = format!("{org}-{role}");
                    store.add_user(&name, org, *role).await.unwrap();
                    tokens.insert(
                        name.clone(),
                        store.create_token(&name, "test", 1).await.unwrap().token,
                    );
                }
            }
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            (store, report.admin_token.token, tokens, listener)
        });
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let state = AppState::new(store.clone(), config);
        runtime.spawn(async move {
            let _ = aposos_server::serve(listener, state, async move {
                let _ = rx.await;
            })
            .await;
        });
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(60))
            .build();
        Self {
            base,
            admin,
            tokens,
            store,
            runtime: Some(runtime),
            shutdown: Some(tx),
            agent,
        }
    }

    /// The token of user `name` (`admin` for the centre's admin).
    pub fn token(&self, name: &str) -> &str {
        if name == "admin" {
            &self.admin
        } else {
            self.tokens
                .get(name)
                .unwrap_or_else(|| panic!("no user {name}"))
        }
    }

    /// Sends a request; `token` `None` is anonymous.
    pub fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Reply {
        let mut req = self
            .agent
            .request(method, &format!("{}{}", self.base, path));
        if let Some(t) = token {
            req = req.set("Authorization", &format!("Bearer {t}"));
        }
        for (k, v) in headers {
            req = req.set(k, v);
        }
        let result = match body {
            Some(b) => req.send_string(b),
            None => req.call(),
        };
        let resp = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{method} {path}: {e}"),
        };
        let status = resp.status();
        let content_type = resp.header("content-type").unwrap_or("").to_string();
        let mut hs = BTreeMap::new();
        for name in resp.headers_names() {
            if let Some(v) = resp.header(&name) {
                hs.insert(name.to_ascii_lowercase(), v.to_string());
            }
        }
        let body = resp.into_string().unwrap_or_default();
        Reply {
            status,
            content_type,
            headers: hs,
            body,
        }
    }

    /// `GET path` as `user` (`None`: anonymous).
    pub fn get(&self, path: &str, user: Option<&str>) -> Reply {
        let token = user.map(|u| self.token(u).to_string());
        self.call("GET", path, token.as_deref(), &[], None)
    }

    /// Runs a future on the server's runtime (for checks behind the API).
    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.runtime.as_ref().expect("runtime").block_on(f)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_timeout(Duration::from_secs(5));
        }
    }
}
