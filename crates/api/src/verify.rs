//! `GET /api/verify/key` and `POST /api/verify`: checking a document's signed QR code.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

/// The issuing authority's public key, for checking QR codes offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct VerifyKey {
    /// `ed25519:` followed by the 32-byte key in base64url.
    pub key: String,
}

/// A payload read from a document's QR code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct VerifyRequest {
    pub payload: String,
}

/// What a QR code says about its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Signed by the authority and valid today.
    Valid,
    /// Signed by the authority, validity over.
    Expired,
    /// Signed by the authority, not valid yet.
    NotYetValid,
    /// Signed by the authority, then revoked or superseded: the server's records say so.
    Revoked,
    /// Shaped like a payload but the signature does not match: altered or forged.
    Tampered,
    /// Not a OneTrip payload.
    Invalid,
}

/// The document a valid, expired or not-yet-valid code stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct DocumentClaim {
    pub kind: String,
    pub number: String,
    pub holder: String,
    /// `YYYY-MM-DD`.
    pub valid_from: String,
    pub valid_until: String,
    pub issuer: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct VerifyResponse {
    pub verdict: Verdict,
    /// Present unless the verdict is `tampered` or `invalid`.
    pub claim: Option<DocumentClaim>,
    /// Why a payload is `invalid`.
    pub reason: Option<String>,
    /// The day the validity was checked against, `YYYY-MM-DD`.
    pub checked_on: String,
    /// When the verdict is `revoked`: since when, and why.
    #[serde(default)]
    pub withdrawn: Option<Withdrawal>,
}

/// Why a genuine document no longer stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct Withdrawal {
    /// `YYYY-MM-DD`.
    pub on: String,
    /// In Chinese, as recorded (`项目重新审查：结-R1-07 已重新打开`).
    pub reason_zh: String,
    pub reason_en: String,
}

impl From<onetrip_print::signing::Claim> for DocumentClaim {
    fn from(claim: onetrip_print::signing::Claim) -> DocumentClaim {
        DocumentClaim {
            kind: claim.kind,
            number: claim.number,
            holder: claim.holder,
            valid_from: claim.valid_from,
            valid_until: claim.valid_until,
            issuer: claim.issuer,
        }
    }
}

impl From<DocumentClaim> for onetrip_print::signing::Claim {
    fn from(claim: DocumentClaim) -> onetrip_print::signing::Claim {
        onetrip_print::signing::Claim {
            kind: claim.kind,
            number: claim.number,
            holder: claim.holder,
            valid_from: claim.valid_from,
            valid_until: claim.valid_until,
            issuer: claim.issuer,
        }
    }
}

/// A document to issue: the server signs its claim for the QR code. The id is made by the
/// caller, so that sending it twice issues it once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct DocumentToSign {
    pub id: uuid::Uuid,
    pub claim: DocumentClaim,
    /// Filled in by the server with its signature; whatever a client sends is replaced.
    #[serde(default)]
    pub payload: Option<String>,
}

/// An issued document: its claim, the signed payload its QR code carries, who had it signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct IssuedDocument {
    pub id: uuid::Uuid,
    pub claim: DocumentClaim,
    pub payload: String,
    pub signed_by: String,
    #[ts(type = "number")]
    pub signed_at_ms: i64,
}

impl VerifyResponse {
    /// The answer for a payload checked with `key` on `checked_on` (`YYYY-MM-DD`): the one
    /// mapping from the signing module's verdict to the wire, for the server and the desktop.
    pub fn check(
        key: &onetrip_print::signing::PublicKey,
        payload: &str,
        checked_on: String,
    ) -> VerifyResponse {
        use onetrip_print::signing::Verdict as Checked;
        let (verdict, claim, reason) = match key.verify(payload, &checked_on) {
            Checked::Valid { claim } => (Verdict::Valid, Some(claim.into()), None),
            Checked::Expired { claim } => (Verdict::Expired, Some(claim.into()), None),
            Checked::NotYetValid { claim } => (Verdict::NotYetValid, Some(claim.into()), None),
            Checked::Tampered => (Verdict::Tampered, None, None),
            Checked::Invalid { reason } => (Verdict::Invalid, None, Some(reason)),
        };
        VerifyResponse {
            verdict,
            claim,
            reason,
            checked_on,
            withdrawn: None,
        }
    }

    /// The answer for a genuine document that the records say was withdrawn.
    pub fn withdrawn(self, withdrawal: Withdrawal) -> VerifyResponse {
        if self.claim.is_none() {
            return self;
        }
        VerifyResponse {
            verdict: Verdict::Revoked,
            withdrawn: Some(withdrawal),
            ..self
        }
    }
}
