//! Playbooks: rules that turn account state into calls to action (CTAs).
//!
//! A [`Playbook`] is a document (TOML or JSON) of [`Rule`]s. Each rule has a [`Trigger`] (the
//! health band dropped to red, a detractor answer, the renewal window entered without an
//! internal review, the renewal contact unconfirmed six months out, a success review overdue,
//! time to First Impact past target, a critical renewal risk, an expansion signal, ...), a
//! [`Priority`], a due-date offset, an owner role and the steps to follow.
//!
//! [`Playbook::evaluate`] runs the rules over a portfolio ([`PortfolioState`], columns of
//! [`AccountSignals`]) as of a date and returns new [`Cta`]s, never a second open CTA for the
//! same account and trigger kind: pass the CTAs still open as [`OpenCta`]s. The signals come
//! from the other modules (health, NPS, package, onboarding, renewal); a signal that is
//! unknown never fires a rule, except a missing renewal contact, which is itself the problem.
//! [`Playbook::builtin`] is a default set, sourced from the seeds it cites.

mod cta;
mod queue;
mod rule;
mod state;
mod trigger;

pub use cta::{Cta, OpenCta};
pub use queue::{RoleQueue, cta_queue};
pub use rule::{Playbook, Priority, Rule};
pub use state::{AccountSignals, PortfolioState};
pub use trigger::Trigger;
