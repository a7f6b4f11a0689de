//! The run report's line charts, from its records: the loss per step with
//! a smoothed line, train vs validation accuracy, and the update/weight
//! ratio per parameter on a log axis — each through
//! [`line_chart`].

use std::io;

use nn::train::{EpochRecord, StepRecord};

use super::charts::{Axes, Series, Style, line_chart};

/// A centred moving average: each point becomes the mean of the points
/// within `half` of it (fewer at the ends). Centred, so the smoothed line
/// does not lag behind a falling loss the way an exponential average does
/// (the first render drew an EMA sitting above every raw point).
///
/// ```
/// let s = examples::report::curves::smooth(&[0.0, 3.0, 0.0, 3.0], 1);
/// assert_eq!(s, [1.5, 1.0, 2.0, 1.5]);
/// ```
pub fn smooth(values: &[f64], half: usize) -> Vec<f64> {
    (0..values.len())
        .map(|i| {
            let window = &values[i.saturating_sub(half)..(i + half + 1).min(values.len())];
            window.iter().sum::<f64>() / window.len() as f64
        })
        .collect()
}

/// The loss per step (faint), its smoothed line (a centred moving average
/// over ±`steps/50` points, 1 to 50) and the validation loss at each
/// epoch's end.
///
/// # Errors
/// A plotters drawing error.
pub fn loss_chart(steps: &[StepRecord], epochs: &[EpochRecord]) -> io::Result<String> {
    let loss: Vec<f64> = steps.iter().map(|s| s.data_loss + s.reg_loss).collect();
    let half = (loss.len() / 50).clamp(1, 50);
    let x: Vec<f64> = steps.iter().map(|s| s.step as f64).collect();
    let raw = x.iter().copied().zip(loss.iter().copied()).collect();
    let smoothed = x.iter().copied().zip(smooth(&loss, half)).collect();
    let val = epochs.iter().map(|e| (e.step as f64, e.val_loss)).collect();
    let series = [
        Series::new("loss per step", raw, 0, Style::Faint),
        Series::new("smoothed loss", smoothed, 0, Style::Line),
        Series::new("validation loss", val, 1, Style::LineDots),
    ];
    let axes = Axes {
        title: "Loss (data + regularization)",
        x_label: "step",
        y_label: "loss",
        log_y: false,
        y_range: None,
    };
    line_chart(&axes, &series)
}

/// Training and validation accuracy (in %) per epoch.
///
/// # Errors
/// A plotters drawing error.
pub fn accuracy_chart(epochs: &[EpochRecord]) -> io::Result<String> {
    let per_epoch = |f: fn(&EpochRecord) -> f64| {
        epochs
            .iter()
            .map(|e| (f64::from(e.epoch), 100.0 * f(e)))
            .collect()
    };
    let series = [
        Series::new(
            "train accuracy",
            per_epoch(|e| e.train_acc),
            0,
            Style::LineDots,
        ),
        Series::new(
            "validation accuracy",
            per_epoch(|e| e.val_acc),
            1,
            Style::LineDots,
        ),
    ];
    let axes = Axes {
        title: "Accuracy: train vs validation",
        x_label: "epoch",
        y_label: "accuracy (%)",
        log_y: false,
        y_range: Some((0.0, 100.0)),
    };
    line_chart(&axes, &series)
}

/// ‖Δw‖/‖w‖ per parameter per epoch on a log axis, with the notes'
/// healthy 1e-3 as a dashed reference line.
///
/// # Errors
/// A plotters drawing error.
pub fn update_ratio_chart(epochs: &[EpochRecord]) -> io::Result<String> {
    let mut names: Vec<&str> = Vec::new();
    for e in epochs {
        for (name, _) in &e.update_ratios {
            if !names.contains(&name.as_str()) {
                names.push(name);
            }
        }
    }
    let mut series: Vec<Series> = names
        .iter()
        .enumerate()
        .map(|(i, &name)| {
            let points = epochs
                .iter()
                .filter_map(|e| {
                    let r = e.update_ratios.iter().find(|(n, _)| n == name)?;
                    Some((f64::from(e.epoch), r.1))
                })
                .collect();
            Series::new(name, points, i, Style::LineDots)
        })
        .collect();
    if let (Some(first), Some(last)) = (epochs.first(), epochs.last())
        && !names.is_empty()
    {
        let (a, b) = (f64::from(first.epoch), f64::from(last.epoch));
        series.push(Series::new(
            "1e-3 (healthy)",
            vec![(a, 1e-3), (b, 1e-3)],
            0,
            Style::Reference,
        ));
    }
    let axes = Axes {
        title: "Update/weight ratio ‖Δw‖/‖w‖ per parameter",
        x_label: "epoch",
        y_label: "ratio (log scale)",
        log_y: true,
        y_range: None,
    };
    line_chart(&axes, &series)
}
