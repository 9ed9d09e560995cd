//! `mstorectl address`: reads an X.411 §18 O/R address in text form and prints its canonical
//! (matching) form, optionally with the BER of the ORName.

use std::fmt::Write as _;

use clap::Args;

use super::{CtlError, CtlResult};
use crate::address::{ORAddress, ORName};

/// Arguments of `mstorectl address`.
#[derive(Debug, Args)]
pub struct AddressArgs {
    /// The O/R address, e.g. `C=XX;A=ICAO;P=HONGKONG;O=HKGCAD;OU1=VHHH;CN=VHHHZQZA` or the
    /// slash form `/C=gb/A= /P=smhs/O=percival/S=gal/`.
    pub addr: String,
    /// Also print the ORName BER ([APPLICATION 0]) as lower-case hex on a second line.
    #[arg(long)]
    pub hex: bool,
}

/// The lines `mstorectl address` prints (without the final newline).
pub fn render(args: &AddressArgs) -> Result<String, CtlError> {
    let addr: ORAddress = args
        .addr
        .parse()
        .map_err(|e| CtlError::Input(format!("bad O/R address: {e}")))?;
    let canonical = addr.normalized();
    let mut out = canonical.to_string();
    if args.hex {
        out.push('\n');
        for b in ORName::new(canonical).to_ber() {
            // Infallible: writing to a String.
            let _ = write!(out, "{b:02x}");
        }
    }
    Ok(out)
}

/// Runs `mstorectl address`.
pub fn run(args: AddressArgs) -> CtlResult {
    println!("{}", render(&args)?);
    Ok(())
}
