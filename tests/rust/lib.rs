//! Cross-crate checks: the README's Rust examples run here as doctests, so the front page of
//! the project cannot drift from the library.
#![doc = include_str!("../../README.md")]
