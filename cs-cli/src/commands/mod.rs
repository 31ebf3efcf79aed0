//! One module per subcommand.

pub(crate) mod health;
pub(crate) mod nps;
