//! Reports of a bench run: the machine it ran on (cores, a disk ceiling measured at start),
//! the configuration, the results (throughput, HDR latency percentiles, errors, the message
//! accounting), the closing table, the JSON file, and the progress line while it runs.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use super::metrics::{Sample, Summary};

/// Why a report could not be made or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// Writing the report, the chart or the disk probe failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The report could not be serialised.
    #[error("report: {0}")]
    Json(#[from] serde_json::Error),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ReportError + '_ {
    move |source| ReportError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Small-file writes per second that the filesystem holding a directory sustains when each
/// is made durable the way the store makes a message durable (write, fsync, rename,
/// directory fsync): the ceiling any durable delivery rate on that disk runs into.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DiskCeiling {
    /// Where it was measured.
    pub dir: PathBuf,
    /// Files written.
    pub files: u64,
    /// Bytes in each.
    pub file_bytes: usize,
    /// Seconds spent.
    pub seconds: f64,
    /// Durable small-file writes per second, one writer.
    pub fsynced_writes_per_s: f64,
}

/// Measures [`DiskCeiling`] in `dir` for about `budget` (at most 2,000 files), removing what
/// it wrote.
pub fn measure_disk(dir: &Path, budget: Duration) -> Result<DiskCeiling, ReportError> {
    let probe = dir.join(format!(".mstore-bench-probe-{}", std::process::id()));
    std::fs::create_dir_all(&probe).map_err(io(&probe))?;
    let block = vec![0x5au8; 2048];
    let start = Instant::now();
    let mut files = 0u64;
    let result = (|| -> std::io::Result<()> {
        let d = std::fs::File::open(&probe)?;
        while files < 2000 && (files < 5 || start.elapsed() < budget) {
            let tmp = probe.join(format!("{files}.tmp"));
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(&block)?;
            f.sync_data()?;
            std::fs::rename(&tmp, probe.join(format!("{files}.msg")))?;
            d.sync_all()?;
            files += 1;
        }
        Ok(())
    })();
    let seconds = start.elapsed().as_secs_f64().max(1e-9);
    let _ = std::fs::remove_dir_all(&probe);
    result.map_err(io(&probe))?;
    Ok(DiskCeiling {
        dir: dir.to_path_buf(),
        files,
        file_bytes: block.len(),
        seconds,
        fsynced_writes_per_s: files as f64 / seconds,
    })
}

/// What the run ran on.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Machine {
    /// Logical cores available to this process.
    pub cores: usize,
    /// Host name, when known.
    pub hostname: Option<String>,
    /// Kernel and architecture (`uname -sr`, from /proc when available).
    pub os: String,
    /// Total memory in MiB, when known.
    pub memory_mib: Option<u64>,
    /// The measured disk ceiling, when it was measured.
    pub disk: Option<DiskCeiling>,
}

impl Machine {
    /// Facts of this machine; the disk ceiling is measured in `disk_dir` when given.
    pub fn probe(disk_dir: Option<&Path>) -> Result<Machine, ReportError> {
        let read = |p: &str| {
            std::fs::read_to_string(p)
                .ok()
                .map(|s| s.trim().to_string())
        };
        let memory_mib = read("/proc/meminfo").and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
                .map(|kb| kb / 1024)
        });
        let os = match (
            read("/proc/sys/kernel/ostype"),
            read("/proc/sys/kernel/osrelease"),
        ) {
            (Some(t), Some(r)) => format!("{t} {r} {}", std::env::consts::ARCH),
            _ => format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        };
        Ok(Machine {
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            hostname: read("/proc/sys/kernel/hostname"),
            os,
            memory_mib,
            disk: disk_dir
                .map(|d| measure_disk(d, Duration::from_secs(1)))
                .transpose()?,
        })
    }
}

/// Every message of a delivery run accounted for.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Accounting {
    /// Deliveries the store acknowledged (P3 results).
    pub acknowledged: u64,
    /// Of those, messages the UAs were alerted of.
    pub alerted: u64,
    /// Of those, messages the UAs fetched.
    pub fetched: u64,
    /// Of those, messages the UAs deleted after fetching.
    pub deleted: u64,
    /// Acknowledged but never alerted, fetched and deleted.
    pub lost: u64,
    /// Alerts repeated for a message already alerted.
    pub duplicate_alerts: u64,
    /// Alerts for entries that are not messages of this run (earlier runs, other senders).
    pub foreign_alerts: u64,
    /// A few identifiers of lost messages.
    pub lost_samples: Vec<String>,
}

/// One row of the closing table.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Row {
    /// What was measured.
    pub name: String,
    /// Its percentiles.
    #[serde(flatten)]
    pub summary: Summary,
}

