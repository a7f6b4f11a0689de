//! The search report's scatter plots: one point per trial, a
//! hyperparameter on x (a log axis for a log-scale range, category names
//! for a categorical one), the validation accuracy on y, one colour per
//! coarse-to-fine stage.

use std::io;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::charts::{HEIGHT, WIDTH, color, log_tick, pad, say_empty, svg_error, tick};

/// How a hyperparameter's axis is drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum XAxis {
    /// A linear axis.
    Linear,
    /// A logarithmic axis (the range is log-uniform or log-integer).
    Log,
    /// One position per category, labelled with its name; a point's x is
    /// the category's index.
    Categories(Vec<String>),
}

/// One trial's point: hyperparameter value, validation accuracy, stage
/// (counted from 1).
pub type Point = (f64, f64, usize);

/// An SVG scatter plot (`WIDTH × HEIGHT`) of `points` against
/// hyperparameter `name`, coloured by stage, with a legend
/// (`stage 1`, `stage 2`…). Non-finite points (and non-positive ones on a
/// log axis) are left out; a plot with none says so.
///
/// ```
/// use examples::report::scatter::{XAxis, scatter};
/// let pts = vec![(1e-3, 0.9, 1), (1e-2, 0.95, 2), (3e-2, 0.5, 2)];
/// let svg = scatter("lr", &XAxis::Log, &pts).unwrap();
/// assert!(svg.starts_with("<svg") && svg.contains("stage 2") && svg.contains("lr"));
/// let cats = XAxis::Categories(vec!["adam".into(), "sgd".into()]);
/// let svg = scatter("optimizer", &cats, &[(0.0, 0.9, 1), (1.0, 0.8, 1)]).unwrap();
/// assert!(svg.contains("adam") && svg.contains("sgd"));
/// ```
///
/// # Errors
/// A plotters drawing error, as an [`io::Error`].
pub fn scatter(name: &str, axis: &XAxis, points: &[Point]) -> io::Result<String> {
    let log = *axis == XAxis::Log;
    let clean: Vec<Point> = points
        .iter()
        .copied()
        .filter(|(x, y, _)| x.is_finite() && y.is_finite() && (!log || *x > 0.0))
        .collect();
    let (x0, x1) = match axis {
        XAxis::Categories(c) => (-0.5, c.len() as f64 - 0.5),
        _ => {
            let (a, b) = clean
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
                    (a.min(p.0), b.max(p.0))
                });
            pad(a, b, log)
        }
    };
    let (y0, y1) = clean
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
            (a.min(p.1), b.max(p.1))
        });
    let (y0, y1) = pad(y0, y1, false);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(svg_error)?;
        let y = RangedCoordf64::from(y0..y1);
        if log {
            let x = LogCoord::from((x0..x1).log_scale());
            draw(&root, name, axis, &clean, x, y)?;
        } else {
            draw(&root, name, axis, &clean, RangedCoordf64::from(x0..x1), y)?;
        }
        root.present().map_err(svg_error)?;
    }
    Ok(svg)
}

fn draw<X>(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    name: &str,
    axis: &XAxis,
    points: &[Point],
    x: X,
    y: RangedCoordf64,
) -> io::Result<()>
where
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let title = format!("validation accuracy against {name}");
    let mut chart = ChartBuilder::on(area)
        .caption(&title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d(x, y)
        .map_err(svg_error)?;
    let x_label = |v: &f64| match axis {
        XAxis::Log => log_tick(*v),
        XAxis::Linear => tick(*v),
        XAxis::Categories(c) => {
            let i = v.round();
            if (v - i).abs() < 1e-9 && i >= 0.0 {
                c.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        }
    };
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(name)
        .y_desc("validation accuracy")
        .x_label_formatter(&x_label)
        .y_label_formatter(&|v| tick(*v))
        .light_line_style(RGBColor(235, 235, 235))
        .label_style(("sans-serif", 15))
        .axis_desc_style(("sans-serif", 16));
    if let XAxis::Categories(c) = axis {
        mesh.x_labels(2 * c.len() + 1);
    }
    mesh.draw().map_err(svg_error)?;
    if points.is_empty() {
        return say_empty(area, "no finished trial");
    }
    let stages = points.iter().map(|p| p.2).max().unwrap_or(0);
    for stage in 1..=stages {
        let c = color(stage - 1);
        let mine: Vec<(f64, f64)> = points
            .iter()
            .filter(|p| p.2 == stage)
            .map(|p| (p.0, p.1))
            .collect();
        if mine.is_empty() {
            continue;
        }
        chart
            .draw_series(mine.iter().map(|&p| Circle::new(p, 4, c.mix(0.8).filled())))
            .map_err(svg_error)?
            .label(format!("stage {stage}"))
            .legend(move |(x, y)| Circle::new((x + 10, y), 4, c.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(180, 180, 180))
        .label_font(("sans-serif", 15))
        .draw()
        .map_err(svg_error)?;
    Ok(())
}
