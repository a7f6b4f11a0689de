//! [`TrialRecord`] (one line of the results file), [`TrialStatus`], and
//! [`TrialOutcome`] (what a worker reports: the record's part only the
//! trial itself knows).

use serde_json::{Value, json};

use super::error::TrialsError;
use super::spec::{TrialSpec, missing, usize_field};

/// How a trial ended.
#[derive(Debug, Clone, PartialEq)]
pub enum TrialStatus {
    /// It trained and reported its metrics.
    Ok,
    /// It crashed, exited non-zero, or reported a failure; `message`
    /// carries the reason (for a crash, the tail of its stderr).
    Failed {
        /// Why.
        message: String,
    },
    /// Training stopped on divergence (non-finite or exploding loss); the
    /// metrics are those measured before it.
    Diverged {
        /// What diverged.
        message: String,
    },
}

impl TrialStatus {
    /// `"ok"`, `"failed"` or `"diverged"`.
    ///
    /// ```
    /// use nn::search::trials::TrialStatus;
    /// assert_eq!(TrialStatus::Failed { message: "x".into() }.name(), "failed");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Failed { .. } => "failed",
            Self::Diverged { .. } => "diverged",
        }
    }

    /// The message of a failed or diverged trial.
    pub fn message(&self) -> Option<&str> {
        match self {
            Self::Ok => None,
            Self::Failed { message } | Self::Diverged { message } => Some(message),
        }
    }

    fn from_parts(status: &str, message: Option<&str>) -> Result<Self, TrialsError> {
        let message = message.unwrap_or_default().to_string();
        match status {
            "ok" => Ok(Self::Ok),
            "failed" => Ok(Self::Failed { message }),
            "diverged" => Ok(Self::Diverged { message }),
            other => Err(TrialsError::Invalid {
                detail: format!("unknown status `{other}` (ok, failed, diverged)"),
            }),
        }
    }
}

/// What a worker reports for its trial: one JSON object
/// `{"status", "message", "metrics", "checkpoint"}` (see
/// [`worker`](super::worker)).
///
/// ```
/// use nn::search::trials::{TrialOutcome, TrialStatus};
/// let o = TrialOutcome::ok(serde_json::json!({"val_acc": 0.9}));
/// assert_eq!(TrialOutcome::from_json(&o.to_json()).unwrap(), o);
/// assert_eq!(o.status, TrialStatus::Ok);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TrialOutcome {
    /// How it ended.
    pub status: TrialStatus,
    /// What it measured: a JSON object (`{}` if nothing).
    pub metrics: Value,
    /// Where it saved its model, if it did.
    pub checkpoint: Option<String>,
}

impl TrialOutcome {
    /// A successful outcome with `metrics` and no checkpoint.
    pub fn ok(metrics: Value) -> Self {
        Self {
            status: TrialStatus::Ok,
            metrics,
            checkpoint: None,
        }
    }

    /// A failed outcome, no metrics.
    pub fn failed(message: impl Into<String>) -> Self {
        Self {
            status: TrialStatus::Failed {
                message: message.into(),
            },
            metrics: json!({}),
            checkpoint: None,
        }
    }

    /// The outcome as one JSON object.
    pub fn to_json(&self) -> Value {
        json!({"status": self.status.name(), "message": self.status.message(),
               "metrics": self.metrics, "checkpoint": self.checkpoint})
    }

    /// Reads [`to_json`](Self::to_json)'s object back.
    ///
    /// # Errors
    /// [`TrialsError::Invalid`] naming a missing or mistyped field.
    pub fn from_json(v: &Value) -> Result<Self, TrialsError> {
        let status = v
            .get("status")
            .and_then(Value::as_str)
            .ok_or_else(|| missing("status", "a string"))?;
        let status = TrialStatus::from_parts(status, v.get("message").and_then(Value::as_str))?;
        let metrics = v.get("metrics").cloned().unwrap_or_else(|| json!({}));
        if !metrics.is_object() {
            return Err(missing("metrics", "an object"));
        }
        let checkpoint = v
            .get("checkpoint")
            .and_then(Value::as_str)
            .map(String::from);
        Ok(Self {
            status,
            metrics,
            checkpoint,
        })
    }
}

