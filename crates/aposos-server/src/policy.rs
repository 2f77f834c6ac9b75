//! The access rules of the platform, in one place: who may read which item, and who may
//! change what. Every handler asks these functions; nothing else decides.
//!
//! Reading an item contributed by a member state (observation, tracking request, orbit
//! product) depends on its owner organisation and its sharing level:
//!
//! | sharing | who reads it |
//! |---|---|
//! | `private` | the owner organisation, and the centre's admins |
//! | `consortium` | every full member state (and the admins) |
//! | `public` | everyone, observers and anonymous readers included |
//!
//! An object owned by a member state can be marked *consortium-only*: its precise
//! products (fitted orbits, observations) are then read as if they were at most
//! `consortium`, whatever their own level. The republished public catalog is not
//! a precise product and stays public.

use aposos_store::requests::TrackingRequest;
use aposos_store::{ItemAccess, ObjectRecord, OrgKind, Principal, Role, Sharing, SiteRecord};

/// The sharing level that applies to `item` once its object's marking is taken into account.
pub fn effective_sharing(item: &ItemAccess) -> Sharing {
    if item.precise && item.object_consortium_only {
        item.sharing.min(Sharing::Consortium)
    } else {
        item.sharing
    }
}

/// Whether `viewer` (`None`: anonymous) may read `item`.
pub fn can_read(viewer: Option<&Principal>, item: &ItemAccess) -> bool {
    if let Some(p) = viewer {
        if p.role == Role::Admin || p.org_id == item.owner_org_id {
            return true;
        }
    }
    match effective_sharing(item) {
        Sharing::Private => false,
        Sharing::Consortium => viewer.is_some_and(|p| p.org_kind == OrgKind::Member),
        Sharing::Public => true,
    }
}

/// Whether reading `item` must be written to the audit log (anything not public).
pub fn read_is_audited(item: &ItemAccess) -> bool {
    effective_sharing(item) != Sharing::Public
}

/// Whether `p` may upload orbit products (element sets).
pub fn may_upload_elements(p: &Principal) -> bool {
    matches!(p.role, Role::Admin | Role::Analyst)
}

/// Whether `p` may set the operational status of `site`: admins, and operators of the
/// member state whose node it is.
pub fn may_set_site_status(p: &Principal, site: &SiteRecord) -> bool {
    match p.role {
        Role::Admin => true,
        Role::Operator => {
            p.org_kind == OrgKind::Member
                && p.org_country
                    .as_deref()
                    .is_some_and(|c| c.eq_ignore_ascii_case(&site.country))
        }
        _ => false,
    }
}

/// Whether `p` may mark `object` consortium-only: admins, and analysts of the member state owning it.
pub fn may_mark_object(p: &Principal, object: &ObjectRecord) -> bool {
    match p.role {
        Role::Admin => true,
        Role::Analyst => {
            p.org_kind == OrgKind::Member
                && matches!((&p.org_satcat_owner, &object.owner), (Some(a), Some(b)) if a == b)
        }
        _ => false,
    }
}

/// Whether `p` may report observations for `site`: admins, and operators and analysts of
/// the member state whose node it is.
pub fn may_report_for_site(p: &Principal, site: &SiteRecord) -> bool {
    match p.role {
        Role::Admin => true,
        Role::Operator | Role::Analyst => {
            p.org_kind == OrgKind::Member
                && p.org_country
                    .as_deref()
                    .is_some_and(|c| c.eq_ignore_ascii_case(&site.country))
        }
        Role::Viewer => false,
    }
}

/// Whether `p` may upload observations at all (admins, operators, analysts).
pub fn may_upload_observations(p: &Principal) -> bool {
    matches!(p.role, Role::Admin | Role::Operator | Role::Analyst)
}

/// Whether `p` may read the audit log.
pub fn may_read_audit(p: &Principal) -> bool {
    p.role == Role::Admin
}

/// Whether `p` may file tracking requests: admins, operators and analysts of member states
/// (observers and viewers may not).
pub fn may_file_request(p: &Principal) -> bool {
    p.org_kind == OrgKind::Member && matches!(p.role, Role::Admin | Role::Operator | Role::Analyst)
}

