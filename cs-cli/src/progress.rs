//! Progress on stderr for long runs (indicatif), drawn only when stderr is a terminal: piped or
//! redirected, nothing is written, so scripts and logs see only the commands' own messages.
//! `cs score` shows the rows and bytes read, `cs report` its sections.

use std::io::IsTerminal as _;
use std::time::Duration;

use cs_arrow::files::ReadProgress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar on stderr, or nothing when stderr is not a terminal; cleared when dropped.
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    /// The bar counts rows (a file that states its row count) rather than bytes.
    rows: bool,
}

impl Progress {
    fn bar(len: u64, template: &str) -> Option<ProgressBar> {
        if !std::io::stderr().is_terminal() {
            return None;
        }
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template(template).ok()?.progress_chars("=> ");
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(200));
        Some(bar)
    }

    /// A file being read: bytes of its size (CSV) or rows of its row count (Parquet).
    pub(crate) fn read(label: &str, read: &ReadProgress) -> Progress {
        let rows = read.total_rows.is_some();
        let template = if rows {
            format!("{label}: [{{bar:30}}] {{human_pos}}/{{human_len}} rows {{elapsed}}")
        } else {
            format!("{label}: [{{bar:30}}] {{bytes}}/{{total_bytes}} read, {{msg}} rows {{elapsed}}")
        };
        let len = read.total_rows.unwrap_or(read.total_bytes);
        Progress {
            bar: Progress::bar(len, &template),
            rows,
        }
    }

    /// Shows how far `read` has come.
    pub(crate) fn read_to(&self, read: &ReadProgress) {
        let Some(bar) = &self.bar else { return };
        if self.rows {
            bar.set_position(read.rows());
        } else {
            bar.set_position(read.bytes());
            bar.set_message(cs_report::grouped(read.rows()));
        }
    }

    /// Numbered steps (sections of a report), each named as it starts.
    pub(crate) fn steps(label: &str, total: u64) -> Progress {
        let template = format!("{label}: [{{bar:30}}] {{pos}}/{{len}} {{msg}}");
        Progress {
            bar: Progress::bar(total, &template),
            rows: false,
        }
    }

    /// Starts the next step, `name`.
    pub(crate) fn step(&self, name: &str) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
            bar.set_message(name.to_owned());
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
