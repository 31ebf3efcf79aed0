//! `cs score` streams its file batch by batch: the summary and the output files do not depend
//! on the batch size (rollups in row order across batches, the worst accounts merged by score
//! and row), errors name their line in any batch, a failure mid-file leaves the previous output
//! whole, and nothing but the command's own messages reaches a piped stderr.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::process::Command;

fn cs(args: &[&str]) -> (bool, Vec<u8>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cs"))
        .args(args)
        .output()
        .expect("run cs");
    (
        out.status.success(),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn temp_path(name: &str) -> String {
    std::env::temp_dir()
        .join(format!("cs-cli-stream-{}-{name}", std::process::id()))
        .to_string_lossy()
        .into_owned()
}

/// A synthetic portfolio of `rows` accounts as CSV.
fn portfolio(rows: usize, name: &str) -> String {
    let path = temp_path(name);
    let (ok, _, err) = cs(&[
        "portfolio",
        "--rows",
        &rows.to_string(),
        "--seed",
        "7",
        "--as-of",
        "2026-06-30",
        "-o",
        &path,
    ]);
    assert!(ok, "{err}");
    path
}

/// `cs score FILE --json` at `batch` rows per batch, once per output (once without one when
/// none is given): the summary JSON (the same on every run) and the bytes of each output.
fn score(file: &str, batch: usize, outputs: &[&str]) -> (String, Vec<Vec<u8>>) {
    let batch = batch.to_string();
    let mut summary = None;
    let mut files = Vec::new();
    let runs: Vec<Option<&str>> = if outputs.is_empty() {
        vec![None]
    } else {
        outputs.iter().copied().map(Some).collect()
    };
    for out in runs {
        let mut args = vec![
            "score",
            file,
            "--as-of",
            "2026-06-30",
            "--json",
            "--worst",
            "25",
            "--batch-rows",
            &batch,
        ];
        args.extend(out.iter().flat_map(|o| ["-o", *o]));
        let (ok, stdout, err) = cs(&args);
        assert!(ok, "{err}");
        assert_eq!(err, "", "piped stderr carries no progress");
        let text = String::from_utf8(stdout).unwrap();
        if let Some(s) = &summary {
            assert_eq!(s, &text);
        }
        summary = Some(text);
        if let Some(out) = out {
            files.push(std::fs::read(out).unwrap());
        }
    }
    (summary.unwrap(), files)
}

#[test]
fn results_do_not_depend_on_the_batch_size() {
    let csv = portfolio(5000, "p.csv");
    let outs = ["o.csv", "o.parquet", "o.json"].map(temp_path);
    let outs: Vec<&str> = outs.iter().map(String::as_str).collect();
    let (whole, whole_files) = score(&csv, 1 << 20, &outs);
    let doc: serde_json::Value = serde_json::from_str(&whole).unwrap();
    assert_eq!(doc["all"]["accounts"], 5000);
    assert_eq!(doc["worst"].as_array().unwrap().len(), 25);
    assert!(!doc["by"]["segment"].as_array().unwrap().is_empty());
    // 999 rows: batches that are not a multiple of the Parquet writer's 1,024-row runs.
    for batch in [999, 1024, 4096] {
        let (summary, files) = score(&csv, batch, &outs);
        assert_eq!(summary, whole, "summary at {batch} rows per batch");
        for (k, (a, b)) in files.iter().zip(&whole_files).enumerate() {
            assert!(a == b, "{} differs at {batch} rows per batch", outs[k]);
        }
    }
    // The Parquet output read back in batches gives the same summary as the CSV.
    let (parquet_summary, _) = score(outs[1], 700, &[]);
    let parquet: serde_json::Value = serde_json::from_str(&parquet_summary).unwrap();
    assert_eq!(parquet["all"], doc["all"]);
    assert_eq!(parquet["by"], doc["by"]);
}

#[test]
fn a_bad_cell_in_a_later_batch_names_its_line_and_keeps_the_previous_output() {
    let csv = portfolio(3000, "bad.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    // Line 2,502 (row 2,500): licence_utilisation "lots".
    let header: Vec<&str> = lines[0].split(',').collect();
    let column = header
        .iter()
        .position(|h| *h == "licence_utilisation")
        .expect("licence_utilisation column");
    let mut cells: Vec<String> = lines[2501].split(',').map(str::to_owned).collect();
    cells[column] = "lots".to_owned();
    lines[2501] = cells.join(",");
    let bad = temp_path("bad-cell.csv");
    std::fs::write(&bad, lines.join("\n") + "\n").unwrap();
    let out = temp_path("kept.csv");
    std::fs::write(&out, "previous\n").unwrap();
    let (ok, _, err) = cs(&[
        "score",
        &bad,
        "--as-of",
        "2026-06-30",
        "--batch-rows",
        "1000",
        "-o",
        &out,
    ]);
    assert!(!ok);
    assert!(err.contains(&format!("{bad} line 2502, ")), "{err}");
    assert!(err.contains("licence_utilisation"), "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous\n");
    let dir = std::path::Path::new(&out).parent().unwrap();
    let stem = std::path::Path::new(&out)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let leftovers = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.contains(&stem)
                && std::path::Path::new(&name)
                    .extension()
                    .is_some_and(|x| x == "tmp")
        })
        .count();
    assert_eq!(leftovers, 0);
}

#[test]
fn an_empty_file_gives_its_header_and_the_result_columns() {
    let csv = temp_path("empty.csv");
    std::fs::write(&csv, "account_id,usage,sponsor\n").unwrap();
    let card = temp_path("card.toml");
    std::fs::write(
        &card,
        "schema_version = 1\nname = \"u\"\n[[measures]]\nname = \"usage\"\nweight = 1\nrule = { kind = \"linear\", min = 0.0, max = 1.0 }\n",
    )
    .unwrap();
    let out = temp_path("empty-out.csv");
    let (ok, stdout, err) = cs(&[
        "score",
        &csv,
        "--scorecard",
        &card,
        "--as-of",
        "2026-06-30",
        "-o",
        &out,
    ]);
    assert!(ok, "{err}");
    assert_eq!(err, "");
    assert!(
        String::from_utf8(stdout)
            .unwrap()
            .contains("Health of 0 accounts")
    );
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "account_id,usage,sponsor,score,band,coverage,driver\n"
    );
}