/// One finished trial: a line of the results file (schema in the
/// [module doc](super)).
///
/// ```
/// use nn::search::trials::{TrialOutcome, TrialRecord, TrialSpec};
/// let spec = TrialSpec::new(2, 1, serde_json::json!({"lr": 0.1})).unwrap();
/// let r = TrialRecord::new(&spec, TrialOutcome::ok(serde_json::json!({"val_acc": 0.5})), 1.5);
/// let line = r.to_json().to_string();
/// assert_eq!(TrialRecord::from_json(&serde_json::from_str(&line).unwrap()).unwrap(), r);
/// assert_eq!(r.metrics["val_acc"], 0.5);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TrialRecord {
    /// The config's hash: the trial's identity.
    pub hash: String,
    /// The trial's number in its search.
    pub index: usize,
    /// The stage that planned it.
    pub stage: usize,
    /// The config it ran.
    pub config: Value,
    /// How it ended.
    pub status: TrialStatus,
    /// What it measured (a JSON object).
    pub metrics: Value,
    /// Seconds from the worker's start to its exit, as the process running
    /// it measured.
    pub wall_seconds: f64,
    /// Where the worker saved its model, if it did.
    pub checkpoint: Option<String>,
    /// The machine that ran it (`$HOSTNAME` or `/etc/hostname`), if known.
    pub host: Option<String>,
}

impl TrialRecord {
    /// The record of `spec` ending with `outcome` after `wall_seconds`, on
    /// this machine.
    pub fn new(spec: &TrialSpec, outcome: TrialOutcome, wall_seconds: f64) -> Self {
        Self {
            hash: spec.hash.clone(),
            index: spec.index,
            stage: spec.stage,
            config: spec.config.clone(),
            status: outcome.status,
            metrics: outcome.metrics,
            wall_seconds,
            checkpoint: outcome.checkpoint,
            host: host_name(),
        }
    }

    /// The record as one JSON object (one results-file line).
    pub fn to_json(&self) -> Value {
        json!({"hash": self.hash, "index": self.index, "stage": self.stage, "config": self.config,
               "status": self.status.name(), "message": self.status.message(),
               "metrics": self.metrics, "wall_seconds": self.wall_seconds,
               "checkpoint": self.checkpoint, "host": self.host})
    }

    /// Reads [`to_json`](Self::to_json)'s object back.
    ///
    /// # Errors
    /// [`TrialsError::Invalid`] naming a missing or mistyped field.
    pub fn from_json(v: &Value) -> Result<Self, TrialsError> {
        if !v.is_object() {
            return Err(TrialsError::Invalid {
                detail: "a record must be a JSON object".into(),
            });
        }
        let outcome = TrialOutcome::from_json(v)?;
        let hash = v
            .get("hash")
            .and_then(Value::as_str)
            .ok_or_else(|| missing("hash", "a string"))?;
        let config = v.get("config").cloned().unwrap_or(Value::Null);
        if !config.is_object() {
            return Err(missing("config", "an object"));
        }
        Ok(Self {
            hash: hash.to_string(),
            index: usize_field(v, "index")?,
            stage: usize_field(v, "stage")?,
            config,
            status: outcome.status,
            metrics: outcome.metrics,
            // A non-finite time is written as null by serde_json.
            wall_seconds: v
                .get("wall_seconds")
                .and_then(Value::as_f64)
                .unwrap_or(f64::NAN),
            checkpoint: outcome.checkpoint,
            host: v.get("host").and_then(Value::as_str).map(String::from),
        })
    }
}

/// This machine's name: `$HOSTNAME`, else `/etc/hostname`, else none.
fn host_name() -> Option<String> {
    let name = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())?;
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_string())
}
