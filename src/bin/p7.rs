//! p7: a P7 (X.413 MS access) client for operators and tests: bind, then Summarize, List,
//! Fetch, Delete, Modify, Register-MS or Submit (X.413 §8.3 indirect submission), and release.
//! Tables for people, `--json` for scripts.
//!
//! Exit codes: 0 done; 1 store unreachable or protocol failure; 2 bad command line or input;
//! 3 bind refused (authentication, or the store will not take the bind now: the message names
//! the X.413 problem); 4 no such entry (sequence-number-error); 5 any other X.413 or X.411
//! error (remote-bind-error: the store could not reach its MTA) or reject.

use std::path::PathBuf;
use std::process::ExitCode;
use std::str::FromStr;

use clap::{Parser, Subcommand, ValueEnum};
use mstore::address::ORAddress;
use mstore::asn1::oids;
use mstore::asn1::x413::{self as x, P7Error};
use mstore::config::Secret;
use mstore::p7::client::{ClientError, ClientOptions, P7Client};
use mstore::p7::{Edition, attrs};
use mstore::store::filter_text;
use mstore::store::query::{Attr, Filter, FilterItem, Value};
use rasn::types::ObjectIdentifier;
use serde_json::json;

#[derive(Debug, Parser)]
#[command(name = "p7", version, about = "P7 client of an X.400 message store")]
struct Args {
    /// The store, HOST:PORT.
    #[arg(long, value_name = "HOST:PORT")]
    server: String,
    /// Called T-selector (text).
    #[arg(long, value_name = "T")]
    tsel: Option<String>,
    /// The user's O/R address.
    #[arg(long, value_name = "ORADDR")]
    user: String,
    /// File holding the user's password.
    #[arg(long, value_name = "F")]
    password_file: PathBuf,
    /// Application context: ms-access-88 or ms-access-94 (default 88; 94 when the command
    /// names the submission class, which only 1994 has).
    #[arg(long, value_enum)]
    context: Option<Context>,
    /// Machine-readable output.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Context {
    #[value(name = "88")]
    V88,
    #[value(name = "94")]
    V94,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Class {
    Delivery,
    Submission,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Count the entries (and the new ones).
    Summarize {
        /// Entry class.
        #[arg(long, value_enum, default_value = "delivery")]
        class: Class,
    },
    /// List entries (new ones become listed).
    List {
        /// Only new entries.
        #[arg(long)]
        new: bool,
        /// RFC 4515 filter over MS attribute names, e.g. `(priority=urgent)`.
        #[arg(long, value_name = "EXPR")]
        filter: Option<String>,
        /// Attributes to return (comma-separated names).
        #[arg(long, value_delimiter = ',')]
        attrs: Vec<String>,
        /// Entry class.
        #[arg(long, value_enum, default_value = "delivery")]
        class: Class,
    },
    /// Fetch one entry (it becomes processed).
    Fetch {
        /// Sequence number.
        seq: u32,
        /// Write the content (BER) to this file.
        #[arg(long, conflicts_with = "text")]
        out: Option<PathBuf>,
        /// Print the text body.
        #[arg(long)]
        text: bool,
    },
    /// Delete entries.
    Delete {
        /// Sequence numbers.
        #[arg(required = true)]
        seqs: Vec<u32>,
    },
    /// Set the retrieval status of entries (Modify; needs `--context 94`).
    Modify {
        /// Sequence numbers.
        #[arg(required = true)]
        seqs: Vec<u32>,
        /// The new status.
        #[arg(long, value_enum)]
        status: Status,
    },
    /// Register an auto-alert (Register-MS): the store alerts bound associations of this user
    /// on each matching new entry, and flags missed alerts at the next bind.
    RegisterAlert {
        /// Registration identifier.
        #[arg(long, default_value_t = 1)]
        id: u32,
        /// RFC 4515 filter over MS attribute names, e.g. `(priority=urgent)`.
        #[arg(long, value_name = "EXPR")]
        filter: Option<String>,
    },
    /// Change the user's password (Register-MS change-credentials).
    ChangePassword {
        /// File holding the new password.
        #[arg(long, value_name = "F")]
        new_password_file: PathBuf,
    },
    /// Submit a message through the store (indirect submission): the store passes it to its
    /// MTA and, when configured, keeps a copy in the submission class.
    Submit {
        /// Recipients' O/R addresses.
        #[arg(long, required = true, num_args = 1..)]
        to: Vec<String>,
        /// Subject.
        #[arg(long)]
        subject: String,
        /// File holding the text body (IA5).
        #[arg(
            long,
            value_name = "F",
            conflicts_with = "text",
            required_unless_present = "text"
        )]
        body_file: Option<PathBuf>,
        /// The text body (IA5).
        #[arg(long, value_name = "T")]
        text: Option<String>,
        /// Envelope priority.
        #[arg(long, value_enum)]
        priority: Option<PriorityArg>,
        /// STANAG 4406 primary precedence (name or 0..=31): sends a P772 message.
        #[arg(long, value_parser = parse_precedence)]
        precedence: Option<i64>,
        /// AMHS ATS priority indicator: the ATS-message-header heads the text.
        #[arg(long, value_enum)]
        ats_priority: Option<AtsPriority>,
        /// Content identifier on the envelope.
        #[arg(long, value_name = "ID")]
        content_id: Option<String>,
    },
    /// Remove an auto-alert registration.
    Deregister {
        /// Registration identifier.
        id: u32,
    },
    /// Register an auto-alert and print each alert as it comes, until the association ends or
    /// SIGINT/SIGTERM (then it unbinds and exits 0); with --fetch and --delete, the alert →
    /// fetch → delete loop of AMHS terminals.
    Watch {
        /// Registration identifier.
        #[arg(long, default_value_t = 1)]
        id: u32,
        /// RFC 4515 filter over MS attribute names.
        #[arg(long, value_name = "EXPR")]
        filter: Option<String>,
        /// Fetch each alerted entry and print it.
        #[arg(long)]
        fetch: bool,
        /// Delete each alerted entry after it was printed (or fetched).
        #[arg(long)]
        delete: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum PriorityArg {
    Normal,
    NonUrgent,
    Urgent,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum AtsPriority {
    #[value(name = "SS")]
    Ss,
    #[value(name = "DD")]
    Dd,
    #[value(name = "FF")]
    Ff,
    #[value(name = "GG")]
    Gg,
    #[value(name = "KK")]
    Kk,
}

/// STANAG 4406 precedence by name or number (deferred 0 … override 5, 16–31 national).
fn parse_precedence(s: &str) -> Result<i64, String> {
    let named = [
        ("deferred", 0),
        ("routine", 1),
        ("priority", 2),
        ("immediate", 3),
        ("flash", 4),
        ("override", 5),
    ];
    if let Some((_, v)) = named.iter().find(|(n, _)| n.eq_ignore_ascii_case(s)) {
        return Ok(*v);
    }
    match s.parse::<i64>() {
        Ok(v) if (0..=31).contains(&v) => Ok(v),
        _ => Err(format!(
            "`{s}`: expected deferred, routine, priority, immediate, flash, override or 0..=31"
        )),
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Status {
    New,
    Listed,
    Processed,
}

/// A failure and its exit code.
struct Failure(u8, String);

impl From<ClientError> for Failure {
    fn from(e: ClientError) -> Self {
        let code = match &e {
            ClientError::Authentication | ClientError::BindRefused(_) => 3,
            ClientError::Operation(P7Error::SequenceNumber(_)) => 4,
            ClientError::Operation(_) | ClientError::Rejected(_) | ClientError::X411(_) => 5,
            _ => 1,
        };
        Failure(code, e.to_string())
    }
}

fn input(msg: impl Into<String>) -> Failure {
    Failure(2, msg.into())
}

fn main() -> ExitCode {
    mstore::ctl::exit_quietly_on_broken_pipe();
    let args = Args::parse();
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("p7: {e}");
            return ExitCode::from(1);
        }
    };
    match rt.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(code, msg)) => {
            eprintln!("p7: {msg}");
            ExitCode::from(code)
        }
    }
}

