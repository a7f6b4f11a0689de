//! The run report: every file written, charts naming their series, the
//! weight grid decoding to the expected size, the page showing every
//! sanity line and final row with run text escaped, and base64 against
//! RFC 4648's vectors.

use std::path::PathBuf;

use examples::report::html::base64;
use examples::report::weights_png::{GAP, layout};
use examples::report::{RunSummary, WEIGHT_SCALE, write_run_report};
use ndarray::Array2;
use nn::train::{EpochRecord, Histogram, LayerStats, SanityResult, StepRecord, Summary};

fn hist(center: f64, width: f64) -> Histogram {
    let edges: Vec<f64> = (0..=10)
        .map(|i| center - width + 0.2 * width * f64::from(i))
        .collect();
    let counts = vec![1, 3, 8, 15, 25, 25, 15, 8, 3, 1];
    Histogram { edges, counts }
}

fn layer(name: &str, dead: Option<f64>) -> LayerStats {
    LayerStats {
        name: name.into(),
        activation: Summary {
            mean: 0.3,
            std: 0.9,
            min: -2.0,
            max: 2.0,
        },
        gradient: Summary {
            mean: 0.0,
            std: 1e-3,
            min: -4e-3,
            max: 4e-3,
        },
        dead_fraction: dead,
        activation_hist: hist(0.0, 2.0),
        gradient_hist: hist(0.0, 4e-3),
    }
}

struct Fixture {
    steps: Vec<StepRecord>,
    epochs: Vec<EpochRecord>,
    sanity: Vec<SanityResult>,
    weights: Array2<f64>,
    table: Vec<(String, String)>,
}

