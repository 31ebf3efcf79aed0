//! One module per subcommand.

pub(crate) mod nps;
pub(crate) mod renewal;
