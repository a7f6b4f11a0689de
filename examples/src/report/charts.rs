//! The run report's charts, drawn with `plotters`' SVG backend into
//! strings: no files, no system fonts (text is emitted as SVG `<text>` and
//! laid out by whatever opens the file; plotters escapes it).
//!
//! [`line_chart`] is the one general helper (named series, linear or log
//! y axis, legend); [`super::curves`] turns a run's records into line
//! charts with it, [`super::histograms`] draws the per-layer histograms.

use std::io;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// Chart width in pixels (fits a 1200-px browser window with margins).
pub const WIDTH: u32 = 900;
/// Line-chart height in pixels.
pub const HEIGHT: u32 = 420;

/// Series colours (matplotlib's "tab10"), picked in order.
const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// The `i`-th series colour (cycling).
pub fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// A 2-px line.
    Line,
    /// A thin, pale line (raw data behind a smoothed one).
    Faint,
    /// A line with a dot at every point (few points, such as epochs).
    LineDots,
    /// A dashed 2-px line (a series that may lie on top of another).
    Dashed,
    /// A dashed grey reference line.
    Reference,
}

/// One named series of `(x, y)` points.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The legend entry.
    pub name: String,
    /// The points, in drawing order.
    pub points: Vec<(f64, f64)>,
    /// The series' colour.
    pub color: RGBColor,
    /// How it is drawn.
    pub style: Style,
}

impl Series {
    /// A series in colour `color(index)` drawn as `style`.
    pub fn new(name: &str, points: Vec<(f64, f64)>, index: usize, style: Style) -> Self {
        Series {
            name: name.to_string(),
            points,
            color: color(index),
            style,
        }
    }
}

/// A line chart's labels and axis kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Axes<'a> {
    /// The caption above the plot.
    pub title: &'a str,
    /// The x axis' description.
    pub x_label: &'a str,
    /// The y axis' description.
    pub y_label: &'a str,
    /// A logarithmic y axis (non-positive values are left out).
    pub log_y: bool,
    /// Force the y range (otherwise fitted to the data).
    pub y_range: Option<(f64, f64)>,
}

pub(super) fn svg_error<E: std::error::Error + Send + Sync>(
    e: DrawingAreaErrorKind<E>,
) -> io::Error {
    io::Error::other(format!("drawing a chart: {e}"))
}

/// A tick label: plain decimals for moderate values, `1e-3` style
/// otherwise (log axes span decades).
pub fn tick(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    if !(1e-2..1e5).contains(&a) {
        let s = format!("{v:.0e}");
        return s;
    }
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// A log-axis tick label: only mantissas 1, 2 and 5 are labelled (the
/// axis draws a tick at every 1…9, and nine labels a decade overlap).
///
/// ```
/// use examples::report::charts::log_tick;
/// assert_eq!(log_tick(2e-3), "2e-3");
/// assert_eq!(log_tick(0.5), "0.5");
/// assert_eq!(log_tick(7e-4), "");
/// ```
pub fn log_tick(v: f64) -> String {
    let mantissa = v / 10f64.powf(v.log10().floor());
    if [1.0, 2.0, 5.0, 10.0]
        .iter()
        .any(|m| (mantissa - m).abs() < 1e-6)
    {
        tick(v)
    } else {
        String::new()
    }
}

/// An x tick label on an axis counting whole things (epochs, steps):
/// fractional positions get no label.
pub(super) fn whole_tick(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round())
    } else {
        String::new()
    }
}

/// Writes `why` in grey in the middle of a chart with nothing to draw.
pub(super) fn say_empty(area: &DrawingArea<SVGBackend<'_>, Shift>, why: &str) -> io::Result<()> {
    let (w, h) = area.dim_in_pixel();
    area.draw(&Text::new(
        why,
        (w as i32 / 2 - 60, h as i32 / 2),
        ("sans-serif", 16)
            .into_font()
            .color(&RGBColor(150, 150, 150)),
    ))
    .map_err(svg_error)
}

/// The points a chart can show: finite, and positive on a log axis.
fn drawable(points: &[(f64, f64)], log_y: bool) -> Vec<(f64, f64)> {
    points
        .iter()
        .copied()
        .filter(|(x, y)| x.is_finite() && y.is_finite() && (!log_y || *y > 0.0))
        .collect()
}

