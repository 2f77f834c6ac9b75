//! Per-token (or per-address, for anonymous callers) token-bucket rate limits.
//!
//! Buckets live in the process: with several server processes behind one
//! address, each enforces the limit on its own share of the traffic.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// Token buckets keyed by caller.
pub struct RateLimiter {
    rate_per_s: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    /// A limiter allowing `rate_per_s` sustained and `burst` at once per key.
    pub fn new(rate_per_s: f64, burst: f64) -> Self {
        Self {
            rate_per_s,
            burst,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from `key`'s bucket: `Ok` or `Err(seconds to wait)`.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        self.check_at(key, Instant::now())
    }

    /// Whether `key` has a request left, without taking it.
    pub fn peek(&self, key: &str) -> Result<(), u64> {
        self.take_at(key, Instant::now(), false)
    }

    fn check_at(&self, key: &str, now: Instant) -> Result<(), u64> {
        self.take_at(key, now, true)
    }

    fn take_at(&self, key: &str, now: Instant, take: bool) -> Result<(), u64> {
        let mut map = match self.buckets.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        if map.len() > 100_000 {
            // Forget idle callers rather than grow without bound.
            map.retain(|_, (_, t)| now.duration_since(*t).as_secs_f64() < 60.0);
        }
        let (tokens, last) = map.entry(key.to_string()).or_insert((self.burst, now));
        let elapsed = now.saturating_duration_since(*last).as_secs_f64();
        *tokens = (*tokens + elapsed * self.rate_per_s).min(self.burst);
        *last = now;
        if *tokens >= 1.0 {
            if take {
                *tokens -= 1.0;
            }
            Ok(())
        } else {
            Err(((1.0 - *tokens) / self.rate_per_s).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn burst_then_refill() {
        let rl = RateLimiter::new(2.0, 3.0);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(rl.check_at("a", t0).is_ok());
        }
        assert_eq!(rl.check_at("a", t0), Err(1));
        assert!(rl.check_at("b", t0).is_ok(), "keys are independent");
        assert!(rl.check_at("a", t0 + Duration::from_millis(500)).is_ok());
        assert!(rl.check_at("a", t0 + Duration::from_millis(500)).is_err());
    }

    #[test]
    fn peek_takes_nothing() {
        let rl = RateLimiter::new(1.0, 1.0);
        assert!(rl.peek("a").is_ok());
        assert!(rl.peek("a").is_ok());
        assert!(rl.check("a").is_ok());
        assert!(rl.peek("a").is_err());
    }

    #[test]
    fn retry_after_reflects_the_rate() {
        let rl = RateLimiter::new(0.1, 1.0);
        let t0 = Instant::now();
        assert!(rl.check_at("a", t0).is_ok());
        assert_eq!(rl.check_at("a", t0), Err(10));
    }
}
