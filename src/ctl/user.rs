//! `mstorectl user …` and `mstorectl mta …`: manage the embedded directory (DESIGN.md §6).
//! Every change is one atomic rewrite of the directory file: all or nothing.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};

use super::{CtlError, CtlResult};
use crate::address::ORAddress;
use crate::config::{Config, Secret};
use crate::directory::{Directory, DirectoryError, EmbeddedDirectory, NewUser};

/// Largest `--from-file` address list read.
const MAX_ADDRESS_FILE: u64 = 16 << 20;

/// `mstorectl user`.
#[derive(Debug, Args)]
pub struct UserArgs {
    #[command(subcommand)]
    command: UserCommand,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add users (all with the same password); nothing is written if any is refused.
    Add(AddArgs),
    /// List users.
    List(ListArgs),
    /// Remove a user.
    Remove(RemoveArgs),
}

#[derive(Debug, Args)]
struct ConfigArg {
    /// The store's configuration file (mstore.toml).
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("who").required(true))]
struct AddArgs {
    #[command(flatten)]
    config: ConfigArg,
    /// The user's O/R address, e.g. "C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLZPZX".
    #[arg(long, value_name = "ADDR", group = "who")]
    or_address: Option<String>,
    /// A file with one O/R address per line (blank lines and # comments skipped).
    #[arg(long, value_name = "F", group = "who")]
    from_file: Option<PathBuf>,
    /// File holding the password (one trailing newline ignored).
    #[arg(long, value_name = "P")]
    password_file: PathBuf,
    /// The user's directory name (only with --or-address).
    #[arg(long, value_name = "DN", requires = "or_address")]
    dn: Option<String>,
    /// Keep (true) or not (false) the users' submitted messages in their submission class,
    /// whatever `[submission] outbox` says; absent: the configuration decides.
    #[arg(long, value_name = "true|false", action = clap::ArgAction::Set)]
    outbox: Option<bool>,
}

#[derive(Debug, Args)]
struct ListArgs {
    #[command(flatten)]
    config: ConfigArg,
    /// One JSON array instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct RemoveArgs {
    #[command(flatten)]
    config: ConfigArg,
    /// The user's O/R address (matched canonically).
    #[arg(long, value_name = "ADDR")]
    or_address: String,
}

/// `mstorectl mta`.
#[derive(Debug, Args)]
pub struct MtaArgs {
    #[command(subcommand)]
    command: MtaCommand,
}

#[derive(Debug, Subcommand)]
enum MtaCommand {
    /// Allow an MTA to bind (P3) with a name and password.
    Add(MtaAddArgs),
}

#[derive(Debug, Args)]
struct MtaAddArgs {
    #[command(flatten)]
    config: ConfigArg,
    /// The MTA's name (its MTS-Bind initiator-name).
    #[arg(long, value_name = "NAME")]
    name: String,
    /// File holding the password (one trailing newline ignored).
    #[arg(long, value_name = "P")]
    password_file: PathBuf,
}

/// Run `mstorectl user …`.
pub fn run(args: UserArgs) -> CtlResult {
    init_logging();
    match args.command {
        UserCommand::Add(a) => add(a),
        UserCommand::List(a) => list(a),
        UserCommand::Remove(a) => remove(a),
    }
}

/// Run `mstorectl mta …`.
pub fn run_mta(args: MtaArgs) -> CtlResult {
    init_logging();
    match args.command {
        MtaCommand::Add(a) => {
            let dir = open_directory(&a.config.config, true)?;
            let password = read_password(&a.password_file)?;
            dir.add_mta(&a.name, password.expose()).map_err(ctl_error)?;
            println!("added MTA {}", a.name);
            Ok(())
        }
    }
}

/// Warnings (a world-readable secret file, …) reach the operator on stderr.
fn init_logging() {
    // Only a bad filter can fail, and "warn" is valid.
    let _ = crate::logging::init(crate::logging::LogFormat::Human, "warn");
}

