//! Small constructors for test values (X.411 / X.413 string and name types).

use std::str::FromStr;

use mstore::address::{ORAddress, ORName};
use rasn::types::{Ia5String, PrintableString};

pub fn name(s: &str) -> ORName {
    ORName::from_str(s).unwrap()
}

pub fn ia5(s: &str) -> Ia5String {
    Ia5String::from_iso646_bytes(s.as_bytes()).unwrap()
}

pub fn printable(s: &str) -> PrintableString {
    PrintableString::from_bytes(s.as_bytes()).unwrap()
}

pub fn addr(s: &str) -> ORAddress {
    s.parse().unwrap()
}

/// A report-delivery argument (BER) on `subject` with one delivery report for `recipient`.
pub fn delivery_report(
    subject: &mstore::asn1::x411::MTSIdentifier,
    recipient: &str,
) -> bytes::Bytes {
    use mstore::asn1::x411::{
        self, DeliveryReport, PerRecipientReportDeliveryFields, ReportDeliveryArgument, ReportType,
    };
    let arg = ReportDeliveryArgument {
        subject_submission_identifier: subject.clone(),
        content_identifier: None,
        content_type: None,
        original_encoded_information_types: None,
        extensions: None,
        per_recipient_fields: vec![PerRecipientReportDeliveryFields {
            actual_recipient_name: name(recipient),
            report_type: ReportType::Delivery(DeliveryReport {
                message_delivery_time: x411::Time::from_timestamp(1_795_850_000, 0).unwrap(),
                type_of_mts_user: None,
            }),
            converted_encoded_information_types: None,
            originally_intended_recipient_name: None,
            supplementary_information: None,
            extensions: None,
        }],
        returned_content: None,
    };
    bytes::Bytes::from(x411::encode(&arg).unwrap())
}
