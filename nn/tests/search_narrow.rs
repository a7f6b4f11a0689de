//! The coarse → fine narrowing rule and the border warnings, by hand.

use nn::search::{
    Config, Direction, Distribution, Edge, NarrowRule, SearchSpace, Trial, Value, border_warnings,
    narrow,
};

fn trial(values: &[(&str, Value)], objective: f64) -> Trial {
    let mut c = Config::new();
    for (k, v) in values {
        c.insert(*k, v.clone());
    }
    Trial {
        config: c,
        objective,
    }
}

fn f(x: f64) -> Value {
    Value::Float(x)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs().max(1.0)
}

fn range(space: &SearchSpace, name: &str) -> Distribution {
    space.param(name).unwrap().dist.clone()
}

#[test]
fn linear_range_narrows_to_the_top_trials_plus_margin() {
    let space = SearchSpace::builder()
        .uniform("x", 0.0, 10.0)
        .build()
        .unwrap();
    // 8 trials: top 25 % is 2, raised to min_top = 3: x = 6, 7, 5 (objective |x − 6.2|).
    let xs = [0.0, 1.0, 2.0, 5.0, 6.0, 7.0, 9.0, 10.0];
    let trials: Vec<Trial> = xs
        .iter()
        .map(|&x| trial(&[("x", f(x))], (x - 6.2).abs()))
        .collect();
    let fine = narrow(&space, &trials, &NarrowRule::default()).unwrap();
    // Unit [0.5, 0.7] ± 0.05 = [0.45, 0.75] → [4.5, 7.5].
    let Distribution::Uniform { lo, hi } = range(&fine, "x") else {
        panic!()
    };
    assert!(close(lo, 4.5) && close(hi, 7.5), "[{lo}, {hi}]");
    // Maximizing the same objective keeps x = 0, 1, 2 (farthest from 6.2):
    // unit [0, 0.2] + 0.05, clipped at 0 → [0, 2.5], the old bound exactly.
    let rule = NarrowRule {
        direction: Direction::Maximize,
        ..NarrowRule::default()
    };
    let Distribution::Uniform { lo, hi } = range(&narrow(&space, &trials, &rule).unwrap(), "x")
    else {
        panic!()
    };
    assert!(lo == 0.0 && close(hi, 2.5), "[{lo}, {hi}]");
}

#[test]
fn log_range_narrows_in_log_space() {
    let space = SearchSpace::builder()
        .log_uniform("lr", 1e-4, 1.0)
        .build()
        .unwrap();
    let trials = [
        trial(&[("lr", f(1e-3))], 0.1),
        trial(&[("lr", f(1e-2))], 0.2),
        trial(&[("lr", f(0.5))], 0.9),
        trial(&[("lr", f(2e-4))], 0.8),
    ];
    let rule = NarrowRule {
        min_top: 2,
        ..NarrowRule::default()
    };
    // Top 2: 1e-3, 1e-2 → unit 0.25, 0.5 (of four decades) → [0.2, 0.55]
    // → [10^(−4 + 0.8), 10^(−4 + 2.2)].
    let Distribution::LogUniform { lo, hi } = range(&narrow(&space, &trials, &rule).unwrap(), "lr")
    else {
        panic!()
    };
    assert!(
        close(lo, 10f64.powf(-3.2)) && close(hi, 10f64.powf(-1.8)),
        "[{lo}, {hi}]"
    );
}

#[test]
fn minimum_width_centres_and_stays_inside() {
    let space = SearchSpace::builder()
        .uniform("x", 0.0, 10.0)
        .build()
        .unwrap();
    let rule = NarrowRule {
        min_top: 1,
        top_fraction: 0.01,
        margin: 0.0,
        ..NarrowRule::default()
    };
    let one = |x: f64| vec![trial(&[("x", f(x))], 0.0), trial(&[("x", f(0.0))], 1.0)];
    let Distribution::Uniform { lo, hi } = range(&narrow(&space, &one(5.0), &rule).unwrap(), "x")
    else {
        panic!()
    };
    assert!(close(lo, 4.5) && close(hi, 5.5), "[{lo}, {hi}]");
    // Near the top the window shifts down and keeps the old bound exactly.
    let Distribution::Uniform { lo, hi } = range(&narrow(&space, &one(9.8), &rule).unwrap(), "x")
    else {
        panic!()
    };
    assert!(close(lo, 9.0) && hi == 10.0, "[{lo}, {hi}]");
}

#[test]
fn integers_and_categories() {
    let space = SearchSpace::builder()
        .int("layers", 0, 9)
        .categorical("opt", &["sgd", "momentum", "adam"])
        .build()
        .unwrap();
    let t = |n: i64, opt: &str, o: f64| {
        trial(
            &[
                ("layers", Value::Int(n)),
                ("opt", Value::Choice(opt.into())),
            ],
            o,
        )
    };
    let trials = [
        t(2, "adam", 0.1),
        t(3, "sgd", 0.2),
        t(3, "adam", 0.3),
        t(8, "momentum", 0.9),
    ];
    let fine = narrow(&space, &trials, &NarrowRule::default()).unwrap();
    // Cells of 2 and 3 are centred at unit 0.25, 0.35; ± 0.05 → [0.2, 0.4]
    // → values [1.5, 3.5] → the integers 2..=3 (boundaries do not take a neighbour).
    assert_eq!(range(&fine, "layers"), Distribution::Int { lo: 2, hi: 3 });
    assert_eq!(
        range(&fine, "opt"),
        Distribution::Categorical(vec!["sgd".into(), "adam".into()])
    );
    // Parameter order is kept.
    assert_eq!(fine.params()[0].name, "layers");
}

