//! Background jobs. After each observation upload: correlate its tracklets with the
//! catalog the uploader may see, and refit (SGP4, with the catalog's element set as the
//! prior) the orbit of every object it touched from that object's observations of the
//! last [`REFIT_WINDOW_DAYS`] days. The new element set enters the history with its
//! provenance (a comment naming the upload, the number of observations and the
//! stations) under the access rules of the observations it came from: it belongs to the
//! uploader's organisation and is shared as the upload is; other organisations'
//! observations are used only when public.

use crate::policy::can_read;
use aposos_formats::obs::Observation;
use aposos_obs::correlate::{correlate, CorrelationOptions};
use aposos_orbit::od::{fit_sgp4, prepare_measurements, Sgp4FitOptions};
use aposos_store::catalog::{GpFilter, NewAudit, NewElementSet};
use aposos_store::observations::ObservationFilter;
use aposos_store::{ItemAccess, Principal, Sharing, Store, StoreError};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Days of observations a refit uses.
pub const REFIT_WINDOW_DAYS: i64 = 7;
/// Most observations of one object a refit reads.
const MAX_OBSERVATIONS_PER_OBJECT: usize = 20_000;

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
    let audit = NewAudit {
        user_id: Some(p.user_id),
        user_name: Some(format!("job:{}", p.user_name)),
        org_id: Some(p.org_id),
        action: "orbits.refit".into(),
        target: format!("upload {upload_id}"),
        outcome: "ok".into(),
        remote_addr: None,
        detail: Some(format!(
            "{} tracklets, {} assigned, {} orbits refitted, {} failed",
            summary.tracklets,
            summary.assigned,
            summary.refitted.len(),
            summary.failed.len()
        )),
    };
    if items.is_empty() {
        store.audit(&audit).await?;
    } else {
        store.insert_element_sets(&items, Some(&audit)).await?;
    }
    Ok(summary)
}
