//! Search spaces, distributions, configs (JSON, hash) and grid order.

use nn::search::config::fnv1a64;
use nn::search::{Config, Distribution, GridSearch, RandomSearch, SearchSpace, Strategy, Value};
use rand::SeedableRng;
use rand::rngs::StdRng;

fn err(b: nn::search::SpaceBuilder) -> String {
    b.build().unwrap_err().to_string()
}

#[test]
fn bad_spaces_are_typed_errors_naming_the_parameter() {
    let b = SearchSpace::builder;
    assert_eq!(
        err(b().log_uniform("learning_rate", 0.1, 0.01)),
        "search space: learning_rate: log-uniform range [0.1, 0.01] is inverted"
    );
    assert_eq!(
        err(b().uniform("keep", 0.5, 0.5)),
        "search space: keep: uniform range [0.5, 0.5] is empty"
    );
    assert_eq!(
        err(b().log_uniform("reg", 0.0, 1.0)),
        "search space: reg: log-uniform range [0, 1] needs a positive lower bound (a log scale)"
    );
    assert_eq!(
        err(b().log_int("hidden", 0, 64)),
        "search space: hidden: log-int range [0, 64] needs a positive lower bound (a log scale)"
    );
    assert_eq!(
        err(b().uniform("x", 0.0, f64::INFINITY)),
        "search space: x: uniform range [0, inf] has a non-finite bound"
    );
    assert_eq!(
        err(b().uniform("x", f64::NAN, 1.0)),
        "search space: x: uniform range [NaN, 1] has a non-finite bound"
    );
    assert_eq!(
        err(b().int("n", 5, 4)),
        "search space: n: int range [5, 4] is inverted"
    );
    assert_eq!(
        err(b().categorical("opt", &[])),
        "search space: opt: categorical with no categories"
    );
    assert_eq!(
        err(b().categorical("opt", &["sgd", "adam", "sgd"])),
        "search space: opt: category \"sgd\" is listed twice"
    );
    assert_eq!(
        err(b().uniform("x", 0.0, 1.0).int("x", 1, 2)),
        "search space: x: the name is used twice"
    );
    assert_eq!(err(b()), "search space: no parameters");
    let e = b()
        .uniform("ok", 0.0, 1.0)
        .log_uniform("lr", -1.0, 1.0)
        .build()
        .unwrap_err();
    assert_eq!(e.param, "lr");
    // A one-value integer range is allowed (narrowing can produce it).
    assert!(b().int("n", 3, 3).build().is_ok());
}

/// Kolmogorov–Smirnov distance between the sample and Uniform(0, 1).
fn ks_uniform(mut u: Vec<f64>) -> f64 {
    u.sort_by(f64::total_cmp);
    let n = u.len() as f64;
    u.iter()
        .enumerate()
        .map(|(i, &x)| (x - i as f64 / n).abs().max(((i + 1) as f64 / n - x).abs()))
        .fold(0.0, f64::max)
}

#[test]
fn log_uniform_samples_are_uniform_in_log_space() {
    let space = SearchSpace::builder()
        .log_uniform("lr", 1e-4, 1e-1)
        .build()
        .unwrap();
    let configs = RandomSearch::new(3).ask(&space, &[], 10_000);
    let u: Vec<f64> = configs
        .iter()
        .map(|c| (c.float("lr").unwrap().log10() + 4.0) / 3.0)
        .collect();
    // KS critical value at α = 0.001: 1.95 / √n.
    let crit = 1.95 / (u.len() as f64).sqrt();
    assert!(
        ks_uniform(u.clone()) < crit,
        "log-space KS {}",
        ks_uniform(u)
    );
    // The same statistic rejects the samples on a linear scale, so it can fail.
    let linear: Vec<f64> = configs
        .iter()
        .map(|c| (c.float("lr").unwrap() - 1e-4) / (1e-1 - 1e-4))
        .collect();
    assert!(ks_uniform(linear) > 10.0 * crit);
}