fn fixture() -> Fixture {
    let per_epoch = 20u64;
    let steps = (0..4 * per_epoch)
        .map(|s| StepRecord {
            step: s,
            epoch: (s / per_epoch) as u32,
            data_loss: 2.3 * (-(s as f64) / 30.0).exp()
                + 0.1
                + 0.05 * ((s * 7919 % 13) as f64 / 13.0),
            reg_loss: 0.01,
            lr: 0.1,
        })
        .collect();
    let epochs = (0..4u32)
        .map(|e| EpochRecord {
            epoch: e,
            step: u64::from(e + 1) * per_epoch,
            lr: 0.1,
            train_loss: 1.0 / f64::from(e + 1),
            reg_loss: 0.01,
            train_acc: 0.5 + 0.1 * f64::from(e),
            val_acc: 0.45 + 0.09 * f64::from(e),
            val_loss: 1.1 / f64::from(e + 1),
            seconds: 0.5,
            update_ratios: vec![
                ("fc1.W".into(), 3e-3 / f64::from(e + 1)),
                ("fc2.W".into(), 1e-4 * f64::from(e + 1)),
            ],
            layers: vec![layer("fc1", None), layer("relu1", Some(0.125))],
        })
        .collect();
    let sanity = vec![
        SanityResult {
            name: "loss at chance".into(),
            passed: true,
            detail: "2.3031 vs ln 10 = 2.3026 (tolerance 0.05)".into(),
        },
        SanityResult {
            name: "overfit a tiny subset <script>alert(1)</script>".into(),
            passed: false,
            detail: "accuracy 0.6 < 1.0 & loss > 0.01".into(),
        },
    ];
    let weights = Array2::from_shape_fn((64, 16), |(i, j)| {
        ((i % 8) as f64 - (i / 8) as f64) * (j as f64 + 1.0)
    });
    let table = vec![
        ("test accuracy".to_string(), "98.1%".to_string()),
        ("parameters".to_string(), "19,210".to_string()),
    ];
    Fixture {
        steps,
        epochs,
        sanity,
        weights,
        table,
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("examples-report-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn write(f: &Fixture, dir: &std::path::Path) -> Vec<PathBuf> {
    let run = RunSummary {
        title: "digits: 64-16-10 MLP <i>seed</i> 1",
        config_json: "{\n  \"lr\": 0.1,\n  \"note\": \"</pre><script>x</script>\"\n}",
        steps: &f.steps,
        epochs: &f.epochs,
        sanity: &f.sanity,
        first_layer: Some((&f.weights, [8, 8])),
        final_table: &f.table,
    };
    write_run_report(dir, &run).expect("report written")
}

#[test]
fn every_file_is_written_and_returned() {
    let f = fixture();
    let dir = temp_dir("files");
    let files = write(&f, &dir);
    let names: Vec<_> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "loss.svg",
            "accuracy.svg",
            "update_ratio.svg",
            "histograms.svg",
            "weights.png",
            "report.html"
        ]
    );
    for p in &files {
        assert!(std::fs::metadata(p).unwrap().len() > 100, "{}", p.display());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn svgs_are_svg_and_name_their_series() {
    let f = fixture();
    let dir = temp_dir("svg");
    write(&f, &dir);
    let expect: [(&str, &[&str]); 4] = [
        (
            "loss.svg",
            &["loss per step", "smoothed loss", "validation loss"],
        ),
        ("accuracy.svg", &["train accuracy", "validation accuracy"]),
        ("update_ratio.svg", &["fc1.W", "fc2.W", "1e-3 (healthy)"]),
        (
            "histograms.svg",
            &[
                "fc1 activations",
                "fc1 gradients",
                "relu1 activations",
                "dead 12%",
            ],
        ),
    ];
    for (file, names) in expect {
        let svg = std::fs::read_to_string(dir.join(file)).unwrap();
        assert!(svg.starts_with("<svg"), "{file}");
        assert!(svg.trim_end().ends_with("</svg>"), "{file}");
        for name in names {
            assert!(svg.contains(name), "{file} lacks {name}");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn weights_png_decodes_to_the_grid_size() {
    let f = fixture();
    let dir = temp_dir("png");
    write(&f, &dir);
    let bytes = std::fs::read(dir.join("weights.png")).unwrap();
    let reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    let info = reader.info();
    // 16 units of 8×8 → 4×4 tiles, 4·8 + 3 gaps = 35 px, ×4.
    let (rows, cols, h, w) = layout(16, [8, 8]);
    assert_eq!((rows, cols, h, w), (4, 4, 4 * 8 + 3 * GAP, 4 * 8 + 3 * GAP));
    assert_eq!(
        (info.width as usize, info.height as usize),
        (w * WEIGHT_SCALE, h * WEIGHT_SCALE)
    );
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn html_shows_sanity_lines_and_final_table_escaped() {
    let f = fixture();
    let dir = temp_dir("html");
    write(&f, &dir);
    let page = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(page.starts_with("<!doctype html>"));
    assert!(page.contains("1 of 2 passed"));
    assert!(page.contains("<td>loss at chance</td><td class=\"pass\">PASS</td><td>2.3031 vs ln 10 = 2.3026 (tolerance 0.05)</td>"));
    assert!(page.contains(
        "<td>overfit a tiny subset &lt;script&gt;alert(1)&lt;/script&gt;</td><td class=\"fail\">FAIL</td><td>accuracy 0.6 &lt; 1.0 &amp; loss &gt; 0.01</td>"
    ));
    assert!(page.contains("<tr><th>test accuracy</th><td class=\"num\">98.1%</td></tr>"));
    assert!(page.contains("<tr><th>parameters</th><td class=\"num\">19,210</td></tr>"));
    assert!(page.contains("<h1>digits: 64-16-10 MLP &lt;i&gt;seed&lt;/i&gt; 1</h1>"));
    assert!(page.contains("&lt;/pre&gt;&lt;script&gt;x&lt;/script&gt;"));
    // No script at all: the page is static, and user text cannot add one.
    assert!(!page.to_lowercase().contains("<script"));
    // Self-contained: charts inlined, the PNG as a data URI, nothing fetched.
    assert_eq!(page.matches("<svg").count(), 4);
    assert!(page.contains("src=\"data:image/png;base64,iVBORw0KGgo"));
    assert!(!page.contains("src=\"http") && !page.contains("href=\"http"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn empty_run_still_renders_every_chart() {
    let dir = temp_dir("empty");
    let run = RunSummary {
        title: "empty",
        config_json: "{}",
        steps: &[],
        epochs: &[],
        sanity: &[],
        first_layer: None,
        final_table: &[],
    };
    let files = write_run_report(&dir, &run).unwrap();
    assert_eq!(files.len(), 5);
    let loss = std::fs::read_to_string(dir.join("loss.svg")).unwrap();
    assert!(loss.contains("no data recorded"));
    let hist = std::fs::read_to_string(dir.join("histograms.svg")).unwrap();
    assert!(hist.contains("no layer statistics recorded"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn mismatched_weight_shape_is_invalid_input() {
    let f = fixture();
    let dir = temp_dir("shape");
    let run = RunSummary {
        title: "t",
        config_json: "{}",
        steps: &f.steps,
        epochs: &f.epochs,
        sanity: &f.sanity,
        first_layer: Some((&f.weights, [7, 7])),
        final_table: &f.table,
    };
    let err = write_run_report(&dir, &run).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("64×16"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn base64_matches_rfc4648_vectors() {
    let vectors: [(&[u8], &str); 7] = [
        (b"", ""),
        (b"f", "Zg=="),
        (b"fo", "Zm8="),
        (b"foo", "Zm9v"),
        (b"foob", "Zm9vYg=="),
        (b"fooba", "Zm9vYmE="),
        (b"foobar", "Zm9vYmFy"),
    ];
    for (input, expected) in vectors {
        assert_eq!(base64(input), expected);
    }
    // Every sextet value, including the two non-alphanumeric ones.
    assert_eq!(base64(&[0xfb, 0xff, 0xbf]), "+/+/");
    assert_eq!(base64(&[0x00, 0x10, 0x83]), "ABCD");
}

/// The texts of an SVG's `<text>` elements (plotters writes each on its
/// own line between the tags).
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = &t[t.find('>')? + 1..t.find("</text>")?];
            Some(body.trim().to_string())
        })
        .collect()
}

/// Regressions seen in the first headless render: the accuracy chart
/// labelled half epochs (0.5, 1.5, …), and the log axis labelled every
/// 4e-4 … 9e-4, which overlapped.
#[test]
fn axes_label_whole_epochs_and_few_log_ticks() {
    let f = fixture();
    let dir = temp_dir("ticks");
    write(&f, &dir);
    let accuracy = svg_texts(&std::fs::read_to_string(dir.join("accuracy.svg")).unwrap());
    for epoch in ["0", "1", "2", "3"] {
        assert!(accuracy.iter().any(|t| t == epoch), "{accuracy:?}");
    }
    for half in ["0.5", "1.5", "2.5"] {
        assert!(!accuracy.iter().any(|t| t == half), "{accuracy:?}");
    }
    let ratio = svg_texts(&std::fs::read_to_string(dir.join("update_ratio.svg")).unwrap());
    assert!(
        ratio.iter().any(|t| t == "1e-3") && ratio.iter().any(|t| t == "2e-4"),
        "{ratio:?}"
    );
    for crowded in ["4e-4", "6e-4", "7e-4", "8e-4", "9e-4"] {
        assert!(!ratio.iter().any(|t| t == crowded), "{ratio:?}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The smoothed loss does not lag: on a falling straight line it is the
/// line itself away from the ends (the first render's EMA sat above it).
#[test]
fn smoothing_a_falling_line_does_not_lag() {
    let line: Vec<f64> = (0..100).map(|i| 3.0 - 0.02 * f64::from(i)).collect();
    let s = examples::report::curves::smooth(&line, 5);
    for i in 5..95 {
        assert!(
            (s[i] - line[i]).abs() < 1e-12,
            "{i}: {} vs {}",
            s[i],
            line[i]
        );
    }
}

/// The weight grid: each tile spans black to white on its own range, a
/// constant tile is mid-grey, a NaN weight is black (never hidden), gaps
/// are white.
#[test]
fn weight_grid_normalizes_each_tile_and_shows_nan() {
    use examples::report::weights_png::grid_pixels;
    // 3 units of 2×2: a ramp, a constant, a ramp with a NaN; grid 2×2 tiles.
    let mut w = Array2::from_shape_vec(
        (4, 3),
        vec![
            0.0,
            5.0,
            1.0,
            1.0,
            5.0,
            f64::NAN,
            2.0,
            5.0,
            3.0,
            3.0,
            5.0,
            4.0,
        ],
    )
    .unwrap();
    w[[0, 0]] = -30.0; // unit 0 spans -30..3: its own scale, not unit 2's
    let (px, h, width) = grid_pixels(&w, [2, 2]).unwrap();
    assert_eq!((h, width), (5, 5));
    let at = |r: usize, c: usize| px[r * width + c];
    assert_eq!((at(0, 0), at(1, 1)), (0, 255)); // unit 0: min black, max white
    assert!(
        [at(0, 3), at(0, 4), at(1, 3), at(1, 4)]
            .iter()
            .all(|&p| p == 128)
    ); // constant
    assert_eq!(at(3, 1), 0); // unit 2's NaN
    assert_eq!((at(3, 0), at(4, 1)), (0, 255)); // unit 2: 1 → black, 4 → white
    assert!((0..5).all(|i| at(2, i) == 255 && at(i, 2) == 255)); // gaps
}

/// A log axis leaves out non-positive values instead of failing.
#[test]
fn log_axis_skips_zero_and_negative_ratios() {
    use examples::report::curves::update_ratio_chart;
    let mut epochs = fixture().epochs;
    epochs[1].update_ratios[0].1 = 0.0;
    epochs[2].update_ratios[0].1 = -1.0;
    epochs[3].update_ratios[1].1 = f64::NAN;
    let svg = update_ratio_chart(&epochs).unwrap();
    assert!(svg.contains("fc1.W") && svg.contains("fc2.W"));
    assert!(!svg.contains("NaN") && !svg.contains("inf"));
}
