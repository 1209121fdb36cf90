//! Where a file's suppression comments are: the number of lines, and every line holding
//! `debtgate:` with how far the run of comment, attribute and decorator lines starting at it
//! reaches.
//!
//! This is a measurement of the bytes like the SATD markers, so it lives with the other
//! measurements and is stored with them: judging a file whose metrics come from the store then
//! needs no read of its bytes. What a mark *means* — its rules, reason and expiry date, whether
//! it suppresses anything today — is the policy's to decide at run time
//! (`policy::suppress::in_marks`), which is why the marks keep the whole line and nothing parsed.

/// What every suppression comment contains.
pub const MARKER: &str = "debtgate:";

/// The suppression comments of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marks {
    /// Lines in the file, as `str::lines` counts them.
    pub lines: usize,
    /// Lines holding the marker, in file order.
    pub found: Vec<Mark>,
}

/// One line holding `debtgate:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// 1-based line number.
    pub line: usize,
    /// The whole line.
    pub text: String,
    /// When this line is a preamble line: the last line (1-based) of the unbroken run of preamble
    /// lines that starts here.
    pub preamble_to: Option<usize>,
}

impl Marks {
    /// Scans `src` (its text, [`super::readable::text`], read as UTF-8, lossily, like the policy
    /// reads it).
    pub fn scan(src: &[u8]) -> Marks {
        let src = super::readable::text(src);
        let text = String::from_utf8_lossy(&src);
        let lines: Vec<&str> = text.lines().collect();
        // The end of the preamble run starting at each line, from the bottom up.
        let mut run_end = vec![None; lines.len()];
        for i in (0..lines.len()).rev() {
            if is_preamble(lines[i]) {
                run_end[i] = Some(run_end.get(i + 1).copied().flatten().unwrap_or(i + 1));
            }
        }
        let found = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.contains(MARKER))
            .map(|(i, l)| Mark {
                line: i + 1,
                text: (*l).to_string(),
                preamble_to: run_end[i],
            })
            .collect();
        Marks {
            lines: lines.len(),
            found,
        }
    }

    /// The marked lines that can speak for a function starting at `start_line` (1-based): that
    /// line itself, and the marked lines of the unbroken preamble run directly above it.
    pub fn around(&self, start_line: usize) -> impl Iterator<Item = &Mark> {
        let inside = start_line != 0 && start_line <= self.lines;
        self.found.iter().filter(move |m| {
            inside
                && (m.line == start_line
                    || (m.line < start_line
                        && m.preamble_to.is_some_and(|end| end + 1 >= start_line)))
        })
    }
}

/// Comment, attribute, annotation and decorator lines: what may sit between a suppression and
/// its function.
pub fn is_preamble(line: &str) -> bool {
    let t = line.trim_start();
    !t.is_empty()
        && ["//", "#", "/*", "*", "@", "--"]
            .iter()
            .any(|p| t.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mark_reaches_its_function_through_the_preamble_run_only() {
        let marks = Marks::scan(
            b"// debtgate: allow(all) reason=\"x\"\n#[inline]\nfn f() {}\n\nfn g() {}\n",
        );
        assert_eq!(marks.lines, 5);
        assert_eq!(marks.found.len(), 1);
        assert_eq!(marks.found[0].preamble_to, Some(2));
        assert_eq!(marks.around(3).count(), 1, "fn f, below the run");
        assert_eq!(marks.around(5).count(), 0, "fn g, after a blank line");
        assert_eq!(marks.around(0).count() + marks.around(6).count(), 0);
    }
}