/// The results of a run.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Results {
    /// Wall time of the measured part, seconds.
    pub elapsed_s: f64,
    /// Throughputs (per second), by name.
    pub throughput: BTreeMap<String, f64>,
    /// Latency rows, in table order (keys: series names).
    pub latency: Vec<Row>,
    /// Errors counted.
    pub errors: u64,
    /// The first few errors.
    pub error_samples: Vec<String>,
    /// The message accounting, for runs that deliver or consume messages.
    pub accounting: Option<Accounting>,
    /// Nothing lost and no error.
    pub ok: bool,
    /// Remarks on how to read the run (e.g. the offered rate was not reached).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The whole report, as written to `--report FILE.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// `mixed`, `ua`, `search`, …
    pub scenario: String,
    /// The mstore version that made it.
    pub version: String,
    /// Start of the run, seconds since the Unix epoch.
    pub started_unix_s: u64,
    /// The run's parameters.
    pub config: serde_json::Value,
    /// The machine.
    pub machine: Machine,
    /// The results.
    pub results: Results,
    /// Per-second samples (rates and interval latencies).
    pub timeline: Vec<Sample>,
}

impl Report {
    /// A report of `scenario`.
    pub fn new(
        scenario: &str,
        config: serde_json::Value,
        machine: Machine,
        started: SystemTime,
    ) -> Report {
        Report {
            scenario: scenario.to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            started_unix_s: started
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            config,
            machine,
            results: Results::default(),
            timeline: Vec::new(),
        }
    }

    /// Writes the report as pretty JSON.
    pub fn write_json(&self, path: &Path) -> Result<(), ReportError> {
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        std::fs::write(path, text).map_err(io(path))
    }

    /// The closing table for people.
    pub fn table(&self) -> String {
        let r = &self.results;
        let mut out = String::new();
        let m = &self.machine;
        out.push_str(&format!(
            "{}: {:.1} s on {} cores",
            self.scenario, r.elapsed_s, m.cores
        ));
        if let Some(d) = &m.disk {
            out.push_str(&format!(
                ", disk ceiling {:.0} fsynced writes/s",
                d.fsynced_writes_per_s
            ));
        }
        out.push('\n');
        for (k, v) in &r.throughput {
            out.push_str(&format!("  {k:<28} {v:>10.1} /s\n"));
        }
        if !r.latency.is_empty() {
            out.push_str(&format!(
                "  {:<28} {:>8} {:>9} {:>9} {:>9} {:>9}\n",
                "latency (ms)", "count", "p50", "p90", "p99", "max"
            ));
            for row in &r.latency {
                let s = &row.summary;
                out.push_str(&format!(
                    "  {:<28} {:>8} {:>9.2} {:>9.2} {:>9.2} {:>9.2}\n",
                    row.name, s.count, s.p50_ms, s.p90_ms, s.p99_ms, s.max_ms
                ));
            }
        }
        if let Some(a) = &r.accounting {
            out.push_str(&format!(
                "  messages: {} acknowledged, {} alerted, {} fetched, {} deleted, {} lost",
                a.acknowledged, a.alerted, a.fetched, a.deleted, a.lost
            ));
            if a.duplicate_alerts > 0 || a.foreign_alerts > 0 {
                out.push_str(&format!(
                    " ({} duplicate, {} foreign alerts)",
                    a.duplicate_alerts, a.foreign_alerts
                ));
            }
            out.push('\n');
            for l in &a.lost_samples {
                out.push_str(&format!("    lost: {l}\n"));
            }
        }
        out.push_str(&format!("  errors: {}\n", r.errors));
        for e in &r.error_samples {
            out.push_str(&format!("    error: {e}\n"));
        }
        for n in &r.notes {
            out.push_str(&format!("  note: {n}\n"));
        }
        out.push_str(if r.ok {
            "  result: OK\n"
        } else {
            "  result: FAILED\n"
        });
        out
    }
}

/// The progress line: a bar on a terminal (redrawn in place), a plain line every few seconds
/// otherwise.
#[derive(Debug)]
pub struct ProgressLine {
    tty: bool,
    last_plain: Option<Instant>,
}

impl ProgressLine {
    /// For stderr, a terminal or not.
    pub fn new(tty: bool) -> ProgressLine {
        ProgressLine {
            tty,
            last_plain: None,
        }
    }

    /// How often to call [`ProgressLine::show`].
    pub fn interval(&self) -> Duration {
        Duration::from_millis(if self.tty { 250 } else { 1000 })
    }