/// `lo..hi` widened when empty or degenerate, so plotters gets a range.
pub(super) fn pad(lo: f64, hi: f64, log: bool) -> (f64, f64) {
    if !(lo.is_finite() && hi.is_finite()) {
        return if log { (1e-3, 1.0) } else { (0.0, 1.0) };
    }
    if log {
        if hi <= lo * 1.0001 {
            (lo / 2.0, hi * 2.0)
        } else {
            (lo / 1.2, hi * 1.2)
        }
    } else if hi - lo <= f64::EPSILON * hi.abs().max(1.0) {
        (lo - 0.5, hi + 0.5)
    } else {
        let m = 0.05 * (hi - lo);
        (lo - m, hi + m)
    }
}

/// An SVG line chart of `series` (`WIDTH × HEIGHT`), with a legend.
/// A chart with no drawable point still renders, saying so.
///
/// ```
/// use examples::report::charts::{Axes, Series, Style, line_chart};
/// let s = Series::new("train", vec![(0.0, 1.0), (1.0, 0.5)], 0, Style::Line);
/// let axes = Axes { title: "loss", x_label: "step", y_label: "loss", log_y: true, y_range: None };
/// let svg = line_chart(&axes, &[s]).unwrap();
/// assert!(svg.starts_with("<svg") && svg.contains("train"));
/// ```
///
/// # Errors
/// A plotters drawing error, as an [`io::Error`].
pub fn line_chart(axes: &Axes<'_>, series: &[Series]) -> io::Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(svg_error)?;
        draw_line_chart(&root, axes, series)?;
        root.present().map_err(svg_error)?;
    }
    Ok(svg)
}

/// Draws a line chart on `area` (one panel).
fn draw_line_chart(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    axes: &Axes<'_>,
    series: &[Series],
) -> io::Result<()> {
    let clean: Vec<Vec<(f64, f64)>> = series
        .iter()
        .map(|s| drawable(&s.points, axes.log_y))
        .collect();
    let all = || clean.iter().flatten();
    let (x0, x1) = all().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
        (a.min(p.0), b.max(p.0))
    });
    let (y0, y1) = all().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
        (a.min(p.1), b.max(p.1))
    });
    let (x0, x1) = if x0.is_finite() && x1 > x0 {
        (x0, x1)
    } else {
        pad(x0, x1, false)
    };
    let (y0, y1) = axes.y_range.unwrap_or_else(|| pad(y0, y1, axes.log_y));
    let empty = clean.iter().all(Vec::is_empty);
    if axes.log_y {
        let y = LogCoord::from((y0..y1).log_scale());
        draw_on(area, axes, series, &clean, x0..x1, y, empty)
    } else {
        draw_on(
            area,
            axes,
            series,
            &clean,
            x0..x1,
            RangedCoordf64::from(y0..y1),
            empty,
        )
    }
}

/// The shared body of the linear and log charts.
fn draw_on<Y>(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    axes: &Axes<'_>,
    series: &[Series],
    clean: &[Vec<(f64, f64)>],
    x: std::ops::Range<f64>,
    y: Y,
    empty: bool,
) -> io::Result<()>
where
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let log_y = axes.log_y;
    let mut chart = ChartBuilder::on(area)
        .caption(axes.title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d(x, y)
        .map_err(svg_error)?;
    chart
        .configure_mesh()
        .x_desc(axes.x_label)
        .y_desc(axes.y_label)
        .x_label_formatter(&|v| whole_tick(*v))
        .y_label_formatter(&|v| if log_y { log_tick(*v) } else { tick(*v) })
        .light_line_style(RGBColor(235, 235, 235))
        .label_style(("sans-serif", 15))
        .axis_desc_style(("sans-serif", 16))
        .draw()
        .map_err(svg_error)?;
    if empty {
        return say_empty(area, "no data recorded");
    }
    for (s, points) in series.iter().zip(clean) {
        if points.is_empty() {
            continue;
        }
        let c = s.color;
        let style = match s.style {
            Style::Line | Style::LineDots | Style::Dashed => c.stroke_width(2),
            Style::Faint => c.mix(0.4).stroke_width(1),
            Style::Reference => RGBColor(120, 120, 120).stroke_width(1),
        };
        let drawn = if matches!(s.style, Style::Reference | Style::Dashed) {
            chart
                .draw_series(DashedLineSeries::new(points.iter().copied(), 6, 4, style))
                .map_err(svg_error)?
        } else {
            chart
                .draw_series(LineSeries::new(points.iter().copied(), style))
                .map_err(svg_error)?
        };
        drawn
            .label(s.name.as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
        if s.style == Style::LineDots {
            chart
                .draw_series(points.iter().map(|&p| Circle::new(p, 3, c.filled())))
                .map_err(svg_error)?;
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(180, 180, 180))
        .label_font(("sans-serif", 15))
        .draw()
        .map_err(svg_error)?;
    Ok(())
}
