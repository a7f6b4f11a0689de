//! [`TrialSpec`]: one planned trial — its position, stage, config and the
//! hash that identifies it.
//!
//! **Identity is the config alone.** The hash is FNV-1a (64 bit, as 16 hex
//! digits) of the config's canonical JSON: object keys sorted at every
//! depth, no whitespace, numbers as `serde_json` prints them (so `1` and
//! `1.0` differ). The stage is *not* hashed: a later stage that trains
//! longer puts its epochs (and the seed) in the config, so its trials hash
//! differently; a stage that re-proposes exactly a finished config gets
//! that config's result back instead of spending a trial on it again.

use crate::search::config::fnv1a64;
use serde_json::{Map, Value, json};

use super::error::TrialsError;

/// One planned trial.
///
/// ```
/// use nn::search::trials::TrialSpec;
/// use serde_json::json;
/// let a = TrialSpec::new(0, 1, json!({"lr": 0.01, "epochs": 5})).unwrap();
/// let b = TrialSpec::new(7, 2, json!({"epochs": 5, "lr": 0.01})).unwrap(); // keys reordered
/// assert_eq!(a.hash, b.hash); // same config, same trial
/// assert_eq!(a.hash.len(), 16);
/// assert!(TrialSpec::new(0, 1, json!([1, 2])).is_err()); // configs are objects
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TrialSpec {
    /// The trial's number in its search (unique across stages); names its
    /// per-trial result file `trial-{index:04}.json`.
    pub index: usize,
    /// The coarse-to-fine stage that planned it (1, 2, …).
    pub stage: usize,
    /// The hyperparameters (a JSON object), passed to the worker as is.
    pub config: Value,
    /// [`config_hash`] of `config`.
    pub hash: String,
}

impl TrialSpec {
    /// A spec for `config`, with its hash.
    ///
    /// # Errors
    /// [`TrialsError::Invalid`] if `config` is not a JSON object.
    pub fn new(index: usize, stage: usize, config: Value) -> Result<Self, TrialsError> {
        if !config.is_object() {
            return Err(TrialsError::Invalid {
                detail: format!("trial {index}: the config must be a JSON object, not {config}"),
            });
        }
        let hash = config_hash(&config);
        Ok(Self {
            index,
            stage,
            config,
            hash,
        })
    }

    /// The spec as one JSON object: `{"index", "stage", "hash", "config"}`.
    ///
    /// ```
    /// # use nn::search::trials::TrialSpec;
    /// let s = TrialSpec::new(3, 1, serde_json::json!({"lr": 0.1})).unwrap();
    /// assert_eq!(TrialSpec::from_json(&s.to_json()).unwrap(), s);
    /// ```
    pub fn to_json(&self) -> Value {
        json!({"index": self.index, "stage": self.stage, "hash": self.hash, "config": self.config})
    }

    /// Reads [`to_json`](Self::to_json)'s object back, recomputing the hash.
    ///
    /// # Errors
    /// [`TrialsError::Invalid`] if a field is missing or has the wrong type,
    /// or the stored hash is not the config's (the config was edited).
    pub fn from_json(v: &Value) -> Result<Self, TrialsError> {
        let index = usize_field(v, "index")?;
        let stage = usize_field(v, "stage")?;
        let spec = Self::new(
            index,
            stage,
            v.get("config").cloned().unwrap_or(Value::Null),
        )?;
        match v.get("hash").and_then(Value::as_str) {
            Some(h) if h == spec.hash => Ok(spec),
            Some(h) => Err(TrialsError::Invalid {
                detail: format!(
                    "trial {index}: stored hash {h} is not the config's ({}): was the config edited?",
                    spec.hash
                ),
            }),
            None => Err(missing("hash", "a string")),
        }
    }
}

pub(crate) fn missing(name: &str, kind: &str) -> TrialsError {
    TrialsError::Invalid {
        detail: format!("field `{name}` is missing or not {kind}"),
    }
}

pub(crate) fn usize_field(v: &Value, name: &str) -> Result<usize, TrialsError> {
    v.get(name)
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| missing(name, "a non-negative integer"))
}

/// `v` with every object's keys in sorted order, at every depth.
fn canonical(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            // Inserting in sorted order gives sorted output whether or not
            // serde_json's `preserve_order` feature is on.
            let sorted: Map<String, Value> = keys
                .into_iter()
                .map(|k| (k.clone(), canonical(&m[k])))
                .collect();
            Value::Object(sorted)
        }
        Value::Array(a) => Value::Array(a.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

/// The canonical JSON text of `v`: keys sorted at every depth, no spaces.
///
/// ```
/// let v = serde_json::json!({"b": {"y": 1, "x": [2.5]}, "a": "s"});
/// assert_eq!(nn::search::trials::canonical_json(&v), r#"{"a":"s","b":{"x":[2.5],"y":1}}"#);
/// ```
pub fn canonical_json(v: &Value) -> String {
    canonical(v).to_string()
}

/// A trial's identity: FNV-1a 64 of [`canonical_json`]`(config)`, as 16
/// lowercase hex digits. Stable across runs, machines and key orders.
///
/// ```
/// use nn::search::trials::config_hash;
/// use serde_json::json;
/// let h = config_hash(&json!({"lr": 0.01, "act": "relu"}));
/// assert!(h.len() == 16 && h.chars().all(|c| c.is_ascii_hexdigit()));
/// assert_eq!(h, config_hash(&json!({"act": "relu", "lr": 0.01})));
/// assert_ne!(h, config_hash(&json!({"act": "relu", "lr": 0.02})));
/// ```
pub fn config_hash(config: &Value) -> String {
    // FNV-1a: tiny and fixed forever (unlike `std`'s hasher, which may
    // change between Rust releases); the same function as `Config::hash`.
    format!("{:016x}", fnv1a64(canonical_json(config).as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_matches_the_published_test_vectors() {
        // From the FNV reference (draft-eastlake-fnv): "" and "a".
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn the_hash_of_a_config_is_fixed() {
        // Pinned: a change here would orphan every results file written so far.
        let h = config_hash(&json!({"lr": 0.01, "hidden": 64}));
        assert_eq!(
            h,
            format!("{:016x}", fnv1a64(br#"{"hidden":64,"lr":0.01}"#))
        );
    }

    #[test]
    fn stage_is_not_part_of_identity_but_every_config_value_is() {
        let a = TrialSpec::new(0, 1, json!({"lr": 0.01, "epochs": 2})).unwrap();
        let b = TrialSpec::new(1, 2, json!({"lr": 0.01, "epochs": 2})).unwrap();
        let c = TrialSpec::new(2, 2, json!({"lr": 0.01, "epochs": 8})).unwrap();
        assert_eq!(a.hash, b.hash);
        assert_ne!(a.hash, c.hash);
    }

    #[test]
    fn an_edited_config_is_caught_by_its_stored_hash() {
        let mut v = TrialSpec::new(0, 1, json!({"lr": 0.01})).unwrap().to_json();
        v["config"]["lr"] = json!(0.02);
        let e = TrialSpec::from_json(&v).unwrap_err().to_string();
        assert!(e.contains("was the config edited"), "{e}");
    }
}
