//! Upload of orbit products (element sets in any supported format).

use crate::context::Ctx;
use crate::policy::may_upload_elements;
use crate::problem::Problem;
use crate::{ApiResult, AppState};
use aposos_formats::{read_as, read_elements, Epoch, Format, ReadOptions};
use aposos_store::catalog::{InsertOutcome, NewElementSet};
use aposos_store::Sharing;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Query of `POST /api/v1/elements`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// `private` (default), `consortium` or `public`.
    pub sharing: Option<String>,
    /// The body's format; detected from the content when absent.
    pub format: Option<String>,
}

/// What happened to one record of an upload.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadRecord {
    /// `accepted`, `duplicate` or `rejected`.
    pub status: String,
    /// Catalog number, when read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub norad: Option<u32>,
    /// Epoch (ISO 8601 UTC), when read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epoch: Option<String>,
    /// Stored id of an accepted record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// 1-based line of a rejected record, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Why a record was rejected (naming the line and field).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The answer to an upload: every record accepted, duplicate or rejected.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadReport {
    /// Format the body was read as.
    pub format: Option<String>,
    /// Sharing level given to the accepted records.
    pub sharing: String,
    /// Records stored now.
    pub accepted: usize,
    /// Records already stored (same object, epoch and source): nothing changed.
    pub duplicates: usize,
    /// Records refused.
    pub rejected: usize,
    /// One entry per record, accepted ones in the order of the body, then the rejected ones.
    pub records: Vec<UploadRecord>,
}

/// Latest acceptable epoch: no orbit product dated more than this after now.
const MAX_FUTURE_DAYS: i64 = 30;

/// Uploads element sets as orbit products of the caller's organisation (admins and analysts).
#[utoipa::path(post, path = "/api/v1/elements", tag = "catalog", params(UploadParams),
    request_body(content = String, description = "TLE, 3LE or CCSDS OMM (KVN, XML, JSON, CSV)", content_type = "text/plain"),
    responses(
        (status = 200, description = "Every record accepted, duplicate or rejected, with its reason", body = UploadReport),
        (status = 400, description = "Bad query or body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not upload", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Nothing in the body could be accepted", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn upload_elements(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<UploadParams>,
    body: Result<String, axum::extract::rejection::StringRejection>,
) -> ApiResult<Response> {
    let p = ctx.require()?.clone();
    if !may_upload_elements(&p) {
        state
            .store
            .audit(&ctx.audit("elements.upload", "/api/v1/elements", "denied", None))
            .await?;
        return Err(Problem::forbidden(format!(
            "role {} may not upload orbit products (admin or analyst only)",
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
        let status = e.status();
        Problem::new(
            status,
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                "payload-too-large"
            } else {
                "bad-request"
            },
            format!("body: {}", e.body_text()),
        )
    })?;
    let opts = ReadOptions::default();
    let read = match q.format.as_deref() {
        Some(f) => {
            let format: Format = f
                .parse()
                .map_err(|e| Problem::bad_request(format!("format: {e}")))?;
            read_as("upload", &text, format, &opts)
        }
        None => read_elements("upload", &text, &opts),
    };
    let format_name = read.format.map(|f| f.name().to_string());
    let latest =
        Epoch::now_utc_micros().add_ns(MAX_FUTURE_DAYS * aposos_formats::epoch::NS_PER_DAY);
    let mut records = Vec::new();
    let mut items = Vec::new();
    for e in read.elements {
        let bad_text = [&e.object_name, &e.object_id].iter().any(|t| {
            t.as_deref()
                .is_some_and(|t| t.chars().any(char::is_control))
        });
        if bad_text {
            records.push(UploadRecord {
                status: "rejected".into(),
                norad: Some(e.norad_cat_id),
                epoch: Some(format!("{}Z", e.epoch.to_iso())),
                id: None,
                line: None,
                reason: Some(format!(
                    "object {}: OBJECT_NAME and OBJECT_ID may not hold control characters",
                    e.norad_cat_id
                )),
            });
            continue;
        }
        if e.epoch > latest {
            records.push(UploadRecord {
                status: "rejected".into(),
                norad: Some(e.norad_cat_id),
                epoch: Some(format!("{}Z", e.epoch.to_iso())),
                id: None,
                line: None,
                reason: Some(format!(
                    "object {}: epoch {} is more than {MAX_FUTURE_DAYS} days in the future",
                    e.norad_cat_id,
                    e.epoch.to_iso()
                )),
            });
            continue;
        }
        items.push(NewElementSet {
            elements: e,
            source_org_id: p.org_id,
            sharing,
            precise: true,
            uploaded_by: Some(p.user_id),
            upload_format: format_name.clone().unwrap_or_default(),
        });
    }
    let outcomes = if items.is_empty() {
        Vec::new()
    } else {
        let n_dup_unknown = items.len();
        let audit = ctx.audit(
            "elements.upload",
            "/api/v1/elements",
            "ok",
            Some(format!(
                "{n_dup_unknown} element set(s) offered, sharing {sharing}, format {}",
                format_name.as_deref().unwrap_or("?")
            )),
        );
        // Insert in one global order (object, epoch) so that concurrent uploads that overlap
        // lock their rows in the same order and cannot deadlock; answer in the body's order.
        let mut order: Vec<usize> = (0..items.len()).collect();
        order.sort_by_key(|&i| (items[i].elements.norad_cat_id, items[i].elements.epoch));
        let sorted: Vec<NewElementSet> = order.iter().map(|&i| items[i].clone()).collect();
        let sorted_out = state
            .store
            .insert_element_sets(&sorted, Some(&audit))
            .await?;
        let mut out = vec![InsertOutcome::Duplicate; items.len()];
        for (k, &i) in order.iter().enumerate() {
            out[i] = sorted_out[k];
        }
        out
    };
    let mut accepted_records: Vec<UploadRecord> = items
        .iter()
        .zip(&outcomes)
        .map(|(it, o)| UploadRecord {
            status: match o {
                InsertOutcome::Inserted(_) => "accepted",
                InsertOutcome::Duplicate => "duplicate",
            }
            .into(),
            norad: Some(it.elements.norad_cat_id),
            epoch: Some(format!("{}Z", it.elements.epoch.to_iso())),
            id: match o {
                InsertOutcome::Inserted(id) => Some(*id),
                InsertOutcome::Duplicate => None,
            },
            line: None,
            reason: None,
        })
        .collect();
    let accepted = outcomes
        .iter()
        .filter(|o| matches!(o, InsertOutcome::Inserted(_)))
        .count();
    let duplicates = outcomes.len() - accepted;
    for err in &read.errors {
        records.push(UploadRecord {
            status: "rejected".into(),
            norad: None,
            epoch: None,
            id: None,
            line: err.line,
            reason: Some(err.to_string()),
        });
    }
    accepted_records.append(&mut records);
    let report = UploadReport {
        format: format_name,
        sharing: sharing.to_string(),
        accepted,
        duplicates,
        rejected: accepted_records.len() - accepted - duplicates,
        records: accepted_records,
    };
    if accepted + duplicates == 0 {
        state
            .store
            .audit(&ctx.audit(
                "elements.upload",
                "/api/v1/elements",
                "rejected",
                Some(format!("{} record(s) rejected", report.rejected)),
            ))
            .await?;
        return Err(Problem::nothing_accepted(
            "element set",
            report.rejected,
            serde_json::to_value(&report.records).ok(),
        ));
    }
    Ok(Json(report).into_response())
}
