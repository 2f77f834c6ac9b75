//! Prometheus metrics: requests by route and status, latency histograms, the database pool.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

/// Upper bounds of the latency histogram buckets, seconds.
pub const LATENCY_BUCKETS_S: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
struct Histogram {
    counts: Vec<u64>,
    sum_s: f64,
    count: u64,
}

/// Counters and histograms of the HTTP layer.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<(String, String), Histogram>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

fn escape(label: &str) -> String {
    label
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    /// Records one request on `route` (the matched path template) with its status and duration.
    pub fn record(&self, method: &str, route: &str, status: u16, seconds: f64) {
        *lock(&self.requests)
            .entry((method.to_string(), route.to_string(), status))
            .or_insert(0) += 1;
        let mut lat = lock(&self.latency);
        let h = lat
            .entry((method.to_string(), route.to_string()))
            .or_default();
        if h.counts.is_empty() {
            h.counts = vec![0; LATENCY_BUCKETS_S.len()];
        }
        for (i, b) in LATENCY_BUCKETS_S.iter().enumerate() {
            if seconds <= *b {
                h.counts[i] += 1;
            }
        }
        h.sum_s += seconds;
        h.count += 1;
    }

    /// The text exposition format, with the pool gauges appended.
    pub fn render(&self, pool_size: u32, pool_idle: usize, pool_max: u32) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP aposos_http_requests_total HTTP requests by method, route and status.\n",
        );
        out.push_str("# TYPE aposos_http_requests_total counter\n");
        for ((m, r, s), n) in lock(&self.requests).iter() {
            let _ = writeln!(
                out,
                "aposos_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{s}\"}} {n}",
                escape(m),
                escape(r)
            );
        }
        out.push_str("# HELP aposos_http_request_duration_seconds HTTP request latency.\n");
        out.push_str("# TYPE aposos_http_request_duration_seconds histogram\n");
        for ((m, r), h) in lock(&self.latency).iter() {
            let (m, r) = (escape(m), escape(r));
            for (b, c) in LATENCY_BUCKETS_S.iter().zip(&h.counts) {
                let _ = writeln!(out, "aposos_http_request_duration_seconds_bucket{{method=\"{m}\",route=\"{r}\",le=\"{b}\"}} {c}");
            }
            let _ = writeln!(out, "aposos_http_request_duration_seconds_bucket{{method=\"{m}\",route=\"{r}\",le=\"+Inf\"}} {}", h.count);
            let _ = writeln!(
                out,
                "aposos_http_request_duration_seconds_sum{{method=\"{m}\",route=\"{r}\"}} {}",
                h.sum_s
            );
            let _ = writeln!(
                out,
                "aposos_http_request_duration_seconds_count{{method=\"{m}\",route=\"{r}\"}} {}",
                h.count
            );
        }
        let _ = writeln!(out, "# HELP aposos_db_pool_connections Open database connections.\n# TYPE aposos_db_pool_connections gauge\naposos_db_pool_connections {pool_size}");
        let _ = writeln!(out, "# HELP aposos_db_pool_idle_connections Idle database connections.\n# TYPE aposos_db_pool_idle_connections gauge\naposos_db_pool_idle_connections {pool_idle}");
        let _ = writeln!(out, "# HELP aposos_db_pool_max_connections Largest pool size.\n# TYPE aposos_db_pool_max_connections gauge\naposos_db_pool_max_connections {pool_max}");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_is_cumulative() {
        let m = Metrics::default();
        m.record("GET", "/api/v1/gp", 200, 0.002);
        m.record("GET", "/api/v1/gp", 200, 0.2);
        let text = m.render(2, 1, 8);
        assert!(text.contains(
            "aposos_http_requests_total{method=\"GET\",route=\"/api/v1/gp\",status=\"200\"} 2"
        ));
        assert!(text.contains("le=\"0.0025\"} 1"));
        assert!(text.contains("le=\"0.25\"} 2"));
        assert!(text.contains("le=\"+Inf\"} 2"));
        assert!(text.contains("aposos_db_pool_connections 2"));
    }
}