#[test]
fn every_distribution_respects_its_bounds() {
    let space = SearchSpace::builder()
        .log_uniform("lr", 1e-4, 1e-1)
        .uniform("keep", 0.5, 1.0)
        .int("layers", 1, 4)
        .log_int("hidden", 8, 512)
        .categorical("opt", &["sgd", "momentum", "adam"])
        .build()
        .unwrap();
    let configs = RandomSearch::new(11).ask(&space, &[], 5_000);
    let mut layers = [0usize; 4];
    let mut hidden_lo = false;
    for c in &configs {
        assert!(space.contains(c), "{c}");
        let lr = c.float("lr").unwrap();
        assert!((1e-4..=1e-1).contains(&lr));
        let keep = c.float("keep").unwrap();
        assert!((0.5..=1.0).contains(&keep));
        layers[(c.int("layers").unwrap() - 1) as usize] += 1;
        let h = c.int("hidden").unwrap();
        assert!((8..=512).contains(&h));
        hidden_lo |= h == 8;
        assert!(["sgd", "momentum", "adam"].contains(&c.choice("opt").unwrap()));
    }
    assert!(hidden_lo, "the lower end of a log-int range is drawn");
    // The upper end's log cell is 0.05 % of the range: reachable, if rarely.
    let hidden = &space.param("hidden").unwrap().dist;
    assert_eq!(hidden.from_unit(1.0 - 1e-6), Value::Int(512));
    assert_eq!(hidden.from_unit(1.0 - 1e-3), Value::Int(510));
    // Chi-square, 3 degrees of freedom, α = 0.001: 16.27.
    let e = configs.len() as f64 / 4.0;
    let chi2: f64 = layers.iter().map(|&o| (o as f64 - e).powi(2) / e).sum();
    assert!(chi2 < 16.27, "int counts {layers:?}, chi² {chi2}");
}

#[test]
fn log_int_is_uniform_over_log_cells() {
    // LogInt{1, 3}: cells [0.5, 1.5], [1.5, 2.5], [2.5, 3.5] in log space.
    let d = Distribution::LogInt { lo: 1, hi: 3 };
    let (a, b) = (0.5f64.ln(), 3.5f64.ln());
    let p = [
        (1.5f64.ln() - a) / (b - a),
        (2.5f64 / 1.5).ln() / (b - a),
        (3.5f64 / 2.5).ln() / (b - a),
    ];
    let mut rng = StdRng::seed_from_u64(5);
    let space = SearchSpace::builder().param("n", d).build().unwrap();
    let mut counts = [0usize; 3];
    let n = 20_000;
    for _ in 0..n {
        counts[(space.sample(&mut rng).int("n").unwrap() - 1) as usize] += 1;
    }
    let chi2: f64 = (0..3)
        .map(|i| (counts[i] as f64 - n as f64 * p[i]).powi(2) / (n as f64 * p[i]))
        .sum();
    assert!(chi2 < 13.82, "counts {counts:?} vs p {p:?}"); // 2 dof, α = 0.001
}

#[test]
fn unit_coordinates_round_trip() {
    let space = SearchSpace::builder()
        .log_uniform("lr", 1e-4, 1e-1)
        .int("layers", 1, 4)
        .log_int("hidden", 8, 512)
        .categorical("opt", &["sgd", "adam"])
        .build()
        .unwrap();
    for c in RandomSearch::new(2).ask(&space, &[], 200) {
        let u = space.to_unit(&c).unwrap();
        assert!(u.iter().all(|x| (0.0..=1.0).contains(x)));
        let back = space.from_unit(&u);
        assert_eq!(back.int("layers"), c.int("layers"));
        assert_eq!(back.int("hidden"), c.int("hidden"));
        assert_eq!(back.choice("opt"), c.choice("opt"));
        let (x, y) = (back.float("lr").unwrap(), c.float("lr").unwrap());
        assert!((x / y - 1.0).abs() < 1e-12);
    }
    // Ends map exactly.
    let lr = &space.params()[0].dist;
    assert_eq!(lr.from_unit(0.0), Value::Float(1e-4));
    assert_eq!(lr.from_unit(1.0), Value::Float(1e-1));
    assert_eq!(lr.from_unit(2.0), Value::Float(1e-1)); // clipped
}

#[test]
fn json_round_trip_is_bit_exact() {
    let mut rng = StdRng::seed_from_u64(9);
    let space = SearchSpace::builder()
        .log_uniform("lr", 1e-300, 1e300)
        .uniform("keep", -1.0, 1.0)
        .int("n", i64::MIN / 2, i64::MAX / 2)
        .categorical("opt", &["sgd", "ad\"am", "ü"])
        .build()
        .unwrap();
    for _ in 0..20_000 {
        let c = space.sample(&mut rng);
        let text = serde_json::to_string(&c.to_json()).unwrap();
        let back = Config::from_json(&serde_json::from_str(&text).unwrap()).unwrap();
        assert_eq!(back, c, "{text}");
        let (a, b) = (back.float("lr").unwrap(), c.float("lr").unwrap());
        assert_eq!(a.to_bits(), b.to_bits());
    }
    // Whole numbers stay floats, integers stay integers.
    let mut c = Config::new();
    c.insert("f", Value::Float(2.0));
    c.insert("i", Value::Int(2));
    c.insert("neg0", Value::Float(-0.0));
    let text = serde_json::to_string(&c.to_json()).unwrap();
    assert_eq!(text, r#"{"f":2.0,"i":2,"neg0":-0.0}"#);
    let back = Config::from_json(&serde_json::from_str(&text).unwrap()).unwrap();
    assert_eq!(back.float("neg0").unwrap().to_bits(), (-0.0f64).to_bits());
    assert_eq!(back, c);
}

#[test]
fn json_errors_say_what_is_wrong() {
    let e = Config::from_json(&serde_json::json!([1])).unwrap_err();
    assert_eq!(e.to_string(), "config JSON: expected an object, found [1]");
    let e = Config::from_json(&serde_json::json!({"a": true})).unwrap_err();
    assert_eq!(
        e.to_string(),
        "config JSON: a: expected a number or a string, found true"
    );
    let e = Config::from_json(&serde_json::from_str("{\"a\": 18446744073709551615}").unwrap())
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "config JSON: a: 18446744073709551615 does not fit an i64"
    );
}

