//! Robustness: finite values whose arithmetic overflows, unknown keys in field-less variants,
//! contradictory documents, and sizes that would abort an allocation. Each is a typed error
//! naming the field and the value, or a correct result: never a panic, NaN or silent acceptance.
#![allow(
    clippy::unwrap_used,
    clippy::many_single_char_names,
    clippy::items_after_statements
)]

use chrono::NaiveDate;
use cs_core::document::Document;
use cs_core::health::{AccountMeasures, MeasureColumn, Rule, Scorecard};
use cs_core::portfolio::Column;

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()
}

/// Scores `values` of one measure through the per-account path and the batch kernel,
/// checks the two agree bit for bit, and returns the (score, band) pairs.
fn score_both(card: &Scorecard, measure: &str, values: &[f64]) -> Vec<(Option<f64>, Option<String>)> {
    let col = [MeasureColumn::number(measure, Column::new(measure, values))];
    let batch = card.score_batch(&col, day()).unwrap();
    values
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let one = card
                .score_account(&AccountMeasures::new().with(measure, x), day())
                .unwrap();
            assert_eq!(
                batch.score.get(i).map(f64::to_bits),
                one.score.map(f64::to_bits),
                "row {i}"
            );
            assert_eq!(batch.band_name(i), one.band.as_deref(), "row {i}");
            (one.score, one.band)
        })
        .collect()
}

fn one_measure(rule: Rule, weight: f64) -> Scorecard {
    let mut card = Scorecard::new("c");
    card.measures
        .push(cs_core::health::Measure::new("usage", weight, rule));
    card.validate().unwrap();
    card
}

#[test]
fn linear_rule_spanning_the_whole_f64_range_scores_without_overflow() {
    let card = one_measure(
        Rule::Linear {
            min: -1e308,
            max: 1e308,
        },
        1.0,
    );
    let got = score_both(&card, "usage", &[0.0, -1e308, 1e308, 5e307, -f64::MAX, f64::MAX]);
    assert_eq!(got[0].0, Some(50.0));
    assert_eq!(got[1].0, Some(0.0));
    assert_eq!(got[2].0, Some(100.0));
    assert!((got[3].0.unwrap() - 75.0).abs() < 1e-9, "{got:?}");
    assert_eq!(got[4].0, Some(0.0));
    assert_eq!(got[5].0, Some(100.0));
    assert_eq!(got[1].1.as_deref(), Some("red"));
    for (s, _) in &got {
        assert!(s.unwrap().is_finite());
    }
}

#[test]
fn piecewise_rule_near_f64_max_scores_without_overflow() {
    let card = one_measure(
        Rule::Piecewise {
            points: vec![[-1e308, 0.0], [1e308, 100.0]],
        },
        1.0,
    );
    let got = score_both(&card, "usage", &[0.0, -9.9e307, 5e307, -1e308, 1e308]);
    assert_eq!(got[0].0, Some(50.0));
    assert!((got[1].0.unwrap() - 0.5).abs() < 1e-9, "{got:?}");
    assert!((got[2].0.unwrap() - 75.0).abs() < 1e-9, "{got:?}");
    assert_eq!(got[3].0, Some(0.0));
    assert_eq!(got[4].0, Some(100.0));
    // A finite span whose product with the score rise overflows.
    let card = one_measure(
        Rule::Piecewise {
            points: vec![[0.0, 0.0], [1e308, 100.0]],
        },
        1.0,
    );
    let got = score_both(&card, "usage", &[5e307]);
    assert!((got[0].0.unwrap() - 50.0).abs() < 1e-9, "{got:?}");
}

#[test]
fn step_rule_near_f64_max_scores_its_interval() {
    let card = one_measure(
        Rule::Steps {
            thresholds: vec![-1e308, 1e308],
            scores: vec![0.0, 50.0, 100.0],
            edge: cs_core::health::Edge::Lower,
        },
        1.0,
    );
    let got = score_both(&card, "usage", &[-f64::MAX, 0.0, f64::MAX]);
    assert_eq!(
        got.iter().map(|g| g.0).collect::<Vec<_>>(),
        [Some(0.0), Some(50.0), Some(100.0)]
    );
}

