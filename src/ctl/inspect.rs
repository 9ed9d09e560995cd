//! `mstorectl inspect`: decode a message content (X.420 IPM/IPN, P772) and, optionally, its
//! X.411 delivery envelope, and print the X.413 / X.420 / STANAG 4406 attributes as JSON.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};

use super::{CtlError, CtlResult};
use crate::content::{ContentKind, DeliveryEnvelope, extract};

/// Arguments of `mstorectl inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// File holding the content octets (BER) of one message.
    pub file: PathBuf,
    /// Content type to decode the file as.
    #[arg(long, value_enum, default_value_t = ContentTypeArg::Auto)]
    pub content_type: ContentTypeArg,
    /// File holding the BER of the P3 MessageDeliveryArgument that delivered the content.
    #[arg(long)]
    pub envelope: Option<PathBuf>,
}

/// `--content-type` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ContentTypeArg {
    /// X.420 1984 IPM (built-in content type 2).
    P2,
    /// X.420 1988 IPM (built-in content type 22).
    P22,
    /// STANAG 4406 military message (1.3.26.0.4406.0.4.1).
    P772,
    /// From the envelope, else by looking at the content.
    Auto,
}

impl From<ContentTypeArg> for ContentKind {
    fn from(a: ContentTypeArg) -> Self {
        match a {
            ContentTypeArg::P2 => ContentKind::P2,
            ContentTypeArg::P22 => ContentKind::P22,
            ContentTypeArg::P772 => ContentKind::P772,
            ContentTypeArg::Auto => ContentKind::Auto,
        }
    }
}

/// Runs the command: JSON on stdout, or a one-line error (exit 2) for bad input.
pub fn run(args: InspectArgs) -> CtlResult {
    let content = std::fs::read(&args.file)
        .map_err(|e| CtlError::Input(format!("{}: {e}", args.file.display())))?;
    let envelope = match &args.envelope {
        Some(p) => Some(read_envelope(p)?),
        None => None,
    };
    let (attrs, err) = extract(envelope.as_ref(), &content, args.content_type.into());
    if let Some(e) = err {
        return Err(CtlError::Input(format!("{}: {e}", args.file.display())));
    }
    let out = serde_json::to_string_pretty(&attrs.to_json()).context("rendering JSON")?;
    println!("{out}");
    Ok(())
}

fn read_envelope(p: &std::path::Path) -> Result<DeliveryEnvelope, CtlError> {
    let bytes = std::fs::read(p).map_err(|e| CtlError::Input(format!("{}: {e}", p.display())))?;
    crate::content::envelope::from_delivery_ber(&bytes)
        .map_err(|e| CtlError::Input(format!("{}: {e}", p.display())))
}