fn class_of(c: Class) -> Option<x::EntryClass> {
    match c {
        Class::Delivery => None,
        Class::Submission => Some(x::EntryClass::SUBMISSION),
    }
}

async fn run(args: Args) -> Result<(), Failure> {
    let user = ORAddress::from_str(&args.user)
        .map_err(|e| input(format!("--user: not an O/R address: {e}")))?;
    let password = Secret::read_password_file(&args.password_file)
        .map_err(|e| input(format!("--password-file: {e}")))?;
    // Check the command's own input before connecting.
    let filter = match &args.command {
        Command::List { new, filter, .. } => {
            let mut parts = Vec::new();
            if let Some(f) = filter {
                parts.push(filter_text::parse(f).map_err(|e| input(format!("--filter: {e}")))?);
            }
            if *new {
                parts.push(Filter::Item(FilterItem::Equality(
                    Attr::RetrievalStatus,
                    Value::Int(0),
                )));
            }
            match parts.len() {
                0 => None,
                1 => parts.pop(),
                _ => Some(Filter::And(parts)),
            }
            .map(|f| attrs::filter_to_x413(&f))
            .transpose()
            .map_err(|e| input(format!("--filter: {e}")))?
        }
        Command::RegisterAlert {
            filter: Some(f), ..
        }
        | Command::Watch {
            filter: Some(f), ..
        } => Some(
            filter_text::parse(f)
                .map_err(|e| input(format!("--filter: {e}")))
                .and_then(|f| {
                    attrs::filter_to_x413(&f).map_err(|e| input(format!("--filter: {e}")))
                })?,
        ),
        _ => None,
    };
    let new_password = match &args.command {
        Command::ChangePassword { new_password_file } => Some(
            Secret::read_password_file(new_password_file)
                .map_err(|e| input(format!("--new-password-file: {e}")))?,
        ),
        _ => None,
    };
    let submission_class = matches!(
        args.command,
        Command::List {
            class: Class::Submission,
            ..
        } | Command::Summarize {
            class: Class::Submission
        }
    );
    let context = args.context.unwrap_or(if submission_class {
        Context::V94
    } else {
        Context::V88
    });
    if matches!(args.command, Command::Modify { .. }) && matches!(context, Context::V88) {
        return Err(input("modify is a 1994 operation: use --context 94"));
    }
    if submission_class && matches!(context, Context::V88) {
        return Err(input(
            "the submission class exists in 1994 only: use --context 94",
        ));
    }
    let composed = match &args.command {
        Command::Submit {
            to,
            subject,
            body_file,
            text,
            priority,
            precedence,
            ats_priority,
            content_id,
        } => {
            let body = match (body_file, text) {
                (Some(f), _) => std::fs::read_to_string(f)
                    .map_err(|e| input(format!("--body-file {}: {e}", f.display())))?,
                (None, Some(t)) => t.clone(),
                (None, None) => return Err(input("give --body-file or --text")),
            };
            let mut rcpts = Vec::new();
            for t in to {
                rcpts.push(
                    ORAddress::from_str(t)
                        .map_err(|e| input(format!("--to {t}: not an O/R address: {e}")))?,
                );
            }
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            let c = mstore::p7::client::Compose {
                originator: user.clone(),
                to: rcpts,
                subject: subject.clone(),
                text: body,
                priority: priority.map(|p| match p {
                    PriorityArg::Normal => mstore::asn1::x411::Priority::Normal,
                    PriorityArg::NonUrgent => mstore::asn1::x411::Priority::NonUrgent,
                    PriorityArg::Urgent => mstore::asn1::x411::Priority::Urgent,
                }),
                precedence: *precedence,
                ats_priority: ats_priority.map(|a| format!("{a:?}").to_uppercase()),
                content_identifier: content_id.clone(),
                at_unix: now.as_secs(),
                serial: u64::from(now.subsec_micros()),
            };
            Some(
                mstore::p7::client::compose(&c)
                    .map_err(|e| input(format!("cannot compose the message: {e}")))?,
            )
        }
        _ => None,
    };
    let opts = ClientOptions {
        address: args.server.clone(),
        tsel: args.tsel.as_ref().map(|t| t.as_bytes().to_vec()),
        user,
        directory_name: None,
        password: password.expose().to_vec(),
        edition: match context {
            Context::V88 => Edition::V88,
            Context::V94 => Edition::V94,
        },
        configuration_request: true,
        fetch_restrictions: None,
        settings: mstore::assoc::Settings::default(),
    };
    let mut client = P7Client::connect(&opts).await?;
    let r = match (new_password, composed) {
        (Some(new), _) => {
            change_password(&client, password.expose(), new.expose(), args.json).await
        }
        (None, Some(m)) => submit(&client, &m, args.json).await,
        (None, None) => command(&mut client, &args, filter).await,
    };
    let released = client.release().await;
    r?;
    released.map_err(Failure::from)
}

