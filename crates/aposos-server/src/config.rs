//! Server configuration: a TOML file, then `APOSOS_*` environment variables, then flags.

use serde::Deserialize;
use std::path::PathBuf;

/// Everything `aposos serve` can be told.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address to listen on (`127.0.0.1:8080`).
    pub listen: String,
    /// Data directory of the embedded SQLite database and the demo catalog.
    pub data_dir: PathBuf,
    /// `postgres://…` to run on PostgreSQL instead of the embedded SQLite file.
    pub database: Option<String>,
    /// Largest pool of database connections.
    pub max_connections: u32,
    /// Whether requests without a token may read public data.
    pub allow_anonymous: bool,
    /// Sustained requests per second allowed to one token (or one address when anonymous).
    pub rate_limit_per_s: f64,
    /// Requests one token may make at once before the sustained rate applies.
    pub rate_limit_burst: f64,
    /// Largest request body, bytes.
    pub max_body_bytes: usize,
    /// Default page size of the catalog listings (objects).
    pub default_page_size: usize,
    /// Largest page size a client may ask for.
    pub max_page_size: usize,
    /// Log format: `text` or `json`.
    pub log_format: String,
    /// Bytes of rendered catalog answers kept in memory (0: none).
    pub cache_bytes: usize,
    /// Correlate each observation upload and refit the orbits it touched, in the background.
    pub refit_after_upload: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("aposos-data"),
            database: None,
            max_connections: 8,
            allow_anonymous: true,
            rate_limit_per_s: 50.0,
            rate_limit_burst: 200.0,
            max_body_bytes: 16 * 1024 * 1024,
            default_page_size: 50_000,
            max_page_size: 100_000,
            log_format: "text".into(),
            cache_bytes: 256 << 20,
            refit_after_upload: true,
        }
    }
}

/// Why a configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {message}")]
    Read {
        /// File.
        path: String,
        /// Why.
        message: String,
    },
    /// The file or a variable has a bad value.
    #[error("{source_name}: {message}")]
    Invalid {
        /// File name or variable name.
        source_name: String,
        /// What is wrong.
        message: String,
    },
}

impl ServerConfig {
    /// Reads a TOML configuration file (unknown keys are errors, naming the key).
    pub fn from_toml(source_name: &str, text: &str) -> Result<Self, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Invalid {
            source_name: source_name.to_string(),
            message: e.to_string().trim().to_string(),
        })
    }

    /// Reads the file at `path`.
    pub fn from_file(path: &std::path::Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Self::from_toml(&path.display().to_string(), &text)
    }

    /// Applies `APOSOS_LISTEN`, `APOSOS_DATA_DIR`, `APOSOS_DATABASE`, `APOSOS_MAX_CONNECTIONS`,
    /// `APOSOS_ALLOW_ANONYMOUS`, `APOSOS_REFIT_AFTER_UPLOAD`, `APOSOS_RATE_LIMIT_PER_S`, `APOSOS_RATE_LIMIT_BURST`,
    /// `APOSOS_MAX_BODY_BYTES`, `APOSOS_LOG_FORMAT` from `vars`.
    pub fn apply_env(
        &mut self,
        vars: impl Iterator<Item = (String, String)>,
    ) -> Result<(), ConfigError> {
        fn flag(k: &str, v: &str) -> Result<bool, ConfigError> {
            match v.trim() {
                "1" | "true" | "yes" => Ok(true),
                "0" | "false" | "no" => Ok(false),
                _ => Err(ConfigError::Invalid {
                    source_name: k.to_string(),
                    message: format!("expected true or false, found {v:?}"),
                }),
            }
        }
        fn num<T: std::str::FromStr>(k: &str, v: &str) -> Result<T, ConfigError> {
            v.trim().parse().map_err(|_| ConfigError::Invalid {
                source_name: k.to_string(),
                message: format!("expected a number, found {v:?}"),
            })
        }
        for (k, v) in vars {
            match k.as_str() {
                "APOSOS_LISTEN" => self.listen = v,
                "APOSOS_DATA_DIR" => self.data_dir = PathBuf::from(v),
                "APOSOS_DATABASE" => self.database = Some(v).filter(|s| !s.is_empty()),
                "APOSOS_MAX_CONNECTIONS" => self.max_connections = num(&k, &v)?,
                "APOSOS_ALLOW_ANONYMOUS" => self.allow_anonymous = flag(&k, &v)?,
                "APOSOS_REFIT_AFTER_UPLOAD" => self.refit_after_upload = flag(&k, &v)?,
                "APOSOS_RATE_LIMIT_PER_S" => self.rate_limit_per_s = num(&k, &v)?,
                "APOSOS_RATE_LIMIT_BURST" => self.rate_limit_burst = num(&k, &v)?,
                "APOSOS_MAX_BODY_BYTES" => self.max_body_bytes = num(&k, &v)?,
                "APOSOS_LOG_FORMAT" => self.log_format = v,
                _ => {}
            }
        }
        self.validate("environment")
    }

    /// Checks the values that have limits.
    pub fn validate(&self, source_name: &str) -> Result<(), ConfigError> {
        let bad = |message: String| ConfigError::Invalid {
            source_name: source_name.to_string(),
            message,
        };
        if !(self.rate_limit_per_s > 0.0 && self.rate_limit_burst >= 1.0) {
            return Err(bad(format!(
                "rate_limit_per_s must be > 0 and rate_limit_burst >= 1, found {} and {}",
                self.rate_limit_per_s, self.rate_limit_burst
            )));
        }
        if self.max_body_bytes < 1024 {
            return Err(bad(format!(
                "max_body_bytes must be at least 1024, found {}",
                self.max_body_bytes
            )));
        }
        if self.default_page_size == 0 || self.default_page_size > self.max_page_size {
            return Err(bad("default_page_size must be 1..=max_page_size".into()));
        }
        if !matches!(self.log_format.as_str(), "text" | "json") {
            return Err(bad(format!(
                "log_format must be text or json, found {:?}",
                self.log_format
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_then_environment() {
        let mut c = ServerConfig::from_toml(
            "a.toml",
            "listen = \"127.0.0.1:9000\"\nrate_limit_per_s = 5.0\n",
        )
        .unwrap();
        assert_eq!(c.listen, "127.0.0.1:9000");
        assert_eq!(c.rate_limit_per_s, 5.0);
        assert!(c.allow_anonymous);
        c.apply_env(
            [
                ("APOSOS_LISTEN".to_string(), "127.0.0.1:9001".to_string()),
                ("APOSOS_ALLOW_ANONYMOUS".to_string(), "false".to_string()),
            ]
            .into_iter(),
        )
        .unwrap();
        assert_eq!(c.listen, "127.0.0.1:9001");
        assert!(!c.allow_anonymous);
    }

    #[test]
    fn errors_name_the_source_and_key() {
        let e = ServerConfig::from_toml("a.toml", "lisen = 1")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("a.toml:") && e.contains("lisen"), "{e}");
        let mut c = ServerConfig::default();
        let e = c
            .apply_env([("APOSOS_RATE_LIMIT_PER_S".to_string(), "fast".to_string())].into_iter())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("APOSOS_RATE_LIMIT_PER_S") && e.contains("fast"),
            "{e}"
        );
    }
}
