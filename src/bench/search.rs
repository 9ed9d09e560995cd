//! Search load over P7 (X.413 §8.2.3 Summarize and List with Selector filters, §7.7 Filter):
//! K clients bound as users of a preloaded store run a mix of query kinds back to back and
//! time each round trip.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::metrics::{Errors, Metrics};
use super::report::{Results, Row};
use crate::address::ORAddress;
use crate::asn1::x413 as x;
use crate::assoc::Settings;
use crate::p7::Edition;
use crate::p7::attrs;
use crate::p7::client::{ClientError, ClientOptions, P7Client};
use crate::store::filter_text;

/// The kinds of query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Query {
    /// Summarize the whole inbox (counts and span).
    Summarize,
    /// List the first entries with the default attributes.
    List,
    /// List entries matching an attribute filter on indexed keys.
    Filter,
    /// List entries whose subject contains a word (substring / text index).
    Text,
}

impl Query {
    /// All kinds.
    pub const ALL: [Query; 4] = [Query::Summarize, Query::List, Query::Filter, Query::Text];

    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Query::Summarize => "summarize",
            Query::List => "list",
            Query::Filter => "filter",
            Query::Text => "text",
        }
    }

    /// Inverse of [`Query::name`].
    pub fn from_name(s: &str) -> Option<Query> {
        Query::ALL.into_iter().find(|q| q.name() == s)
    }

    /// The series name of its latency.
    pub fn series(self) -> String {
        format!("search: {}", self.name())
    }

    /// The RFC 4515 filter it sends, if any.
    pub fn filter_text(self) -> Option<&'static str> {
        match self {
            Query::Summarize | Query::List => None,
            Query::Filter => Some("(|(priority=urgent)(priority=non-urgent))"),
            Query::Text => Some("(subject=*meeting*)"),
        }
    }
}

/// A search run.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// The store's P7 listener.
    pub server: String,
    /// Called T-selector.
    pub tsel: Option<Vec<u8>>,
    /// Users to bind as (client `i` binds as user `i mod len`).
    pub users: Vec<ORAddress>,
    /// Their password.
    pub password: Vec<u8>,
    /// Clients.
    pub clients: usize,
    /// How long.
    pub duration: Duration,
    /// The mix (each client cycles through it).
    pub queries: Vec<Query>,
    /// Most entries one List returns.
    pub limit: u32,
    /// 1988 or 1994.
    pub edition: Edition,
    /// Timeouts.
    pub settings: Settings,
}

/// Why a search run could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SearchError {
    /// Options that cannot work.
    #[error("{0}")]
    Invalid(String),
    /// A client could not bind.
    #[error("bind: {0}")]
    Bind(#[from] ClientError),
}

fn argument(q: Query, limit: u32) -> Result<Argument, String> {
    let filter = q
        .filter_text()
        .map(|t| {
            filter_text::parse(t)
                .map_err(|e| e.to_string())
                .and_then(|f| attrs::filter_to_x413(&f).map_err(|e| e.to_string()))
        })
        .transpose()?;
    Ok(match q {
        Query::Summarize => Argument::Summarize(x::SummarizeArgument::new(x::Selector::default())),
        _ => Argument::List(x::ListArgument::new(x::Selector {
            filter,
            limit: Some(limit.max(1)),
            ..Default::default()
        })),
    })
}

enum Argument {
    Summarize(x::SummarizeArgument),
    List(x::ListArgument),
}

/// Runs the search load; counts of queries per kind are in `metrics` as `search: KIND`.
pub async fn run(
    opts: &SearchOptions,
    metrics: Arc<Metrics>,
    errors: Arc<Errors>,
) -> Result<Results, SearchError> {
    if opts.clients == 0 || opts.users.is_empty() || opts.queries.is_empty() {
        return Err(SearchError::Invalid(
            "need at least one client, one user and one query kind".into(),
        ));
    }
    let mut args = Vec::new();
    for q in &opts.queries {
        args.push((*q, argument(*q, opts.limit).map_err(SearchError::Invalid)?));
    }
    let args = Arc::new(args);
    let mut clients = Vec::new();
    for i in 0..opts.clients {
        let user = opts.users[i % opts.users.len()].clone();
        let mut o = ClientOptions::new(opts.server.clone(), user, &opts.password);
        o.tsel = opts.tsel.clone();
        o.edition = opts.edition;
        o.settings = opts.settings.clone();
        o.configuration_request = false;
        clients.push(P7Client::connect(&o).await?);
    }
    let counter = metrics.counter("queries");
    let start = Instant::now();
    let mut tasks = Vec::new();
    for (i, c) in clients.into_iter().enumerate() {
        let (args, metrics, errors, counter) = (
            args.clone(),
            metrics.clone(),
            errors.clone(),
            counter.clone(),
        );
        let duration = opts.duration;
        tasks.push(tokio::spawn(async move {
            let h = c.handle();
            // Start each client at a different kind so the mix is even at any moment.
            let mut k = i;
            while start.elapsed() < duration {
                let Some((q, a)) = args.get(k % args.len()) else {
                    break;
                };
                k += 1;
                let t = Instant::now();
                let r = match a {
                    Argument::Summarize(a) => h.summarize(a).await.map(|_| ()),
                    Argument::List(a) => h.list(a).await.map(|_| ()),
                };
                match r {
                    Ok(()) => {
                        metrics.record(&q.series(), t.elapsed());
                        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                    Err(e) => errors.add(format!("{}: {e}", q.name())),
                }
            }
            if let Err(e) = c.release().await {
                errors.add(format!("release: {e}"));
            }
        }));
    }
    for t in tasks {
        if let Err(e) = t.await {
            errors.add(format!("client task: {e}"));
        }
    }
    let elapsed = start.elapsed().as_secs_f64().max(1e-9);
    let mut throughput = std::collections::BTreeMap::new();
    let mut latency = Vec::new();
    let mut total = 0;
    for q in &opts.queries {
        let s = metrics.summary(&q.series());
        if latency.iter().any(|r: &Row| r.name == q.series()) {
            continue;
        }
        total += s.count;
        throughput.insert(format!("{} queries", q.name()), s.count as f64 / elapsed);
        latency.push(Row {
            name: q.series(),
            summary: s,
        });
    }
    throughput.insert("all queries".into(), total as f64 / elapsed);
    Ok(Results {
        elapsed_s: elapsed,
        throughput,
        latency,
        errors: errors.count(),
        error_samples: errors.samples(),
        accounting: None,
        ok: errors.count() == 0 && total > 0,
        notes: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_query_kind_has_a_name_and_an_expressible_argument() {
        for q in Query::ALL {
            assert_eq!(Query::from_name(q.name()), Some(q));
            assert!(argument(q, 100).is_ok(), "{}", q.name());
        }
        assert_eq!(Query::from_name("nope"), None);
    }
}
