//! `--timings`: where a check's time went, so that a slow hook can be explained by its user.
//!
//! A [`Clock`] runs through one check. The pipeline's stages run one after another and each gets
//! its wall time ([`Stage`]): the change set, the configuration, opening the store, ordering the
//! work for a budget, judging the files, saving the store, assembling the report, rendering it.
//! Judging runs on every worker at once, so inside it the clock sums what the workers spent per
//! kind of work ([`Work`]: reading blobs, store lookups, analysis, policy); those sums can exceed
//! the judging stage's wall time by up to the number of threads.
//!
//! The [`Timings`] go to the JSON report (`timings`, an optional field of `debtgate.report/1`)
//! and, as a compact table, to stderr.

use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// The stages of a check, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    ChangeSet,
    Config,
    StoreOpen,
    Ranking,
    Judging,
    StoreFlush,
    Report,
    Render,
}

impl Stage {
    pub const ALL: [Stage; 8] = [
        Stage::ChangeSet,
        Stage::Config,
        Stage::StoreOpen,
        Stage::Ranking,
        Stage::Judging,
        Stage::StoreFlush,
        Stage::Report,
        Stage::Render,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Stage::ChangeSet => "change_set",
            Stage::Config => "config",
            Stage::StoreOpen => "store_open",
            Stage::Ranking => "ranking",
            Stage::Judging => "judging",
            Stage::StoreFlush => "store_flush",
            Stage::Report => "report",
            Stage::Render => "render",
        }
    }
}

/// Kinds of work inside the judging stage, summed over the workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// Reading blobs and worktree files.
    Read,
    /// Looking metrics up in the store, and queueing new ones for it.
    StoreLookups,
    /// Parsing and measuring (store misses).
    Analysis,
    /// Applying the thresholds.
    Policy,
}

impl Work {
    pub const ALL: [Work; 4] = [Work::Read, Work::StoreLookups, Work::Analysis, Work::Policy];

    pub fn name(self) -> &'static str {
        match self {
            Work::Read => "read",
            Work::StoreLookups => "store_lookups",
            Work::Analysis => "analysis",
            Work::Policy => "policy",
        }
    }
}

/// Times one check. `Sync`: workers add their work through a shared reference.
#[derive(Debug)]
pub struct Clock {
    started: Instant,
    last: Instant,
    stages: [Duration; Stage::ALL.len()],
    work_nanos: [AtomicU64; Work::ALL.len()],
}

impl Clock {
    pub fn start() -> Clock {
        let now = Instant::now();
        Clock {
            started: now,
            last: now,
            stages: Default::default(),
            work_nanos: Default::default(),
        }
    }

    /// When the check started (a budget counts from here).
    pub fn started(&self) -> Instant {
        self.started
    }

    /// Ends `stage`: the time since the previous lap is its.
    pub fn lap(&mut self, stage: Stage) {
        let now = Instant::now();
        self.stages[stage as usize] += now - self.last;
        self.last = now;
    }

    /// Runs `f`, adding its time to `work`.
    pub fn work<T>(&self, work: Work, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        self.add(work, start.elapsed());
        out
    }

    /// Adds `d` to `work`.
    pub fn add(&self, work: Work, d: Duration) {
        let nanos = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        self.work_nanos[work as usize].fetch_add(nanos, Ordering::Relaxed);
    }

    /// What the clock measured so far.
    pub fn timings(&self) -> Timings {
        let mut t = Timings {
            threads: rayon::current_num_threads(),
            ..Timings::default()
        };
        for stage in Stage::ALL {
            t.add(stage, ms(self.stages[stage as usize]));
        }
        for work in Work::ALL {
            let nanos = self.work_nanos[work as usize].load(Ordering::Relaxed);
            *t.work_ms.get_mut(work) = ms(Duration::from_nanos(nanos));
        }
        t
    }
}

fn ms(d: Duration) -> f64 {
    // Microsecond resolution is plenty and keeps the JSON short.
    (d.as_micros() as f64) / 1000.0
}