/// Whether `p` may cancel tracking request `req`: the centre's admins, and analysts and
/// operators of the organisation that filed it.
pub fn may_cancel_request(p: &Principal, req: &TrackingRequest) -> bool {
    match p.role {
        Role::Admin => true,
        Role::Operator | Role::Analyst => p.org_id == req.org_id,
        Role::Viewer => false,
    }
}

/// Whether `p` may read the published plans of `site`: the centre's admins, and operators
/// and analysts of the member state whose node it is.
pub fn may_read_plan(p: &Principal, site: &SiteRecord) -> bool {
    match p.role {
        Role::Admin => true,
        Role::Operator | Role::Analyst => {
            p.org_kind == OrgKind::Member
                && p.org_country
                    .as_deref()
                    .is_some_and(|c| c.eq_ignore_ascii_case(&site.country))
        }
        Role::Viewer => false,
    }
}

/// Whether `p` may publish a node's plan (the centre plans for the whole network: admins only).
pub fn may_publish_plan(p: &Principal) -> bool {
    p.role == Role::Admin
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(org_id: i64, kind: OrgKind, role: Role) -> Principal {
        Principal {
            user_id: org_id * 10,
            user_name: format!("u{org_id}"),
            token_id: 1,
            org_id,
            org_name: format!("org{org_id}"),
            org_kind: kind,
            org_country: Some("PK".into()),
            org_satcat_owner: Some("PAKI".into()),
            role,
        }
    }

    fn item(owner: i64, sharing: Sharing, precise: bool, marked: bool) -> ItemAccess {
        ItemAccess {
            owner_org_id: owner,
            sharing,
            precise,
            object_consortium_only: marked,
        }
    }

    #[test]
    fn the_sharing_table() {
        let owner = principal(1, OrgKind::Member, Role::Viewer);
        let member = principal(2, OrgKind::Member, Role::Analyst);
        let observer = principal(3, OrgKind::Observer, Role::Analyst);
        let admin = principal(4, OrgKind::Member, Role::Admin);
        // (sharing, owner, other member, observer, anonymous, admin)
        let table = [
            (Sharing::Private, true, false, false, false, true),
            (Sharing::Consortium, true, true, false, false, true),
            (Sharing::Public, true, true, true, true, true),
        ];
        for (sharing, o, m, ob, anon, ad) in table {
            let it = item(1, sharing, true, false);
            assert_eq!(can_read(Some(&owner), &it), o, "{sharing} owner");
            assert_eq!(can_read(Some(&member), &it), m, "{sharing} member");
            assert_eq!(can_read(Some(&observer), &it), ob, "{sharing} observer");
            assert_eq!(can_read(None, &it), anon, "{sharing} anonymous");
            assert_eq!(can_read(Some(&admin), &it), ad, "{sharing} admin");
        }
    }

    #[test]
    fn marked_objects_keep_precise_products_in_the_consortium() {
        let member = principal(2, OrgKind::Member, Role::Viewer);
        let observer = principal(3, OrgKind::Observer, Role::Viewer);
        let precise = item(1, Sharing::Public, true, true);
        assert_eq!(effective_sharing(&precise), Sharing::Consortium);
        assert!(can_read(Some(&member), &precise));
        assert!(!can_read(Some(&observer), &precise));
        assert!(!can_read(None, &precise));
        assert!(read_is_audited(&precise));
        // The republished public catalog stays public.
        let catalog = item(1, Sharing::Public, false, true);
        assert!(can_read(None, &catalog));
        assert!(!read_is_audited(&catalog));
        // Marking never widens: private stays private.
        assert_eq!(
            effective_sharing(&item(1, Sharing::Private, true, true)),
            Sharing::Private
        );
    }

    #[test]
    fn roles_for_writes() {
        let site = SiteRecord {
            id: "pk-islamabad".into(),
            name: "x".into(),
            country: "PK".into(),
            role: "node".into(),
            status: "online".into(),
            lat_deg: 0.0,
            lon_deg: 0.0,
            height_m: 0.0,
            telescope: serde_json::json!({}),
            horizon_mask: serde_json::json!([]),
            station_number: None,
            updated_us: 0,
        };
        let mut op = principal(1, OrgKind::Member, Role::Operator);
        assert!(may_set_site_status(&op, &site));
        op.org_country = Some("PE".into());
        assert!(!may_set_site_status(&op, &site));
        assert!(!may_set_site_status(
            &principal(1, OrgKind::Member, Role::Analyst),
            &site
        ));
        assert!(may_set_site_status(
            &principal(9, OrgKind::Member, Role::Admin),
            &site
        ));
        assert!(may_upload_elements(&principal(
            1,
            OrgKind::Member,
            Role::Analyst
        )));
        assert!(!may_upload_elements(&principal(
            1,
            OrgKind::Member,
            Role::Operator
        )));
        assert!(!may_upload_elements(&principal(
            1,
            OrgKind::Member,
            Role::Viewer
        )));
        assert!(may_read_audit(&principal(1, OrgKind::Member, Role::Admin)));
        assert!(!may_read_audit(&principal(
            1,
            OrgKind::Member,
            Role::Analyst
        )));
    }

    fn request(org_id: i64, sharing: Sharing) -> TrackingRequest {
        TrackingRequest {
            id: 7,
            org_id,
            org_name: format!("org{org_id}"),
            user_name: "someone".into(),
            created_us: 0,
            norad_ids: vec![25544],
            from_us: 0,
            to_us: 86_400_000_000,
            priority: 5,
            tracklets_per_night: 1,
            nights: 1,
            sharing,
            status: "active".into(),
            note: None,
            cancelled_us: None,
        }
    }

    #[test]
    fn who_files_and_cancels_requests() {
        for (kind, role, files) in [
            (OrgKind::Member, Role::Admin, true),
            (OrgKind::Member, Role::Operator, true),
            (OrgKind::Member, Role::Analyst, true),
            (OrgKind::Member, Role::Viewer, false),
            (OrgKind::Observer, Role::Operator, false),
            (OrgKind::Observer, Role::Analyst, false),
            (OrgKind::Observer, Role::Viewer, false),
        ] {
            assert_eq!(
                may_file_request(&principal(1, kind, role)),
                files,
                "{kind} {role}"
            );
        }
        let req = request(1, Sharing::Consortium);
        // (org, role, may cancel)
        for (org, role, cancels) in [
            (1, Role::Analyst, true),
            (1, Role::Operator, true),
            (1, Role::Viewer, false),
            (2, Role::Analyst, false),
            (2, Role::Operator, false),
            (9, Role::Admin, true),
        ] {
            assert_eq!(
                may_cancel_request(&principal(org, OrgKind::Member, role), &req),
                cancels,
                "org {org} {role}"
            );
        }
        // Reading follows the sharing table, a request being no precise product.
        let other = principal(2, OrgKind::Member, Role::Viewer);
        let observer = principal(3, OrgKind::Observer, Role::Viewer);
        assert!(!can_read(
            Some(&other),
            &request(1, Sharing::Private).access()
        ));
        assert!(can_read(
            Some(&other),
            &request(1, Sharing::Consortium).access()
        ));
        assert!(!can_read(
            Some(&observer),
            &request(1, Sharing::Consortium).access()
        ));
        assert!(!can_read(None, &request(1, Sharing::Consortium).access()));
        assert!(can_read(None, &request(1, Sharing::Public).access()));
    }

    #[test]
    fn who_reads_and_publishes_plans() {
        let site = SiteRecord {
            id: "pk-islamabad".into(),
            name: "x".into(),
            country: "PK".into(),
            role: "node".into(),
            status: "online".into(),
            lat_deg: 0.0,
            lon_deg: 0.0,
            height_m: 0.0,
            telescope: serde_json::json!({}),
            horizon_mask: serde_json::json!([]),
            station_number: None,
            updated_us: 0,
        };
        let mut pe = principal(2, OrgKind::Member, Role::Operator);
        pe.org_country = Some("PE".into());
        for (p, reads) in [
            (principal(9, OrgKind::Member, Role::Admin), true),
            (principal(1, OrgKind::Member, Role::Operator), true),
            (principal(1, OrgKind::Member, Role::Analyst), true),
            (principal(1, OrgKind::Member, Role::Viewer), false),
            (principal(1, OrgKind::Observer, Role::Operator), false),
            (pe, false),
        ] {
            assert_eq!(may_read_plan(&p, &site), reads, "{} {}", p.org_name, p.role);
        }
        assert!(may_publish_plan(&principal(
            9,
            OrgKind::Member,
            Role::Admin
        )));
        for role in [Role::Operator, Role::Analyst, Role::Viewer] {
            assert!(!may_publish_plan(&principal(1, OrgKind::Member, role)));
        }
    }
}
