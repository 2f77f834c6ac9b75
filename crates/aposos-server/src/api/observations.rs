//! Observations: upload with quality control (every record accepted, duplicate or rejected
//! with its reason) and reads in the formats telescopes speak, under the access rules.

use super::paging::{decode_cursor, next_page, page_size, tagged_response};
use crate::context::Ctx;
use crate::policy::{can_read, may_report_for_site, may_upload_observations, read_is_audited};
use crate::problem::Problem;
use crate::{ApiResult, AppState};
use aposos_formats::obs::{
    read_observations, read_observations_as, write_observations, ObsFormat, Provenance,
};
use aposos_formats::Epoch;
use aposos_obs::qc::{check_observation, QcContext, QcRules};
use aposos_store::observations::{NewObservation, ObservationFilter};
use aposos_store::Sharing;
use axum::extract::{OriginalUri, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};

/// Query of `POST /api/v1/observations`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ObsUploadParams {
    /// `private` (default), `consortium` or `public`.
    pub sharing: Option<String>,
    /// `iod`, `tdm-kvn`, `tdm-xml` or `json`; detected when absent.
    pub format: Option<String>,
}

/// Query of `GET /api/v1/observations`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ObsQuery {
    /// Catalog number (0: uncorrelated observations).
    pub norad: Option<u32>,
    /// Site id.
    pub site: Option<String>,
    /// From (ISO 8601 UTC).
    pub from: Option<String>,
    /// To (ISO 8601 UTC).
    pub to: Option<String>,
    /// `json` (default), `tdm` (KVN), `tdm-xml` or `iod`.
    pub format: Option<String>,
    /// Observations per page.
    pub limit: Option<usize>,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
}

/// One record of an observation upload.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObsRecord {
    /// `accepted`, `duplicate` or `rejected`.
    pub status: String,
    /// Line (or JSON element) of the record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Stored id of an accepted record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// Why it was rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The answer to an observation upload.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObsReport {
    /// The upload's id (in every stored record's provenance).
    pub upload_id: i64,
    /// Format the body was read as.
    pub format: Option<String>,
    /// Sharing level of the accepted records.
    pub sharing: String,
    /// Stored now.
    pub accepted: usize,
    /// Already stored.
    pub duplicates: usize,
    /// Refused.
    pub rejected: usize,
    /// Every record, by line.
    pub records: Vec<ObsRecord>,
}

