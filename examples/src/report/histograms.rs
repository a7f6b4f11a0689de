//! The per-layer activation and gradient histograms of the run report:
//! one row per layer, activations left, gradients right, drawn with
//! `plotters`' SVG backend as bars over each [`Histogram`]'s own bin
//! edges (which need not be uniform).

use std::io;

use nn::train::{EpochRecord, Histogram, LayerStats};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::charts::{WIDTH, color, pad, svg_error, tick, whole_tick};

/// Height of one row (one layer) of [`histograms_chart`].
pub const HIST_ROW: u32 = 230;

/// The activation and gradient histograms of every layer at the last
/// epoch that recorded layer statistics: one row per layer, activations
/// on the left, gradients on the right.
///
/// # Errors
/// A plotters drawing error.
pub fn histograms_chart(epochs: &[EpochRecord]) -> io::Result<String> {
    let last = epochs.iter().rev().find(|e| !e.layers.is_empty());
    let rows = last.map_or(1, |e| e.layers.len());
    let height = 40 + HIST_ROW * rows as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(svg_error)?;
        let title = match last {
            Some(e) => format!("Activations and gradients per layer (epoch {})", e.epoch),
            None => "Activations and gradients per layer".to_string(),
        };
        let body = root.titled(&title, ("sans-serif", 20)).map_err(svg_error)?;
        match last {
            None => {
                body.draw(&Text::new(
                    "no layer statistics recorded",
                    (WIDTH as i32 / 2 - 110, 60),
                    ("sans-serif", 16)
                        .into_font()
                        .color(&RGBColor(150, 150, 150)),
                ))
                .map_err(svg_error)?;
            }
            Some(e) => {
                let panels = body.split_evenly((rows, 2));
                for (i, layer) in e.layers.iter().enumerate() {
                    draw_histogram(&panels[2 * i], layer, true, i)?;
                    draw_histogram(&panels[2 * i + 1], layer, false, i)?;
                }
            }
        }
        root.present().map_err(svg_error)?;
    }
    Ok(svg)
}

/// One histogram panel: bars over the bin edges.
fn draw_histogram(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    layer: &LayerStats,
    activation: bool,
    index: usize,
) -> io::Result<()> {
    let (hist, summary, what): (&Histogram, _, _) = if activation {
        (&layer.activation_hist, &layer.activation, "activations")
    } else {
        (&layer.gradient_hist, &layer.gradient, "gradients")
    };
    let mut caption = format!(
        "{} {what}: mean {} std {}",
        layer.name,
        tick(summary.mean),
        tick(summary.std)
    );
    if let (true, Some(dead)) = (activation, layer.dead_fraction) {
        caption.push_str(&format!(", dead {:.0}%", 100.0 * dead));
    }
    let ok = hist.edges.len() == hist.counts.len() + 1
        && !hist.counts.is_empty()
        && hist.edges.iter().all(|e| e.is_finite());
    let (x0, x1) = if ok {
        (hist.edges[0], hist.edges[hist.edges.len() - 1])
    } else {
        (0.0, 1.0)
    };
    let (x0, x1) = if x1 > x0 {
        (x0, x1)
    } else {
        pad(x0, x1, false)
    };
    let top = hist.counts.iter().copied().max().unwrap_or(0).max(1) as f64 * 1.08;
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 15))
        .margin(8)
        .margin_right(22) // room for the last x label (was clipped)
        .x_label_area_size(30)
        .y_label_area_size(50)
        .build_cartesian_2d(x0..x1, 0.0..top)
        .map_err(svg_error)?;
    chart
        .configure_mesh()
        .x_labels(6)
        .y_labels(5)
        // A tick meant to be 0 comes out of the float arithmetic as -3e-20:
        // anything below a billionth of the span is 0.
        .x_label_formatter(&|v| tick(if v.abs() < (x1 - x0) * 1e-9 { 0.0 } else { *v }))
        .y_label_formatter(&|v| whole_tick(*v))
        .light_line_style(RGBColor(240, 240, 240))
        .label_style(("sans-serif", 13))
        .draw()
        .map_err(svg_error)?;
    if !ok {
        return Ok(());
    }
    let c = color(if activation { 2 * index } else { 2 * index + 1 });
    chart
        .draw_series(hist.counts.iter().enumerate().map(|(i, &n)| {
            Rectangle::new(
                [(hist.edges[i], 0.0), (hist.edges[i + 1], n as f64)],
                c.mix(0.75).filled(),
            )
        }))
        .map_err(svg_error)?;
    Ok(())
}
