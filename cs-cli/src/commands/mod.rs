//! One module per subcommand.

pub(crate) mod health;
pub(crate) mod health_history;
pub(crate) mod health_trend;
pub(crate) mod lead_time;
pub(crate) mod lifecycle;
pub(crate) mod nps;
pub(crate) mod onboarding;
pub(crate) mod package;
pub(crate) mod plan;
pub(crate) mod renewal;
pub(crate) mod report;
pub(crate) mod retention;
pub(crate) mod sample;
pub(crate) mod score;
pub(crate) mod score_fit;
pub(crate) mod survey;
