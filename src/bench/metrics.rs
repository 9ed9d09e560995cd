//! Measurements of a bench run: latency series in HDR histograms (microseconds, 3 significant
//! digits), event counters, and a timeline sampled once a second for the chart and the JSON
//! report.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use serde::Serialize;

/// Highest latency recorded (one hour, in microseconds); longer values are clamped.
const MAX_US: u64 = 3_600_000_000;

fn histogram() -> Histogram<u64> {
    // Constant bounds the crate accepts (low ≥ 1, high ≥ 2·low, 3 significant digits).
    #[allow(clippy::expect_used)]
    Histogram::new_with_bounds(1, MAX_US, 3).expect("constant histogram bounds")
}

/// Percentiles of a latency series in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Values recorded.
    pub count: u64,
    /// Median.
    pub p50_ms: f64,
    /// 90th percentile.
    pub p90_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// 99.9th percentile.
    pub p999_ms: f64,
    /// Largest.
    pub max_ms: f64,
    /// Mean.
    pub mean_ms: f64,
}

impl Summary {
    /// The summary of `h` (microsecond values).
    pub fn of(h: &Histogram<u64>) -> Summary {
        if h.is_empty() {
            return Summary::default();
        }
        let ms = |us: u64| us as f64 / 1000.0;
        Summary {
            count: h.len(),
            p50_ms: ms(h.value_at_quantile(0.5)),
            p90_ms: ms(h.value_at_quantile(0.9)),
            p99_ms: ms(h.value_at_quantile(0.99)),
            p999_ms: ms(h.value_at_quantile(0.999)),
            max_ms: ms(h.max()),
            mean_ms: h.mean() / 1000.0,
        }
    }
}

/// One second (or so) of a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Sample {
    /// Seconds since the start of the run, at the end of the interval.
    pub t: f64,
    /// Events per second in the interval, per counter.
    pub rates: BTreeMap<String, f64>,
    /// Latency percentiles of the values recorded in the interval, per series.
    pub latency: BTreeMap<String, Summary>,
}

#[derive(Debug)]
struct Series {
    total: Histogram<u64>,
    interval: Histogram<u64>,
}

/// Reads a cumulative count.
type CounterFn = std::sync::Arc<dyn Fn() -> u64 + Send + Sync>;

/// Latency series and counters shared by the tasks of a run.
pub struct Metrics {
    start: Instant,
    series: Mutex<BTreeMap<String, Series>>,
    counters: Mutex<BTreeMap<String, CounterFn>>,
    last: Mutex<(f64, BTreeMap<String, u64>)>,
    timeline: Mutex<Vec<Sample>>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics")
            .field("start", &self.start)
            .field("counts", &self.counts())
            .finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// Empty metrics; the run's clock starts now.
    pub fn new() -> Metrics {
        Metrics {
            start: Instant::now(),
            series: Mutex::new(BTreeMap::new()),
            counters: Mutex::new(BTreeMap::new()),
            last: Mutex::new((0.0, BTreeMap::new())),
            timeline: Mutex::new(Vec::new()),
        }
    }

    /// Time since the start.
    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    /// Records one latency value of `series`.
    pub fn record(&self, series: &str, latency: Duration) {
        let us = u64::try_from(latency.as_micros())
            .unwrap_or(MAX_US)
            .clamp(1, MAX_US);
        self.record_us(series, us);
    }

    /// Records one latency value of `series`, in microseconds.
    pub fn record_us(&self, series: &str, us: u64) {
        let us = us.clamp(1, MAX_US);
        let mut s = self.series.lock().unwrap_or_else(|p| p.into_inner());
        let e = s.entry(series.to_string()).or_insert_with(|| Series {
            total: histogram(),
            interval: histogram(),
        });
        let _ = e.total.record(us);
        let _ = e.interval.record(us);
    }

    /// A new counter `name` at zero, to count events whose rate the timeline shows.
    pub fn counter(&self, name: &str) -> std::sync::Arc<AtomicU64> {
        let c = std::sync::Arc::new(AtomicU64::new(0));
        let r = c.clone();
        self.watch(name, move || r.load(Ordering::Relaxed));
        c
    }

    /// Shows a count kept elsewhere (e.g. the MTA's acknowledged deliveries) as `name`.
    pub fn watch(&self, name: &str, read: impl Fn() -> u64 + Send + Sync + 'static) {
        self.counters
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(name.to_string(), std::sync::Arc::new(read));
    }

    /// The current value of every counter.
    pub fn counts(&self) -> BTreeMap<String, u64> {
        let counters: Vec<(String, CounterFn)> = self
            .counters
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .map(|(k, f)| (k.clone(), f.clone()))
            .collect();
        counters.into_iter().map(|(k, f)| (k, f())).collect()
    }

