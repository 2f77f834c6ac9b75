//! Background jobs. After each observation upload: correlate its tracklets with the
//! catalog the uploader may see, and refit (SGP4, with the catalog's element set as the
//! prior) the orbit of every object it touched from that object's observations of the
//! last [`REFIT_WINDOW_DAYS`] days. The new element set enters the history with its
//! provenance (a comment naming the upload, the number of observations and the
//! stations) under the access rules of the observations it came from: it belongs to the
//! uploader's organisation and is shared as the upload is; other organisations'
//! observations are used only when public.
//!
//! Correlation is kept: the upload's observations of assigned tracklets are filed under
//! their object. Its uncorrelated tracklets, with the stored uncorrelated observations of
//! the last [`LINK_WINDOW_DAYS`] days, are linked into candidate objects
//! ([`aposos_obs::linkage`]); each enters the catalog as a provisional object (number from
//! [`FIRST_PROVISIONAL`] up, name `APOSOS-<number>`, `provisional` set) with its element
//! set, and its observations are filed under the new number, so the next upload's
//! tracklets correlate with it like with any other object.

use crate::policy::can_read;
use aposos_formats::obs::Observation;
use aposos_obs::correlate::{correlate, CorrelationOptions, Outcome};
use aposos_obs::linkage::{link_uncorrelated, LinkOptions};
use aposos_orbit::od::{fit_sgp4, prepare_measurements, Sgp4FitOptions};
use aposos_store::catalog::{GpFilter, NewAudit, NewElementSet};
use aposos_store::observations::ObservationFilter;
use aposos_store::{ItemAccess, ObjectRecord, Principal, Sharing, Store, StoreError};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Days of observations a refit uses.
pub const REFIT_WINDOW_DAYS: i64 = 7;
/// Most observations of one object a refit reads.
const MAX_OBSERVATIONS_PER_OBJECT: usize = 20_000;
/// Days of uncorrelated observations that linkage into provisional objects reads.
pub const LINK_WINDOW_DAYS: i64 = 2;
/// Most uncorrelated observations linkage reads.
const MAX_UNCORRELATED: usize = 50_000;
/// The first provisional catalog number (the top of the Alpha-5 range).
pub const FIRST_PROVISIONAL: u32 = 330_000;

/// What one refit job did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RefitSummary {
    /// Tracklets of the upload.
    pub tracklets: usize,
    /// Of them assigned to catalog objects.
    pub assigned: usize,
    /// Element sets stored.
    pub refitted: Vec<u32>,
    /// Objects whose fit failed, with why.
    pub failed: Vec<(u32, String)>,
    /// Provisional objects made from uncorrelated tracklets.
    pub provisional: Vec<u32>,
}

