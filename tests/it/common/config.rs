//! The shipped configuration (DESIGN.md §6) copied into a test's own folder.

use std::path::{Path, PathBuf};

pub fn shipped_config_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("config")
}

/// Copy the shipped config (mstore.toml, directory.toml, secrets/) into `dir`, secrets 0600.
pub fn copy_default_config(dir: &Path) -> PathBuf {
    let src = shipped_config_dir();
    std::fs::copy(src.join("mstore.toml"), dir.join("mstore.toml")).unwrap();
    std::fs::copy(src.join("directory.toml"), dir.join("directory.toml")).unwrap();
    std::fs::create_dir_all(dir.join("secrets")).unwrap();
    for e in std::fs::read_dir(src.join("secrets")).unwrap() {
        let e = e.unwrap();
        let to = dir.join("secrets").join(e.file_name());
        std::fs::copy(e.path(), &to).unwrap();
        set_mode(&to, 0o600);
    }
    dir.join("mstore.toml")
}

pub fn set_mode(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// The `[store]`, embedded `[directory]` and `[log]` sections the P7 and submission tests
/// write after their own: store password in `store-password`, users in `directory.toml`,
/// audit to `audit.log`.
pub const STORE_SECTIONS: &str = r#"[store]
name = "mstore"
or-address = "C=XX;A=ICAO;P=MSTORE;O=AFTN;OU1=EGLLZMSX"
password-file = "store-password"
[directory]
kind = "embedded"
file = "directory.toml"
[log]
audit-file = "audit.log"
"#;
