use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Which side of the relationship a person or an item belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The customer's organisation.
    Customer,
    /// Our organisation (CSM, sales, account management, services).
    Ours,
}

impl Side {
    /// `"customer"` or `"ours"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Customer => "customer",
            Side::Ours => "ours",
        }
    }
}

/// A named person: a key contact, a plan owner, an attendee.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Full name; must not be blank.
    pub name: String,
    /// Job title or role in the engagement (e.g. "Head of Operations", "CSM").
    #[serde(default)]
    pub title: Option<String>,
    /// E-mail address, when known.
    #[serde(default)]
    pub email: Option<String>,
}

impl Person {
    /// A person with a name only.
    pub fn new(name: impl Into<String>) -> Self {
        Person {
            name: name.into(),
            title: None,
            email: None,
        }
    }

    /// The same person with a title.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Checks that the name is not blank; `field` names the person in the error.
    pub fn validate(&self, field: &str) -> Result<()> {
        non_blank(&format!("{field}.name"), &self.name)
    }
}

/// Fails with [`Error::Missing`] naming `field` when `value` is empty or whitespace.
pub(crate) fn non_blank(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        Err(Error::missing(field))
    } else {
        Ok(())
    }
}

/// True when an optional text is absent or blank.
pub(crate) fn is_blank(value: Option<&String>) -> bool {
    value.is_none_or(|s| s.trim().is_empty())
}
