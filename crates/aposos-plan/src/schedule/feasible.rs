//! An independent check of a plan: every observation inside its window and its node's
//! dark interval, in time order without overlap, and every slew given enough time. The
//! pointings are computed again from the orbits (not the scheduler's sampled tracks), and
//! no planner margin is granted.

use super::slew::Enu;
use super::track::line_of_sight;
use super::{Problem, Solution, TargetKind, PARK};
use crate::passes::Target;

/// Tolerance of the time comparisons (s).
const TOL_S: f64 = 1e-6;

/// Every violation of `sol` in `pb`, described (empty: the plan is feasible).
pub fn violations(pb: &Problem, sol: &Solution) -> Vec<String> {
    let mut out = Vec::new();
    if sol.nodes.len() != pb.nodes.len() {
        out.push(format!(
            "{} node sequences for {} nodes",
            sol.nodes.len(),
            pb.nodes.len()
        ));
        return out;
    }
    let mut sats: Vec<Option<Target>> = vec![None; pb.objects.len()];
    let mut pointing = |ti: usize, node: usize, t_s: f64| -> Option<Enu> {
        match &pb.targets[ti].kind {
            TargetKind::Survey { field, .. } => Some(field.enu),
            TargetKind::Object { index, .. } => {
                if sats[*index].is_none() {
                    sats[*index] = Target::new(&pb.objects[*index].elements).ok();
                }
                let sat = sats[*index].as_ref()?;
                let (r, _) = sat.itrf(&pb.clock, t_s).ok()?;
                Some(line_of_sight(&pb.nodes[node].observer, r))
            }
        }
    };
    for (ni, slots) in sol.nodes.iter().enumerate() {
        let node = &pb.nodes[ni];
        let site = &node.site.id;
        let mut prev: Option<(f64, Enu)> = None;
        for (k, s) in slots.iter().enumerate() {
            let Some(c) = pb.candidates.get(s.cand) else {
                out.push(format!("{site} #{k}: unknown candidate {}", s.cand));
                continue;
            };
            let end = s.start_s + c.duration_s;
            if c.node != ni {
                out.push(format!("{site} #{k}: a window of another node"));
            }
            if s.start_s < c.start_s - TOL_S || end > c.end_s + TOL_S {
                out.push(format!(
                    "{site} #{k}: [{:.3}, {end:.3}] s outside its window [{:.3}, {:.3}] s",
                    s.start_s, c.start_s, c.end_s
                ));
            }
            if s.start_s < node.dark_s.0 - TOL_S || end > node.dark_s.1 + TOL_S {
                out.push(format!("{site} #{k}: outside the dark interval"));
            }
            if !s.locked && s.start_s < node.not_before_s - TOL_S {
                out.push(format!(
                    "{site} #{k}: new observation before the re-plan time"
                ));
            }
            let (Some(p0), Some(p1)) = (
                pointing(c.target, ni, s.start_s),
                pointing(c.target, ni, end),
            ) else {
                out.push(format!("{site} #{k}: no pointing (propagation failed)"));
                continue;
            };
            let (prev_end, prev_p) = prev.unwrap_or((node.dark_s.0, PARK));
            let slew = node.mount.slew_s(prev_p, p0);
            let need = prev_end + slew + pb.settings.settle_s;
            // The first observation of a re-planned night follows what was done before it.
            if need > s.start_s + TOL_S && !(s.locked && prev.is_none()) {
                out.push(format!(
                    "{site} #{k}: starts at {:.3} s, but the slew ({slew:.2} s) and settling from the previous pointing end at {need:.3} s",
                    s.start_s
                ));
            }
            prev = Some((end, p1));
        }
        // Repeats of one window keep the revisit spacing.
        for (i, a) in slots.iter().enumerate() {
            for b in &slots[i + 1..] {
                if a.cand == b.cand && (b.start_s - a.start_s).abs() < pb.settings.revisit_s - TOL_S
                {
                    out.push(format!(
                        "{site}: two tracklets of one window {:.1} s apart (revisit {} s)",
                        (b.start_s - a.start_s).abs(),
                        pb.settings.revisit_s
                    ));
                }
            }
        }
    }
    out
}
