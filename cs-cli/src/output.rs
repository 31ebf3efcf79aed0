//! What the commands print: text tables for the terminal (comfy-table, numbers right-aligned)
//! and JSON documents.

use comfy_table::{CellAlignment, ContentArrangement, Table};
use serde::Serialize;

/// A table of strings rendered with aligned columns: a header, a rule under it, two spaces
/// between columns; a column whose every cell reads as a number is right-aligned.
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

    fn numeric(&self, column: usize) -> bool {
        self.rows.iter().filter_map(|r| r.get(column)).all(|s| {
            s.is_empty()
                || s == "-"
                || s.trim_start_matches(['+', '-', '±'])
                    .replace(['.', ',', '%'], "")
                    .chars()
                    .all(|ch| ch.is_ascii_digit())
        })
    }

    pub(crate) fn render(&self) -> String {
        let mut table = Table::new();
        table
            .load_preset(comfy_table::presets::NOTHING)
            .set_content_arrangement(ContentArrangement::Disabled)
            .set_header(&self.headers);
        for row in &self.rows {
            table.add_row(row);
        }
        for (c, column) in table.column_iter_mut().enumerate() {
            column.set_padding((0, 2));
            if self.numeric(c) {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
        // A rule under the header, one dash per character of each column's widest cell.
        let rule: Vec<String> = table
            .column_max_content_widths()
            .iter()
            .map(|w| "-".repeat(usize::from(*w)))
            .collect();
        let mut out = String::new();
        for (i, line) in table.lines().enumerate() {
            out += line.trim_end();
            out.push('\n');
            if i == 0 {
                out += &rule.join("  ");
                out.push('\n');
            }
        }
        out
    }
}

/// A JSON document, pretty-printed, with a final newline.
pub(crate) fn json(value: &impl Serialize) -> Result<String, String> {
    serde_json::to_string_pretty(value)
        .map(|s| s + "\n")
        .map_err(|e| e.to_string())
}
