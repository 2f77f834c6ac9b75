//! `aposos admin`: organisations, users and tokens, directly in the database (for bootstrapping).

use crate::cli::{
    AdminArgs, AdminCommand, OrgCommand, OrgKindArg, RoleArg, TokenCommand, UserCommand,
};
use crate::cmd_serve::{open_store, resolve_config, runtime};
use aposos_store::catalog::NewAudit;
use aposos_store::{OrgKind, Role, Store};

/// Records a bootstrapping write in the audit log, as done from the command line.
async fn audit_cli(
    store: &Store,
    action: &str,
    target: &str,
    detail: String,
) -> anyhow::Result<()> {
    let who = std::env::var("USER").unwrap_or_else(|_| "local".into());
    store
        .audit(&NewAudit {
            user_id: None,
            user_name: Some(format!("cli:{who}")),
            org_id: None,
            action: action.into(),
            target: target.into(),
            outcome: "ok".into(),
            remote_addr: Some("local".into()),
            detail: Some(detail),
        })
        .await?;
    Ok(())
}

/// Runs `aposos admin …`.
pub fn run(args: &AdminArgs) -> anyhow::Result<()> {
    let config = resolve_config(&args.db)?;
    runtime()?.block_on(async move {
        let store = open_store(&config).await?;
        let result = match &args.command {
            AdminCommand::Org(OrgCommand::Add {
                name,
                kind,
                country,
                satcat_owner,
            }) => {
                let kind = match kind {
                    OrgKindArg::Member => OrgKind::Member,
                    OrgKindArg::Observer => OrgKind::Observer,
                };
                let country = country.as_deref().map(str::to_uppercase);
                if let Some(c) = &country {
                    if c.len() != 2 || !c.chars().all(|ch| ch.is_ascii_alphabetic()) {
                        anyhow::bail!(crate::UsageError(format!(
                            "--country: expected an ISO 3166-1 alpha-2 code, found {c:?}"
                        )));
                    }
                }
                let org = store
                    .add_org(name, kind, country.as_deref(), satcat_owner.as_deref())
                    .await?;
                eprintln!(
                    "added organisation {} ({}, id {})",
                    org.name, org.kind, org.id
                );
                audit_cli(&store, "org.add", &org.name, format!("kind {}", org.kind)).await?;
                Ok(())
            }
            AdminCommand::Org(OrgCommand::List) => {
                println!("name,kind,country,satcat_owner");
                for o in store.list_orgs().await? {
                    println!(
                        "{},{},{},{}",
                        o.name,
                        o.kind,
                        o.country.unwrap_or_default(),
                        o.satcat_owner.unwrap_or_default()
                    );
                }
                Ok(())
            }
            AdminCommand::User(UserCommand::Add { name, org, role }) => {
                let role = match role {
                    RoleArg::Admin => Role::Admin,
                    RoleArg::Operator => Role::Operator,
                    RoleArg::Analyst => Role::Analyst,
                    RoleArg::Viewer => Role::Viewer,
                };
                let u = store.add_user(name, org, role).await?;
                eprintln!("added user {} ({} of {org}, id {})", u.name, u.role, u.id);
                audit_cli(&store, "user.add", &u.name, format!("{} of {org}", u.role)).await?;
                Ok(())
            }
            AdminCommand::Token(TokenCommand::Create { user, days, label }) => {
                let t = store.create_token(user, label, *days).await?;
                println!("{}", t.token);
                eprintln!(
                    "token id {} for {user}, expires {}",
                    t.id,
                    aposos_store::ids::iso_from_us(t.expires_us)
                );
                audit_cli(&store, "token.create", user, format!("token id {}", t.id)).await?;
                Ok(())
            }
            AdminCommand::Token(TokenCommand::Revoke { id, user }) => {
                if let Some(id) = id {
                    if !store.revoke_token(*id).await? {
                        anyhow::bail!("no token with id {id}");
                    }
                    eprintln!("revoked token {id}");
                    audit_cli(&store, "token.revoke", &id.to_string(), "by id".into()).await?;
                } else if let Some(u) = user {
                    let n = store.revoke_user_tokens(u).await?;
                    eprintln!("revoked {n} token(s) of {u}");
                    audit_cli(&store, "token.revoke", u, format!("{n} token(s)")).await?;
                }
                Ok(())
            }
            AdminCommand::Token(TokenCommand::List { user }) => {
                println!("id,user,label,created_utc,expires_utc,revoked_utc");
                for t in store.list_tokens(user.as_deref()).await? {
                    println!(
                        "{},{},{},{},{},{}",
                        t.id,
                        t.user,
                        t.label.replace(',', " "),
                        aposos_store::ids::iso_from_us(t.created_us),
                        aposos_store::ids::iso_from_us(t.expires_us),
                        t.revoked_us
                            .map(aposos_store::ids::iso_from_us)
                            .unwrap_or_default()
                    );
                }
                Ok(())
            }
        };
        store.close().await;
        result
    })
}
