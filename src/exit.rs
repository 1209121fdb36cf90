//! Typed exit status. Other tools read these numbers, so they are a contract (DESIGN.md):
//! 0 the gate passed (or analysis ran), 1 the gate failed, 2 usage, config or tool error.

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Pass = 0,
    Fail = 1,
    Error = 2,
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit as u8)
    }
}
