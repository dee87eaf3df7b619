//! The signed payload carried by a document's QR code, and its offline verification.
//!
//! The issuing authority's Ed25519 key signs a short, readable line; anyone with the public
//! key can check it without a network:
//!
//! ```text
//! OT1|drainage-permit|玉排许字〔2026〕第0001号|玉环市楚门镇老街面馆|2026-11-27|2031-11-26|玉环市住房和城乡建设局|<signature>
//! ```
//!
//! Fields are separated by `|`, the signature (base64url, no padding) covers every byte before
//! the last `|`, and dates are `YYYY-MM-DD`. The central API signs; desktops and the `/verify`
//! page only verify. This module depends on nothing of the domain, so both sides can use it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

/// Documents carry dates of the service center's day: China Standard Time, UTC+8, no DST.
const CHINA_OFFSET_MS: i64 = 8 * 3600 * 1000;

/// `YYYY-MM-DD` of the service center's day at `unix_ms` (milliseconds since 1970 UTC): the
/// day validity is checked against.
pub fn center_date(unix_ms: i64) -> String {
    let days = (unix_ms + CHINA_OFFSET_MS).div_euclid(86_400_000);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The first field of every payload: format and version.
pub const PAYLOAD_PREFIX: &str = "OT1";

/// Prefix of a public key written as text.
pub const PUBLIC_KEY_PREFIX: &str = "ed25519:";

/// What a document's QR code asserts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    /// Kind of document (`drainage-permit`).
    pub kind: String,
    /// Its number (`玉排许字〔2026〕第0001号`).
    pub number: String,
    /// To whom it was issued.
    pub holder: String,
    /// First and last day of validity, `YYYY-MM-DD`.
    pub valid_from: String,
    pub valid_until: String,
    /// The issuing authority.
    pub issuer: String,
}

/// Why a claim cannot be signed, or a key cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigningError {
    #[error("field {field} may not contain '|' or a line break")]
    Separator { field: &'static str },
    #[error("field {field} must be a date YYYY-MM-DD, got '{value}'")]
    Date { field: &'static str, value: String },
    #[error("field {field} is empty")]
    Empty { field: &'static str },
    #[error("not an Ed25519 key: {0}")]
    Key(String),
    #[error("no random numbers from the operating system: {0}")]
    Random(String),
}

/// The verdict on a scanned payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// Signed by the key and valid on the given day.
    Valid { claim: Claim },
    /// Signed by the key, but its validity ended before the given day.
    Expired { claim: Claim },
    /// Signed by the key, but not valid yet.
    NotYetValid { claim: Claim },
    /// Shaped like a payload, but the signature does not match: altered or forged.
    Tampered,
    /// Not a OneTrip payload at all.
    Invalid { reason: String },
}

impl Verdict {
    /// Short label in Chinese and English.
    pub fn label(&self) -> &'static str {
        match self {
            Verdict::Valid { .. } => "有效 / valid",
            Verdict::Expired { .. } => "已过期 / expired",
            Verdict::NotYetValid { .. } => "尚未生效 / not yet valid",
            Verdict::Tampered => "签名不符，可能被篡改 / tampered",
            Verdict::Invalid { .. } => "无效 / invalid",
        }
    }
}

fn check_date(field: &'static str, value: &str) -> Result<(), SigningError> {
    let bytes = value.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    let month = value.get(5..7).and_then(|m| m.parse::<u8>().ok());
    let day = value.get(8..10).and_then(|d| d.parse::<u8>().ok());
    if shaped && matches!(month, Some(1..=12)) && matches!(day, Some(1..=31)) {
        Ok(())
    } else {
        Err(SigningError::Date {
            field,
            value: value.to_owned(),
        })
    }
}

impl Claim {
    fn fields(&self) -> [(&'static str, &str); 6] {
        [
            ("kind", &self.kind),
            ("number", &self.number),
            ("holder", &self.holder),
            ("valid_from", &self.valid_from),
            ("valid_until", &self.valid_until),
            ("issuer", &self.issuer),
        ]
    }

    /// Checks the claim can be written as a payload.
    pub fn validate(&self) -> Result<(), SigningError> {
        for (field, value) in self.fields() {
            if value.trim().is_empty() {
                return Err(SigningError::Empty { field });
            }
            if value.contains(['|', '\n', '\r']) {
                return Err(SigningError::Separator { field });
            }
        }
        check_date("valid_from", &self.valid_from)?;
        check_date("valid_until", &self.valid_until)
    }

    /// The signed part of the payload.
    pub fn message(&self) -> Result<String, SigningError> {
        self.validate()?;
        let mut message = String::from(PAYLOAD_PREFIX);
        for (_, value) in self.fields() {
            message.push('|');
            message.push_str(value);
        }
        Ok(message)
    }
}

/// The issuing authority's private key. Lives on the central API only.
pub struct IssuerKey(SigningKey);

impl std::fmt::Debug for IssuerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IssuerKey(<redacted>)")
    }
}

