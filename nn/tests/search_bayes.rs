//! Bayesian optimization against random search on the synthetic
//! benchmarks, and the optimizer's batch and numerical behaviour.

use nn::search::benchmark_functions::{
    BRANIN_MIN, HARTMANN6_MIN, branin_config, branin_space, hartmann6_config, hartmann6_space,
};
use nn::search::{
    BayesConfig, BayesOpt, Config, Direction, RandomSearch, SearchSpace, Strategy, Trial, Value,
    optimize,
};

/// Best objective after each trial.
fn best_so_far(trials: &[Trial]) -> Vec<f64> {
    trials
        .iter()
        .scan(f64::INFINITY, |b, t| {
            *b = b.min(t.objective);
            Some(*b)
        })
        .collect()
}

fn bayes(seed: u64) -> BayesOpt {
    BayesOpt::new(BayesConfig {
        seed,
        ..BayesConfig::default()
    })
}

#[test]
fn bayes_beats_random_on_branin_in_expectation() {
    let space = branin_space();
    let (seeds, budget) = (5u64, 30);
    let (mut bo, mut rs) = (0.0, 0.0);
    for seed in 0..seeds {
        let b = best_so_far(&optimize(&mut bayes(seed), &space, budget, branin_config));
        let r = best_so_far(&optimize(
            &mut RandomSearch::new(seed),
            &space,
            budget,
            branin_config,
        ));
        bo += b[budget - 1] / seeds as f64;
        rs += r[budget - 1] / seeds as f64;
    }
    assert!(bo < rs, "mean best after {budget}: bayes {bo}, random {rs}");
    // Not just lower: close to the optimum.
    assert!(bo - BRANIN_MIN < 0.1, "bayes mean best {bo}");
}

#[test]
fn same_seed_same_proposals_and_batches_are_distinct() {
    let space = branin_space();
    let trials = optimize(&mut RandomSearch::new(1), &space, 8, branin_config);
    let a = bayes(4).ask(&space, &trials, 4);
    let b = bayes(4).ask(&space, &trials, 4);
    assert_eq!(a, b);
    for i in 0..a.len() {
        for j in 0..i {
            assert_ne!(a[i], a[j], "a constant-liar batch spreads out");
        }
    }
    assert!(a.iter().all(|c| space.contains(c)));
}

#[test]
fn duplicate_and_constant_trials_give_finite_proposals() {
    let space = SearchSpace::builder()
        .uniform("x", 0.0, 1.0)
        .int("n", 1, 3)
        .build()
        .unwrap();
    let mut c = Config::new();
    c.insert("x", Value::Float(0.5));
    c.insert("n", Value::Int(2));
    // Six identical trials with identical objectives: K is singular without
    // jitter and the targets have zero spread.
    let trials = vec![
        Trial {
            config: c,
            objective: 1.0
        };
        6
    ];
    let next = bayes(0).ask(&space, &trials, 3);
    assert_eq!(next.len(), 3);
    for c in &next {
        assert!(
            space.contains(c) && c.float("x").unwrap().is_finite(),
            "{c}"
        );
    }
}

#[test]
fn maximize_and_failed_trials() {
    // Maximizing −(x − 0.3)² finds x near 0.3; NaN objectives are skipped.
    let space = SearchSpace::builder()
        .uniform("x", 0.0, 1.0)
        .build()
        .unwrap();
    let mut bo = BayesOpt::new(BayesConfig {
        direction: Direction::Maximize,
        seed: 3,
        ..BayesConfig::default()
    });
    let mut k = 0;
    let trials = optimize(&mut bo, &space, 15, |c| {
        k += 1;
        if k == 2 {
            f64::NAN
        } else {
            -(c.float("x").unwrap() - 0.3).powi(2)
        }
    });
    let best = Direction::Maximize.best_first(&trials)[0];
    assert!(
        (best.config.float("x").unwrap() - 0.3).abs() < 0.02,
        "{}",
        best.config
    );
}

/// The comparison table for the report (release: `cargo test --release -p nn
/// --test search_bayes -- --ignored --nocapture`).
#[test]
#[ignore = "a comparison table: about 7 s in release, minutes in debug"]
fn comparison_table() {
    let checkpoints = [5, 10, 20, 40];
    let seeds = 10u64;
    type Objective = fn(&Config) -> f64;
    let problems: [(&str, SearchSpace, Objective, f64); 2] = [
        ("Branin", branin_space(), branin_config, BRANIN_MIN),
        (
            "Hartmann-6",
            hartmann6_space(),
            hartmann6_config,
            HARTMANN6_MIN,
        ),
    ];
    println!("| function | strategy | best after 5 | 10 | 20 | 40 | (optimum) |");
    println!("|---|---|---|---|---|---|---|");
    for (name, space, f, min) in problems {
        for strategy in ["random", "bayes"] {
            let mut mean = [0.0; 4];
            for seed in 0..seeds {
                let mut s: Box<dyn Strategy> = match strategy {
                    "random" => Box::new(RandomSearch::new(seed)),
                    _ => Box::new(bayes(seed)),
                };
                let b = best_so_far(&optimize(s.as_mut(), &space, 40, f));
                for (m, &k) in mean.iter_mut().zip(&checkpoints) {
                    *m += b[k - 1] / seeds as f64;
                }
            }
            println!(
                "| {name} | {strategy} | {:.4} | {:.4} | {:.4} | {:.4} | {min} |",
                mean[0], mean[1], mean[2], mean[3]
            );
        }
    }
}

#[test]
fn ask_is_a_pure_function_of_the_finished_trials() {
    let space = branin_space();
    let mut long_lived = bayes(2);
    let trials = optimize(&mut long_lived, &space, 9, branin_config);
    // A fresh optimizer (a restarted search) handed the same trials
    // proposes what the long-lived one does.
    assert_eq!(
        long_lived.ask(&space, &trials, 2),
        bayes(2).ask(&space, &trials, 2)
    );
    assert_ne!(
        bayes(2).ask(&space, &trials, 1),
        bayes(3).ask(&space, &trials, 1)
    );
}

#[test]
fn a_discrete_space_gets_the_config_not_tried_yet() {
    let space = SearchSpace::builder()
        .int("n", 1, 3)
        .categorical("act", &["relu", "tanh"])
        .build()
        .unwrap();
    let all = nn::search::GridSearch::new(3).configs(&space);
    for left_out in 0..all.len() {
        let trials: Vec<Trial> = all
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != left_out)
            .map(|(i, c)| Trial {
                config: c.clone(),
                objective: (i as f64 - 2.0).abs(),
            })
            .collect();
        assert_eq!(bayes(0).ask(&space, &trials, 1), [all[left_out].clone()]);
    }
}

#[test]
fn erfc_matches_reference_values() {
    use nn::search::bayes::normal::erfc;
    // erfc from a 50-digit reference; fractional error < 1.2e-7.
    for (x, want) in [
        (0.0, 1.0),
        (0.5, 0.479_500_122_186_953_5),
        (1.0, 0.157_299_207_050_285_13),
        (2.0, 0.004_677_734_981_047_266),
        (3.0, 2.209_049_699_858_544e-5),
        (5.0, 1.537_459_794_428_035e-12),
        (-1.0, 1.842_700_792_949_715),
    ] {
        assert!(
            ((erfc(x) - want) / want).abs() < 1.2e-7,
            "erfc({x}) = {} vs {want}",
            erfc(x)
        );
    }
}
