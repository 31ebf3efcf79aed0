//! `cs report`: every section of the bundled sample data, each made by one of the commands.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

fn cs(args: &[&str]) -> (bool, String, String) {
    // The report reads examples/data relative to the workspace root, as scripts/demo.sh runs it.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root");
    let out = Command::new(env!("CARGO_BIN_EXE_cs"))
        .args(args)
        .current_dir(root)
        .output()
        .expect("run cs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn report_has_every_section_with_the_command_that_made_it() {
    let (ok, out, err) = cs(&["report"]);
    assert!(ok, "{err}");
    for heading in [
        "Customer health",
        "Renewal risk",
        "NPS by segment",
        "NPS trend",
        "Onboarding: Time to First Impact",
        "Success packages: delivered vs entitled",
        "Revenue retention",
        "Customer survival",
    ] {
        assert!(out.contains(&format!("\n{heading}\n")), "missing {heading}");
    }
    assert!(out.contains("$ cs nps examples/data/survey.csv --by segment"));
    // A section equals the command it names, run on its own.
    let (_, nps, _) = cs(&["nps", "examples/data/survey.csv", "--by", "segment"]);
    assert!(
        out.contains(nps.trim_end()),
        "the NPS section differs from `cs nps`"
    );
}

#[test]
fn a_missing_data_folder_names_the_section_and_file() {
    let (ok, _, err) = cs(&["report", "--data", "no/such/folder"]);
    assert!(!ok);
    assert!(
        err.contains("Customer health: ") && err.contains("no/such/folder/portfolio.csv"),
        "{err}"
    );
}
