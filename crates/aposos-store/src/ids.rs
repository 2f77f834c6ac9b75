//! Identifiers, API tokens and their hashes, and wall-clock time.

use sha2::{Digest, Sha256};

/// A random positive 63-bit id (collision odds negligible; made by the application so
/// the same schema works on SQLite and PostgreSQL and in several processes).
pub fn new_id() -> i64 {
    let mut buf = [0u8; 8];
    // getrandom fails only where the OS has no entropy source; fall back to time and a counter.
    if getrandom::fill(&mut buf).is_err() {
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        buf = (now_us() as u64 ^ n.rotate_left(40)).to_le_bytes();
    }
    (u64::from_le_bytes(buf) >> 1) as i64
}

/// Prefix of every APOSOS API token (so leaked tokens are easy to recognise).
pub const TOKEN_PREFIX: &str = "aposos_";

/// A new random API token: the prefix and 256 random bits in hex.
pub fn new_token() -> Result<String, getrandom::Error> {
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf)?;
    Ok(format!("{TOKEN_PREFIX}{}", hex(&buf)))
}

/// SHA-256 of a token in hex: the only form in which tokens are stored.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Microseconds since 1970-01-01T00:00:00 UTC, now.
pub fn now_us() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as i64)
        .unwrap_or(0)
}

/// ISO 8601 UTC text (`2026-12-02T14:51:02.123456Z`) of microseconds since 1970.
pub fn iso_from_us(us: i64) -> String {
    let days_1970_to_1950 = 7305; // 1950-01-01 to 1970-01-01
    let ns = us
        .saturating_mul(1000)
        .saturating_add(days_1970_to_1950 * aposos_formats::epoch::NS_PER_DAY);
    let mut s = aposos_formats::Epoch::from_ns_since_1950(ns).to_iso();
    s.push('Z');
    s
}

/// Microseconds since 1970 of an ISO 8601 UTC time (a trailing `Z` allowed).
pub fn us_from_iso(text: &str) -> Option<i64> {
    let t = text.trim().trim_end_matches('Z');
    let e = aposos_formats::Epoch::parse_iso(t).ok()?;
    let days_1970_to_1950 = 7305;
    Some((e.ns_since_1950() - days_1970_to_1950 * aposos_formats::epoch::NS_PER_DAY) / 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_prefixed_and_hashed() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with(TOKEN_PREFIX));
        assert_eq!(a.len(), TOKEN_PREFIX.len() + 64);
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn ids_are_positive_and_distinct() {
        let ids: std::collections::HashSet<i64> = (0..1000).map(|_| new_id()).collect();
        assert_eq!(ids.len(), 1000);
        assert!(ids.iter().all(|&i| i > 0));
    }

    #[test]
    fn iso_round_trip() {
        // 2000-01-01T12:00:00Z is 946728000 s after 1970.
        assert_eq!(
            iso_from_us(946_728_000_000_000),
            "2000-01-01T12:00:00.000000Z"
        );
        assert_eq!(
            us_from_iso("2000-01-01T12:00:00Z"),
            Some(946_728_000_000_000)
        );
        assert_eq!(us_from_iso("nonsense"), None);
    }
}
