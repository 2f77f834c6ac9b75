//! Catalog reads in the style of CelesTrak's GP and Space-Track's SATCAT queries.

use super::paging::{decode_cursor, next_page, page_size, tagged_response, Rendered};
use crate::context::Ctx;
use crate::policy::{can_read, may_mark_object, read_is_audited};
use crate::problem::Problem;
use crate::{ApiResult, AppState};
use aposos_formats::{write_elements, ElementSet, Epoch, Format, TLE_MAX_CATALOG_NUMBER};
use aposos_store::catalog::{GpFilter, ObjectFilter};
use aposos_store::{ObjectRecord, OrgKind, StoredElementSet};
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

/// Query of `GET /api/v1/gp`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct GpParams {
    /// Catalog numbers, comma-separated (`25544,20580`).
    pub norad: Option<String>,
    /// Object name contains this text (case-insensitive).
    pub name: Option<String>,
    /// International designator starts with this (`1998-067`).
    pub intdes: Option<String>,
    /// `active` (all), `leo`, `meo`, `geo`, `heo`, `payloads`, `rocket-bodies`, `debris`, `member-states`.
    pub group: Option<String>,
    /// SATCAT owner code (`PRC`, `US`, `PAKI`, …).
    pub owner: Option<String>,
    /// `omm-json` (default), `omm-xml`, `omm-kvn`, `omm-csv`, `tle`, `3le`.
    pub format: Option<String>,
    /// Objects per page.
    pub limit: Option<usize>,
    /// Cursor from the previous page's `X-Next-Cursor` header.
    pub cursor: Option<String>,
}

/// Query of `GET /api/v1/gp/history`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HistoryParams {
    /// Catalog number (required).
    pub norad: Option<String>,
    /// Earliest epoch (ISO 8601 UTC).
    pub from: Option<String>,
    /// Latest epoch (ISO 8601 UTC).
    pub to: Option<String>,
    /// Output format, as for `gp`.
    pub format: Option<String>,
    /// Element sets per page.
    pub limit: Option<usize>,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
}

/// Query of `GET /api/v1/satcat`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SatcatParams {
    /// Catalog numbers, comma-separated.
    pub norad: Option<String>,
    /// Name contains (case-insensitive).
    pub name: Option<String>,
    /// International designator prefix.
    pub intdes: Option<String>,
    /// SATCAT owner code.
    pub owner: Option<String>,
    /// `PAY`, `R/B`, `DEB`, `UNK`.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub object_type: Option<String>,
    /// `true`: decayed objects only; `false`: objects still in orbit.
    pub decayed: Option<bool>,
    /// Records per page.
    pub limit: Option<usize>,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
}

/// One SATCAT record as served.
#[derive(Debug, Serialize, ToSchema)]
pub struct SatcatEntry {
    /// Catalog number.
    #[serde(rename = "NORAD_CAT_ID")]
    pub norad_cat_id: u32,
    /// International designator.
    #[serde(rename = "OBJECT_ID")]
    pub object_id: Option<String>,
    /// Name.
    #[serde(rename = "OBJECT_NAME")]
    pub object_name: Option<String>,
    /// `PAY`, `R/B`, `DEB`, `UNK`.
    #[serde(rename = "OBJECT_TYPE")]
    pub object_type: String,
    /// SATCAT owner code.
    #[serde(rename = "OWNER")]
    pub owner: Option<String>,
    /// The platform organisation owning the object, when it is a member or observer.
    #[serde(rename = "OWNER_ORGANISATION")]
    pub owner_organisation: Option<String>,
    /// Launch date.
    #[serde(rename = "LAUNCH_DATE")]
    pub launch_date: Option<String>,
    /// Launch site code.
    #[serde(rename = "SITE")]
    pub launch_site: Option<String>,
    /// Decay date.
    #[serde(rename = "DECAY_DATE")]
    pub decay_date: Option<String>,
    /// Orbit class.
    #[serde(rename = "ORBIT_CLASS")]
    pub orbit_class: Option<String>,
    /// Radar cross-section, m².
    #[serde(rename = "RCS_M2")]
    pub rcs_m2: Option<f64>,
    /// Largest dimension, m.
    #[serde(rename = "SIZE_M")]
    pub size_m: Option<f64>,
    /// Standard magnitude.
    #[serde(rename = "STD_MAG")]
    pub std_mag: Option<f64>,
    /// Precise products of the object are consortium-only.
    #[serde(rename = "CONSORTIUM_ONLY")]
    pub consortium_only: bool,
    /// Found by the network from uncorrelated tracks, not yet identified: the catalog
    /// number and name (`APOSOS-…`) are provisional.
    #[serde(rename = "PROVISIONAL")]
    pub provisional: bool,
}

