//! `cs packages`, `cs calendar` and `cs compliance` end to end: the binary, real files, exit
//! codes and messages.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;

fn cs(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cs"))
        .args(args)
        .output()
        .expect("run cs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn temp_file(name: &str, text: &str) -> String {
    let path = std::env::temp_dir().join(format!("cs-cli-package-{}-{name}", std::process::id()));
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .expect("write file");
    path.to_string_lossy().into_owned()
}

fn example(name: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/data");
    root.join(name).to_string_lossy().into_owned()
}

#[test]
fn packages_lists_the_catalog_with_readable_cadences() {
    let (ok, out, err) = cs(&["packages"]);
    assert!(ok, "{err}");
    for name in [
        "commerce (digital touch)",
        "enterprise (high touch)",
        "community_segment",
        "enterprise_segment",
        "strategic_segment (personal touch)",
    ] {
        assert!(out.contains(name), "{name}: {out}");
    }
    assert!(out.contains("every 2 months"), "{out}");
    assert!(out.contains("3 months before each anniversary"), "{out}");
    assert!(out.contains("on-site if location allows"), "{out}");
    assert!(out.contains("000_6680eeaffff6ac1a.txt 2.1"), "{out}");

    let (ok, out, _) = cs(&["packages", "commerce", "--json"]);
    assert!(ok);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc.as_array().unwrap().len(), 1);
    assert_eq!(doc[0]["name"], "commerce");
    assert_eq!(doc[0]["entitlements"][3]["cadence"]["months"], 6);

    let (ok, _, err) = cs(&["packages", "platinum"]);
    assert!(!ok);
    assert!(err.contains("unknown success package \"platinum\""), "{err}");
}

#[test]
fn calendar_prints_a_year_in_the_life() {
    let (ok, out, err) = cs(&["calendar", "--package", "enterprise", "--start", "2026-01-15"]);
    assert!(ok, "{err}");
    assert!(
        out.starts_with(
            "Engagement calendar: enterprise (high touch), contract 2026-01-15 to 2027-01-14 (renewal 2027-01-15)\n34 activities"
        ),
        "{out}"
    );
    // Kickoff on day 14, on-site preferred; bimonthly reviews.
    assert!(
        out.contains("2026-01-29  Thu     1  Customer Success kickoff"),
        "{out}"
    );
    assert!(out.contains("2026-03-15  Sun     1  Success review"), "{out}");
    // The renewal date belongs to the next term: no item on it.
    assert!(!out.contains("\n2027-01-15"), "{out}");
}

#[test]
fn calendar_json_clamps_month_ends() {
    let (ok, out, err) = cs(&[
        "calendar",
        "--package",
        "enterprise",
        "--start",
        "2026-01-31",
        "--from",
        "2026-02-01",
        "--to",
        "2026-04-30",
        "--json",
    ]);
    assert!(ok, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let outreach: Vec<&str> = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["activity"] == "proactive_outreach")
        .map(|i| i["date"].as_str().unwrap())
        .collect();
    // 31 January + 1, 2, 3 months.
    assert_eq!(outreach, ["2026-02-28", "2026-03-31", "2026-04-30"]);
    assert_eq!(doc["window"]["from"], "2026-02-01");
    assert_eq!(doc["term"]["renewal"], "2027-01-31");
}

#[test]
fn calendar_writes_ics_and_follows_package_changes() {
    let path = std::env::temp_dir().join(format!("cs-cli-package-{}.ics", std::process::id()));
    let path = path.to_string_lossy().into_owned();
    let (ok, out, err) = cs(&[
        "calendar",
        "--package",
        "commerce",
        "--start",
        "2026-01-15",
        "--change",
        "2026-05-01=enterprise",
        "--account",
        "Acme",
        "--ics",
        &path,
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("commerce -> enterprise"), "{out}");
    assert!(out.contains("Wrote 32 events to"), "{out}");
    let ics = std::fs::read_to_string(&path).unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 32);
    assert!(ics.contains("SUMMARY:Acme: Success review (virtual meeting)\r\n"));
    assert!(ics.contains("UID:20260515-acme-enterprise-success-review@cs-core\r\n"));
    assert!(ics.split("\r\n").all(|l| l.len() <= 75));
}

