//! Password hashes of the embedded directory: argon2id (RFC 9106) in PHC string form
//! (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`).

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;

/// Memory cost in KiB of new hashes: the OWASP minimum for argon2id (19 MiB).
pub const M_COST_KIB: u32 = 19 * 1024;
/// Iterations of new hashes (OWASP minimum with 19 MiB).
pub const T_COST: u32 = 2;
/// Lanes of new hashes.
pub const P_COST: u32 = 1;

/// Largest memory cost accepted from a directory file (1 GiB): a hand-edited hash must not
/// make every bind allocate unbounded memory.
const MAX_M_COST_KIB: u32 = 1 << 20;
/// Largest iteration count accepted from a directory file.
const MAX_T_COST: u32 = 64;
/// Largest lane count accepted from a directory file.
const MAX_P_COST: u32 = 16;

/// Why a hash could not be made or used.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HashError(String);

fn hasher() -> Result<Argon2<'static>, HashError> {
    let params = Params::new(M_COST_KIB, T_COST, P_COST, None)
        .map_err(|e| HashError(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hash `password` with argon2id and a fresh random 16-byte salt; PHC string form.
pub fn hash_password(password: &[u8]) -> Result<String, HashError> {
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| HashError(format!("salt: {e}")))?;
    let hash = hasher()?
        .hash_password(password, &salt)
        .map_err(|e| HashError(format!("argon2: {e}")))?;
    Ok(hash.to_string())
}

/// Check that `phc` is an argon2 PHC string with sane parameters (done when the directory
/// file is read, so a broken entry is reported with its field, not at bind time).
pub fn check_hash(phc: &str) -> Result<(), String> {
    let parsed = PasswordHash::new(phc).map_err(|e| format!("not a PHC string: {e}"))?;
    match parsed.algorithm.as_str() {
        "argon2id" | "argon2i" | "argon2d" => {}
        other => return Err(format!("algorithm `{other}` is not argon2")),
    }
    let params = Params::try_from(&parsed).map_err(|e| format!("argon2 parameters: {e}"))?;
    if params.m_cost() > MAX_M_COST_KIB
        || params.t_cost() > MAX_T_COST
        || params.p_cost() > MAX_P_COST
    {
        return Err(format!(
            "argon2 parameters m={},t={},p={} exceed the accepted maximum m={MAX_M_COST_KIB},t={MAX_T_COST},p={MAX_P_COST}",
            params.m_cost(),
            params.t_cost(),
            params.p_cost()
        ));
    }
    if parsed.hash.is_none() || parsed.salt.is_none() {
        return Err("hash or salt missing".into());
    }
    Ok(())
}

/// Does `password` match the PHC string `phc`? An unparsable hash never matches.
pub fn verify_password(phc: &str, password: &[u8]) -> bool {
    if check_hash(phc).is_err() {
        return false;
    }
    match PasswordHash::new(phc) {
        // The hash's own parameters are used, so older hashes keep verifying.
        Ok(parsed) => Argon2::default().verify_password(password, &parsed).is_ok(),
        Err(_) => false,
    }
}

/// Spend the same time as a real verification, for unknown users: answering "unknown user"
/// faster than "wrong password" would tell a prober which addresses exist.
pub fn burn_verification(password: &[u8]) {
    static DUMMY: OnceLock<Option<String>> = OnceLock::new();
    if let Some(phc) = DUMMY.get_or_init(|| hash_password(b"mstore-dummy").ok()) {
        let _ = verify_password(phc, password);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_verifies_and_is_argon2id_with_owasp_params() {
        let h = hash_password(b"secret").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(check_hash(&h).is_ok());
        assert!(verify_password(&h, b"secret"));
        assert!(!verify_password(&h, b"Secret"));
        assert!(!verify_password(&h, b""));
        // Fresh salt each time.
        assert_ne!(h, hash_password(b"secret").unwrap());
    }

    #[test]
    fn bad_hashes_refused() {
        assert!(check_hash("secret").is_err());
        assert!(check_hash("$pbkdf2-sha256$i=1000$c2FsdA$aGFzaA").is_err());
        assert!(!verify_password("garbage", b"x"));
        let huge = "$argon2id$v=19$m=4000000,t=2,p=1$c2FsdHNhbHRzYWx0$qLml5cbs+Tzv3FsV0ppgmWh3Y0fOKWLmp+DaYpRYgzE";
        assert!(check_hash(huge).unwrap_err().contains("exceed"));
    }
}