/// Body of `PUT /api/v1/satcat/{norad}/marking`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Marking {
    /// Keep the object's precise products inside the consortium.
    pub consortium_only: bool,
}

/// A text parameter, refused (400) when it holds control characters (no database stores them alike).
pub fn text_param(name: &str, value: &Option<String>) -> Result<Option<String>, Problem> {
    match value {
        Some(v) if v.chars().any(char::is_control) => Err(Problem::bad_request(format!(
            "{name}: control characters are not allowed"
        ))),
        Some(v) if v.len() > 200 => Err(Problem::bad_request(format!(
            "{name}: at most 200 characters"
        ))),
        Some(v) if v.trim().is_empty() => Ok(None),
        Some(v) => Ok(Some(v.trim().to_string())),
        None => Ok(None),
    }
}

/// Reads a comma-separated list of catalog numbers.
pub fn parse_norads(text: &str) -> Result<Vec<u32>, Problem> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let n = part
            .parse::<u32>()
            .ok()
            .filter(|&n| (1..=aposos_formats::OMM_MAX_CATALOG_NUMBER).contains(&n))
            .ok_or_else(|| {
                Problem::bad_request(format!(
                    "norad: expected catalog numbers 1-999999999, found {part:?}"
                ))
            })?;
        out.push(n);
    }
    if out.is_empty() || out.len() > 1000 {
        return Err(Problem::bad_request(
            "norad: give 1 to 1000 catalog numbers",
        ));
    }
    Ok(out)
}

/// Reads an output format name.
pub fn parse_format(text: Option<&str>) -> Result<Format, Problem> {
    text.unwrap_or("omm-json")
        .parse::<Format>()
        .map_err(|e| Problem::bad_request(format!("format: {e}")))
}

fn content_type(f: Format) -> &'static str {
    match f {
        Format::OmmJson => "application/json",
        Format::OmmXml => "application/xml",
        Format::OmmCsv => "text/csv; charset=utf-8",
        Format::Tle | Format::ThreeLe | Format::OmmKvn => "text/plain; charset=utf-8",
    }
}

/// Writes element sets in `format`; TLE formats leave out the objects whose numbers they cannot carry.
fn render(sets: &[StoredElementSet], format: Format) -> ApiResult<(Vec<u8>, usize)> {
    let mut elements: Vec<ElementSet> = sets.iter().map(|s| s.elements.clone()).collect();
    let before = elements.len();
    if matches!(format, Format::Tle | Format::ThreeLe) {
        // Leave out what a TLE cannot carry (numbers above Z9999, values out of its columns)
        // rather than fail the whole page.
        elements.retain(|e| {
            e.norad_cat_id <= TLE_MAX_CATALOG_NUMBER && aposos_formats::write_tle(e).is_ok()
        });
    }
    let omitted = before - elements.len();
    if elements.is_empty() && format == Format::OmmJson {
        return Ok((b"[]".to_vec(), omitted));
    }
    let text = write_elements(&elements, format).map_err(|e| {
        Problem::unprocessable(format!("cannot write the element sets as {format}: {e}"))
    })?;
    Ok((text.into_bytes(), omitted))
}