#[test]
fn calendar_bad_input_is_reported() {
    let (ok, _, err) = cs(&[
        "calendar",
        "--package",
        "enterprise",
        "--start",
        "2026-01-15",
        "--renewal",
        "2025-01-15",
    ]);
    assert!(!ok);
    assert!(
        err.contains("renewal date 2025-01-15 is invalid: it must be after the contract start 2026-01-15"),
        "{err}"
    );
    let (ok, _, err) = cs(&["calendar", "--package", "enterprise", "--start", "15/01/2026"]);
    assert!(
        !ok && err.contains("\"15/01/2026\" is not a date (YYYY-MM-DD)"),
        "{err}"
    );
    let (ok, _, err) = cs(&["calendar", "--package", "gold", "--start", "2026-01-15"]);
    assert!(!ok && err.contains("unknown success package \"gold\""), "{err}");
    let (ok, _, err) = cs(&[
        "calendar",
        "--package",
        "enterprise",
        "--start",
        "2026-01-15",
        "--change",
        "2026-05-01",
    ]);
    assert!(!ok && err.contains("expected DATE=PACKAGE"), "{err}");
    // A custom package file with a zero cadence names the entitlement.
    let bad = temp_file(
        "bad.toml",
        "schema_version = 1\nname = \"x\"\ntouch_model = \"digital\"\n[[entitlements]]\nactivity = \"success_review\"\nchannel = \"email\"\ncadence = { kind = \"every_months\", months = 0 }\n",
    );
    let (ok, _, err) = cs(&["calendar", "--package", &bad, "--start", "2026-01-15"]);
    assert!(!ok);
    assert!(
        err.contains("entitlement \"success_review\" cadence every_months months 0 is outside 1..=120"),
        "{err}"
    );
}

