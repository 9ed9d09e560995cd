//! Bench users (X.402 O/R addresses, ICAO AMHS XF form): generates the users file that
//! `mixed`, `ua`, `deliver` and `search` read, and optionally adds the users to a store's
//! embedded directory (DESIGN.md §6), skipping those already there.

use std::collections::HashSet;
use std::path::Path;

use crate::address::ORAddress;
use crate::config::Config;
use crate::directory::{Directory, DirectoryError, EmbeddedDirectory, NewUser};

/// Why users could not be added.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UsersError {
    /// The configuration could not be read or has no embedded directory.
    #[error("{0}")]
    Config(String),
    /// The directory refused.
    #[error(transparent)]
    Directory(#[from] DirectoryError),
}

/// `count` distinct addresses: `C=XX;A=ICAO;P=MSTORE;O=BENCH;OU1=UA00001` and onwards.
pub fn addresses(count: usize) -> Vec<String> {
    (1..=count)
        .map(|i| format!("C=XX;A=ICAO;P=MSTORE;O=BENCH;OU1=UA{i:05}"))
        .collect()
}

/// Adds the users of `addresses` that the embedded directory of `config` does not hold yet,
/// all with `password`; returns how many were added.
pub fn add_to_directory(
    config: &Path,
    addresses: &[String],
    password: &[u8],
) -> Result<usize, UsersError> {
    let config = Config::load(config).map_err(|e| UsersError::Config(e.to_string()))?;
    let file = config.embedded_directory_file().ok_or_else(|| {
        UsersError::Config(format!(
            "{}: directory.kind is not \"embedded\": add the users to LDAP",
            config.file.display()
        ))
    })?;
    let dir = EmbeddedDirectory::open_or_create(file)?;
    let existing: HashSet<String> = dir
        .list_users()?
        .iter()
        .map(|u| u.or_address.canonical())
        .collect();
    let mut new = Vec::new();
    for a in addresses {
        let addr: ORAddress = a
            .parse()
            .map_err(|e| UsersError::Config(format!("`{a}`: {e}")))?;
        if !existing.contains(&addr.canonical()) {
            new.push(NewUser::new(addr));
        }
    }
    if !new.is_empty() {
        dir.add_users(&new, password)?;
    }
    Ok(new.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_distinct_and_parse() {
        let a = addresses(12);
        assert_eq!(a.len(), 12);
        let set: HashSet<String> = a
            .iter()
            .map(|s| s.parse::<ORAddress>().unwrap().canonical())
            .collect();
        assert_eq!(set.len(), 12);
    }
}