#[test]
fn huge_weights_keep_their_ratios() {
    let toml = r#"
        schema_version = 1
        name = "big"
        [[measures]]
        name = "a"
        weight = 1e308
        rule = { kind = "linear", min = 0, max = 100 }
        [[measures]]
        name = "b"
        weight = 1e308
        rule = { kind = "linear", min = 0, max = 100 }
        [[groups]]
        name = "g"
        weight = 1e308
        [[groups.measures]]
        name = "c"
        weight = 1.7e308
        rule = { kind = "linear", min = 0, max = 100 }
        [[groups.measures]]
        name = "d"
        weight = 1.7e308
        rule = { kind = "linear", min = 0, max = 100 }
    "#;
    let card = Scorecard::from_toml(toml).unwrap();
    let account = AccountMeasures::new()
        .with("a", 30.0)
        .with("b", 60.0)
        .with("c", 90.0)
        .with("d", 30.0);
    let h = card.score_account(&account, day()).unwrap();
    // Each top-level part is a third: (30 + 60 + (90 + 30) / 2) / 3 = 50.
    let s = h.score.expect("scored, not insufficient data");
    assert!((s - 50.0).abs() < 1e-9, "{h:?}");
    assert_eq!(h.coverage, 1.0);
    for c in &h.contributions {
        assert!(c.nominal_weight > 0.0 && c.nominal_weight.is_finite(), "{c:?}");
    }
    let cols = [
        MeasureColumn::number("a", Column::new("a", &[30.0])),
        MeasureColumn::number("b", Column::new("b", &[60.0])),
        MeasureColumn::number("c", Column::new("c", &[90.0])),
        MeasureColumn::number("d", Column::new("d", &[30.0])),
    ];
    let batch = card.score_batch(&cols, day()).unwrap();
    assert_eq!(batch.score.get(0).map(f64::to_bits), Some(s.to_bits()));
}

fn risk_model(factors: &str) -> String {
    format!("schema_version = 1\nname = \"m\"\nintercept = 0.5\n{factors}")
}

#[test]
fn risk_coefficient_beyond_the_bound_is_rejected_by_name() {
    use cs_core::renewal::RiskModel;
    let text = risk_model("[[factors]]\nname = \"big\"\ninput = \"health_score\"\ncoefficient = 1e308\n");
    let e = RiskModel::from_toml(&text).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("coefficient of factor big") && msg.contains("1e308"),
        "{msg}"
    );
    assert!(matches!(e, cs_core::Error::OutOfRange { .. }), "{e:?}");
}

#[test]
fn risk_log_odds_stay_finite_when_a_standardised_input_overflows() {
    use cs_core::renewal::{AccountFactors, RiskModel, RiskTable};
    // (1e308 − (−1e308)) / 1e-300 overflows; so does 0 × that.
    let text = risk_model(
        "[[factors]]\nname = \"wide\"\ninput = \"health_score\"\ncenter = -1e308\nscale = 1e-300\ncoefficient = 2\n\
         [[factors]]\nname = \"zero\"\ninput = \"health_score\"\ncenter = -1e308\ncoefficient = 0\n\
         [[factors]]\nname = \"neg\"\ninput = \"nps_gap\"\ncenter = 1e308\nscale = 1e-300\ncoefficient = -1\n",
    );
    let model = RiskModel::from_toml(&text).unwrap();
    let health = [1e308, 1e308];
    let gap = [-1e308, 0.0];
    let table = RiskTable::new(2)
        .with(Column::new("health_score", &health))
        .unwrap()
        .with(Column::new("nps_gap", &gap))
        .unwrap();
    let scores = model.score(&table).unwrap();
    for r in 0..2 {
        assert!(scores.log_odds[r].is_finite(), "row {r}: {}", scores.log_odds[r]);
        assert!(
            (0.0..=1.0).contains(&scores.risk[r]),
            "row {r}: {}",
            scores.risk[r]
        );
    }
    let account = AccountFactors {
        health_score: Some(1e308),
        nps_gap: Some(-1e308),
        ..AccountFactors::default()
    };
    let one = model.score_account(&account);
    assert!(one.log_odds.is_finite(), "{one:?}");
    assert_eq!(one.log_odds.to_bits(), scores.log_odds[0].to_bits());
    assert!((0.0..=1.0).contains(&one.risk));
    for reason in &one.reasons {
        assert!(reason.contribution.is_finite(), "{reason:?}");
    }
}