#[test]
fn compliance_of_the_example_portfolio() {
    let (ok, out, err) = cs(&[
        "compliance",
        &example("contracts.csv"),
        &example("delivered.csv"),
        "--as-of",
        "2026-06-30",
        "--account",
        "Globex",
    ]);
    assert!(ok, "{err}");
    assert!(
        out.starts_with("Entitlement compliance as of 2026-06-30 (8 accounts"),
        "{out}"
    );
    assert!(out.contains("Wayne Enterprises"), "{out}");
    assert!(out.contains("UNDER") && out.contains("OVER"), "{out}");
    assert!(out.contains("Globex (commerce): per entitlement"), "{out}");

    let (ok, out, _) = cs(&[
        "compliance",
        &example("contracts.csv"),
        &example("delivered.csv"),
        "--as-of",
        "2026-06-30",
        "--json",
    ]);
    assert!(ok);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let accounts = doc["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 8);
    let delivered: u64 = accounts.iter().map(|a| a["delivered"].as_u64().unwrap()).sum();
    let owed: u64 = accounts.iter().map(|a| a["owed"].as_u64().unwrap()).sum();
    assert_eq!(doc["total"]["delivered"].as_u64().unwrap(), delivered);
    assert_eq!(
        doc["total"]["ratio"].as_f64().unwrap(),
        delivered as f64 / owed as f64
    );
}

#[test]
fn compliance_hand_computed() {
    // Enterprise from 15 January, as of 31 March: introduction, kickoff (on site for "on-site
    // if location allows"), review and one outreach delivered; the success plan (14 Feb) and
    // the February feedback monitoring are overdue; March outreach and monitoring are due.
    let contracts = temp_file(
        "c.csv",
        "account,package,start,renewal\nacme,enterprise,2026-01-15,2027-01-15\n",
    );
    let delivered = temp_file(
        "d.csv",
        "account,date,activity,channel,minutes,participants\n\
         acme,2026-01-15,csm_introduction,virtual_meeting,30,3\n\
         acme,2026-02-02,kickoff,on_site,120,6\n\
         acme,2026-03-16,success review,virtual,60,4\n\
         acme,2026-02-20,proactive_outreach,phone,15,1\n",
    );
    let (ok, out, err) = cs(&[
        "compliance",
        &contracts,
        &delivered,
        "--as-of",
        "2026-03-31",
        "--json",
    ]);
    assert!(ok, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let a = &doc["accounts"][0];
    assert_eq!(
        (a["delivered"].as_u64(), a["overdue"].as_u64(), a["due"].as_u64()),
        (Some(4), Some(2), Some(2))
    );
    assert_eq!(a["ratio"].as_f64().unwrap(), 4.0 / 6.0);
    assert_eq!(a["under_delivered"], true);
    assert_eq!(a["minutes_with_customer"], 225);
}

#[test]
fn compliance_bad_rows_name_line_and_column() {
    let contracts = temp_file(
        "c2.csv",
        "account,package,start,renewal\nacme,enterprise,2026-01-15,2027-01-15\nglobex,commerce,2026-02-01,2027-02-01\n",
    );
    let log = |name: &str, rows: &str| {
        temp_file(
            name,
            &format!(
                "account,date,activity,channel,minutes,participants\nacme,2026-02-01,kickoff,on_site,60,2\n{rows}"
            ),
        )
    };
    let run = |c: &str, d: &str| cs(&["compliance", c, d, "--as-of", "2026-03-31"]);

    let (ok, _, err) = run(
        &contracts,
        &log("d1.csv", "acme,2026-02-03,golf_day,on_site,60,2\n"),
    );
    assert!(!ok);
    assert!(
        err.contains("d1.csv line 3, unknown activity \"golf_day\""),
        "{err}"
    );
    let (_, _, err) = run(
        &contracts,
        &log("d2.csv", "acme,2026-02-03,kickoff,pigeon,60,2\n"),
    );
    assert!(err.contains("d2.csv line 3, unknown channel \"pigeon\""), "{err}");
    let (_, _, err) = run(
        &contracts,
        &log("d3.csv", "acme,2026-02-30,kickoff,on_site,60,2\n"),
    );
    assert!(
        err.contains(
            "d3.csv line 3, column date value \"2026-02-30\" is invalid: expected a date (YYYY-MM-DD)"
        ),
        "{err}"
    );
    let (_, _, err) = run(
        &contracts,
        &log("d4.csv", "globex,2026-01-20,kickoff,on_site,60,2\n"),
    );
    assert!(
        err.contains("d4.csv line 3, delivered activity date 2026-01-20 is invalid: it is before the contract start 2026-02-01 of account globex"),
        "{err}"
    );
    let (_, _, err) = run(
        &contracts,
        &log("d5.csv", "initech,2026-02-03,kickoff,on_site,60,2\n"),
    );
    assert!(
        err.contains(
            "d5.csv line 3, delivery account \"initech\" is invalid: no contract row has this account"
        ),
        "{err}"
    );
    let (_, _, err) = run(
        &contracts,
        &log("d6.csv", "acme,2026-02-03,kickoff,on_site,-5,2\n"),
    );
    assert!(
        err.contains("d6.csv line 3, minutes -5 is outside 0..=4294967295"),
        "{err}"
    );

    let bad_contracts = temp_file(
        "c3.csv",
        "account,package,start,renewal\nacme,enterprise,2026-01-15,2025-01-15\n",
    );
    let (_, _, err) = run(&bad_contracts, &log("d7.csv", ""));
    assert!(
        err.contains("c3.csv line 2, renewal date 2025-01-15 is invalid: it must be after the contract start 2026-01-15"),
        "{err}"
    );
    let unknown_package = temp_file(
        "c4.csv",
        "account,package,start,renewal\nacme,platinum,2026-01-15,2027-01-15\n",
    );
    let (_, _, err) = run(&unknown_package, &log("d8.csv", ""));
    assert!(
        err.contains("c4.csv line 2, unknown success package \"platinum\""),
        "{err}"
    );
    let duplicate = temp_file(
        "c5.csv",
        "account,package,start,renewal\nacme,enterprise,2026-01-15,2027-01-15\nacme,commerce,2026-01-15,2027-01-15\n",
    );
    let (_, _, err) = run(&duplicate, &log("d9.csv", ""));
    assert!(err.contains("c5.csv line 3, duplicate account \"acme\""), "{err}");
    let (_, _, err) = cs(&[
        "compliance",
        &contracts,
        &log("d10.csv", ""),
        "--as-of",
        "2026-03-31",
        "--account",
        "zz",
    ]);
    assert!(err.contains("--account \"zz\": no such account"), "{err}");
}

#[test]
fn compliance_with_custom_package_and_rules_files() {
    let premier = temp_file(
        "premier.toml",
        "schema_version = 1\nname = \"premier\"\ntouch_model = \"high_touch\"\n[[entitlements]]\nname = \"qbr\"\nactivity = \"success_review\"\nchannel = \"virtual_meeting\"\ncadence = { kind = \"every_months\", months = 3 }\n",
    );
    let contracts = temp_file(
        "c6.csv",
        "account,package,start,renewal\nacme,premier,2026-01-15,2027-01-15\n",
    );
    // The 15 April review was delivered 20 days late.
    let log = temp_file(
        "d11.csv",
        "account,date,activity,channel\nacme,2026-05-05,qbr,virtual_meeting\n",
    );
    let args = |rules: Option<&str>| {
        let mut a = vec![
            "compliance".to_owned(),
            contracts.clone(),
            log.clone(),
            "--as-of".to_owned(),
            "2026-06-30".to_owned(),
            "--package-file".to_owned(),
            premier.clone(),
            "--json".to_owned(),
        ];
        if let Some(r) = rules {
            a.extend(["--rules".to_owned(), r.to_owned()]);
        }
        a
    };
    let run = |a: Vec<String>| {
        let refs: Vec<&str> = a.iter().map(String::as_str).collect();
        let (ok, out, err) = cs(&refs);
        assert!(ok, "{err}");
        serde_json::from_str::<serde_json::Value>(&out).unwrap()
    };
    let doc = run(args(None));
    assert_eq!(doc["accounts"][0]["delivered"], 1); // within the default 30 days' grace
    let strict = temp_file("rules.toml", "schema_version = 1\ngrace_days = 14\n");
    let doc = run(args(Some(&strict)));
    assert_eq!(doc["accounts"][0]["delivered"], 0); // 20 days late is too late with 14
    assert_eq!(doc["accounts"][0]["overdue"], 1);
}