fn add(a: AddArgs) -> CtlResult {
    // Read and check every input before touching the directory.
    let mut users = match (&a.or_address, &a.from_file) {
        (Some(addr), _) => {
            let mut u = NewUser::new(parse_address(addr)?);
            u.dn = a.dn.clone();
            vec![u]
        }
        (None, Some(f)) => read_address_file(f)?,
        (None, None) => return Err(CtlError::Input("give --or-address or --from-file".into())),
    };
    for u in &mut users {
        u.outbox = a.outbox;
    }
    let password = read_password(&a.password_file)?;
    let dir = open_directory(&a.config.config, true)?;
    dir.add_users(&users, password.expose())
        .map_err(ctl_error)?;
    for u in &users {
        println!("added {}", u.or_address);
    }
    Ok(())
}

fn list(a: ListArgs) -> CtlResult {
    let dir = open_directory(&a.config.config, false)?;
    let users = dir.list_users().map_err(ctl_error)?;
    let mut out = std::io::stdout().lock();
    if a.json {
        let records: Vec<_> = users.iter().map(|u| u.to_record()).collect();
        let json = serde_json::to_string_pretty(&records).context("JSON output")?;
        writeln!(out, "{json}").context("writing to stdout")?;
    } else {
        for u in &users {
            match &u.dn {
                Some(dn) => writeln!(out, "{}\t{dn}", u.or_address),
                None => writeln!(out, "{}", u.or_address),
            }
            .context("writing to stdout")?;
        }
    }
    Ok(())
}

fn remove(a: RemoveArgs) -> CtlResult {
    let address = parse_address(&a.or_address)?;
    let dir = open_directory(&a.config.config, false)?;
    let removed = dir.remove_user(&address).map_err(ctl_error)?;
    println!("removed {}", removed.or_address);
    Ok(())
}

fn parse_address(text: &str) -> Result<ORAddress, CtlError> {
    text.trim()
        .parse()
        .map_err(|e| CtlError::Input(format!("invalid O/R address `{}`: {e}", text.trim())))
}

/// One O/R address per line; blank lines and `#` comments skipped; every bad line refuses the
/// whole file (named with its line number).
fn read_address_file(path: &Path) -> Result<Vec<NewUser>, CtlError> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_ADDRESS_FILE + 1).read_to_string(&mut text))
        .map_err(|e| CtlError::Input(format!("{}: cannot read: {e}", path.display())))?;
    if text.len() as u64 > MAX_ADDRESS_FILE {
        return Err(CtlError::Input(format!(
            "{}: larger than {MAX_ADDRESS_FILE} bytes",
            path.display()
        )));
    }
    let mut users = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let addr: ORAddress = line.parse().map_err(|e| {
            CtlError::Input(format!(
                "{}: line {}: invalid O/R address `{line}`: {e}",
                path.display(),
                n + 1
            ))
        })?;
        users.push(NewUser::new(addr));
    }
    if users.is_empty() {
        return Err(CtlError::Input(format!(
            "{}: no O/R addresses in it",
            path.display()
        )));
    }
    Ok(users)
}

fn read_password(path: &Path) -> Result<Secret, CtlError> {
    Secret::read_password_file(path)
        .map_err(|e| CtlError::Input(format!("password file {}: {e}", path.display())))
}

fn open_directory(config: &Path, create: bool) -> Result<EmbeddedDirectory, CtlError> {
    let config = Config::load(config).map_err(|e| CtlError::Input(e.to_string()))?;
    let Some(file) = config.embedded_directory_file() else {
        return Err(CtlError::Input(format!(
            "{}: directory.kind is not \"embedded\"; manage users in the LDAP directory",
            config.file.display()
        )));
    };
    let opened = if create {
        EmbeddedDirectory::open_or_create(file)
    } else {
        EmbeddedDirectory::open(file)
    };
    opened.map_err(ctl_error)
}

/// Operator mistakes (duplicates, unknown users, a broken directory file) exit 2 with one
/// line; I/O failures exit 1.
fn ctl_error(e: DirectoryError) -> CtlError {
    match e {
        DirectoryError::Io { ref source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            CtlError::Input(e.to_string())
        }
        DirectoryError::Io { .. } | DirectoryError::Hash(_) | DirectoryError::Unavailable(_) => {
            CtlError::Failed(anyhow::Error::new(e))
        }
        other => CtlError::Input(other.to_string()),
    }
}
