//! What the fuzz targets share: each language's analyser run the way the gate runs it, with the
//! facts the gate relies on checked after every input.
//!
//! A target that only looks for panics misses the gate's worse failure, a wrong number. So after
//! measuring, [`analyse`] checks what must hold for any input: every function's lines lie in the
//! file and its length is its span, the score is a finite 0–100 with the grade the formula gives,
//! counts stay within the file, and the store's encoding of the measurement decodes to exactly
//! the same value (a cached answer is the answer). Any of those failing is a crash to libFuzzer.

use std::path::Path;

use debtgate::analysis::marks::Marks;
use debtgate::analysis::{Analyzer, Grade};
use debtgate::lang::Language;
use debtgate::store::{codec, Entry};

/// The date suppressions are judged against (`until=` dates): fixed, so a run repeats.
const TODAY: jiff::civil::Date = jiff::civil::date(2026, 12, 2);

/// Measures `data` as `language` and checks the measurement (see the module's doc).
pub fn analyse(analyzer: &mut Analyzer, language: Language, data: &[u8]) {
    if matches!(language, Language::C | Language::Cpp) {
        // A `.h` file is C or C++ by its content.
        let detected = debtgate::lang::detect(Path::new("a.h"), data);
        assert!(matches!(detected, Some(Language::C | Language::Cpp)));
    }
    let metrics = analyzer.analyze(data, language);
    let text = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let rows = text.iter().filter(|b| **b == b'\n').count() + 1;
    assert_eq!(metrics.language, language);
    assert!(
        metrics.score.is_finite() && (0.0..=100.0).contains(&metrics.score),
        "score {}",
        metrics.score
    );
    assert_eq!(metrics.grade, Grade::from_score(metrics.score));
    assert!(
        metrics.code_lines <= rows,
        "{} code lines",
        metrics.code_lines
    );
    for f in &metrics.functions {
        assert!(
            1 <= f.start_line && f.start_line <= f.end_line && f.end_line <= rows,
            "{} spans {}..{} of {rows} rows",
            f.qualified_name,
            f.start_line,
            f.end_line
        );
        assert_eq!(
            f.length,
            f.end_line - f.start_line + 1,
            "{}",
            f.qualified_name
        );
        assert!(f.cyclomatic >= 1, "{}", f.qualified_name);
    }
    for s in &metrics.satd {
        assert!(1 <= s.line && s.line <= rows, "SATD on line {}", s.line);
    }
    assert!(metrics.duplication.duplicated_lines <= rows);

    // The suppression comments, read as the policy reads them for each function.
    let marks = Marks::scan(data);
    for f in &metrics.functions {
        let _ = debtgate::policy::suppress::in_marks(&marks, f.start_line, TODAY);
    }

    // What the store keeps must be what was measured.
    let entry = Entry {
        size: data.len() as u64,
        binary_at: debtgate::analysis::readable::binary_at(data),
        language,
        marks,
        metrics: Some(metrics),
    };
    let decoded = codec::decode_checked(&codec::encode(&entry));
    assert_eq!(decoded.as_ref(), Ok(&entry), "the stored value differs");
}

/// Declares a target measuring every input as `$language`.
#[macro_export]
macro_rules! analyse_target {
    ($language:expr) => {
        thread_local! {
            static ANALYZER: std::cell::RefCell<debtgate::analysis::Analyzer> =
                std::cell::RefCell::new(debtgate::analysis::Analyzer::new());
        }
        libfuzzer_sys::fuzz_target!(|data: &[u8]| {
            ANALYZER.with(|a| $crate::analyse(&mut a.borrow_mut(), $language, data));
        });
    };
}