/// The audit detail of an answer holding non-public items (`None` when all are public).
fn audit_detail(sets: &[StoredElementSet]) -> Option<String> {
    let ids: Vec<String> = sets
        .iter()
        .filter(|s| read_is_audited(&s.access))
        .map(|s| s.id.to_string())
        .collect();
    if ids.is_empty() {
        return None;
    }
    let shown = ids.iter().take(20).cloned().collect::<Vec<_>>().join(",");
    Some(format!("{} non-public element set(s): {shown}", ids.len()))
}

/// Serves a rendered answer, recording the read in the audit log when it holds non-public items.
async fn serve_rendered(
    state: &AppState,
    ctx: &Ctx,
    action: &str,
    uri: &Uri,
    headers: &HeaderMap,
    rendered: &Rendered,
) -> ApiResult<Response> {
    if let Some(detail) = &rendered.audit_detail {
        state
            .store
            .audit(&ctx.audit(action, &uri.to_string(), "ok", Some(detail.clone())))
            .await?;
    }
    Ok(rendered.respond(headers))
}

/// The kept answer to this request by this caller at the current catalog version; else
/// the right to render it (other identical requests wait for it and take its answer).
async fn cached(state: &AppState, ctx: &Ctx, uri: &Uri) -> ApiResult<Lookup> {
    let version = state.store.catalog_version().await?;
    let key = crate::cache::key(ctx, uri);
    if let Some(hit) = state.cache.get(&key, version) {
        return Ok(Lookup::Hit(hit));
    }
    let guard = state.cache.render_lock(&key).await;
    if let Some(hit) = state.cache.get(&key, version) {
        return Ok(Lookup::Hit(hit));
    }
    Ok(Lookup::Miss {
        version,
        key,
        _guard: guard,
    })
}

/// What [`cached`] found.
enum Lookup {
    /// An answer to serve as it is.
    Hit(Arc<Rendered>),
    /// Render it, then keep it under `key` at `version`.
    Miss {
        version: i64,
        key: String,
        _guard: tokio::sync::OwnedMutexGuard<()>,
    },
}

/// Orbit regime of an element set for the `group` filter.
fn regime_group(group: &str) -> Option<fn(&ElementSet) -> bool> {
    Some(match group {
        "leo" => |e: &ElementSet| e.mean_motion_rev_per_day >= 11.25 && e.eccentricity < 0.25,
        "meo" => |e: &ElementSet| {
            e.mean_motion_rev_per_day > 1.2
                && e.mean_motion_rev_per_day < 11.25
                && e.eccentricity < 0.25
        },
        "geo" => |e: &ElementSet| {
            (0.99..=1.01).contains(&e.mean_motion_rev_per_day) && e.eccentricity < 0.01
        },
        "heo" => |e: &ElementSet| e.eccentricity >= 0.25,
        _ => return None,
    })
}

/// The latest element set per object that the caller may see.
#[utoipa::path(get, path = "/api/v1/gp", tag = "catalog", params(GpParams),
    responses(
        (status = 200, description = "Element sets in the requested format (OMM JSON by default); `X-Next-Cursor` and `Link` name the next page; `ETag` for `If-None-Match`", body = String),
        (status = 304, description = "Not modified since the given ETag"),
        (status = 400, description = "Bad query", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No visible element set for the named objects", body = Problem, content_type = "application/problem+json")),
    security((), ("bearer" = [])))]
