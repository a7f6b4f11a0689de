//! The results file (issue 13): a half-written last line is ignored and
//! reported, never a parse failure, and cut off before the next append; a
//! corrupt line in the middle is an error naming its line.

#[path = "trials/support.rs"]
mod support;

use nn::search::trials::{
    ResultsFile, TornTail, TrialOutcome, TrialRecord, TrialSpec, TrialsError, read_job_file,
    read_results, write_job_file,
};
use serde_json::json;

fn record(i: usize) -> TrialRecord {
    let spec = TrialSpec::new(i, 1, json!({"x": i})).unwrap();
    TrialRecord::new(&spec, TrialOutcome::ok(json!({"y": i})), 0.25)
}

fn line(i: usize) -> String {
    format!("{}\n", record(i).to_json())
}

#[test]
fn a_half_written_last_line_is_ignored_reported_and_cut_before_the_next_append() {
    let dir = support::scratch("torn");
    let path = dir.join("results.jsonl");
    let whole = line(2);
    // Every cut of the last line, from 1 byte to all but its newline.
    for cut in 1..whole.len() {
        let torn = format!("{}{}{}", line(0), line(1), &whole[..cut]);
        std::fs::write(&path, &torn).unwrap();
        let loaded = read_results(&path).unwrap();
        assert_eq!(loaded.records, [record(0), record(1)], "cut {cut}");
        assert_eq!(
            loaded.torn_tail,
            Some(TornTail {
                line: 3,
                bytes: cut
            })
        );

        let mut file = ResultsFile::open(&path).unwrap();
        assert_eq!(
            file.loaded().torn_tail,
            Some(TornTail {
                line: 3,
                bytes: cut
            })
        );
        file.append(&record(2)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            format!("{}{}{}", line(0), line(1), whole),
            "cut {cut}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_corrupt_line_in_the_middle_is_an_error_naming_it() {
    let dir = support::scratch("corrupt");
    let path = dir.join("results.jsonl");
    let half = &line(1)[..20];
    std::fs::write(&path, format!("{}{half}\n{}", line(0), line(2))).unwrap();
    let e = read_results(&path).unwrap_err();
    assert!(matches!(e, TrialsError::Corrupt { line: 2, .. }), "{e:?}");
    assert!(
        e.to_string().contains("results.jsonl: line 2 is corrupt"),
        "{e}"
    );
    // The appender refuses too, rather than append after damage.
    assert!(matches!(
        ResultsFile::open(&path).unwrap_err(),
        TrialsError::Corrupt { line: 2, .. }
    ));
    // A complete last line is not "half-written": a bad one is an error.
    std::fs::write(&path, format!("{}{half}\n", line(0))).unwrap();
    assert!(matches!(
        read_results(&path).unwrap_err(),
        TrialsError::Corrupt { line: 2, .. }
    ));
    // Valid JSON that is not a record names its line and the missing field.
    std::fs::write(&path, format!("{}{{\"status\":\"ok\"}}\n", line(0))).unwrap();
    let e = read_results(&path).unwrap_err().to_string();
    assert!(e.contains("line 2") && e.contains("`hash`"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_results_file_has_no_records() {
    let dir = support::scratch("missing");
    let loaded = read_results(&dir.join("results.jsonl")).unwrap();
    assert!(loaded.records.is_empty() && loaded.torn_tail.is_none());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_job_file_round_trips_and_an_edited_line_is_named() {
    let dir = support::scratch("jobfile");
    let path = dir.join("job.jsonl");
    let specs = support::plan(3, 0, json!({"lr": 0.5}));
    write_job_file(&path, &specs).unwrap();
    assert_eq!(read_job_file(&path).unwrap(), specs);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("\"x\":1", "\"x\":9")).unwrap();
    let e = read_job_file(&path).unwrap_err();
    assert!(matches!(e, TrialsError::Corrupt { line: 2, .. }), "{e:?}");
    assert!(e.to_string().contains("was the config edited"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}
