//! Where and when: sites and telescopes of the network, topocentric predictions
//! of element sets, passes and optically observable windows.

pub mod passes;
pub mod predict;
pub mod roots;
pub mod schedule;
pub mod sites;
pub mod uncertainty;
pub mod windows;
