//! Runs the `gradcheck_walkthrough` example, whose assertions check what
//! its output and docs claim (kink rows in words, regularization
//! dominance, every section passing).

#[path = "../gradcheck_walkthrough.rs"]
mod walkthrough;

#[test]
fn the_gradcheck_walkthrough_runs_and_its_claims_hold() {
    walkthrough::main();
}
