//! The doctor's verdicts and how they are printed.

use std::fmt;

/// How one item of the checklist went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Pass(String),
    Fail { problem: String, fix: String },
}

/// One item of the checklist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    pub title: &'static str,
    pub outcome: Outcome,
}

impl Check {
    pub fn pass(title: &'static str, detail: impl Into<String>) -> Self {
        Self {
            title,
            outcome: Outcome::Pass(detail.into()),
        }
    }

    pub fn fail(title: &'static str, problem: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            title,
            outcome: Outcome::Fail {
                problem: problem.into(),
                fix: fix.into(),
            },
        }
    }

    pub fn passed(&self) -> bool {
        matches!(self.outcome, Outcome::Pass(_))
    }
}

/// The whole run.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub tenant: String,
    pub checks: Vec<Check>,
}

impl Report {
    pub fn all_passed(&self) -> bool {
        self.checks.iter().all(Check::passed)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Aura Commerce doctor: checking {}", self.tenant)?;
        for check in &self.checks {
            match &check.outcome {
                Outcome::Pass(detail) => writeln!(f, "  ✓ {} — {detail}", check.title)?,
                Outcome::Fail { problem, fix } => {
                    writeln!(f, "  ✗ {}", check.title)?;
                    writeln!(f, "      {problem}")?;
                    writeln!(f, "      Fix: {fix}")?;
                }
            }
        }
        let passed = self.checks.iter().filter(|c| c.passed()).count();
        writeln!(f, "{passed} of {} checks passed.", self.checks.len())
    }
}
