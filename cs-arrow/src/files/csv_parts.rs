//! Cutting CSV text into parts at record boundaries, so that the parts are parsed in parallel.
//!
//! A line feed ends a record exactly when an even number of quote characters comes before it,
//! provided every quote is where RFC 4180 puts one: an opening quote at the start of a field, a
//! closing quote before a delimiter, a line end or the end of the text, and `""` inside a
//! quoted field. The cut is only trusted when that holds for every quote of the text (checked
//! in the same parallel passes); otherwise [`cuts`] gives up and the caller parses the text in
//! one piece, which is also what reports any error (with its line).

/// Byte offsets `0 = c0 < c1 < … < ck = text.len()` cutting `text` into at most `parts` pieces
/// that each start at a record; `None` when a quote is not where RFC 4180 puts one.
pub(super) fn cuts(text: &[u8], parts: usize) -> Option<Vec<usize>> {
    let n = text.len();
    let parts = parts.clamp(1, n.max(1));
    let bounds: Vec<usize> = (0..=parts).map(|k| n * k / parts).collect();
    // Pass 1: the quotes in each range (their parity is the state at the next range's start).
    let counts: Vec<usize> = std::thread::scope(|s| {
        let jobs: Vec<_> = bounds
            .windows(2)
            .map(|w| {
                let range = &text[w[0]..w[1]];
                // No bytecount dependency: this loop vectorises as it is.
                #[allow(clippy::naive_bytecount)]
                s.spawn(move || range.iter().filter(|&&b| b == b'"').count())
            })
            .collect();
        jobs.into_iter().map(|j| j.join().unwrap_or(usize::MAX)).collect()
    });
    if counts.contains(&usize::MAX) {
        return None;
    }
    let mut inside = Vec::with_capacity(parts);
    let mut odd = false;
    for c in &counts {
        inside.push(odd);
        odd ^= c % 2 == 1;
    }
    // Pass 2: every quote well placed, and the first record end at or after each range start.
    let found: Vec<Result<Option<usize>, MisplacedQuote>> = std::thread::scope(|s| {
        let jobs: Vec<_> = bounds
            .windows(2)
            .zip(&inside)
            .map(|(w, &quoted)| {
                let (from, to) = (w[0], w[1]);
                s.spawn(move || scan(text, from, to, quoted))
            })
            .collect();
        jobs.into_iter()
            .map(|j| j.join().unwrap_or(Err(MisplacedQuote)))
            .collect()
    });
    let mut out = vec![0];
    for f in found.iter().skip(1) {
        let first_end = f.ok()?;
        // A range without a record end belongs to the part before it.
        if let Some(end) = first_end.filter(|&e| e > out[out.len() - 1] && e < n) {
            out.push(end);
        }
    }
    if found.first().is_some_and(Result::is_err) {
        return None;
    }
    out.push(n);
    out.dedup();
    Some(out)
}

/// A quote where RFC 4180 puts none: the text is not cut.
#[derive(Debug, Clone, Copy)]
struct MisplacedQuote;

/// Checks the quotes of `text[from..to]` (`quoted`: inside a quoted field at `from`) and finds
/// the first offset after a record-ending line feed in the range, if any.
fn scan(text: &[u8], from: usize, to: usize, mut quoted: bool) -> Result<Option<usize>, MisplacedQuote> {
    // After a quote is also a field start for the parity: `"a""b"` reads the same either way.
    let field_start = |i: usize| i == 0 || matches!(text[i - 1], b',' | b'\n' | b'\r' | b'"');
    let mut first_end = None;
    let mut i = from;
    while i < to {
        match text[i] {
            b'"' if quoted => {
                // A closing quote, or the first of a `""` pair.
                match text.get(i + 1) {
                    Some(b'"') => i += 1, // the pair: still quoted
                    None | Some(b',' | b'\n' | b'\r') => quoted = false,
                    Some(_) => return Err(MisplacedQuote),
                }
            }
            b'"' => {
                if !field_start(i) {
                    return Err(MisplacedQuote);
                }
                quoted = true;
            }
            b'\n' if !quoted && first_end.is_none() => first_end = Some(i + 1),
            _ => {}
        }
        i += 1;
    }
    Ok(first_end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str, parts: usize) -> Option<Vec<String>> {
        let c = cuts(text.as_bytes(), parts)?;
        Some(c.windows(2).map(|w| text[w[0]..w[1]].to_owned()).collect())
    }

    #[test]
    fn cuts_only_at_record_ends() {
        let text = "a,b\n\"x\ny\",1\n\"he said \"\"hi\"\"\",2\nplain,3\n\"\",4\n";
        for parts in 1..=text.len() {
            let got = pieces(text, parts).unwrap();
            assert_eq!(got.concat(), text);
            for p in &got {
                assert!(p.ends_with('\n'), "{parts}: {got:?}");
                assert!(
                    !p.starts_with("y\""),
                    "{parts}: cut inside a quoted field: {got:?}"
                );
            }
        }
    }

    #[test]
    fn misplaced_quotes_are_not_cut() {
        for text in ["a,b\nab\"c,1\n2,3\n", "a,b\n\"x\"y,1\n2,3\n"] {
            assert_eq!(pieces(text, 3), None, "{text:?}");
        }
    }

    #[test]
    fn crlf_and_a_missing_last_line_end() {
        let text = "a,b\r\n1,2\r\n3,4";
        for parts in 1..=6 {
            let got = pieces(text, parts).unwrap();
            assert_eq!(got.concat(), text);
        }
    }
}