impl IssuerKey {
    /// A new random key from the operating system's generator.
    pub fn generate() -> Result<Self, SigningError> {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(|err| SigningError::Random(err.to_string()))?;
        Ok(Self(SigningKey::from_bytes(&secret)))
    }

    /// The key from its 32 secret bytes.
    pub fn from_secret(secret: [u8; 32]) -> Self {
        Self(SigningKey::from_bytes(&secret))
    }

    /// The key from its 32 secret bytes (as stored by the server).
    pub fn from_secret_bytes(secret: &[u8]) -> Result<Self, SigningError> {
        let secret: [u8; 32] = secret
            .try_into()
            .map_err(|_| SigningError::Key(format!("{} bytes, expected 32", secret.len())))?;
        Ok(Self(SigningKey::from_bytes(&secret)))
    }

    /// The 32 secret bytes, for the server to store.
    pub fn secret_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// Signs a claim: the text to put in the QR code.
    pub fn sign(&self, claim: &Claim) -> Result<String, SigningError> {
        let message = claim.message()?;
        let signature = self.0.sign(message.as_bytes());
        Ok(format!(
            "{message}|{}",
            URL_SAFE_NO_PAD.encode(signature.to_bytes())
        ))
    }
}

/// The issuing authority's public key, published at `/api/verify/key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// Reads `ed25519:<base64url>` (the prefix is optional).
    pub fn parse(text: &str) -> Result<Self, SigningError> {
        let text = text.trim();
        let encoded = text.strip_prefix(PUBLIC_KEY_PREFIX).unwrap_or(text);
        let bytes = URL_SAFE_NO_PAD
            .decode(encoded.trim_end_matches('='))
            .map_err(|err| SigningError::Key(err.to_string()))?;
        let bytes: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| SigningError::Key(format!("{} bytes, expected 32", bytes.len())))?;
        VerifyingKey::from_bytes(&bytes)
            .map(Self)
            .map_err(|err| SigningError::Key(err.to_string()))
    }

    /// `ed25519:<base64url>`.
    pub fn to_text(&self) -> String {
        format!(
            "{PUBLIC_KEY_PREFIX}{}",
            URL_SAFE_NO_PAD.encode(self.0.as_bytes())
        )
    }

    /// Checks a scanned payload on a given day (`YYYY-MM-DD`).
    pub fn verify(&self, payload: &str, today: &str) -> Verdict {
        let invalid = |reason: &str| Verdict::Invalid {
            reason: reason.to_owned(),
        };
        let payload = payload.trim();
        let Some((message, signature)) = payload.rsplit_once('|') else {
            return invalid("no signature");
        };
        let parts: Vec<&str> = message.split('|').collect();
        if parts.len() != 7 || parts[0] != PAYLOAD_PREFIX {
            return invalid("not a OneTrip payload (OT1 with six fields)");
        }
        let Ok(signature) = URL_SAFE_NO_PAD.decode(signature) else {
            return Verdict::Tampered;
        };
        let Ok(signature) = ed25519_dalek::Signature::from_slice(&signature) else {
            return Verdict::Tampered;
        };
        if self
            .0
            .verify_strict(message.as_bytes(), &signature)
            .is_err()
        {
            return Verdict::Tampered;
        }
        let claim = Claim {
            kind: parts[1].to_owned(),
            number: parts[2].to_owned(),
            holder: parts[3].to_owned(),
            valid_from: parts[4].to_owned(),
            valid_until: parts[5].to_owned(),
            issuer: parts[6].to_owned(),
        };
        if claim.validate().is_err() {
            return invalid("signed, but the fields are malformed");
        }
        if today > claim.valid_until.as_str() {
            Verdict::Expired { claim }
        } else if today < claim.valid_from.as_str() {
            Verdict::NotYetValid { claim }
        } else {
            Verdict::Valid { claim }
        }
    }
}
