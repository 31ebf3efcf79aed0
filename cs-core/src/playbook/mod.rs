//! Playbooks (placeholder).