    /// Shows `fraction` done (0..=1, or `None` when unknown) and `text`.
    pub fn show(&mut self, fraction: Option<f64>, text: &str) {
        if self.tty {
            eprint!("\r{}\x1b[K", bar_line(fraction, text));
        } else if self
            .last_plain
            .is_none_or(|t| t.elapsed() >= Duration::from_secs(5))
        {
            self.last_plain = Some(Instant::now());
            eprintln!("{}", bar_line(fraction, text));
        }
    }

    /// Ends the line.
    pub fn finish(&mut self) {
        if self.tty {
            eprintln!();
        }
    }
}

/// A task redrawing the progress line from `state` (fraction done, text) until
/// [`Progress::finish`].
#[derive(Debug)]
pub struct Progress {
    task: tokio::task::JoinHandle<()>,
    tty: bool,
}

impl Progress {
    /// Starts drawing on stderr.
    pub fn spawn(
        tty: bool,
        state: impl Fn() -> (Option<f64>, String) + Send + 'static,
    ) -> Progress {
        let task = tokio::spawn(async move {
            let mut line = ProgressLine::new(tty);
            let mut tick = tokio::time::interval(line.interval());
            loop {
                tick.tick().await;
                let (f, text) = state();
                line.show(f, &text);
            }
        });
        Progress { task, tty }
    }

    /// Stops drawing and ends the line.
    pub fn finish(self) {
        self.task.abort();
        if self.tty {
            eprintln!();
        }
    }
}

/// `[#####-----]  50% text`, or just the text when the fraction is unknown.
pub fn bar_line(fraction: Option<f64>, text: &str) -> String {
    match fraction {
        Some(f) => {
            let f = f.clamp(0.0, 1.0);
            let width = 24usize;
            let done = ((f * width as f64).round() as usize).min(width);
            format!(
                "[{}{}] {:>3.0}% {text}",
                "#".repeat(done),
                "-".repeat(width - done),
                f * 100.0
            )
        }
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_report() -> Report {
        let machine = Machine {
            cores: 2,
            hostname: None,
            os: "Linux".into(),
            memory_mib: None,
            disk: None,
        };
        let mut r = Report::new(
            "mixed",
            serde_json::json!({"rate": 500}),
            machine,
            UNIX_EPOCH + Duration::from_secs(100),
        );
        r.results = Results {
            elapsed_s: 30.0,
            throughput: [("delivered".to_string(), 499.5)].into(),
            latency: vec![Row {
                name: "delivery → alert".into(),
                summary: Summary {
                    count: 10,
                    p50_ms: 1.0,
                    p90_ms: 2.0,
                    p99_ms: 3.0,
                    p999_ms: 3.5,
                    max_ms: 4.0,
                    mean_ms: 1.5,
                },
            }],
            errors: 0,
            error_samples: vec![],
            accounting: Some(Accounting {
                acknowledged: 10,
                alerted: 10,
                fetched: 10,
                deleted: 10,
                ..Default::default()
            }),
            ok: true,
            notes: vec!["offered rate not reached".into()],
        };
        r
    }

    #[test]
    fn json_report_holds_configuration_machine_and_results() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.json");
        sample_report().write_json(&path).unwrap();
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(v["scenario"], "mixed");
        assert_eq!(v["config"]["rate"], 500);
        assert_eq!(v["machine"]["cores"], 2);
        assert_eq!(v["started_unix_s"], 100);
        assert_eq!(v["results"]["latency"][0]["name"], "delivery → alert");
        assert_eq!(v["results"]["latency"][0]["p99_ms"], 3.0);
        assert_eq!(v["results"]["accounting"]["lost"], 0);
        assert_eq!(v["results"]["ok"], true);
        assert_eq!(v["results"]["notes"][0], "offered rate not reached");
    }

    #[test]
    fn table_shows_throughput_percentiles_and_accounting() {
        let t = sample_report().table();
        assert!(t.contains("delivered"), "{t}");
        assert!(t.contains("499.5"), "{t}");
        assert!(t.contains("note: offered rate not reached"), "{t}");
        assert!(t.contains("delivery → alert"), "{t}");
        assert!(t.contains("3.00"), "{t}");
        assert!(t.contains("0 lost"), "{t}");
        assert!(t.contains("result: OK"), "{t}");
    }

    #[test]
    fn disk_probe_writes_and_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let d = measure_disk(dir.path(), Duration::from_millis(50)).unwrap();
        assert!(d.files >= 5);
        assert!(d.fsynced_writes_per_s > 0.0);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn bar_is_bounded() {
        assert!(bar_line(Some(0.5), "x").starts_with("[############------------]  50% x"));
        assert!(bar_line(Some(7.0), "x").contains("100%"));
        assert_eq!(bar_line(None, "x"), "x");
    }
}