#[test]
fn config_hash_is_pinned_and_order_free() {
    assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    let mut a = Config::new();
    a.insert("lr", Value::Float(1e-3));
    a.insert("hidden", Value::Int(64));
    a.insert("optimizer", Value::Choice("adam".into()));
    assert_eq!(
        a.canonical_json(),
        r#"{"hidden":64,"lr":0.001,"optimizer":"adam"}"#
    );
    assert_eq!(a.hash(), fnv1a64(a.canonical_json().as_bytes()));
    assert_eq!(a.hash(), PINNED);
    let mut b = Config::new();
    b.insert("optimizer", Value::Choice("adam".into()));
    b.insert("hidden", Value::Int(64));
    b.insert("lr", Value::Float(1e-3));
    assert_eq!(b.hash(), a.hash());
    b.insert("hidden", Value::Float(64.0));
    assert_ne!(b.hash(), a.hash(), "a float 64.0 is not the integer 64");
}
/// FNV-1a 64 of `{"hidden":64,"lr":0.001,"optimizer":"adam"}`; changing
/// it orphans every results file written before.
const PINNED: u64 = 0x9399_f596_bd75_d658;

#[test]
fn grid_is_row_major_log_spaced_and_exhausts() {
    let space = SearchSpace::builder()
        .log_uniform("lr", 1e-4, 1.0)
        .int("layers", 1, 3)
        .categorical("opt", &["sgd", "adam"])
        .build()
        .unwrap();
    let grid = GridSearch::new(5);
    let lrs = grid.values(&space.params()[0].dist);
    let want = [1e-4, 1e-3, 1e-2, 1e-1, 1.0];
    for (v, w) in lrs.iter().zip(want) {
        assert!((v.as_f64().unwrap() / w - 1.0).abs() < 1e-12, "{v} vs {w}");
    }
    // Five points over 1..=3 round to 1, 2 (1.5 → 2), 2, 3 (2.5 → 3), 3: repeats dropped.
    assert_eq!(
        grid.values(&space.params()[1].dist),
        [Value::Int(1), Value::Int(2), Value::Int(3)]
    );
    let all = grid.configs(&space);
    assert_eq!(all.len(), 5 * 3 * 2);
    let show = |c: &Config| c.to_string();
    assert_eq!(show(&all[0]), "layers=1 lr=1e-4 opt=sgd");
    assert_eq!(show(&all[1]), "layers=1 lr=1e-4 opt=adam");
    assert_eq!(show(&all[2]), "layers=2 lr=1e-4 opt=sgd");
    assert_eq!(show(&all[6]), "layers=1 lr=0.001 opt=sgd");
    assert_eq!(show(&all[29]), "layers=3 lr=1 opt=adam");
    // ask hands the grid out in order and stops at its end.
    let mut g = GridSearch::new(5);
    let first = g.ask(&space, &[], 25);
    let rest = g.ask(&space, &[], 25);
    assert_eq!((first.len(), rest.len()), (25, 5));
    assert_eq!([first, rest].concat(), all);
    assert!(g.ask(&space, &[], 1).is_empty());
    // One point: the middle of the range (in log space).
    let mid = GridSearch::new(1).values(&space.params()[0].dist);
    assert!((mid[0].as_f64().unwrap() / 1e-2 - 1.0).abs() < 1e-12);
}

#[test]
fn non_finite_floats_are_written_as_null_and_rejected() {
    let mut c = Config::new();
    c.insert("x", Value::Float(f64::NAN));
    assert_eq!(c.canonical_json(), r#"{"x":null}"#);
    let e = Config::from_json(&c.to_json()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "config JSON: x: expected a number or a string, found null"
    );
}