/// Per-stage times of one check, in milliseconds: the `timings` object of the JSON report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Timings {
    /// The stages' wall times added up: the check from start to the last lap.
    pub total_ms: f64,
    /// Worker threads judging ran on.
    pub threads: usize,
    /// Wall time per stage, in the order they run.
    pub stages_ms: StageTimes,
    /// Time per kind of work inside `judging`, summed over the workers.
    pub work_ms: WorkTimes,
}

/// Wall time per [`Stage`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StageTimes {
    pub change_set: f64,
    pub config: f64,
    pub store_open: f64,
    pub ranking: f64,
    pub judging: f64,
    pub store_flush: f64,
    pub report: f64,
    pub render: f64,
}

impl StageTimes {
    pub fn get(&self, stage: Stage) -> f64 {
        match stage {
            Stage::ChangeSet => self.change_set,
            Stage::Config => self.config,
            Stage::StoreOpen => self.store_open,
            Stage::Ranking => self.ranking,
            Stage::Judging => self.judging,
            Stage::StoreFlush => self.store_flush,
            Stage::Report => self.report,
            Stage::Render => self.render,
        }
    }

    fn get_mut(&mut self, stage: Stage) -> &mut f64 {
        match stage {
            Stage::ChangeSet => &mut self.change_set,
            Stage::Config => &mut self.config,
            Stage::StoreOpen => &mut self.store_open,
            Stage::Ranking => &mut self.ranking,
            Stage::Judging => &mut self.judging,
            Stage::StoreFlush => &mut self.store_flush,
            Stage::Report => &mut self.report,
            Stage::Render => &mut self.render,
        }
    }
}

/// Time per [`Work`], summed over workers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkTimes {
    pub read: f64,
    pub store_lookups: f64,
    pub analysis: f64,
    pub policy: f64,
}

impl WorkTimes {
    pub fn get(&self, work: Work) -> f64 {
        match work {
            Work::Read => self.read,
            Work::StoreLookups => self.store_lookups,
            Work::Analysis => self.analysis,
            Work::Policy => self.policy,
        }
    }

    fn get_mut(&mut self, work: Work) -> &mut f64 {
        match work {
            Work::Read => &mut self.read,
            Work::StoreLookups => &mut self.store_lookups,
            Work::Analysis => &mut self.analysis,
            Work::Policy => &mut self.policy,
        }
    }
}

impl Timings {
    /// Adds `ms` to `stage` (and to the total); the CLI times rendering, after the check.
    pub fn add(&mut self, stage: Stage, ms: f64) {
        *self.stages_ms.get_mut(stage) += ms;
        self.total_ms += ms;
    }

    /// The compact table for stderr.
    pub fn write_table(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "debtgate timings (ms):")?;
        for stage in Stage::ALL {
            writeln!(
                out,
                "  {:<14} {:>10.3}",
                stage.name(),
                self.stages_ms.get(stage)
            )?;
            if stage == Stage::Judging {
                for work in Work::ALL {
                    writeln!(
                        out,
                        "    {:<14} {:>8.3}  (summed over {} threads)",
                        work.name(),
                        self.work_ms.get(work),
                        self.threads
                    )?;
                }
            }
        }
        writeln!(out, "  {:<14} {:>10.3}", "total", self.total_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn laps_and_work_add_up() {
        let mut clock = Clock::start();
        clock.lap(Stage::ChangeSet);
        let v = clock.work(Work::Analysis, || 7);
        assert_eq!(v, 7);
        clock.lap(Stage::Judging);
        let t = clock.timings();
        assert!(Stage::ALL.iter().all(|s| t.stages_ms.get(*s) >= 0.0));
        assert!(Work::ALL.iter().all(|w| t.work_ms.get(*w) >= 0.0));
        let json = serde_json::to_value(&t).expect("serializes");
        assert_eq!(json["stages_ms"].as_object().map(|m| m.len()), Some(8));
        assert_eq!(json["work_ms"].as_object().map(|m| m.len()), Some(4));
        let mut table = Vec::new();
        t.write_table(&mut table).expect("written");
        let table = String::from_utf8(table).expect("utf-8");
        assert!(table.contains("change_set") && table.contains("total"));
        let back: Timings = serde_json::from_value(json).expect("reads back");
        assert_eq!(back, t);
    }
}
