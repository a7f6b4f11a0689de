//! The first layer's weights as images: each unit's incoming weights
//! (one column of the `fan_in × units` matrix) reshaped to the input's
//! image shape, as a grayscale PNG grid (the notes' "visualize the first
//! layer's weights": smooth, structured filters mean a well-trained net;
//! noise means too little training or regularization).

use std::io;

use ndarray::Array2;

/// Pixels between tiles, before scaling.
pub const GAP: usize = 1;

/// The grid's layout for `units` tiles of `shape = [rows, cols]` pixels:
/// `(tile rows, tile columns, image height, image width)` before scaling.
/// Tiles fill a near-square grid, `⌈√units⌉` columns wide.
///
/// ```
/// // 16 units of 8×8: a 4×4 grid, 4·8 + 3 gaps = 35 px each way.
/// assert_eq!(examples::report::weights_png::layout(16, [8, 8]), (4, 4, 35, 35));
/// ```
pub fn layout(units: usize, shape: [usize; 2]) -> (usize, usize, usize, usize) {
    let cols = (units as f64).sqrt().ceil().max(1.0) as usize;
    let rows = units.div_ceil(cols).max(1);
    let height = rows * shape[0] + (rows - 1) * GAP;
    let width = cols * shape[1] + (cols - 1) * GAP;
    (rows, cols, height, width)
}

/// The grid as 8-bit gray pixels (row-major, `height × width` before
/// scaling). Each tile is normalized to its own min/max (black = most
/// negative, white = most positive; a constant tile is mid-grey); gaps
/// are white.
///
/// # Errors
/// [`io::ErrorKind::InvalidInput`] when `shape`'s area is not the
/// matrix's row count (fan-in) or the matrix has no units.
pub fn grid_pixels(
    weights: &Array2<f64>,
    shape: [usize; 2],
) -> io::Result<(Vec<u8>, usize, usize)> {
    let (fan_in, units) = weights.dim();
    if shape[0] * shape[1] != fan_in || units == 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "weight grid: a {fan_in}×{units} weight matrix cannot be drawn as {}×{} tiles",
                shape[0], shape[1]
            ),
        ));
    }
    let (_, cols, height, width) = layout(units, shape);
    let mut pixels = vec![255u8; height * width];
    for unit in 0..units {
        let column = weights.column(unit);
        let (lo, hi) = column
            .iter()
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                (a.min(v), b.max(v))
            });
        let (top, left) = (
            (unit / cols) * (shape[0] + GAP),
            (unit % cols) * (shape[1] + GAP),
        );
        for (k, &v) in column.iter().enumerate() {
            // NaN shows as black: visible, never hidden as mid-grey.
            let level = if !v.is_finite() {
                0.0
            } else if hi > lo {
                (v - lo) / (hi - lo)
            } else {
                0.5
            };
            let (r, c) = (k / shape[1], k % shape[1]);
            pixels[(top + r) * width + left + c] = (255.0 * level).round() as u8;
        }
    }
    Ok((pixels, height, width))
}

/// The grid as PNG bytes, every pixel scaled up `scale`× (nearest
/// neighbour) so 8×8 tiles are visible.
///
/// ```
/// use ndarray::Array2;
/// let w = Array2::from_shape_fn((64, 16), |(i, j)| (i * j) as f64);
/// let png = examples::report::weights_png::weight_grid_png(&w, [8, 8], 4).unwrap();
/// assert_eq!(&png[1..4], b"PNG");
/// ```
///
/// # Errors
/// As [`grid_pixels`], or a PNG encoding error.
pub fn weight_grid_png(
    weights: &Array2<f64>,
    shape: [usize; 2],
    scale: usize,
) -> io::Result<Vec<u8>> {
    let (pixels, height, width) = grid_pixels(weights, shape)?;
    let scale = scale.max(1);
    let (h, w) = (height * scale, width * scale);
    let mut scaled = Vec::with_capacity(h * w);
    for y in 0..h {
        let row = &pixels[(y / scale) * width..][..width];
        scaled.extend(row.iter().flat_map(|&p| std::iter::repeat_n(p, scale)));
    }
    let too_big = || io::Error::new(io::ErrorKind::InvalidInput, "weight grid too large");
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(
        &mut bytes,
        u32::try_from(w).map_err(|_| too_big())?,
        u32::try_from(h).map_err(|_| too_big())?,
    );
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(io::Error::other)?;
    writer.write_image_data(&scaled).map_err(io::Error::other)?;
    writer.finish().map_err(io::Error::other)?;
    Ok(bytes)
}