    /// Ends the current interval: appends a timeline sample and returns it.
    pub fn sample(&self) -> Sample {
        let t = self.start.elapsed().as_secs_f64();
        let counts = self.counts();
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        let dt = (t - last.0).max(1e-6);
        let rates = counts
            .iter()
            .map(|(k, v)| {
                let before = last.1.get(k).copied().unwrap_or(0);
                (k.clone(), v.saturating_sub(before) as f64 / dt)
            })
            .collect();
        *last = (t, counts);
        drop(last);
        let mut latency = BTreeMap::new();
        for (k, s) in self
            .series
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter_mut()
        {
            latency.insert(k.clone(), Summary::of(&s.interval));
            s.interval.reset();
        }
        let sample = Sample { t, rates, latency };
        self.timeline
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(sample.clone());
        sample
    }

    /// The whole-run summary of `series` (empty if nothing was recorded).
    pub fn summary(&self, series: &str) -> Summary {
        self.series
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(series)
            .map(|s| Summary::of(&s.total))
            .unwrap_or_default()
    }

    /// Whole-run summaries of every series.
    pub fn summaries(&self) -> BTreeMap<String, Summary> {
        self.series
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .map(|(k, s)| (k.clone(), Summary::of(&s.total)))
            .collect()
    }

    /// Samples once a second until the returned task is aborted.
    pub fn spawn_sampler(self: &std::sync::Arc<Self>) -> tokio::task::JoinHandle<()> {
        let m = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            tick.tick().await;
            loop {
                tick.tick().await;
                m.sample();
            }
        })
    }

    /// The timeline so far.
    pub fn timeline(&self) -> Vec<Sample> {
        self.timeline
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

/// Error descriptions of a run: a count and the first few texts.
#[derive(Debug, Default)]
pub struct Errors {
    count: AtomicU64,
    samples: Mutex<Vec<String>>,
}

impl Errors {
    /// Counts an error and keeps its text if it is among the first ten.
    pub fn add(&self, what: impl Into<String>) {
        self.count.fetch_add(1, Ordering::Relaxed);
        let mut s = self.samples.lock().unwrap_or_else(|p| p.into_inner());
        if s.len() < 10 {
            s.push(what.into());
        }
    }

    /// How many.
    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    /// The first few.
    pub fn samples(&self) -> Vec<String> {
        self.samples
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_reads_percentiles_in_milliseconds() {
        let m = Metrics::new();
        for us in 1..=1000u64 {
            m.record_us("a", us * 1000);
        }
        let s = m.summary("a");
        assert_eq!(s.count, 1000);
        // 3 significant digits: within 0.1 % of the exact quantiles.
        for (got, want) in [(s.p50_ms, 500.0), (s.p90_ms, 900.0), (s.p99_ms, 990.0)] {
            assert!((got - want).abs() <= want * 0.001 + 1e-9, "{got} vs {want}");
        }
        assert!((s.max_ms - 1000.0).abs() <= 1.0);
        assert!((s.mean_ms - 500.5).abs() <= 0.5);
        assert_eq!(m.summary("missing"), Summary::default());
    }

    #[test]
    fn samples_hold_interval_values_and_rates() {
        let m = Metrics::new();
        let c = m.counter("n");
        c.fetch_add(10, Ordering::Relaxed);
        m.record_us("lat", 2000);
        let first = m.sample();
        assert!(first.rates["n"] > 0.0);
        assert_eq!(first.latency["lat"].count, 1);
        // The next interval starts empty; the whole-run summary keeps everything.
        m.record_us("lat", 4000);
        let second = m.sample();
        assert_eq!(second.latency["lat"].count, 1);
        assert!((second.latency["lat"].p50_ms - 4.0).abs() < 0.01);
        assert_eq!(second.rates["n"], 0.0);
        assert_eq!(m.summary("lat").count, 2);
        assert_eq!(m.timeline().len(), 2);
    }

    #[test]
    fn out_of_range_values_are_clamped_not_lost() {
        let m = Metrics::new();
        m.record_us("x", 0);
        m.record_us("x", u64::MAX);
        m.record("x", Duration::from_secs(100_000));
        assert_eq!(m.summary("x").count, 3);
    }

    #[test]
    fn errors_keep_the_first_ten_texts() {
        let e = Errors::default();
        for i in 0..15 {
            e.add(format!("e{i}"));
        }
        assert_eq!(e.count(), 15);
        assert_eq!(e.samples().len(), 10);
        assert_eq!(e.samples()[0], "e0");
    }
}
