//! P3 delivery benchmark (issue 10): an MTA (`mstore::p3::mta`, the code behind
//! `mstore-bench deliver`) delivering builder messages over loopback to the P3 responder with
//! 1, 4 and 8 associations, each with one invoke outstanding (as MTAs deliver). Throughput is
//! per acknowledged delivery: file, directory and index durable before each result.

use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mstore::address::ORName;
use mstore::assoc::server::Server;
use mstore::assoc::{AppContext, Settings};
use mstore::directory::{EmbeddedDirectory, NewUser};
use mstore::p3::Responder;
use mstore::p3::mta::{self, Load, MtaOptions, Progress};
use mstore::store::Store;

const USERS: usize = 20;

/// Deliveries per measured iteration: `default` under `cargo bench`, a few when
/// `cargo test --all-targets` runs the benchmark once as a smoke test.
fn per_iteration() -> u64 {
    if std::env::args().any(|a| a == "--bench") {
        400
    } else {
        8
    }
}

struct Setup {
    _dir: tempfile::TempDir,
    rt: tokio::runtime::Runtime,
    addr: String,
    recipients: Vec<ORName>,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::create_dir_all(p.join("secrets")).expect("mkdir");
    std::fs::write(p.join("secrets/store-password"), "store-secret").expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            p.join("secrets/store-password"),
            std::fs::Permissions::from_mode(0o600),
        )
        .expect("chmod");
    }
    std::fs::write(
        p.join("mstore.toml"),
        "data-dir = \"data\"\n[store]\nname = \"bench\"\n\
         or-address = \"C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLZMSX\"\n\
         password-file = \"secrets/store-password\"\n\
         [directory]\nkind = \"embedded\"\nfile = \"directory.toml\"\n",
    )
    .expect("write config");
    let d = EmbeddedDirectory::open_or_create(p.join("directory.toml")).expect("directory");
    d.add_mta("mta1", b"mta-secret").expect("mta");
    let recipients: Vec<ORName> = (0..USERS)
        .map(|i| {
            format!("C=XX;A=ICAO;P=BENCH;O=ORG;OU1=LOC{i};CN=USER{i}")
                .parse()
                .expect("address")
        })
        .collect();
    let users: Vec<NewUser> = recipients
        .iter()
        .map(|r| NewUser::new(r.address.clone()))
        .collect();
    d.add_users(&users, b"pw").expect("users");
    let config = mstore::config::Config::load(p.join("mstore.toml")).expect("config");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let addr = rt.block_on(async {
        let store = Arc::new(Store::open(&config.data_dir).expect("store"));
        let directory = mstore::directory::from_config(&config).expect("directory");
        let responder = Arc::new(Responder::new(store, directory, config.store.clone()));
        let server = Server::bind(
            "127.0.0.1:0".parse().expect("address"),
            vec![AppContext::MtsForcedAccess88, AppContext::MtsForcedAccess94],
            Settings::default(),
        )
        .await
        .expect("listen");
        let addr = server.local_addr().to_string();
        tokio::spawn(mstore::p3::run(server, responder));
        addr
    });
    Setup {
        _dir: dir,
        rt,
        addr,
        recipients,
    }
}

fn delivery(c: &mut Criterion) {
    let s = setup();
    let n = per_iteration();
    let mut g = c.benchmark_group("p3_delivery");
    g.throughput(Throughput::Elements(n));
    for associations in [1usize, 4, 8] {
        g.bench_function(format!("{associations}_associations"), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for i in 0..iters {
                    let opts = MtaOptions {
                        server: s.addr.clone(),
                        tsel: None,
                        context: AppContext::MtsForcedAccess94,
                        mta: "mta1".into(),
                        password: b"mta-secret".to_vec(),
                        recipients: s.recipients.clone(),
                        associations,
                        window: 1,
                        load: Load::Messages(n),
                        seed: i,
                        ack_log: None,
                        settings: Settings::default(),
                    };
                    let r =
                        s.rt.block_on(mta::deliver(opts, Arc::new(Progress::default())))
                            .expect("run");
                    assert_eq!(r.errors, 0, "{:?}", r.error_samples);
                    total += r.elapsed;
                }
                total
            });
        });
    }
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(5))
}

criterion_group! {
    name = benches;
    config = config();
    targets = delivery
}
criterion_main!(benches);
