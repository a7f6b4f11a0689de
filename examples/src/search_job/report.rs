//! The search's `report.html`: one self-contained page with the best
//! configuration, the border warnings, the top-k ensemble, a scatter plot
//! of validation accuracy against each hyperparameter (log axes for log
//! ranges, one colour per stage) and the table of every trial.

use std::fmt::Write;
use std::io;
use std::path::{Path, PathBuf};

use nn::search::Distribution;
use nn::search::trials::{TrialRecord, TrialStatus};
use serde_json::Value;

use super::ensemble::EnsembleRow;
use super::plan::space;
use super::run::val_acc;
use crate::report::html::{STYLE, escape};
use crate::report::scatter::{Point, XAxis, scatter};

/// Writes `out/report.html`; returns its path.
///
/// # Errors
/// An I/O or drawing error.
pub fn write_search_report(
    out: &Path,
    records: &[TrialRecord],
    best: &TrialRecord,
    warnings: &[String],
    ensemble: &EnsembleRow,
    seconds: f64,
) -> io::Result<PathBuf> {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Hyperparameter search</title><style>{STYLE}</style></head><body>\n\
         <h1>Hyperparameter search: digits MLP</h1>\n<p>{} trials in {} stages, {seconds:.1} s. \
         Best validation accuracy {:.2}% (trial {}, stage {}):</p>\n<pre>{}</pre>\n",
        records.len(),
        records.iter().map(|r| r.stage).max().unwrap_or(0),
        100.0 * val_acc(best),
        best.index,
        best.stage,
        escape(&serde_json::to_string_pretty(&best.config).unwrap_or_default())
    );
    h.push_str("<h2>Border warnings</h2>\n");
    if warnings.is_empty() {
        h.push_str("<p>No best value sits near an edge of its range.</p>\n");
    } else {
        h.push_str("<ul>\n");
        for w in warnings {
            let _ = writeln!(h, "<li>{}</li>", escape(w));
        }
        h.push_str("</ul>\n");
    }
    let _ = write!(
        h,
        "<h2>Top-{k} ensemble (test split)</h2>\n<table><tr><th>member trial</th>\
         <th>validation</th><th>test</th></tr>\n",
        k = ensemble.members.len()
    );
    for (i, v, t) in &ensemble.members {
        let _ = writeln!(
            h,
            "<tr><td class=\"num\">{i}</td><td class=\"num\">{:.2}%</td><td class=\"num\">{:.2}%</td></tr>",
            100.0 * v,
            100.0 * t
        );
    }
    let _ = write!(
        h,
        "</table>\n<p>Members' mean {:.2}%, best member {:.2}%, <b>ensemble {:.2}%</b>.</p>\n",
        100.0 * ensemble.mean_member,
        100.0 * ensemble.best_member,
        100.0 * ensemble.ensemble
    );
    h.push_str("<h2>Validation accuracy against each hyperparameter</h2>\n");
    for p in space().params() {
        let axis = match &p.dist {
            Distribution::Categorical(c) => XAxis::Categories(c.clone()),
            d if d.is_log() => XAxis::Log,
            _ => XAxis::Linear,
        };
        let points: Vec<Point> = records
            .iter()
            .filter(|r| r.status == TrialStatus::Ok)
            .filter_map(|r| {
                let x = match (&axis, &r.config[&p.name]) {
                    (XAxis::Categories(c), Value::String(s)) => {
                        c.iter().position(|x| x == s)? as f64
                    }
                    (_, v) => v.as_f64()?,
                };
                Some((x, val_acc(r), r.stage))
            })
            .collect();
        let svg = scatter(&p.name, &axis, &points)?;
        let _ = writeln!(h, "<figure>{svg}</figure>");
    }
    trial_table(&mut h, records);
    h.push_str("</body></html>\n");
    let path = out.join("report.html");
    nn::checkpoint::write_atomic(&path, h.as_bytes()).map_err(io::Error::other)?;
    Ok(path)
}

fn trial_table(h: &mut String, records: &[TrialRecord]) {
    let names: Vec<String> = space().params().iter().map(|p| p.name.clone()).collect();
    h.push_str("<h2>Every trial, best first</h2>\n<table><tr><th>trial</th><th>stage</th><th>status</th><th>validation</th>");
    for n in &names {
        let _ = write!(h, "<th>{}</th>", escape(n));
    }
    h.push_str("<th>epochs</th><th>seconds</th></tr>\n");
    let mut sorted: Vec<&TrialRecord> = records.iter().collect();
    sorted.sort_by(|a, b| {
        let key = |r: &TrialRecord| {
            if r.status == TrialStatus::Ok {
                val_acc(r)
            } else {
                -1.0
            }
        };
        key(b).total_cmp(&key(a)).then(a.index.cmp(&b.index))
    });
    for r in sorted {
        let acc = if r.status == TrialStatus::Ok {
            format!("{:.2}%", 100.0 * val_acc(r))
        } else {
            escape(r.status.message().unwrap_or_default())
        };
        let _ = write!(
            h,
            "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{acc}</td>",
            r.index,
            r.stage,
            r.status.name()
        );
        for n in &names {
            let v = match &r.config[n] {
                Value::Number(x) if x.is_f64() => {
                    nn::search::config::short(x.as_f64().unwrap_or(f64::NAN))
                }
                Value::String(s) => escape(s),
                other => other.to_string(),
            };
            let _ = write!(h, "<td class=\"num\">{v}</td>");
        }
        let _ = writeln!(
            h,
            "<td class=\"num\">{}</td><td class=\"num\">{:.1}</td></tr>",
            r.config["epochs"], r.wall_seconds
        );
    }
    h.push_str("</table>\n");
}