#[test]
fn trials_outside_the_space_or_failed_are_ignored() {
    let space = SearchSpace::builder()
        .uniform("x", 0.0, 10.0)
        .build()
        .unwrap();
    let trials = [
        trial(&[("x", f(50.0))], -100.0), // an earlier, wider stage
        trial(&[("y", f(5.0))], -100.0),  // another space
        trial(&[("x", f(1.0))], f64::NAN),
        trial(&[("x", f(8.0))], 0.0),
    ];
    let rule = NarrowRule {
        min_top: 1,
        margin: 0.0,
        ..NarrowRule::default()
    };
    let Distribution::Uniform { lo, hi } = range(&narrow(&space, &trials, &rule).unwrap(), "x")
    else {
        panic!()
    };
    assert!(close(lo, 7.5) && close(hi, 8.5), "[{lo}, {hi}]");
    let e = narrow(&space, &trials[..3], &rule).unwrap_err();
    assert_eq!(
        e.to_string(),
        "search space: narrowing: no finished trial (non-NaN objective, inside the space) to narrow around"
    );
    let bad = NarrowRule {
        min_width: 0.0,
        ..NarrowRule::default()
    };
    assert!(
        narrow(&space, &trials, &bad)
            .unwrap_err()
            .to_string()
            .contains("min_width 0")
    );
}

fn warnings(space: &SearchSpace, best: &[(&str, Value)]) -> Vec<String> {
    let trials = [trial(best, 0.0)];
    border_warnings(space, &trials, Direction::Minimize)
        .iter()
        .map(|w| w.to_string())
        .collect()
}

#[test]
fn border_upper_edge_log() {
    let space = SearchSpace::builder()
        .log_uniform("learning_rate", 1e-4, 1e-1)
        .build()
        .unwrap();
    assert_eq!(
        warnings(&space, &[("learning_rate", f(9.1e-2))]),
        [
            "learning_rate: best value 0.091 is at the upper edge of [1e-4, 0.1]; \
          widen the range above 0.1 (e.g. to 3.16)"
        ]
    );
    // 10^(−1.4) is at unit 0.87 in log space (0.9986 on a linear scale): not near.
    assert!(warnings(&space, &[("learning_rate", f(10f64.powf(-1.4)))]).is_empty());
    // "Near" is inclusive: x = 9 of [0, 10] is at unit 0.9 exactly; 8.9 is not near.
    let lin = SearchSpace::builder()
        .uniform("x", 0.0, 10.0)
        .build()
        .unwrap();
    assert_eq!(warnings(&lin, &[("x", f(9.0))]).len(), 1);
    assert_eq!(warnings(&lin, &[("x", f(1.0))]).len(), 1);
    assert!(warnings(&lin, &[("x", f(8.9))]).is_empty());
    assert!(warnings(&lin, &[("x", f(1.1))]).is_empty());
}

#[test]
fn border_lower_edge_linear_and_log() {
    let space = SearchSpace::builder()
        .uniform("x", -10.0, 10.0)
        .log_uniform("reg", 1e-6, 1e-2)
        .build()
        .unwrap();
    let w = warnings(&space, &[("x", f(-9.0)), ("reg", f(2e-6))]);
    assert_eq!(
        w,
        [
            "x: best value -9 is at the lower edge of [-10, 10]; widen the range below -10 (e.g. to -20)",
            "reg: best value 2e-6 is at the lower edge of [1e-6, 0.01]; widen the range below 1e-6 (e.g. to 1e-8)",
        ]
    );
    let trials = [trial(&[("x", f(-9.0)), ("reg", f(2e-6))], 0.0)];
    let typed = border_warnings(&space, &trials, Direction::Minimize);
    assert_eq!((typed[0].edge, typed[1].edge), (Edge::Lower, Edge::Lower));
}

#[test]
fn border_inside_categorical_and_clipped_suggestions() {
    let space = SearchSpace::builder()
        .uniform("keep", 0.0, 1.0)
        .int("layers", 1, 3)
        .log_int("hidden", 1, 256)
        .categorical("opt", &["sgd", "adam"])
        .build()
        .unwrap();
    // Inside every range, and a categorical never warns.
    let inside = [
        ("keep", f(0.5)),
        ("layers", Value::Int(2)),
        ("hidden", Value::Int(16)),
        ("opt", Value::Choice("sgd".into())),
    ];
    assert!(warnings(&space, &inside).is_empty());
    let edges = [
        ("keep", f(0.05)),
        ("layers", Value::Int(3)),
        ("hidden", Value::Int(1)),
        ("opt", Value::Choice("sgd".into())),
    ];
    assert_eq!(
        warnings(&space, &edges),
        [
            "keep: best value 0.05 is at the lower edge of [0, 1]; the range cannot be widened below 0",
            "layers: best value 3 is at the upper edge of [1, 3]; widen the range above 3 (e.g. to 4)",
            "hidden: best value 1 is at the lower edge of [1, 256]; the range cannot be widened below 1",
        ]
    );
    // The best trial is chosen by direction; no trials, no warnings.
    assert!(border_warnings(&space, &[], Direction::Minimize).is_empty());
}
