//! The optimizer comparison's claims, on a short run: seven rows, every
//! optimizer lowers the loss from the shared initialization, every curve
//! starts there, and the chart names every optimizer.

use examples::optimizers::{run, table};

#[test]
fn every_optimizer_lowers_the_loss_and_the_table_has_seven_rows() {
    let dir = std::env::temp_dir().join(format!("examples-optimizers-{}", std::process::id()));
    let c = run(20, 30, 10, &dir).expect("comparison runs");
    let names: Vec<&str> = c.runs.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "SGD", "Momentum", "Nesterov", "Adagrad", "RMSprop", "Adam", "L-BFGS"
        ]
    );
    for r in &c.runs {
        assert_eq!(
            r.curve[0],
            (0, c.initial_loss),
            "{} starts at the shared init",
            r.name
        );
        assert!(
            r.final_loss < c.initial_loss,
            "{}: {} ≥ {}",
            r.name,
            r.final_loss,
            c.initial_loss
        );
        assert!(
            r.final_loss.is_finite() && (0.0..=1.0).contains(&r.accuracy),
            "{}",
            r.name
        );
        assert_eq!(r.curve.last().unwrap().1, r.final_loss, "{}", r.name);
    }
    for r in &c.runs[..6] {
        assert_eq!(
            (r.steps, r.evaluations, r.curve.len()),
            (30, 30, 31),
            "{}",
            r.name
        );
    }
    let lbfgs = &c.runs[6];
    assert!(
        lbfgs.steps <= 10 && lbfgs.evaluations >= lbfgs.steps,
        "{lbfgs:?}"
    );
    let printed = table(&c);
    let rows: Vec<&str> = printed
        .lines()
        .skip(1)
        .filter(|l| !l.contains("stopped early"))
        .collect();
    assert_eq!(rows.len(), 7, "{printed}");
    for (row, r) in rows.iter().zip(&c.runs) {
        assert!(row.starts_with(&r.name), "{row}");
    }
    let svg = std::fs::read_to_string(&c.chart).unwrap();
    assert!(svg.starts_with("<svg"));
    for name in names {
        assert!(
            svg.contains(&format!(">{name}")) || svg.contains(name),
            "chart lacks {name}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
