//! The `--chart FILE.svg` of a bench run (SVG 1.1, written by hand: no plotting dependency):
//! throughput over time in the upper panel, interval p50 and p99 latency in the lower one (log
//! scale: alert latencies in milliseconds and a backlog's seconds must both stay readable).

use std::fmt::Write;

use super::metrics::Sample;

const WIDTH: f64 = 900.0;
const PANEL: f64 = 250.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 200.0;
const TOP: f64 = 40.0;
const GAP: f64 = 60.0;
const COLOURS: &[&str] = &[
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
];

/// One line of a panel.
struct Line {
    label: String,
    colour: &'static str,
    dashed: bool,
    points: Vec<(f64, f64)>,
}

/// Text with XML's special characters escaped.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// A "nice" upper bound and tick step for values up to `max` (1, 2 or 5 × 10^k steps).
pub fn nice_scale(max: f64) -> (f64, f64) {
    let max = if max.is_finite() && max > 0.0 {
        max
    } else {
        1.0
    };
    let raw = max / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    ((max / step).ceil() * step, step)
}

fn fmt_num(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e9 {
        format!("{v:.0}")
    } else if v.abs() >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

/// Decades covering the positive values `lo ..= hi` for a log axis: (bottom, top) powers of ten.
pub fn log_range(lo: f64, hi: f64) -> (f64, f64) {
    let ok = |v: f64| v.is_finite() && v > 0.0;
    let lo = if ok(lo) { lo } else { 0.1 };
    let hi = if ok(hi) { hi.max(lo) } else { lo };
    let bottom = 10f64.powf(lo.log10().floor());
    let mut top = 10f64.powf(hi.log10().ceil());
    if top <= bottom {
        top = bottom * 10.0;
    }
    (bottom, top)
}

fn panel(
    out: &mut String,
    y0: f64,
    title: &str,
    unit: &str,
    t_max: f64,
    lines: &[Line],
    log: bool,
) {
    let plot_w = WIDTH - LEFT - RIGHT;
    let values = || lines.iter().flat_map(|l| l.points.iter().map(|p| p.1));
    let v_max = values().fold(0.0f64, f64::max);
    let v_min = values().filter(|v| *v > 0.0).fold(f64::INFINITY, f64::min);
    let (top, step) = nice_scale(v_max);
    let (bottom, log_top) = log_range(v_min, v_max);
    let (t_top, t_step) = nice_scale(t_max);
    let x = |t: f64| LEFT + t / t_top * plot_w;
    let y = |v: f64| {
        if log {
            let f = (v.max(bottom).log10() - bottom.log10()) / (log_top.log10() - bottom.log10());
            y0 + PANEL - f * PANEL
        } else {
            y0 + PANEL - v / top * PANEL
        }
    };
    let ticks: Vec<f64> = if log {
        let mut v = Vec::new();
        let mut d = bottom;
        while d <= log_top * 1.001 {
            v.push(d);
            d *= 10.0;
        }
        v
    } else {
        let n = (top / step).round() as usize;
        (0..=n).map(|i| i as f64 * step).collect()
    };
    let _ = writeln!(
        out,
        r#"<text x="{LEFT}" y="{:.1}" font-size="14" font-weight="bold">{}</text>"#,
        y0 - 10.0,
        escape(title)
    );
    let _ = writeln!(
        out,
        r##"<rect x="{LEFT}" y="{y0:.1}" width="{plot_w:.1}" height="{PANEL}" fill="none" stroke="#444"/>"##
    );
    for v in ticks {
        let yy = y(v);
        let _ = writeln!(
            out,
            r##"<line x1="{LEFT}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end">{}</text>"##,
            LEFT + plot_w,
            LEFT - 6.0,
            yy + 4.0,
            escape(&fmt_num(v))
        );
    }
    let mut t = 0.0;
    while t <= t_top + t_step / 2.0 {
        let xx = x(t);
        let _ = writeln!(
            out,
            r##"<line x1="{xx:.1}" y1="{:.1}" x2="{xx:.1}" y2="{:.1}" stroke="#444"/><text x="{xx:.1}" y="{:.1}" font-size="11" text-anchor="middle">{}</text>"##,
            y0 + PANEL,
            y0 + PANEL + 5.0,
            y0 + PANEL + 18.0,
            escape(&fmt_num(t))
        );
        t += t_step;
    }
    let _ = writeln!(
        out,
        r#"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle">seconds</text>"#,
        LEFT + plot_w / 2.0,
        y0 + PANEL + 34.0
    );
    let _ = writeln!(
        out,
        r#"<text x="16" y="{:.1}" font-size="11" transform="rotate(-90 16 {:.1})" text-anchor="middle">{}</text>"#,
        y0 + PANEL / 2.0,
        y0 + PANEL / 2.0,
        escape(unit)
    );
    for (i, l) in lines.iter().enumerate() {
        if !l.points.is_empty() {
            let pts: Vec<String> = l
                .points
                .iter()
                .map(|(t, v)| format!("{:.1},{:.1}", x(*t), y(*v)))
                .collect();
            let dash = if l.dashed {
                r#" stroke-dasharray="5,3""#
            } else {
                ""
            };
            let _ = writeln!(
                out,
                r#"<polyline fill="none" stroke="{}" stroke-width="1.5"{dash} points="{}"/>"#,
                l.colour,
                pts.join(" ")
            );
        }
        let ly = y0 + 10.0 + i as f64 * 18.0;
        let lx = LEFT + plot_w + 12.0;
        let _ = writeln!(
            out,
            r#"<line x1="{lx:.1}" y1="{ly:.1}" x2="{:.1}" y2="{ly:.1}" stroke="{}" stroke-width="2"{}/><text x="{:.1}" y="{:.1}" font-size="11">{}</text>"#,
            lx + 20.0,
            l.colour,
            if l.dashed {
                r#" stroke-dasharray="5,3""#
            } else {
                ""
            },
            lx + 26.0,
            ly + 4.0,
            escape(&l.label)
        );
    }
}

/// The SVG document: `rates` are the counters plotted as events/s, `latencies` the series
/// plotted as interval p50 (solid) and p99 (dashed), in milliseconds.
pub fn svg(title: &str, timeline: &[Sample], rates: &[&str], latencies: &[&str]) -> String {
    let t_max = timeline.last().map_or(1.0, |s| s.t.max(1.0));
    let rate_lines: Vec<Line> = rates
        .iter()
        .enumerate()
        .map(|(i, k)| Line {
            label: format!("{k} /s"),
            colour: COLOURS[i % COLOURS.len()],
            dashed: false,
            points: timeline
                .iter()
                .filter_map(|s| s.rates.get(*k).map(|v| (s.t, *v)))
                .collect(),
        })
        .collect();
    let mut lat_lines = Vec::new();
    for (i, k) in latencies.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        for (p, dashed) in [("p50", false), ("p99", true)] {
            lat_lines.push(Line {
                label: format!("{k} {p}"),
                colour,
                dashed,
                points: timeline
                    .iter()
                    .filter_map(|s| s.latency.get(*k))
                    .zip(timeline.iter().map(|s| s.t))
                    .filter(|(l, _)| l.count > 0)
                    .map(|(l, t)| (t, if dashed { l.p99_ms } else { l.p50_ms }))
                    .collect(),
            });
        }
    }
    let height = TOP + 2.0 * PANEL + GAP + 60.0;
    let mut out = String::new();
    let _ = writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif">"#
    );
    let _ = writeln!(
        out,
        r#"<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="white"/>"#
    );
    let _ = writeln!(
        out,
        r#"<text x="{:.1}" y="20" font-size="16" text-anchor="middle">{}</text>"#,
        WIDTH / 2.0,
        escape(title)
    );
    panel(
        &mut out,
        TOP + 10.0,
        "Throughput",
        "per second",
        t_max,
        &rate_lines,
        false,
    );
    panel(
        &mut out,
        TOP + 10.0 + PANEL + GAP,
        "Latency (interval p50 solid, p99 dashed; log scale)",
        "milliseconds",
        t_max,
        &lat_lines,
        true,
    );
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::metrics::Summary;

    fn timeline() -> Vec<Sample> {
        (1..=5)
            .map(|i| {
                let mut s = Sample {
                    t: i as f64,
                    ..Default::default()
                };
                s.rates.insert("delivered".into(), 100.0 * i as f64);
                s.latency.insert(
                    "delivery → alert".into(),
                    Summary {
                        count: 10,
                        p50_ms: 1.0,
                        p99_ms: 2.5 * i as f64,
                        ..Default::default()
                    },
                );
                s
            })
            .collect()
    }

    #[test]
    fn chart_is_well_formed_svg_with_one_polyline_per_line() {
        let s = svg(
            "mixed <500/s> & \"8 UAs\"",
            &timeline(),
            &["delivered"],
            &["delivery → alert"],
        );
        assert!(s.starts_with("<?xml"));
        assert!(s.trim_end().ends_with("</svg>"));
        assert_eq!(s.matches("<polyline").count(), 3);
        assert!(s.contains("mixed &lt;500/s&gt; &amp; &quot;8 UAs&quot;"));
        // Every element opened is closed (a cheap well-formedness check; the integration test
        // parses the file with an XML parser).
        let opens = s.matches("<svg").count();
        assert_eq!(opens, s.matches("</svg>").count());
        assert_eq!(s.matches("<text").count(), s.matches("</text>").count());
        assert!(!s.contains("NaN") && !s.contains("inf"));
    }

    #[test]
    fn empty_timeline_still_draws_axes() {
        let s = svg("empty", &[], &["a"], &["b"]);
        assert_eq!(s.matches("<polyline").count(), 0);
        assert!(s.contains("Throughput"));
        assert!(!s.contains("NaN"));
    }

    #[test]
    fn log_range_spans_whole_decades() {
        assert_eq!(log_range(0.35, 270.0), (0.1, 1000.0));
        assert_eq!(log_range(1.0, 1.0), (1.0, 10.0));
        let (b, t) = log_range(f64::INFINITY, 0.0);
        assert!(b > 0.0 && t > b);
    }

    #[test]
    fn nice_scale_covers_the_maximum_with_round_steps() {
        for (max, top, step) in [(7.3, 8.0, 2.0), (480.0, 500.0, 100.0), (0.0, 1.0, 0.2)] {
            let (t, s) = nice_scale(max);
            assert!(
                (t - top).abs() < 1e-9 && (s - step).abs() < 1e-9,
                "{max}: {t} {s}"
            );
        }
        let (t, _) = nice_scale(f64::NAN);
        assert!(t.is_finite());
    }
}