/// Uploads observations (admins; operators and analysts for their own state's nodes).
#[utoipa::path(post, path = "/api/v1/observations", tag = "observations", params(ObsUploadParams),
    request_body(content = String, description = "IOD, CCSDS TDM (KVN or XML) or observation JSON", content_type = "text/plain"),
    responses(
        (status = 200, description = "Every record accepted, duplicate or rejected with its reason", body = ObsReport),
        (status = 400, description = "Bad query or body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not upload", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Nothing could be accepted", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn upload_observations(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ObsUploadParams>,
    body: Result<String, axum::extract::rejection::StringRejection>,
) -> ApiResult<Response> {
    let p = ctx.require()?.clone();
    if !may_upload_observations(&p) {
        state
            .store
            .audit(&ctx.audit(
                "observations.upload",
                "/api/v1/observations",
                "denied",
                None,
            ))
            .await?;
        return Err(Problem::forbidden(format!(
            "role {} may not upload observations",
            p.role
        )));
    }
    let sharing: Sharing = q
        .sharing
        .as_deref()
        .unwrap_or("private")
        .parse()
        .map_err(|e: String| Problem::bad_request(format!("sharing: {e}")))?;
    let text = body.map_err(|e| {
        Problem::new(
            e.status(),
            "bad-request",
            format!("body: {}", e.body_text()),
        )
    })?;
    let format = match q.format.as_deref() {
        Some(f) => Some(
            f.parse::<ObsFormat>()
                .map_err(|e: String| Problem::bad_request(format!("format: {e}")))?,
        ),
        None => None,
    };
    let audit = ctx.audit("observations.upload", "/api/v1/observations", "ok", None);
    let report = ingest(&state.store, &p, "upload", &text, format, sharing, &audit).await?;
    if state.config.refit_after_upload && report.accepted > 0 {
        let (store, who, upload_id) = (state.store.clone(), p.clone(), report.upload_id);
        tokio::spawn(async move {
            match crate::jobs::refit_after_upload(store, who, upload_id, sharing).await {
                Ok(s) => tracing::info!(
                    upload_id,
                    tracklets = s.tracklets,
                    assigned = s.assigned,
                    refitted = s.refitted.len(),
                    failed = s.failed.len(),
                    "refit after upload"
                ),
                Err(e) => tracing::warn!(upload_id, error = %e, "refit after upload failed"),
            }
        });
    }
    if report.accepted + report.duplicates == 0 {
        return Err(Problem::nothing_accepted(
            "observation",
            report.rejected,
            serde_json::to_value(&report.records).ok(),
        ));
    }
    Ok(Json(report).into_response())
}

/// Reads, checks and stores observations for principal `p` (the upload endpoint and
/// `aposos obs import`): every record is accepted, duplicate or rejected with its reason;
/// the upload is audited with `audit`'s caller (its action kept, outcome and detail set).
pub async fn ingest(
    store: &aposos_store::Store,
    p: &aposos_store::Principal,
    source_name: &str,
    text: &str,
    format: Option<ObsFormat>,
    sharing: Sharing,
    audit: &aposos_store::catalog::NewAudit,
) -> ApiResult<ObsReport> {
    let (format, read) = match format {
        Some(f) => (Some(f), read_observations_as(source_name, text, f)),
        None => read_observations(source_name, text),
    };
    let sites: HashMap<String, aposos_store::SiteRecord> = store
        .list_sites()
        .await?
        .into_iter()
        .map(|s| (s.id.clone(), s))
        .collect();
    let rules = QcRules::at(Epoch::now_utc_micros());
    let mut known_objects: HashMap<u32, bool> = HashMap::new();
    let mut records: Vec<(usize, ObsRecord)> = Vec::new();
    let mut items = Vec::new();
    let mut item_lines = Vec::new();
    let by_number: HashMap<String, String> = sites
        .values()
        .filter_map(|s| Some((s.station_number.clone()?, s.id.clone())))
        .collect();
    // One id per upload, in every record's provenance; JSON records keep their element.
    let upload_id = aposos_store::ids::new_id();
    let format_name = format.map_or("", |f| f.name());
    // The file's name, not the uploader's folders.
    let source_file = std::path::Path::new(source_name)
        .file_name()
        .and_then(|f| f.to_str())
        .unwrap_or(source_name);
    let text_lines: Vec<&str> = text.lines().collect();
    let json_items: Vec<serde_json::Value> = if format == Some(ObsFormat::Json) {
        serde_json::from_str(text).unwrap_or_default()
    } else {
        Vec::new()
    };
    for (line, mut o) in read.observations {
        let mut prov = if format == Some(ObsFormat::Json) {
            let element = json_items
                .get(line.wrapping_sub(1))
                .map(|v| {
                    let mut v = v.clone();
                    if let Some(m) = v.as_object_mut() {
                        m.remove("provenance");
                    }
                    v.to_string()
                })
                .unwrap_or_default();
            Provenance::of_line(format_name, source_file, line, &element)
        } else {
            let l = text_lines.get(line.wrapping_sub(1)).copied().unwrap_or("");
            Provenance::of_line(format_name, source_file, line, l)
        };
        prov.upload_id = Some(upload_id);
        o.provenance = Some(prov);
        // Star-chart equinoxes of the observer community's formats become J2000.
        aposos_obs::reduce::reduce_to_j2000(&mut o);
        // Records of the observer community's formats name their station by number.
        if !sites.contains_key(&o.station) {
            if let Some(id) = by_number.get(&o.station) {
                o.station = id.clone();
            }
        }
        let site = sites.get(&o.station);
        let object_known = match o.norad_cat_id {
            Some(n) => match known_objects.get(&n) {
                Some(k) => *k,
                None => {
                    let k = store.get_object(n).await?.is_some();
                    known_objects.insert(n, k);
                    k
                }
            },
            None => true,
        };
        let qc = QcContext {
            station_country: site.map(|s| s.country.as_str()),
            entitled: site.is_some_and(|s| may_report_for_site(p, s)),
            object_known,
        };
        match check_observation(&o, &rules, &qc) {
            Ok(()) => {
                item_lines.push(line);
                items.push(NewObservation {
                    observation: o,
                    owner_org_id: p.org_id,
                    sharing,
                    uploaded_by: Some(p.user_id),
                });
            }
            Err(why) => records.push((
                line,
                ObsRecord {
                    status: "rejected".into(),
                    line: Some(line),
                    id: None,
                    reason: Some(format!("{source_name}:{line}: {why}")),
                },
            )),
        }
    }
    for e in &read.errors {
        records.push((
            e.line.unwrap_or(0),
            ObsRecord {
                status: "rejected".into(),
                line: e.line,
                id: None,
                reason: Some(e.to_string()),
            },
        ));
    }
    let mut accepted = 0;
    let mut duplicates = 0;
    if !items.is_empty() {
        let mut a = audit.clone();
        a.outcome = "ok".into();
        a.detail = Some(format!(
            "{} observation(s) offered, sharing {sharing}, format {}",
            items.len(),
            format.map_or("?", |f| f.name())
        ));
        let ids = store.insert_observations(&items, &a).await?;
        for (line, id) in item_lines.into_iter().zip(ids) {
            match id {
                Some(id) => {
                    accepted += 1;
                    records.push((
                        line,
                        ObsRecord {
                            status: "accepted".into(),
                            line: Some(line),
                            id: Some(id),
                            reason: None,
                        },
                    ));
                }
                None => {
                    duplicates += 1;
                    records.push((
                        line,
                        ObsRecord {
                            status: "duplicate".into(),
                            line: Some(line),
                            id: None,
                            reason: None,
                        },
                    ));
                }
            }
        }
    }
    records.sort_by_key(|(l, _)| *l);
    let records: Vec<ObsRecord> = records.into_iter().map(|(_, r)| r).collect();
    let rejected = records.len() - accepted - duplicates;
    if accepted + duplicates == 0 {
        let mut a = audit.clone();
        a.outcome = "rejected".into();
        a.detail = Some(format!("{rejected} record(s) rejected"));
        store.audit(&a).await?;
    }
    Ok(ObsReport {
        upload_id,
        format: format.map(|f| f.name().to_string()),
        sharing: sharing.to_string(),
        accepted,
        duplicates,
        rejected,
        records,
    })
}

/// An optional ISO 8601 query parameter `name` as a time; 400 naming it when malformed.
pub fn time_param(name: &str, v: &Option<String>) -> ApiResult<Option<Epoch>> {
    v.as_ref()
        .map(|t| Epoch::parse_iso(t).map_err(|e| Problem::bad_request(format!("{name}: {e}"))))
        .transpose()
}

/// Observations the caller may see, by time, in the requested format.
#[utoipa::path(get, path = "/api/v1/observations", tag = "observations", params(ObsQuery),
    responses(
        (status = 200, description = "Observations (JSON array, TDM or IOD); `X-Next-Cursor` names the next page", body = String),
        (status = 400, description = "Bad query", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The format cannot carry these observations", body = Problem, content_type = "application/problem+json")),
    security((), ("bearer" = [])))]
pub async fn list_observations(
    State(state): State<AppState>,
    ctx: Ctx,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Query(q): Query<ObsQuery>,
) -> ApiResult<Response> {
    let format = match q.format.as_deref().unwrap_or("json") {
        "tdm" => ObsFormat::TdmKvn,
        f => f
            .parse::<ObsFormat>()
            .map_err(|e| Problem::bad_request(format!("format: {e}")))?,
    };
    let filter = ObservationFilter {
        upload_id: None,
        norad: q.norad,
        station: super::catalog::text_param("site", &q.site)?,
        from: time_param("from", &q.from)?,
        to: time_param("to", &q.to)?,
    };
    let limit = page_size(
        q.limit,
        state.config.default_page_size,
        state.config.max_page_size,
    )?;
    let after = match &q.cursor {
        Some(c) => {
            let p = decode_cursor(c, 'o', 2)?;
            Some((p[0], p[1]))
        }
        None => None,
    };
    let viewer = ctx.caller.clone();
    let visible = move |a: &aposos_store::ItemAccess| can_read(viewer.as_ref(), a);
    let (obs, more) = state
        .store
        .observations(&filter, after, limit, &visible)
        .await?;
    let non_public = obs.iter().filter(|o| read_is_audited(&o.access)).count();
    if non_public > 0 {
        state
            .store
            .audit(&ctx.audit(
                "observations.read",
                &uri.to_string(),
                "ok",
                Some(format!("{non_public} non-public observation(s)")),
            ))
            .await?;
    }
    let next = next_page(more, &obs, &uri, 'o', |o| {
        vec![o.observation.time.ns_since_1950(), o.id]
    });
    let mut plain: Vec<_> = obs.into_iter().map(|o| o.observation).collect();
    if format.names_stations_by_number() {
        // The observer community's formats name stations by number.
        let numbers: HashMap<String, String> = state
            .store
            .list_sites()
            .await?
            .into_iter()
            .filter_map(|s| Some((s.id, s.station_number?)))
            .collect();
        for o in &mut plain {
            if let Some(n) = numbers.get(&o.station) {
                o.station = n.clone();
            }
        }
    }
    let text =
        write_observations(&plain, format, "APOSOS", Epoch::now_utc_micros()).map_err(|e| {
            Problem::unprocessable(format!(
                "cannot write these observations as {}: {e}",
                format.name()
            ))
        })?;
    let content_type = match format {
        ObsFormat::Json => "application/json",
        ObsFormat::TdmXml => "application/xml",
        _ => "text/plain; charset=utf-8",
    };
    Ok(tagged_response(
        &headers,
        content_type,
        text.into_bytes(),
        next,
    ))
}
