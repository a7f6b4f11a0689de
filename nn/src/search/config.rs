//! A sampled configuration: parameter name → [`Value`], its JSON form and
//! its hash.
//!
//! A [`Config`] keeps its entries sorted by name, so two configs with the
//! same values are equal and print, serialize and hash the same however
//! they were built.
//!
//! **JSON.** [`Config::to_json`] gives an object: a `Float` is a JSON
//! number with a fraction or exponent (`1.0`, `0.001`; `serde_json` prints
//! the shortest decimal that reads back to the same `f64`), an `Int` a
//! number without one (`64`), a `Choice` a string. [`Config::from_json`]
//! reads that back, telling `1.0` (a float) from `1` (an integer), so the
//! round trip is lossless, bit for bit — through text too, because `nn`
//! turns on `serde_json`'s `float_roundtrip` parser (the default one can
//! miss the last bit). A non-finite float has no JSON number: it is
//! written as `null`, which `from_json` rejects.
//!
//! **Hash.** [`Config::hash`] is FNV-1a 64 (offset basis
//! `0xcbf29ce484222325`, prime `0x100000001b3`) over the UTF-8 bytes of
//! the canonical JSON: [`Config::canonical_json`], compact, keys sorted.
//! It is stable across runs, machines and versions of this crate (a test
//! pins a value), so results files can match trials by it.
//!
//! ```
//! use nn::search::{Config, Value};
//!
//! let mut c = Config::new();
//! c.insert("lr", Value::Float(1e-3));
//! c.insert("hidden", Value::Int(64));
//! c.insert("optimizer", Value::Choice("adam".into()));
//! assert_eq!(c.canonical_json(), r#"{"hidden":64,"lr":0.001,"optimizer":"adam"}"#);
//! assert_eq!(Config::from_json(&c.to_json()).unwrap(), c);
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Number, Value as Json};

/// One hyperparameter's value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A `Uniform` or `LogUniform` sample.
    Float(f64),
    /// An `Int` or `LogInt` sample.
    Int(i64),
    /// A `Categorical` sample: the category's name.
    Choice(String),
}

impl Value {
    /// The value as `f64` (integers converted); `None` for a choice.
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Value::Float(x) => Some(x),
            Value::Int(i) => Some(i as f64),
            Value::Choice(_) => None,
        }
    }

    fn to_json(&self) -> Json {
        match self {
            // Non-finite floats have no JSON number; null reads back as an error.
            Value::Float(x) => Number::from_f64(*x).map_or(Json::Null, Json::Number),
            Value::Int(i) => Json::Number((*i).into()),
            Value::Choice(s) => Json::String(s.clone()),
        }
    }
}

impl fmt::Display for Value {
    /// Floats in at most 3 significant digits ([`short`]), integers and choices as is.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Float(x) => write!(f, "{}", short(*x)),
            Value::Int(i) => write!(f, "{i}"),
            Value::Choice(s) => write!(f, "{s}"),
        }
    }
}

/// A configuration: an ordered (by name) map from parameter name to value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    values: BTreeMap<String, Value>,
}

/// Why a JSON value is not a [`Config`].
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigJsonError(pub String);

impl fmt::Display for ConfigJsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "config JSON: {}", self.0)
    }
}

impl std::error::Error for ConfigJsonError {}

impl Config {
    /// An empty configuration.
    pub fn new() -> Self {
        Config::default()
    }