pub async fn gp(
    State(state): State<AppState>,
    ctx: Ctx,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Query(q): Query<GpParams>,
) -> ApiResult<Response> {
    let (version, key, _guard) = match cached(&state, &ctx, &uri).await? {
        Lookup::Hit(r) => return serve_rendered(&state, &ctx, "gp.read", &uri, &headers, &r).await,
        Lookup::Miss {
            version,
            key,
            _guard,
        } => (version, key, _guard),
    };
    let format = parse_format(q.format.as_deref())?;
    let limit = page_size(
        q.limit,
        state.config.default_page_size,
        state.config.max_page_size,
    )?;
    let after = match &q.cursor {
        Some(c) => Some(
            u32::try_from(decode_cursor(c, 'g', 1)?[0])
                .map_err(|_| Problem::bad_request("bad cursor"))?,
        ),
        None => None,
    };
    let mut filter = GpFilter {
        name_contains: text_param("name", &q.name)?,
        intdes_prefix: text_param("intdes", &q.intdes)?,
        owners: text_param("owner", &q.owner)?
            .iter()
            .map(|o| o.to_ascii_uppercase())
            .collect(),
        ..GpFilter::default()
    };
    let named = q.norad.is_some();
    if let Some(n) = &q.norad {
        filter.norads = parse_norads(n)?;
    }
    let mut keep: fn(&ElementSet) -> bool = |_| true;
    if let Some(g) = q.group.as_deref() {
        match g {
            "active" => {}
            "payloads" => filter.object_types = vec!["PAY".into()],
            "rocket-bodies" => filter.object_types = vec!["R/B".into()],
            "debris" => filter.object_types = vec!["DEB".into()],
            "member-states" => {
                let orgs = state.store.list_orgs().await?;
                filter.owners = orgs
                    .into_iter()
                    .filter(|o| o.kind == OrgKind::Member)
                    .filter_map(|o| o.satcat_owner)
                    .collect();
                if filter.owners.is_empty() {
                    filter.owners.push(String::new());
                }
            }
            other => {
                keep = regime_group(other).ok_or_else(|| Problem::bad_request(format!(
                    "group: unknown group {other:?} (expected active, leo, meo, geo, heo, payloads, rocket-bodies, debris, member-states)")))?;
            }
        }
    }
    let viewer = ctx.caller.clone();
    let visible = move |a: &aposos_store::ItemAccess| can_read(viewer.as_ref(), a);
    let (sets, more) = state
        .store
        .latest_element_sets(&filter, after, limit, &visible, &keep)
        .await?;
    if named && sets.is_empty() {
        return Err(Problem::not_found(format!(
            "no element set for catalog number(s) {}",
            q.norad.as_deref().unwrap_or("")
        )));
    }
    let (body, omitted) = render(&sets, format)?;
    let next = next_page(more, &sets, &uri, 'g', |s| {
        vec![i64::from(s.elements.norad_cat_id)]
    });
    let mut rendered = Rendered::new(content_type(format), body, next);
    rendered.audit_detail = audit_detail(&sets);
    if omitted > 0 {
        rendered.headers.push(("x-aposos-omitted", format!("{omitted} element set(s) a TLE cannot carry (catalog number above {TLE_MAX_CATALOG_NUMBER} or a value out of its columns) left out; use an OMM format")));
    }
    let rendered = Arc::new(rendered);
    state.cache.put(key, version, rendered.clone());
    serve_rendered(&state, &ctx, "gp.read", &uri, &headers, &rendered).await
}

/// Every element set of one object over an epoch range that the caller may see, oldest first.
#[utoipa::path(get, path = "/api/v1/gp/history", tag = "catalog", params(HistoryParams),
    responses(
        (status = 200, description = "Element sets by epoch in the requested format", body = String),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Bad query", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No visible element set", body = Problem, content_type = "application/problem+json")),
    security((), ("bearer" = [])))]