/// Correlates upload `upload_id` of principal `p` (shared as `sharing`) and refits every
/// object it touched; the new element sets are stored and the job audited.
pub async fn refit_after_upload(
    store: Store,
    p: Principal,
    upload_id: i64,
    sharing: Sharing,
) -> Result<RefitSummary, StoreError> {
    let viewer = Some(p.clone());
    let own = p.org_id;
    // Own observations at any level, others' only when public.
    let usable = move |a: &ItemAccess| a.owner_org_id == own || a.sharing == Sharing::Public;
    let filter = ObservationFilter {
        upload_id: Some(upload_id),
        ..ObservationFilter::default()
    };
    let (upload, _) = store
        .observations(&filter, None, usize::MAX, &usable)
        .await?;
    if upload.is_empty() {
        return Ok(RefitSummary::default());
    }
    let visible = move |a: &ItemAccess| can_read(viewer.as_ref(), a);
    let (sets, _) = store
        .latest_element_sets(&GpFilter::default(), None, usize::MAX, &visible, &|_| true)
        .await?;
    let elements: Vec<_> = sets.into_iter().map(|s| s.elements).collect();
    let sites: Vec<_> = store
        .list_sites()
        .await?
        .iter()
        .map(crate::api::diagnostics::site_of)
        .collect();
    let upload_ids: Vec<i64> = upload.iter().map(|o| o.id).collect();
    let obs: Vec<Observation> = upload.into_iter().map(|o| o.observation).collect();
    let (obs, elements, sites, report) = tokio::task::spawn_blocking(move || {
        let report = correlate(
            &obs,
            &elements,
            &sites,
            aposos_astro::Eop::embedded(),
            &CorrelationOptions::default(),
        );
        (obs, elements, sites, report)
    })
    .await
    .map_err(|e| StoreError::Corrupt(format!("correlation task failed: {e}")))?;
    let mut summary = RefitSummary {
        tracklets: report.tracklets.len(),
        assigned: report.assigned,
        ..RefitSummary::default()
    };
    // The upload's observations of each touched object, as correlation assigned them.
    let mut touched: BTreeMap<u32, Vec<Observation>> = BTreeMap::new();
    for t in &report.tracklets {
        if let Some(n) = t.assigned() {
            for &i in &t.observations {
                let mut o = obs[i].clone();
                o.norad_cat_id = Some(n);
                touched.entry(n).or_default().push(o);
            }
        }
    }
    // Correlation is kept: the upload's observations of assigned tracklets are filed
    // under their object, so that they count as that object's from now on.
    for t in &report.tracklets {
        if let Some(n) = t.assigned() {
            let ids: Vec<i64> = t.observations.iter().map(|&i| upload_ids[i]).collect();
            store.assign_observations(&ids, n).await?;
        }
    }
    let by_norad: HashMap<u32, &aposos_formats::ElementSet> =
        elements.iter().map(|e| (e.norad_cat_id, e)).collect();
    let geodetic: HashMap<String, aposos_astro::Geodetic> =
        sites.iter().map(|s| (s.id.clone(), s.geodetic)).collect();
    let mut items = Vec::new();
    for (norad, mut mine) in touched {
        let Some(initial) = by_norad.get(&norad).copied().cloned() else {
            continue;
        };
        // Earlier observations of the object (stored under its number) join the upload's.
        let last = mine.iter().map(|o| o.time).max().unwrap_or(initial.epoch);
        let earlier = ObservationFilter {
            norad: Some(norad),
            from: Some(last.add_ns(-REFIT_WINDOW_DAYS * 86_400_000_000_000)),
            to: Some(last),
            ..ObservationFilter::default()
        };
        let (stored, _) = store
            .observations(&earlier, None, MAX_OBSERVATIONS_PER_OBJECT, &usable)
            .await?;
        let seen: BTreeSet<(String, i64)> = mine
            .iter()
            .map(|o| (o.station.clone(), o.time.ns_since_1950()))
            .collect();
        mine.extend(
            stored
                .into_iter()
                .map(|s| s.observation)
                .filter(|o| !seen.contains(&(o.station.clone(), o.time.ns_since_1950()))),
        );
        let geo = geodetic.clone();
        let (result, mine) = tokio::task::spawn_blocking(move || {
            let (meas, _) = prepare_measurements(&mine, &geo, aposos_astro::Eop::embedded(), 2.0);
            (fit_sgp4(&initial, &meas, &Sgp4FitOptions::default()), mine)
        })
        .await
        .map_err(|e| StoreError::Corrupt(format!("fit task failed: {e}")))?;
        match result {
            Ok(fit) if fit.converged => {
                let stations: BTreeSet<&str> = mine.iter().map(|o| o.station.as_str()).collect();
                let mut e = fit.elements;
                e.element_set_no = (e.element_set_no + 1) % 10_000;
                e.omm.originator = Some("APOSOS".into());
                e.omm.comments = vec![format!(
                    "APOSOS OD (SGP4{}) after upload {upload_id}: {} observations ({} rejected) from {}, RMS {:.2} arcsec",
                    if fit.full { "" } else { ", mean longitude only" },
                    fit.used,
                    fit.rejected,
                    stations.into_iter().collect::<Vec<_>>().join(", "),
                    fit.rms_arcsec
                )];
                items.push(NewElementSet {
                    elements: e,
                    source_org_id: p.org_id,
                    sharing,
                    precise: true,
                    uploaded_by: Some(p.user_id),
                    upload_format: "aposos-od".into(),
                });
                summary.refitted.push(norad);
            }
            Ok(_) => summary.failed.push((norad, "not converged".into())),
            Err(e) => summary.failed.push((norad, e.to_string())),
        }
    }
    let not_uct: BTreeSet<i64> = report
        .tracklets
        .iter()
        .filter(|t| !matches!(t.outcome, Outcome::Uncorrelated))
        .flat_map(|t| t.observations.iter().map(|&i| upload_ids[i]))
        .collect();
    if report
        .tracklets
        .iter()
        .any(|t| matches!(t.outcome, Outcome::Uncorrelated))
    {
        let (objects, sets) = link_provisional(&store, &obs, &not_uct, &geodetic, &usable).await?;
        for (object, set, ids) in objects.into_iter().zip(sets).map(|(o, (s, i))| (o, s, i)) {
            let n = object.norad_cat_id;
            store.insert_objects(std::slice::from_ref(&object)).await?;
            store.assign_observations(&ids, n).await?;
            items.push(NewElementSet {
                elements: set,
                source_org_id: p.org_id,
                sharing,
                precise: true,
                uploaded_by: Some(p.user_id),
                upload_format: "aposos-iod".into(),
            });
            summary.provisional.push(n);
        }
    }
    let audit = NewAudit {
        user_id: Some(p.user_id),
        user_name: Some(format!("job:{}", p.user_name)),
        org_id: Some(p.org_id),
        action: "orbits.refit".into(),
        target: format!("upload {upload_id}"),
        outcome: "ok".into(),
        remote_addr: None,
        detail: Some(format!(
            "{} tracklets, {} assigned, {} orbits refitted, {} failed, {} provisional objects",
            summary.tracklets,
            summary.assigned,
            summary.refitted.len(),
            summary.failed.len(),
            summary.provisional.len()
        )),
    };
    if items.is_empty() {
        store.audit(&audit).await?;
    } else {
        store.insert_element_sets(&items, Some(&audit)).await?;
    }
    Ok(summary)
}