fn alert_registration(
    id: u32,
    filter: Option<x::Filter>,
) -> Result<x::RegisterMSArgument, Failure> {
    let p = x::AutoAlertRegistrationParameter {
        filter,
        requested_attributes: Some(
            mstore::p7::ops::LIST_DEFAULT
                .iter()
                .filter_map(|a| attrs::oid_of(*a))
                .map(|o| x::AttributeSelection::all(ObjectIdentifier::from(o)))
                .collect::<Vec<_>>()
                .into(),
        ),
        ..Default::default()
    };
    let r = x::AutoActionRegistration::auto_alert(id, &p).map_err(|e| Failure(1, e.to_string()))?;
    Ok(x::RegisterMSArgument {
        auto_action_registrations: Some(x::Set(vec![r])),
        ..Default::default()
    })
}

async fn change_password(c: &P7Client, old: &[u8], new: &[u8], json: bool) -> Result<(), Failure> {
    let simple = |p: &[u8]| {
        mstore::asn1::x411::Credentials::Simple(mstore::asn1::x411::Password::OctetString(
            p.to_vec().into(),
        ))
    };
    c.register_ms(&x::RegisterMSArgument {
        change_credentials: Some(x::ChangeCredentials {
            old_credentials: simple(old),
            new_credentials: simple(new),
        }),
        ..Default::default()
    })
    .await?;
    if json {
        println!("{}", json!({ "changed": true }));
    } else {
        println!("password changed");
    }
    Ok(())
}