pub async fn gp_history(
    State(state): State<AppState>,
    ctx: Ctx,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Query(q): Query<HistoryParams>,
) -> ApiResult<Response> {
    let (version, key, _guard) = match cached(&state, &ctx, &uri).await? {
        Lookup::Hit(r) => {
            return serve_rendered(&state, &ctx, "gp.history", &uri, &headers, &r).await
        }
        Lookup::Miss {
            version,
            key,
            _guard,
        } => (version, key, _guard),
    };
    let format = parse_format(q.format.as_deref())?;
    let norads = parse_norads(
        q.norad
            .as_deref()
            .ok_or_else(|| Problem::bad_request("norad: required"))?,
    )?;
    let [norad] = norads[..] else {
        return Err(Problem::bad_request(
            "norad: history takes one catalog number",
        ));
    };
    let time = |name: &str, v: &Option<String>, default: Epoch| -> ApiResult<Epoch> {
        match v {
            None => Ok(default),
            Some(t) => {
                Epoch::parse_iso(t).map_err(|e| Problem::bad_request(format!("{name}: {e}")))
            }
        }
    };
    let from = time("from", &q.from, Epoch::from_ns_since_1950(i64::MIN))?;
    let to = time("to", &q.to, Epoch::from_ns_since_1950(i64::MAX))?;
    let limit = page_size(
        q.limit,
        state.config.default_page_size,
        state.config.max_page_size,
    )?;
    let after = match &q.cursor {
        Some(c) => {
            let p = decode_cursor(c, 'h', 2)?;
            Some((p[0], p[1]))
        }
        None => None,
    };
    let viewer = ctx.caller.clone();
    let visible = move |a: &aposos_store::ItemAccess| can_read(viewer.as_ref(), a);
    let (sets, more) = state
        .store
        .element_set_history(norad, from, to, after, limit, &visible)
        .await?;
    if sets.is_empty() && after.is_none() {
        return Err(Problem::not_found(format!(
            "no element set for catalog number {norad} in that range"
        )));
    }
    let (body, _) = render(&sets, format)?;
    let next = next_page(more, &sets, &uri, 'h', |s| {
        vec![s.elements.epoch.ns_since_1950(), s.id]
    });
    let mut rendered = Rendered::new(content_type(format), body, next);
    rendered.audit_detail = audit_detail(&sets);
    let rendered = Arc::new(rendered);
    state.cache.put(key, version, rendered.clone());
    serve_rendered(&state, &ctx, "gp.history", &uri, &headers, &rendered).await
}

async fn satcat_entries(
    state: &AppState,
    records: Vec<ObjectRecord>,
) -> ApiResult<Vec<SatcatEntry>> {
    let orgs = state.store.list_orgs().await?;
    Ok(records
        .into_iter()
        .map(|r| SatcatEntry {
            owner_organisation: r.owner.as_ref().and_then(|code| {
                orgs.iter()
                    .find(|o| o.satcat_owner.as_ref() == Some(code))
                    .map(|o| o.name.clone())
            }),
            norad_cat_id: r.norad_cat_id,
            object_id: r.object_id,
            object_name: r.object_name,
            object_type: r.object_type,
            owner: r.owner,
            launch_date: r.launch_date,
            launch_site: r.launch_site,
            decay_date: r.decay_date,
            orbit_class: r.orbit_class,
            rcs_m2: r.rcs_m2,
            size_m: r.size_m,
            std_mag: r.std_mag,
            consortium_only: r.consortium_only,
            provisional: r.provisional,
        })
        .collect())
}

/// Object metadata (public): name, designator, owner, type, launch and decay, size and RCS.
#[utoipa::path(get, path = "/api/v1/satcat", tag = "catalog", params(SatcatParams),
    responses(
        (status = 200, description = "SATCAT records by catalog number", body = [SatcatEntry]),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Bad query", body = Problem, content_type = "application/problem+json")),
    security((), ("bearer" = [])))]
