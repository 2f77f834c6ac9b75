//! `aposos request`: tracking requests filed, listed and cancelled on the database
//! directly, as one of its users, with the same checks, rules and audit as the API.

use crate::cli::{RequestAddArgs, RequestCancelArgs, RequestCommand, RequestListArgs};
use crate::cmd_serve::{open_store, resolve_config, runtime};
use crate::UsageError;
use aposos_server::api::requests::{cancel, file, readable, RequestView};
use aposos_store::catalog::NewAudit;
use aposos_store::requests::{NewRequest, TrackingRequest};
use aposos_store::Principal;

/// Runs `aposos request …`.
pub fn run(command: &RequestCommand) -> anyhow::Result<()> {
    match command {
        RequestCommand::Add(args) => add(args),
        RequestCommand::List(args) => list(args),
        RequestCommand::Cancel(args) => cancel_one(args),
    }
}

/// The audit entry of a command-line action as `p` (its outcome set by the shared checks).
fn audit_as(p: &Principal, target: &str) -> NewAudit {
    NewAudit {
        user_id: Some(p.user_id),
        user_name: Some(format!("cli:{}", p.user_name)),
        org_id: Some(p.org_id),
        action: String::new(),
        target: target.to_string(),
        outcome: "ok".into(),
        remote_addr: Some("local".into()),
        detail: None,
    }
}

/// The command-line option of a body field.
fn option_of(field: &str) -> &str {
    match field {
        "norad_ids" => "--norad",
        "from_utc" => "--from",
        "to_utc" => "--to",
        "priority" => "--priority",
        "tracklets_per_night" => "--tracklets-per-night",
        "nights" => "--nights",
        "sharing" => "--sharing",
        _ => "--note",
    }
}

fn print(requests: &[TrackingRequest]) -> anyhow::Result<()> {
    let views: Vec<RequestView> = requests.iter().cloned().map(RequestView::from).collect();
    println!("{}", serde_json::to_string(&views)?);
    Ok(())
}

fn print_one(request: TrackingRequest) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string(&RequestView::from(request))?);
    Ok(())
}

/// `aposos request add`: the body of `POST /api/v1/requests` from the options, checked by
/// the same `NewRequest::validate` (a refusal exits with 2 and the API's message).
fn add(args: &RequestAddArgs) -> anyhow::Result<()> {
    let body = NewRequest {
        norad_ids: args.norad.clone(),
        from_utc: args.from.clone(),
        to_utc: args.to.clone(),
        priority: args.priority,
        tracklets_per_night: args.tracklets_per_night,
        nights: args.nights,
        sharing: args.sharing.clone(),
        note: args.note.clone(),
    };
    body.validate()
        .map_err(|e| UsageError(format!("{e} ({})", option_of(e.field))))?;
    let config = resolve_config(&args.db)?;
    runtime()?.block_on(async move {
        let store = open_store(&config).await?;
        let p = store.principal_of_user(&args.user).await?;
        let stored = file(&store, &p, &body, &audit_as(&p, ""))
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.detail))?;
        store.close().await;
        print_one(stored)
    })
}

/// `aposos request list`: every request, or with `--user` those that user may read.
fn list(args: &RequestListArgs) -> anyhow::Result<()> {
    let config = resolve_config(&args.db)?;
    runtime()?.block_on(async move {
        let store = open_store(&config).await?;
        let requests = match &args.user {
            None => store.list_requests().await?,
            Some(user) => {
                let p = store.principal_of_user(user).await?;
                readable(&store, Some(&p), &audit_as(&p, "aposos request list"))
                    .await
                    .map_err(|e| anyhow::anyhow!("{}", e.detail))?
            }
        };
        store.close().await;
        print(&requests)
    })
}

/// `aposos request cancel`: as the API's `DELETE /api/v1/requests/{id}`.
fn cancel_one(args: &RequestCancelArgs) -> anyhow::Result<()> {
    let config = resolve_config(&args.db)?;
    runtime()?.block_on(async move {
        let store = open_store(&config).await?;
        let p = store.principal_of_user(&args.user).await?;
        let cancelled = cancel(&store, &p, args.id, &audit_as(&p, &args.id.to_string()))
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.detail))?;
        store.close().await;
        print_one(cancelled)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_has_its_option() {
        for (field, option) in [
            ("norad_ids", "--norad"),
            ("from_utc", "--from"),
            ("to_utc", "--to"),
            ("tracklets_per_night", "--tracklets-per-night"),
            ("note", "--note"),
        ] {
            assert_eq!(option_of(field), option);
        }
    }
}
