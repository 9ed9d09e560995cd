//! The bench harness end to end (issue 12): `mstore-bench users` writes and registers the
//! users, `mstore-bench mixed` delivers over P3 and runs UAs in the alert → fetch → delete loop
//! over P7 against the store's service (in-process, as mstored runs it), accounts for every
//! message, and writes a JSON report and an SVG chart. No timing is asserted.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use std::path::Path;
use std::sync::Arc;

use mstore::config::Config;
use mstore::directory::EmbeddedDirectory;
use mstore::p7::ops::bind::BindContext;
use mstore::p7::service::{Running, Service};
use mstore::store::{EntryClass, Store};

const BENCH: &str = env!("CARGO_BIN_EXE_mstore-bench");

fn secret(dir: &Path, name: &str, value: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, value).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    p
}

fn write_config(dir: &Path) -> std::path::PathBuf {
    secret(dir, "store-password", "store-secret");
    let path = dir.join("mstore.toml");
    std::fs::write(
        &path,
        "data-dir = \"data\"\n\
         [[listeners]]\naddress = \"127.0.0.1:0\"\nt-selector = \"3001\"\n\
         protocols = [\"p7\", \"p3\"]\n\
         [store]\nname = \"mstore\"\nor-address = \"C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLZMSX\"\n\
         password-file = \"store-password\"\n\
         [directory]\nkind = \"embedded\"\nfile = \"directory.toml\"\n",
    )
    .unwrap();
    path
}

/// The store's P7 + P3 service as mstored starts it.
async fn serve(config: &Config) -> (Running, Arc<Store>) {
    let store = Arc::new(Store::open(&config.data_dir).unwrap());
    let directory = mstore::directory::from_config(config).unwrap();
    let p3 = Arc::new(
        mstore::p3::Responder::new(store.clone(), directory.clone(), config.store.clone())
            .max_message_size(config.limits.max_message_size),
    );
    let svc = Arc::new(Service::new(
        store.clone(),
        directory,
        BindContext::from_config(config),
    ));
    let running = mstore::server::start(config, vec![svc, p3]).await.unwrap();
    (running, store)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mixed_run_accounts_for_every_message_and_writes_report_and_chart() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let config_path = write_config(d);
    let user_pw = secret(d, "user-password", "bench-user");
    let mta_pw = secret(d, "mta-password", "bench-mta");
    EmbeddedDirectory::open_or_create(d.join("directory.toml"))
        .unwrap()
        .add_mta("bench-mta", b"bench-mta")
        .unwrap();
    // `users` writes the file and adds the users to the embedded directory.
    let users = d.join("users.txt");
    let out = std::process::Command::new(BENCH)
        .args(["users", "--count", "3", "--out"])
        .arg(&users)
        .arg("--config")
        .arg(&config_path)
        .arg("--password-file")
        .arg(&user_pw)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(std::fs::read_to_string(&users).unwrap().lines().count(), 3);

    let config = Config::load(&config_path).unwrap();
    let (running, store) = serve(&config).await;
    let addr = running.local_addrs()[0].to_string();
    let report = d.join("report.json");
    let chart = d.join("chart.svg");
    let out = tokio::process::Command::new(BENCH)
        .args(["mixed", "--server", &addr, "--tsel", "3001"])
        .args(["--mta", "bench-mta", "--mta-password-file"])
        .arg(&mta_pw)
        .arg("--users")
        .arg(&users)
        .arg("--password-file")
        .arg(&user_pw)
        .args(["--clients", "2", "--associations", "2"])
        .args(["--rate", "20", "--duration", "2s", "--drain", "5s"])
        .arg("--report")
        .arg(&report)
        .arg("--chart")
        .arg(&chart)
        .arg("--disk-dir")
        .arg(&config.data_dir)
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "mixed failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("0 lost"), "{stdout}");

    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(v["scenario"], "mixed");
    assert_eq!(v["config"]["clients"], 2);
    assert!(v["machine"]["cores"].as_u64().unwrap() >= 1);
    assert!(
        v["machine"]["disk"]["fsynced_writes_per_s"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    let acc = &v["results"]["accounting"];
    let acked = acc["acknowledged"].as_u64().unwrap();
    assert!(acked > 0, "{acc}");
    assert_eq!(acc["lost"], 0);
    assert_eq!(acc["alerted"].as_u64(), Some(acked));
    assert_eq!(acc["fetched"].as_u64(), Some(acked));
    assert_eq!(acc["deleted"].as_u64(), Some(acked));
    assert_eq!(v["results"]["ok"], true);
    let rows = v["results"]["latency"].as_array().unwrap();
    let alert = rows
        .iter()
        .find(|r| r["name"] == "delivery → alert")
        .unwrap();
    assert_eq!(alert["count"].as_u64(), Some(acked));
    assert!(alert["p99_ms"].as_f64().unwrap() > 0.0);
    assert!(!v["timeline"].as_array().unwrap().is_empty());

    let svg = std::fs::read_to_string(&chart).unwrap();
    assert!(svg.starts_with("<?xml") && svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("<polyline"));
    // An independent XML parser, when the machine has one.
    if let Ok(o) = std::process::Command::new("python3")
        .args([
            "-c",
            "import xml.dom.minidom,sys;xml.dom.minidom.parse(sys.argv[1])",
        ])
        .arg(&chart)
        .output()
    {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }

    // What the UAs deleted is gone from the store: every mailbox is empty again.
    running.shutdown().await;
    let mailboxes = store.mailboxes();
    assert_eq!(mailboxes.len(), 2, "the two UAs' mailboxes");
    for (id, _) in mailboxes {
        let counts = store.counts(&id, EntryClass::Inbox).unwrap();
        assert_eq!(counts, [0, 0, 0], "entries left in {id}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_run_times_every_query_kind_on_a_preloaded_store() {
    use mstore::bench::{metrics, search};
    use mstore::store::preload::{self, Generator, PreloadOptions};
    let dir = tempfile::tempdir().unwrap();
    let config_path = write_config(dir.path());
    let addresses = mstore::bench::users::addresses(2);
    mstore::bench::users::add_to_directory(&config_path, &addresses, b"pw").unwrap();
    let config = Config::load(&config_path).unwrap();
    {
        let store = Store::open(&config.data_dir).unwrap();
        let opts = PreloadOptions {
            recipients: addresses.clone(),
            messages: 60,
            seed: 3,
            size: 1000,
            new_fraction: 0.5,
            threads: 2,
            generator: Generator::Builder,
        };
        assert_eq!(
            preload::preload(&store, &opts, &|_| {}, &|_| {}).unwrap(),
            60
        );
        store.close().unwrap();
    }
    let (running, _store) = serve(&config).await;
    let opts = search::SearchOptions {
        server: running.local_addrs()[0].to_string(),
        tsel: Some(b"3001".to_vec()),
        users: addresses.iter().map(|a| a.parse().unwrap()).collect(),
        password: b"pw".to_vec(),
        clients: 2,
        duration: std::time::Duration::from_millis(500),
        queries: search::Query::ALL.to_vec(),
        limit: 10,
        edition: mstore::p7::Edition::V88,
        settings: mstore::assoc::Settings::default(),
    };
    let m = Arc::new(metrics::Metrics::new());
    let errors = Arc::new(metrics::Errors::default());
    let r = search::run(&opts, m.clone(), errors.clone()).await.unwrap();
    assert_eq!(errors.samples(), Vec::<String>::new());
    assert!(r.ok);
    assert_eq!(r.latency.len(), 4);
    for row in &r.latency {
        assert!(row.summary.count > 0, "{} never ran", row.name);
    }
    running.shutdown().await;
}
