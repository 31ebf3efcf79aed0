//! Plain-text tables for the terminal.

/// A table of strings rendered with aligned columns; numbers right-aligned.
pub(crate) struct TextTable {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl TextTable {
    pub(crate) fn new(headers: impl IntoIterator<Item = impl Into<String>>) -> TextTable {
        TextTable {
            headers: headers.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    pub(crate) fn render(&self) -> String {
        let widths: Vec<usize> = (0..self.headers.len())
            .map(|c| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|s| s.chars().count())
                    .chain([self.headers[c].chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let numeric: Vec<bool> = (0..self.headers.len())
            .map(|c| {
                self.rows.iter().filter_map(|r| r.get(c)).all(|s| {
                    s.is_empty()
                        || s == "-"
                        || s.trim_start_matches(['+', '-', '±'])
                            .replace(['.', ',', '%'], "")
                            .chars()
                            .all(|ch| ch.is_ascii_digit())
                })
            })
            .collect();
        let line = |cells: &[String]| -> String {
            let parts: Vec<String> = cells
                .iter()
                .enumerate()
                .map(|(c, s)| {
                    if numeric[c] {
                        format!("{s:>w$}", w = widths[c])
                    } else {
                        format!("{s:<w$}", w = widths[c])
                    }
                })
                .collect();
            parts.join("  ").trim_end().to_owned() + "\n"
        };
        let mut out = line(&self.headers);
        out += &(widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("  ")
            + "\n");
        for r in &self.rows {
            out += &line(r);
        }
        out
    }
}
