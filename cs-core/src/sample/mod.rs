//! Sample data: one sample company's book of business ([`SampleCompany`], the files of
//! `examples/data/omnico`) and a deterministic synthetic portfolio ([`SyntheticPortfolio`]) for tests,
//! benchmarks, the CLI demo (`cs portfolio`), the Python `synthetic_portfolio` and examples.
//! It sits above the domain modules: its accounts carry the measures of the built-in health
//! scorecard, so it may import `health`, and no domain module imports it.
//!
//! Account `i` of seed `s` is drawn from its own `xoshiro256**` stream seeded by `SplitMix64`
//! from `(s, i)`, with this crate's own generator and `libm` functions, so a portfolio never
//! changes with a dependency upgrade or a platform, and the first `n` accounts are the same
//! whatever the portfolio size.
//!
//! Each account has a latent health `h ~ N(0, 1)` that moves its usage, support load, NPS and
//! engagement together, so a scorecard sees a realistic spread rather than noise:
//!
//! | field | distribution |
//! | --- | --- |
//! | segment | Community 70 %, Enterprise 23 %, Strategic 7 % |
//! | region | North America 45 %, EMEA 33 %, APAC 17 %, LATAM 5 % |
//! | licences | lognormal, median 12 / 150 / 1500 by segment |
//! | active users | `licences × logistic(1.0 + 1.1h + 0.5ε)` |
//! | logins (30 days) | active users × `exp(ln 9 + 0.45h + 0.35ε)` |
//! | open tickets (90 days) | Poisson, mean 1.5 / 3.5 / 6 × `exp(−0.4h)`; each high priority with probability `min(0.6, 0.12·exp(−0.5h))` |
//! | NPS | answered with probability 35 / 55 / 70 %; `round(7.2 + 1.9h + 1.6ε)` clamped to 0..=10; answered up to 540 days ago |
//! | days since last touch | exponential, mean 75 / 30 / 12 × `exp(−0.35h)` |
//! | executive sponsor | probability `logistic(logit(0.15 / 0.55 / 0.85) + 0.8h)` |
//! | ARR | lognormal, median 6 000 / 60 000 / 400 000 (major units), σ 0.6 / 0.5 / 0.4 |
//! | contract | started 30 to 2 000 days ago; terms 12 / 12 / 36 months; renewal the next anniversary |
//!
//! The segments and their touch models follow the segment deck (docs/domain-sources.md, "Segment
//! strategies": Community / Enterprise / Strategic); the numbers are this crate's choices.

mod company;
mod synthetic;

pub use company::{
    AccountRecord, ArrSnapshotRecord, ChurnRecord, CohortTable, ContractRecord, DeliveryRecord,
    HANDOFF_WINDOW_DAYS, HealthRecord, MAX_SAMPLE_ACCOUNTS, MAX_SAMPLE_YEARS, Movement, OnboardingRecord,
    Outcome, PortfolioRecord, RENEWAL_HEALTH_LEAD_DAYS, RenewalRecord, SAMPLE_CURRENCY, SampleCompany,
    SampleOptions, SurveyRecord,
};

pub use synthetic::{MAX_ACCOUNTS, Region, Segment, SyntheticMeasures, SyntheticPortfolio};
