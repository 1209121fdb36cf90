//! Loads any text as `.debtgate.yaml`, as `Settings::discover` does, then asks the settings what
//! the gate asks (thresholds, excludes, grades, suppressions) for a few paths, and renders any
//! error the way the edge prints it. A panic anywhere is a crash; an `Err` is the right answer
//! for bad input.
#![no_main]

use std::path::PathBuf;

use debtgate::config::{ConfigOrigin, Metric, Settings};

const PATHS: [&str; 5] = [
    "src/lib.rs",
    "tests/a_test.go",
    "vendor/x/y.min.js",
    "ünï/cödé.py",
    "a\nb.c",
];

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // The loader reads the file with `read_to_string`: non-UTF-8 is a read error before parsing.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let origin = ConfigOrigin::File(PathBuf::from(".debtgate.yaml"));
    match Settings::from_yaml(text, origin) {
        Ok(settings) => {
            for path in PATHS {
                let _ = settings.is_excluded(path);
                for metric in Metric::ALL {
                    let _ = settings.threshold(path, metric);
                }
                let _ = settings.thresholds_for(path);
                let _ = settings.min_grade_applied(path);
                let _ = settings.suppressions_for(path);
            }
        }
        Err(e) => {
            let message = e.to_string();
            assert!(!message.is_empty());
        }
    }
});