async fn submit(
    c: &P7Client,
    m: &mstore::asn1::x411::MessageSubmissionArgument,
    json: bool,
) -> Result<(), Failure> {
    let r = c.submit_message(m).await?;
    let id =
        mstore::content::envelope::mts_identifier_text(&r.result.message_submission_identifier);
    let time = r
        .result
        .message_submission_time
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    if json {
        println!(
            "{}",
            json!({
                "message-submission-identifier": id,
                "submission-time": time,
                "created-entry": r.created_entry,
            })
        );
    } else {
        match r.created_entry {
            Some(seq) => println!("submitted {id} at {time}; outbox entry {seq}"),
            None => println!("submitted {id} at {time}"),
        }
    }
    Ok(())
}

async fn command(c: &mut P7Client, args: &Args, filter: Option<x::Filter>) -> Result<(), Failure> {
    match &args.command {
        // Run before the match: they need the old password, or a composed message.
        Command::ChangePassword { .. } | Command::Submit { .. } => {}
        Command::Modify { seqs, status } => {
            let code = match status {
                Status::New => 0,
                Status::Listed => 1,
                Status::Processed => 2,
            };
            let r = c
                .modify(&x::ModifyArgument {
                    entry_class: None,
                    entries: x::ModifyEntries::SpecificEntries(seqs.clone()),
                    modifications: vec![x::EntryModification {
                        strict: None,
                        modification: x::Modification::AddAttribute(x::Attribute::single(
                            ObjectIdentifier::from(oids::ID_ATT_RETRIEVAL_STATUS),
                            x::value::integer(code),
                        )),
                    }],
                    modify_extensions: None,
                })
                .await?;
            let done = r.entries_modified.unwrap_or_default();
            if args.json {
                println!("{}", json!({ "modified": done }));
            } else {
                let list: Vec<String> = done.iter().map(u32::to_string).collect();
                println!("modified {}", list.join(" "));
            }
        }
        Command::RegisterAlert { id, .. } => {
            c.register_ms(&alert_registration(*id, filter)?).await?;
            if args.json {
                println!("{}", json!({ "registered": id }));
            } else {
                println!("registered auto-alert {id}");
            }
        }
        Command::Deregister { id } => {
            c.register_ms(&x::RegisterMSArgument {
                auto_action_deregistrations: Some(x::Set(vec![x::AutoActionDeregistration {
                    auto_action_type: ObjectIdentifier::from(oids::ID_ACT_AUTO_ALERT),
                    registration_identifier: Some(*id),
                }])),
                ..Default::default()
            })
            .await?;
            if args.json {
                println!("{}", json!({ "deregistered": id }));
            } else {
                println!("deregistered auto-alert {id}");
            }
        }
        Command::Watch {
            id, fetch, delete, ..
        } => {
            // Handlers installed before anything is said: a signal sent as soon as a script
            // reads "registered" must end the watch with a release, not kill the process.
            let stop = mstore::server::stop_signal();
            c.register_ms(&alert_registration(*id, filter)?).await?;
            // Said first, so a script knows from when on deliveries alert.
            if args.json {
                println!("{}", json!({ "registered": id }));
            } else {
                println!("watching: auto-alert {id} registered");
            }
            if c.bind_result.alert_indication == Some(true) && !args.json {
                println!("alerts fired while away: list new entries to see them");
            }
            tokio::pin!(stop);
            loop {
                let a = tokio::select! {
                    a = c.next_alert() => a,
                    // The caller releases the association (MS-Unbind) and exits 0.
                    () = &mut stop => break,
                };
                let Some(a) = a else { break };
                let Some(e) = a.new_entry else { continue };
                let seq = e.sequence_number;
                if *fetch {
                    let r = c.fetch(&x::FetchArgument::precise(seq)).await?;
                    if let Some(f) = r.entry_information {
                        if args.json {
                            println!("{}", entry_json(&f));
                        } else {
                            print_table(std::slice::from_ref(&f));
                        }
                    }
                } else if args.json {
                    println!("{}", entry_json(&e));
                } else {
                    print_table(std::slice::from_ref(&e));
                }
                if *delete {
                    c.delete(&x::DeleteArgument::sequence_numbers([seq]))
                        .await?;
                    if args.json {
                        println!("{}", json!({ "deleted": seq }));
                    } else {
                        println!("deleted {seq}");
                    }
                }
            }
        }
        Command::Summarize { class } => {
            let mut all = x::SummarizeArgument::new(x::Selector::default());
            all.entry_class = class_of(*class);
            let total = c.summarize(&all).await?;
            let mut new =
                x::SummarizeArgument::new(x::Selector::default().with_filter(x::Filter::equality(
                    ObjectIdentifier::from(oids::ID_ATT_RETRIEVAL_STATUS),
                    x::value::integer(0),
                )));
            new.entry_class = class_of(*class);
            let fresh = c.summarize(&new).await?;
            let span = total.span.map(|s| (s.lowest, s.highest));
            if args.json {
                println!(
                    "{}",
                    json!({
                        "count": total.count,
                        "new": fresh.count,
                        "lowest": span.map(|s| s.0),
                        "highest": span.map(|s| s.1),
                    })
                );
            } else {
                match span {
                    Some((l, h)) => println!(
                        "{} entries ({} new), sequence numbers {l}..{h}",
                        total.count, fresh.count
                    ),
                    None => println!("0 entries"),
                }
            }
        }
        Command::List {
            attrs: names,
            class,
            ..
        } => {
            let sel = x::Selector {
                filter,
                ..Default::default()
            };
            let mut a = x::ListArgument::new(sel);
            a.entry_class = class_of(*class);
            if !names.is_empty() {
                let mut s = Vec::new();
                for n in names {
                    let t = Attr::from_name(n)
                        .and_then(attrs::oid_of)
                        .map(ObjectIdentifier::from)
                        .or_else(|| oids::ms_attribute_by_name(n).map(ObjectIdentifier::from))
                        .ok_or_else(|| input(format!("--attrs: unknown attribute `{n}`")))?;
                    s.push(x::AttributeSelection::all(t));
                }
                a.requested_attributes = Some(s.into());
            }
            // The store caps one List (max-list-entries) and says where it stopped: go on
            // from there until everything selected has been listed.
            let mut entries = Vec::new();
            loop {
                let r = c.list(&a).await?;
                entries.extend(r.requested.unwrap_or_default());
                match r.next {
                    Some(n) => {
                        a.selector.range = Some(x::Range::SequenceNumberRange(x::NumberRange {
                            from: Some(n),
                            to: None,
                        }))
                    }
                    None => break,
                }
            }
            if args.json {
                let v: Vec<_> = entries.iter().map(entry_json).collect();
                println!("{}", json!({ "entries": v }));
            } else {
                print_table(&entries);
            }
        }
        Command::Fetch { seq, out, text } => {
            let r = c.fetch(&x::FetchArgument::precise(*seq)).await?;
            let e = r
                .entry_information
                .ok_or_else(|| Failure(1, "the store returned no entry".into()))?;
            let content = e
                .attribute(oids::ID_ATT_CONTENT)
                .and_then(|a| a.first())
                .and_then(|v| rasn::ber::decode::<rasn::types::OctetString>(v.as_bytes()).ok())
                .map(|o| o.to_vec());
            if let Some(path) = out {
                let bytes = content
                    .clone()
                    .ok_or_else(|| Failure(1, "no content returned".into()))?;
                std::fs::write(path, &bytes)
                    .map_err(|err| Failure(1, format!("{}: {err}", path.display())))?;
            }
            if *text {
                let bytes = content.unwrap_or_default();
                let (m, _) =
                    mstore::content::extract(None, &bytes, mstore::content::ContentKind::Auto);
                println!("{}", m.text);
            } else if args.json {
                println!("{}", entry_json(&e));
            } else if out.is_none() {
                print_table(std::slice::from_ref(&e));
            }
        }
        Command::Delete { seqs } => {
            let r = c
                .delete(&x::DeleteArgument::sequence_numbers(seqs.iter().copied()))
                .await?;
            let deleted = match r {
                x::DeleteResult::DeleteResult94(d) => d.entries_deleted.unwrap_or_default(),
                x::DeleteResult::DeleteResult88(()) => seqs.clone(),
            };
            if args.json {
                println!("{}", json!({ "deleted": deleted }));
            } else {
                let list: Vec<String> = deleted.iter().map(u32::to_string).collect();
                println!("deleted {}", list.join(" "));
            }
        }
    }
    Ok(())
}