fn expect_unknown_key<T: std::fmt::Debug>(r: cs_core::Result<T>, key: &str) {
    let e = r.unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains(&format!("unknown field `{key}`")), "{msg}");
}

#[test]
fn unknown_keys_next_to_field_less_kinds_are_rejected() {
    use cs_core::package::Cadence;
    use cs_core::playbook::{Playbook, Trigger};
    use cs_core::renewal::{RiskModel, Transform};

    // Package cadence.
    let c: serde_json::Result<Cadence> = serde_json::from_str(r#"{"kind":"annually","colour":1}"#);
    assert!(c.unwrap_err().to_string().contains("unknown field `colour`"));
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Holder {
        cadence: Cadence,
    }
    let e = toml::from_str::<Holder>("cadence = {kind = \"annually\", colour = 1}").unwrap_err();
    assert!(e.to_string().contains("unknown field `colour`"), "{e}");
    // Still read without the key, and written the same way.
    let c: Cadence = serde_json::from_str(r#"{"kind":"annually"}"#).unwrap();
    assert_eq!(c, Cadence::Annually);
    assert_eq!(serde_json::to_string(&c).unwrap(), r#"{"kind":"annually"}"#);
    let c: Cadence = serde_json::from_str(r#"{"kind":"every_months","months":6}"#).unwrap();
    assert_eq!(
        serde_json::from_str::<Cadence>(&serde_json::to_string(&c).unwrap()).unwrap(),
        c
    );

    // Risk-model transform.
    let text = risk_model(
        "[[factors]]\nname = \"f\"\ninput = \"health_score\"\ncoefficient = 1\ntransform = {kind = \"log1p\", extra = 1}\n",
    );
    expect_unknown_key(RiskModel::from_toml(&text), "extra");
    let ok = risk_model(
        "[[factors]]\nname = \"f\"\ninput = \"health_score\"\ncoefficient = 1\ntransform = {kind = \"log1p\"}\n",
    );
    let m = RiskModel::from_toml(&ok).unwrap();
    assert_eq!(m.factors[0].transform, Transform::Log1p);
    assert_eq!(RiskModel::from_toml(&m.to_toml().unwrap()).unwrap(), m);
    assert_eq!(RiskModel::from_json(&m.to_json().unwrap()).unwrap(), m);
    let d = RiskModel::default();
    assert_eq!(RiskModel::from_json(&d.to_json().unwrap()).unwrap(), d);

    // A key after the last `[rules.trigger]` of a playbook lands in the trigger.
    let playbook = |extra: &str| {
        format!(
            "schema_version = 1\nname = \"p\"\n[[rules]]\nid = \"d\"\npriority = \"high\"\ndue_in_days = 3\n\
             owner_role = \"csm\"\nsteps = [\"Call\"]\n[rules.trigger]\nkind = \"detractor_answer\"\n{extra}"
        )
    };
    expect_unknown_key(Playbook::from_toml(&playbook("owner = \"csm\"\n")), "owner");
    let p = Playbook::from_toml(&playbook("")).unwrap();
    assert_eq!(p.rules[0].trigger, Trigger::DetractorAnswer);
    assert_eq!(Playbook::from_toml(&p.to_toml().unwrap()).unwrap(), p);
    let b = Playbook::builtin();
    assert_eq!(Playbook::from_json(&b.to_json().unwrap()).unwrap(), b);
    assert_eq!(Playbook::from_toml(&b.to_toml().unwrap()).unwrap(), b);
    for kind in ["ttfi_past_target", "expansion_signal"] {
        let t: serde_json::Result<Trigger> = serde_json::from_str(&format!(r#"{{"kind":"{kind}","x":1}}"#));
        assert!(t.unwrap_err().to_string().contains("unknown field `x`"));
    }
}

#[test]
fn an_open_cta_with_an_unknown_trigger_is_an_error() {
    use cs_core::playbook::{OpenCta, Playbook, PortfolioState, Trigger};
    let ids = ["acme"];
    let state = PortfolioState::new(&ids);
    let open = [OpenCta {
        account_id: "acme".into(),
        trigger: "detractor_answr".into(),
    }];
    let e = Playbook::builtin().evaluate(&state, day(), &open).unwrap_err();
    match &e {
        cs_core::Error::Unknown { name, known, .. } => {
            assert_eq!(name, "detractor_answr");
            assert_eq!(known.len(), Trigger::KEYS.len());
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("detractor_answer"), "{e}");
    let ok = [OpenCta {
        account_id: "acme".into(),
        trigger: "detractor_answer".into(),
    }];
    Playbook::builtin().evaluate(&state, day(), &ok).unwrap();
}

#[test]
fn ical_text_cannot_forge_events() {
    use cs_core::package::{ContractTerm, IcalOptions, SuccessPackage, engagement_calendar};
    let term = ContractTerm::one_year(NaiveDate::from_ymd_opt(2026, 1, 15).unwrap()).unwrap();
    let cal = engagement_calendar(&SuccessPackage::builtin("commerce").unwrap(), &term).unwrap();
    let forged = "C\r\nBEGIN:VEVENT\r\nSUMMARY:fake\r\nEND:VEVENT";
    for (name, account, domain) in [
        (forged, None, "cs-core"),
        ("C", Some(forged), "cs-core"),
        ("C", Some("A\rB\nC\u{7}"), "x\r\nBEGIN:VEVENT"),
    ] {
        let opts = IcalOptions {
            calendar_name: name.into(),
            account: account.map(str::to_owned),
            uid_domain: domain.into(),
            stamp: None,
        };
        let ics = cal.to_ical(&opts);
        let lines = |l: &str| ics.split("\r\n").filter(|x| *x == l).count();
        assert_eq!(lines("BEGIN:VEVENT"), cal.len(), "{ics}");
        assert_eq!(lines("END:VEVENT"), cal.len());
        for line in ics.split("\r\n") {
            assert!(!line.contains('\r') && !line.contains('\n'), "{line:?}");
            assert!(!line.chars().any(|c| c.is_control() && c != '\t'), "{line:?}");
            assert!(!line.starts_with("SUMMARY:fake"), "{line:?}");
        }
        let e = cal.try_to_ical(&opts).unwrap_err();
        assert!(matches!(e, cs_core::Error::Invalid { .. }), "{e:?}");
    }
    let ics = cal.to_ical(&IcalOptions {
        calendar_name: forged.into(),
        ..IcalOptions::default()
    });
    assert!(
        ics.contains("\r\nNAME:C\\nBEGIN:VEVENT\\nSUMMARY:fake\\nEND:VEVENT\r\n"),
        "{ics}"
    );
    assert!(
        ics.contains("\r\nX-WR-CALNAME:C\\nBEGIN:VEVENT\\nSUMMARY:fake\\nEND:VEVENT\r\n"),
        "{ics}"
    );
    let e = cal
        .try_to_ical(&IcalOptions {
            calendar_name: forged.into(),
            ..IcalOptions::default()
        })
        .unwrap_err();
    assert!(e.to_string().starts_with("calendar name "), "{e}");
    // Plain text is written as before.
    let plain = IcalOptions::default();
    assert_eq!(cal.try_to_ical(&plain).unwrap(), cal.to_ical(&plain));
    assert!(
        cal.to_ical(&plain)
            .contains("NAME:Customer Success engagement calendar\r\n")
    );
}

#[test]
fn synthetic_portfolio_sizes_beyond_the_maximum_are_errors() {
    use cs_core::sample::{MAX_ACCOUNTS, SyntheticPortfolio};
    for n in [MAX_ACCOUNTS + 1, 1_000_000_000_000, usize::MAX >> 1, usize::MAX] {
        let e = SyntheticPortfolio::try_generate(n, 1, day()).unwrap_err();
        assert!(matches!(e, cs_core::Error::OutOfRange { .. }), "{e:?}");
        let msg = e.to_string();
        assert!(
            msg.contains("synthetic portfolio accounts") && msg.contains(&n.to_string()),
            "{msg}"
        );
    }
    let p = SyntheticPortfolio::try_generate(50, 3, day()).unwrap();
    assert_eq!(p, SyntheticPortfolio::generate(50, 3, day()));
}

#[test]
fn backtest_bins_beyond_the_maximum_are_errors() {
    use cs_core::retention::{BacktestOptions, MAX_BINS, backtest};
    let s = [0.9, 0.1, 0.5];
    let c = [true, false, false];
    for bins in [MAX_BINS + 1, 1_000_000_000, u32::MAX] {
        let o = BacktestOptions {
            bins,
            ..Default::default()
        };
        let e = backtest(&s, &c, &o).unwrap_err();
        assert!(
            e.to_string().starts_with(&format!("bins {bins} is outside")),
            "{e}"
        );
    }
    let o = BacktestOptions {
        bins: MAX_BINS,
        ..Default::default()
    };
    assert_eq!(backtest(&s, &c, &o).unwrap().bins.len(), MAX_BINS as usize);
}

#[test]
fn health_score_documents_that_contradict_themselves_are_rejected() {
    use cs_core::health::HealthScore;
    let card = Scorecard::default_card();
    let account = AccountMeasures::new()
        .with("licence_utilisation", 0.9)
        .with("logins_per_user", 20.0)
        .with("nps", 10.0);
    let h = card.score_account(&account, day()).unwrap();
    assert_eq!(h.band.as_deref(), Some("green"));
    let json = serde_json::to_value(&h).unwrap();
    let back: HealthScore = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, h);
    back.validate_against(&card).unwrap();

    let with = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut v = json.clone();
        edit(&mut v);
        serde_json::from_value::<HealthScore>(v)
    };
    let e = with(&|v| v["score"] = 150.0.into()).unwrap_err().to_string();
    assert!(e.contains("health score 150 is outside 0..=100"), "{e}");
    let e = with(&|v| v["band_index"] = serde_json::Value::Null)
        .unwrap_err()
        .to_string();
    assert!(e.contains("health band") && e.contains("both"), "{e}");
    let e = with(&|v| v["score"] = serde_json::Value::Null)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("health band \"green\"") && e.contains("insufficient data"),
        "{e}"
    );
    let e = with(&|v| v["coverage"] = 2.0.into()).unwrap_err().to_string();
    assert!(e.contains("health coverage 2"), "{e}");

    // A document of the built-in scorecard is checked against its bands when read: a band
    // contradicting the score, or its index, is an error without a scorecard at hand.
    let e = with(&|v| {
        v["band"] = "red".into();
        v["band_index"] = 0.into();
    })
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("health band \"red\"") && e.contains("score 100 is in band \"green\""),
        "{e}"
    );
    let e = with(&|v| v["band"] = "red".into()).unwrap_err().to_string();
    assert!(e.contains("band_index 2 is band \"green\""), "{e}");
    assert!(with(&|v| v["band_index"] = 7.into()).is_err());

    // Another scorecard's document: the same contradictions, under that card's bands.
    let red = with(&|v| {
        v["scorecard"] = "custom".into();
        v["band"] = "red".into();
        v["band_index"] = 0.into();
    })
    .unwrap();
    let e = red.validate_against(&card).unwrap_err().to_string();
    assert!(
        e.contains("health band \"red\"") && e.contains("score 100 is in band \"green\""),
        "{e}"
    );
    let mismatched = with(&|v| {
        v["scorecard"] = "custom".into();
        v["band"] = "red".into();
    })
    .unwrap();
    let e = mismatched.validate_against(&card).unwrap_err().to_string();
    assert!(e.contains("band_index 2 is band \"green\""), "{e}");
    let beyond = with(&|v| {
        v["scorecard"] = "custom".into();
        v["band_index"] = 7.into();
    })
    .unwrap();
    assert!(beyond.validate_against(&card).is_err());

    // An applied override may set another band.
    let manual = cs_core::health::Override {
        score: None,
        band: Some("red".into()),
        reason: "sponsor left".into(),
        author: "dana".into(),
        expires: NaiveDate::from_ymd_opt(2026, 7, 31).unwrap(),
        lower_only: true,
    };
    let o = h.with_override(&manual, &card).unwrap();
    let o2: HealthScore = serde_json::from_value(serde_json::to_value(&o).unwrap()).unwrap();
    o2.validate_against(&card).unwrap();
}

#[test]
fn contract_term_must_agree_with_its_dates() {
    use cs_core::renewal::{Contract, ContractRecord};
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let record = |term| ContractRecord {
        account_id: "acme".into(),
        arr: 100,
        start: d(2025, 3, 1),
        renewal_date: d(2026, 3, 1),
        term_months: term,
        auto_renew: false,
        notice_days: 0,
        renewal_contact: None,
        segment: None,
    };
    let e = Contract::try_from(record(Some(3))).unwrap_err();
    assert!(matches!(e, cs_core::Error::Invalid { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("term months 3") && msg.contains("span 12 months"),
        "{msg}"
    );
    assert_eq!(Contract::try_from(record(Some(12))).unwrap().term_months(), 12);
    assert_eq!(Contract::try_from(record(None)).unwrap().term_months(), 12);
    let json =
        r#"{"account_id":"a","arr":1,"start":"2025-03-01","renewal_date":"2026-03-01","term_months":3}"#;
    assert!(
        serde_json::from_str::<Contract>(json)
            .unwrap_err()
            .to_string()
            .contains("term months 3")
    );
    let c = Contract::new("a", 1, d(2025, 3, 1), d(2026, 3, 1)).unwrap();
    assert!(c.clone().with_term_months(3).is_err());
    assert_eq!(c.with_term_months(12).unwrap().term_months(), 12);
    // A partial month: 12 whole months and a day; 12 or 13 both agree.
    let c = Contract::new("b", 0, d(2025, 1, 15), d(2026, 1, 16)).unwrap();
    assert_eq!(c.term_months(), 13);
    assert_eq!(c.clone().with_term_months(12).unwrap().term_months(), 12);
    assert!(c.with_term_months(14).is_err());
}

#[test]
fn blank_and_reserved_measure_names_are_rejected() {
    use cs_core::health::RESERVED_MEASURE_NAMES;
    let rule = || Rule::Linear { min: 0.0, max: 1.0 };
    for name in ["", "  "] {
        let mut card = Scorecard::new("c");
        card.measures
            .push(cs_core::health::Measure::new(name, 1.0, rule()));
        let e = card.validate().unwrap_err().to_string();
        assert!(
            e.contains("measure name") && e.contains("must not be blank"),
            "{e}"
        );
    }
    for name in RESERVED_MEASURE_NAMES {
        let mut card = Scorecard::new("c");
        card.measures
            .push(cs_core::health::Measure::new("usage", 1.0, rule()));
        card.measures
            .push(cs_core::health::Measure::new(name, 1.0, rule()));
        let e = card.validate().unwrap_err().to_string();
        assert!(
            e.contains(&format!("measure name {name:?}")) && e.contains("output column"),
            "{e}"
        );
    }
    let toml = "schema_version = 1\nname = \"c\"\n[[groups]]\nname = \"g\"\nweight = 1\n[[groups.measures]]\nname = \"score\"\nweight = 1\nrule = { kind = \"linear\", min = 0, max = 1 }\n";
    assert!(
        Scorecard::from_toml(toml)
            .unwrap_err()
            .to_string()
            .contains("measure name \"score\"")
    );
}