pub async fn satcat(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Query(q): Query<SatcatParams>,
) -> ApiResult<Response> {
    let limit = page_size(
        q.limit,
        state.config.default_page_size,
        state.config.max_page_size,
    )?;
    let after = match &q.cursor {
        Some(c) => Some(
            u32::try_from(decode_cursor(c, 's', 1)?[0])
                .map_err(|_| Problem::bad_request("bad cursor"))?,
        ),
        None => None,
    };
    let mut filter = ObjectFilter {
        gp: GpFilter {
            name_contains: text_param("name", &q.name)?,
            intdes_prefix: text_param("intdes", &q.intdes)?,
            owners: text_param("owner", &q.owner)?
                .iter()
                .map(|o| o.to_ascii_uppercase())
                .collect(),
            object_types: text_param("type", &q.object_type)?
                .iter()
                .map(|t| t.to_ascii_uppercase())
                .collect(),
            ..GpFilter::default()
        },
        decayed: q.decayed,
    };
    if let Some(n) = &q.norad {
        filter.gp.norads = parse_norads(n)?;
    }
    let mut records = state.store.list_objects(&filter, after, limit + 1).await?;
    let more = records.len() > limit;
    records.truncate(limit);
    let next = next_page(more, &records, &uri, 's', |r| {
        vec![i64::from(r.norad_cat_id)]
    });
    let entries = satcat_entries(&state, records).await?;
    let body = serde_json::to_vec(&entries).map_err(|_| Problem::internal("writing JSON"))?;
    Ok(tagged_response(&headers, "application/json", body, next))
}

/// One object's metadata.
#[utoipa::path(get, path = "/api/v1/satcat/{norad}", tag = "catalog",
    params(("norad" = u32, Path, description = "Catalog number")),
    responses(
        (status = 200, description = "The record", body = SatcatEntry),
        (status = 404, description = "Unknown object", body = Problem, content_type = "application/problem+json")),
    security((), ("bearer" = [])))]
pub async fn satcat_one(
    State(state): State<AppState>,
    Path(norad): Path<String>,
) -> ApiResult<Json<SatcatEntry>> {
    let [n] = parse_norads(&norad)?[..] else {
        return Err(Problem::bad_request("one catalog number"));
    };
    let rec = state
        .store
        .get_object(n)
        .await?
        .ok_or_else(|| Problem::not_found(format!("object {n} not found")))?;
    let mut entries = satcat_entries(&state, vec![rec]).await?;
    entries
        .pop()
        .map(Json)
        .ok_or_else(|| Problem::internal("reading the object"))
}

/// Marks an object so that its precise products are consortium-only (admins, analysts of the owner).
#[utoipa::path(put, path = "/api/v1/satcat/{norad}/marking", tag = "catalog",
    params(("norad" = u32, Path, description = "Catalog number")),
    request_body = Marking,
    responses(
        (status = 200, description = "The record after the change", body = SatcatEntry),
        (status = 401, description = "No token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the owner's analyst nor an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown object", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn satcat_marking(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(norad): Path<String>,
    body: Result<Json<Marking>, axum::extract::rejection::JsonRejection>,
) -> ApiResult<Json<SatcatEntry>> {
    let p = ctx.require()?;
    let Json(m) = body.map_err(|e| Problem::bad_request(format!("body: {}", e.body_text())))?;
    let [n] = parse_norads(&norad)?[..] else {
        return Err(Problem::bad_request("one catalog number"));
    };
    let rec = state
        .store
        .get_object(n)
        .await?
        .ok_or_else(|| Problem::not_found(format!("object {n} not found")))?;
    if !may_mark_object(p, &rec) {
        state
            .store
            .audit(&ctx.audit("satcat.marking", &n.to_string(), "denied", None))
            .await?;
        return Err(Problem::forbidden(
            "only the centre's admins and the owning member state's analysts may mark this object",
        ));
    }
    let audit = ctx.audit(
        "satcat.marking",
        &n.to_string(),
        "ok",
        Some(format!("consortium_only={}", m.consortium_only)),
    );
    state
        .store
        .set_consortium_only(n, m.consortium_only, &audit)
        .await?;
    let rec = state
        .store
        .get_object(n)
        .await?
        .ok_or_else(|| Problem::not_found(format!("object {n} not found")))?;
    let mut entries = satcat_entries(&state, vec![rec]).await?;
    entries
        .pop()
        .map(Json)
        .ok_or_else(|| Problem::internal("reading the object"))
}