    /// Sets `name` to `value`, returning the old value.
    pub fn insert(&mut self, name: impl Into<String>, value: Value) -> Option<Value> {
        self.values.insert(name.into(), value)
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    /// The float `name` (an `Int` converted); `None` if absent or a choice.
    pub fn float(&self, name: &str) -> Option<f64> {
        self.get(name)?.as_f64()
    }

    /// The integer `name`; `None` if absent or not an `Int`.
    pub fn int(&self, name: &str) -> Option<i64> {
        match self.get(name)? {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The category `name`; `None` if absent or not a `Choice`.
    pub fn choice(&self, name: &str) -> Option<&str> {
        match self.get(name)? {
            Value::Choice(s) => Some(s),
            _ => None,
        }
    }

    /// The entries, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The JSON object (see the module doc for the types).
    pub fn to_json(&self) -> Json {
        let map: Map<String, Json> = self
            .values
            .iter()
            .map(|(k, v)| (k.clone(), v.to_json()))
            .collect();
        Json::Object(map)
    }

    /// Reads [`Config::to_json`]'s output back.
    ///
    /// # Errors
    /// Not an object, or a value that is not a finite number or a string.
    ///
    /// ```
    /// use nn::search::{Config, Value};
    /// let c = Config::from_json(&serde_json::json!({"a": 1, "b": 1.0})).unwrap();
    /// assert_eq!((c.get("a"), c.get("b")), (Some(&Value::Int(1)), Some(&Value::Float(1.0))));
    /// assert!(Config::from_json(&serde_json::json!({"a": null})).is_err());
    /// ```
    pub fn from_json(json: &Json) -> Result<Config, ConfigJsonError> {
        let Json::Object(map) = json else {
            return Err(ConfigJsonError(format!("expected an object, found {json}")));
        };
        let mut c = Config::new();
        for (k, v) in map {
            let value = match v {
                Json::String(s) => Value::Choice(s.clone()),
                Json::Number(n) => match (n.as_i64(), n.as_f64()) {
                    (Some(i), _) if !n.is_f64() => Value::Int(i),
                    (_, Some(x)) if n.is_f64() => Value::Float(x),
                    _ => return Err(ConfigJsonError(format!("{k}: {n} does not fit an i64"))),
                },
                other => {
                    return Err(ConfigJsonError(format!(
                        "{k}: expected a number or a string, found {other}"
                    )));
                }
            };
            c.insert(k.clone(), value);
        }
        Ok(c)
    }

    /// Compact JSON with keys sorted: the text [`Config::hash`] hashes.
    pub fn canonical_json(&self) -> String {
        // Built by hand so the key order does not depend on serde_json's
        // `preserve_order` feature.
        let mut s = String::from("{");
        for (i, (k, v)) in self.values.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push_str(&Json::String(k.clone()).to_string());
            s.push(':');
            s.push_str(&v.to_json().to_string());
        }
        s.push('}');
        s
    }

    /// FNV-1a 64 of [`Config::canonical_json`] (see the module doc).
    pub fn hash(&self) -> u64 {
        fnv1a64(self.canonical_json().as_bytes())
    }
}

/// A number in at most 3 significant digits: plain for `1e-3 ≤ |x| < 1e4`
/// (`0.5`, `256`, `0.091`, `3.16`), else scientific without trailing
/// zeros (`1e-4`, `1.23e5`).
///
/// ```
/// use nn::search::config::short;
/// assert_eq!([short(0.5), short(256.0), short(0.091), short(1e-4), short(123456.0), short(0.0)],
///            ["0.5", "256", "0.091", "1e-4", "1.23e5", "0"]);
/// ```
pub fn short(x: f64) -> String {
    let trim = |s: String| {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let mag = x.abs().log10().floor();
    if (-3.0..4.0).contains(&mag) {
        let decimals = (2.0 - mag).max(0.0) as usize;
        return trim(format!("{x:.decimals$}"));
    }
    let sci = format!("{x:.2e}");
    match sci.split_once('e') {
        Some((mantissa, exp)) => format!("{}e{exp}", trim(mantissa.to_string())),
        None => sci,
    }
}

/// FNV-1a, 64-bit: `h = 0xcbf29ce484222325; for b: h = (h ^ b) · 0x100000001b3`.
///
/// ```
/// // The FNV reference value for "a".
/// assert_eq!(nn::search::config::fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
/// ```
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

impl fmt::Display for Config {
    /// `hidden=64 lr=0.001 optimizer=adam`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (k, v)) in self.values.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{k}={v}")?;
        }
        Ok(())
    }
}
