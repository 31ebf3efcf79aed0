use super::rule::{Direction, Edge, Rule};
use super::scorecard::{Measure, MeasureGroup, Scorecard};

impl Scorecard {
    /// The built-in scorecard, fitted to the columns of the synthetic portfolio of the `sample`
    /// module so that `cs score` without arguments shows a useful result.
    ///
    /// | group (weight) | measure (weight in group) | rule |
    /// | --- | --- | --- |
    /// | Adoption (35) | `licence_utilisation` (60) | linear 0.2 → 0, 0.9 → 100 |
    /// | | `logins_per_user` (40), 30 days | piecewise 0 → 0, 4 → 50, 12 → 85, 20 → 100 |
    /// | Support (20) | `high_priority_tickets` (60), 90 days | steps: 0 → 100, 1 → 60, 2-3 → 30, ≥4 → 0 |
    /// | | `open_tickets` (40) | linear, lower is better, 0 → 100, 12 → 0 |
    /// | Sentiment (25) | `nps` (100), valid 365 days | piecewise 0 → 0, 6 → 30, 8 → 70, 10 → 100 |
    /// | Engagement (20) | `days_since_last_touch` (60) | linear, lower is better, 14 → 100, 120 → 0 |
    /// | | `executive_sponsor` (40) | boolean: yes 100, no 30 |
    ///
    /// Missing data is renormalised and at least half the weight must be present. The groups
    /// follow the leading indicators CS teams watch: usage of the product, support and
    /// high-priority issues, NPS and engagement with the customer
    /// (docs/domain-sources.md, "Key performance metrics" and "Feedback monitoring"). The weights
    /// and cut-offs are this crate's choices.
    pub fn default_card() -> Scorecard {
        let higher = Direction::HigherIsBetter;
        let lower = Direction::LowerIsBetter;
        let group =
            |name: &str, weight: f64, measures: Vec<Measure>| MeasureGroup::new(name, weight, measures);
        let mut card = Scorecard::new("default");
        card.description = Some("Built-in health scorecard: adoption, support, sentiment, engagement".into());
        card.min_coverage = 0.5;
        card.groups = vec![
            group(
                "Adoption",
                35.0,
                vec![
                    Measure::new("licence_utilisation", 60.0, Rule::Linear { min: 0.2, max: 0.9 }),
                    Measure::new(
                        "logins_per_user",
                        40.0,
                        Rule::Piecewise {
                            points: vec![[0.0, 0.0], [4.0, 50.0], [12.0, 85.0], [20.0, 100.0]],
                        },
                    )
                    .with_direction(higher),
                ],
            ),
            group(
                "Support",
                20.0,
                vec![
                    Measure::new(
                        "high_priority_tickets",
                        60.0,
                        Rule::Steps {
                            thresholds: vec![1.0, 2.0, 4.0],
                            scores: vec![100.0, 60.0, 30.0, 0.0],
                            edge: Edge::Lower,
                        },
                    )
                    .with_direction(lower),
                    Measure::new("open_tickets", 40.0, Rule::Linear { min: 0.0, max: 12.0 })
                        .with_direction(lower),
                ],
            ),
            group(
                "Sentiment",
                25.0,
                vec![
                    Measure::new(
                        "nps",
                        100.0,
                        Rule::Piecewise {
                            points: vec![[0.0, 0.0], [6.0, 30.0], [8.0, 70.0], [10.0, 100.0]],
                        },
                    )
                    .with_direction(higher)
                    .with_validity_days(365),
                ],
            ),
            group(
                "Engagement",
                20.0,
                vec![
                    Measure::new(
                        "days_since_last_touch",
                        60.0,
                        Rule::Linear {
                            min: 14.0,
                            max: 120.0,
                        },
                    )
                    .with_direction(lower),
                    Measure::new(
                        "executive_sponsor",
                        40.0,
                        Rule::Boolean {
                            when_true: Some(100.0),
                            when_false: Some(30.0),
                        },
                    ),
                ],
            ),
        ];
        card
    }
}
