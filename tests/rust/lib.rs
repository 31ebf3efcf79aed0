//! Cross-crate checks: the README's Rust examples run here as doctests, so the front page of
//! the project cannot drift from the library.
// The README is prose for people, not rustdoc: only its code blocks are checked here.
#![allow(clippy::doc_markdown, clippy::doc_link_with_quotes)]
#![doc = include_str!("../../README.md")]