/// The attributes of an entry as (name, display value) pairs.
fn entry_values(e: &x::EntryInformation) -> Vec<(String, Vec<Value>)> {
    let mut out = Vec::new();
    for a in e.attributes.iter().flat_map(|s| s.iter()) {
        let Some(attr) = attrs::attr_of(&a.attribute_type) else {
            continue;
        };
        let vals = a
            .attribute_values
            .iter()
            .filter_map(|v| attrs::decode_value(attr, v))
            .collect();
        out.push((attr.name().to_string(), vals));
    }
    out
}

fn show(attr: &str, v: &Value) -> String {
    let a = Attr::from_name(attr);
    match (a, v) {
        (Some(Attr::CreationTime), Value::Int(ms)) => {
            rasn::types::UtcTime::from_timestamp_millis(*ms)
                .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                .unwrap_or_else(|| ms.to_string())
        }
        (Some(a), Value::Int(n)) => a
            .named_values()
            .iter()
            .find(|(_, k)| k == n)
            .map(|(name, _)| name.to_string())
            .unwrap_or_else(|| n.to_string()),
        (_, v) => v.to_string(),
    }
}

fn entry_json(e: &x::EntryInformation) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    m.insert("sequence-number".into(), json!(e.sequence_number));
    for (name, vals) in entry_values(e) {
        let shown: Vec<serde_json::Value> = vals
            .iter()
            .map(|v| match (Attr::from_name(&name), v) {
                (
                    Some(Attr::SequenceNumber | Attr::ContentLength | Attr::ChildSequenceNumbers),
                    Value::Int(n),
                ) => {
                    json!(n)
                }
                _ => json!(show(&name, v)),
            })
            .collect();
        let v = if shown.len() == 1
            && Attr::from_name(&name).is_some_and(|a| !attrs::multi_valued(a))
        {
            shown.into_iter().next().unwrap_or(serde_json::Value::Null)
        } else {
            serde_json::Value::Array(shown)
        };
        m.insert(name, v);
    }
    serde_json::Value::Object(m)
}

fn print_table(entries: &[x::EntryInformation]) {
    let cols = [
        ("SEQ", "sequence-number"),
        ("STATUS", "retrieval-status"),
        ("PRIORITY", "priority"),
        ("LENGTH", "content-length"),
        ("CREATED", "creation-time"),
        ("ORIGINATOR", "originator-name"),
        ("SUBJECT", "subject"),
    ];
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let vals = entry_values(e);
            cols.iter()
                .map(|(_, name)| {
                    if *name == "sequence-number" {
                        return e.sequence_number.to_string();
                    }
                    vals.iter()
                        .find(|(n, _)| n == name)
                        .map(|(n, v)| v.iter().map(|x| show(n, x)).collect::<Vec<_>>().join(" "))
                        .unwrap_or_else(|| "-".into())
                })
                .collect()
        })
        .collect();
    let widths: Vec<usize> = cols
        .iter()
        .enumerate()
        .map(|(i, (h, _))| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|s| s.chars().count())
                .chain([h.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<String>| {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        println!("{}", parts.join("  ").trim_end());
    };
    line(cols.iter().map(|(h, _)| h.to_string()).collect());
    for r in rows {
        line(r);
    }
}
