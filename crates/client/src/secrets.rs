//! The OS keychain, behind three calls. Nothing else in the desktop touches credentials.

use std::fmt;
use std::sync::OnceLock;

use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_domain::Lang;

/// The keychain service name all entries are filed under.
const SERVICE: &str = "onetrip";

/// A secret that never prints and cannot be serialized by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive<T>(pub T);

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T> fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Which keychain backend is in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The platform's own store: Secret Service on Linux desktops, Keychain on macOS,
    /// Credential Manager on Windows.
    Platform,
    /// Linux kernel key retention (keyutils), where no Secret Service runs.
    KernelKeyring,
}

static BACKEND: OnceLock<Backend> = OnceLock::new();

/// Chooses the backend once per process: the platform store when it answers, otherwise on
/// Linux the kernel keyring.
pub fn backend() -> Backend {
    *BACKEND.get_or_init(|| {
        let probe = keyring::Entry::new(SERVICE, "probe").and_then(|entry| entry.get_password());
        match probe {
            Ok(_) | Err(keyring::Error::NoEntry) => Backend::Platform,
            Err(error) => {
                #[cfg(target_os = "linux")]
                {
                    tracing::info!(%error, "Secret Service unavailable; using the kernel keyring");
                    keyring::set_default_credential_builder(
                        keyring::keyutils::default_credential_builder(),
                    );
                    Backend::KernelKeyring
                }
                #[cfg(not(target_os = "linux"))]
                {
                    tracing::warn!(%error, "the platform keychain did not answer");
                    Backend::Platform
                }
            }
        }
    })
}

fn keychain_error(lang: Lang, error: keyring::Error) -> ApiError {
    tracing::warn!(%error, "keychain failure");
    ApiError::new(
        ErrorCode::Keychain,
        lang.pick(
            format!("无法访问系统钥匙串：{error}"),
            format!("The system keychain cannot be used: {error}"),
        ),
    )
}

fn entry(key: &str, lang: Lang) -> Result<keyring::Entry, ApiError> {
    backend();
    keyring::Entry::new(SERVICE, key).map_err(|e| keychain_error(lang, e))
}

/// Stores `secret` under `key`, replacing what was there.
pub fn persist(key: &str, secret: &Sensitive<String>, lang: Lang) -> Result<(), ApiError> {
    entry(key, lang)?
        .set_password(&secret.0)
        .map_err(|e| keychain_error(lang, e))
}

/// Reads the secret under `key`; a missing entry is `Ok(None)`.
pub fn retrieve(key: &str, lang: Lang) -> Result<Option<Sensitive<String>>, ApiError> {
    match entry(key, lang)?.get_password() {
        Ok(secret) => Ok(Some(Sensitive(secret))),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(error) => Err(keychain_error(lang, error)),
    }
}

/// Deletes the secret under `key`; deleting what is not there is fine.
pub fn delete(key: &str, lang: Lang) -> Result<(), ApiError> {
    match entry(key, lang)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(error) => Err(keychain_error(lang, error)),
    }
}
