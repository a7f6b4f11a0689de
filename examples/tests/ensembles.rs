//! The `ensembles` example: each kind's ensemble reaches at least its
//! members' mean test accuracy on fixed seeds (reduced settings, so the
//! test runs in a debug build), top-k ranks by validation accuracy, and
//! the table's arithmetic.

use examples::ensembles::kinds::{self, Kind, Row};
use examples::ensembles::{Digits, Settings, run, table, tally};
use nn::Mlp;
use nn::ensemble::Candidate;
use rand::SeedableRng;

#[test]
fn every_kind_reaches_its_members_mean_on_fixed_seeds() {
    let data = Digits::load().unwrap();
    let s = Settings::reduced();
    let rows = run(&data, &s).unwrap();
    assert_eq!(rows.len(), 4 * s.seeds.len());
    for r in &rows {
        let want = match r.kind {
            Kind::Seeds | Kind::Checkpoints => s.members,
            Kind::TopK => s.top_k,
            Kind::Polyak => 2,
        };
        assert_eq!(r.members.len(), want, "{r:?}");
        assert!(
            r.ensemble >= r.mean_member(),
            "{} seed {}: ensemble {} < members' mean {}",
            r.kind.name(),
            r.seed,
            r.ensemble,
            r.mean_member()
        );
        if r.kind == Kind::Checkpoints {
            // Every `checkpoint_every` (2) epochs up to the last (6).
            let names: Vec<&str> = r.members.iter().map(|m| m.0.as_str()).collect();
            assert_eq!(names, ["epoch 2", "epoch 4", "epoch 6"]);
        }
        // A sanity floor: these nets learn the digits (chance is 10%).
        assert!(r.mean_member() > 0.8, "{r:?}");
    }
    let text = table(&rows);
    assert!(text.contains("seeds"), "{text}");
    assert!(tally(&rows).starts_with(&format!(
        "ensemble >= members' mean in {n} of {n} rows",
        n = rows.len()
    )));
}

fn tiny(seed: u64) -> Mlp<f32> {
    Mlp::<f32>::builder(&[64, 4, 10])
        .build(&mut rand::rngs::StdRng::seed_from_u64(seed))
        .unwrap()
}

#[test]
fn top_k_takes_the_candidates_of_highest_validation_accuracy() {
    let data = Digits::load().unwrap();
    let accs = [0.5, 0.9, 0.7, 0.9, 0.2];
    let candidates = accs
        .iter()
        .enumerate()
        .map(|(i, &val_acc)| Candidate {
            model: (format!("c{i}"), tiny(i as u64)),
            val_acc,
        })
        .collect();
    let row = kinds::top_k(candidates, 3, &data, 7).unwrap();
    let names: Vec<&str> = row.members.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(names, ["c1", "c3", "c2"]);
    assert_eq!((row.kind, row.seed), (Kind::TopK, 7));
    let e = kinds::top_k(Vec::<Candidate<(String, Mlp<f32>)>>::new(), 3, &data, 7).unwrap_err();
    assert_eq!(e, "ensemble: no members");
}

#[test]
fn random_hypers_respect_their_ranges_and_seed() {
    let h = kinds::random_hypers(50, 3);
    assert_eq!(h, kinds::random_hypers(50, 3));
    assert_ne!(h, kinds::random_hypers(50, 4));
    for x in &h {
        assert!((3e-4..=1e-2).contains(&x.lr), "{x:?}");
        assert!([32, 64, 128].contains(&x.hidden), "{x:?}");
        assert!((1e-5..=1e-2).contains(&x.reg), "{x:?}");
        assert!((0.6..=1.0).contains(&x.keep), "{x:?}");
    }
}

fn row(kind: Kind, seed: u64, members: &[f64], ensemble: f64) -> Row {
    Row {
        kind,
        seed,
        members: members.iter().map(|&a| (String::new(), a)).collect(),
        ensemble,
    }
}

#[test]
fn the_table_shows_each_row_and_each_kinds_mean() {
    let rows = [
        row(Kind::Seeds, 1, &[0.9, 0.8], 0.95),
        row(Kind::Seeds, 2, &[0.7, 0.9], 0.8),
        row(Kind::Polyak, 1, &[0.5, 1.0], 0.6),
    ];
    assert_eq!(
        (rows[0].mean_member(), rows[0].best_member()),
        (0.8500000000000001, 0.9)
    );
    let text = table(&rows);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + 3 + 1 + 2, "{text}");
    let cells = |l: &str| l.split_whitespace().map(String::from).collect::<Vec<_>>();
    assert_eq!(
        cells(lines[1]),
        [
            "seeds", "1", "2", "85.00%", "90.00%", "95.00%", "+10.00", "+5.00"
        ]
    );
    // Seeds' mean over seeds: members' mean (85 + 80)/2, best (90 + 90)/2, ensemble (95 + 80)/2.
    assert_eq!(
        cells(lines[5]),
        [
            "seeds", "mean", "2", "82.50%", "90.00%", "87.50%", "+5.00", "-2.50"
        ]
    );
    assert_eq!(
        cells(lines[6]),
        [
            "polyak", "mean", "2", "75.00%", "100.00%", "60.00%", "-15.00", "-40.00"
        ]
    );
    assert_eq!(
        tally(&rows),
        "ensemble >= members' mean in 2 of 3 rows; >= best member in 1 of 3 rows"
    );
}