/// A provisional object: its SATCAT record, element set and the ids of its observations.
type Provisional = (
    Vec<ObjectRecord>,
    Vec<(aposos_formats::ElementSet, Vec<i64>)>,
);

/// Links the stored uncorrelated observations of the last [`LINK_WINDOW_DAYS`] before the
/// upload's last one (those `usable` admits, less `exclude`) into candidate objects with
/// provisional numbers from the next free one at or above [`FIRST_PROVISIONAL`].
async fn link_provisional(
    store: &Store,
    upload: &[Observation],
    exclude: &BTreeSet<i64>,
    geodetic: &HashMap<String, aposos_astro::Geodetic>,
    usable: &(dyn Fn(&ItemAccess) -> bool + Sync),
) -> Result<Provisional, StoreError> {
    let Some(last) = upload.iter().map(|o| o.time).max() else {
        return Ok((Vec::new(), Vec::new()));
    };
    let filter = ObservationFilter {
        norad: Some(0),
        from: Some(last.add_ns(-LINK_WINDOW_DAYS * 86_400_000_000_000)),
        to: Some(last),
        ..ObservationFilter::default()
    };
    let (stored, _) = store
        .observations(&filter, None, MAX_UNCORRELATED, usable)
        .await?;
    let (ids, obs): (Vec<i64>, Vec<Observation>) = stored
        .into_iter()
        .filter(|s| !exclude.contains(&s.id))
        .map(|s| (s.id, s.observation))
        .unzip();
    let first_number = store.next_free_number(FIRST_PROVISIONAL).await?;
    let geo = geodetic.clone();
    let report = tokio::task::spawn_blocking(move || {
        link_uncorrelated(
            &obs,
            &geo,
            aposos_astro::Eop::embedded(),
            &LinkOptions {
                first_number,
                ..LinkOptions::default()
            },
        )
        .candidates
        .into_iter()
        .map(|c| {
            let stations: BTreeSet<&str> = c.tracklets.iter().map(|t| t.0.as_str()).collect();
            let mut e = c.elements.clone();
            e.omm.originator = Some("APOSOS".into());
            e.omm.comments = vec![format!(
                "APOSOS IOD: provisional object {} from {} uncorrelated tracklets ({} observations) from {}, RMS {:.2} arcsec",
                c.designation,
                c.tracklets.len(),
                c.observations.len(),
                stations.into_iter().collect::<Vec<_>>().join(", "),
                c.rms_arcsec
            )];
            (c, e)
        })
        .collect::<Vec<_>>()
    })
    .await
    .map_err(|e| StoreError::Corrupt(format!("linkage task failed: {e}")))?;
    let objects = report
        .iter()
        .map(|(c, _)| ObjectRecord {
            norad_cat_id: c.norad_cat_id,
            object_id: None,
            object_name: Some(c.designation.clone()),
            object_type: "UNK".into(),
            owner: None,
            launch_site: None,
            launch_date: None,
            decay_date: None,
            orbit_class: None,
            rcs_m2: None,
            size_m: None,
            std_mag: None,
            consortium_only: false,
            provisional: true,
        })
        .collect();
    let sets = report
        .into_iter()
        .map(|(c, e)| (e, c.observations.iter().map(|&i| ids[i]).collect()))
        .collect();
    Ok((objects, sets))
}
