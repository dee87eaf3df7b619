//! The issuing authority's signing key.
//!
//! The key is a file (like a TLS key): in the data folder for the embedded SQLite database,
//! or at `$ONETRIP_SIGNING_KEY`, which every instance sharing a PostgreSQL database must point
//! at the same secret. It is created at first start and never leaves the server; desktops and
//! the `/verify` page get the public key only.

use std::io::Write;
use std::path::{Path, PathBuf};

use onetrip_print::signing::IssuerKey;

/// File name of the key inside the data folder.
pub const KEY_FILE: &str = "issuer-ed25519.key";

/// Environment variable naming the key file (required to keep one key across restarts when
/// the database is a URL).
pub const KEY_ENV: &str = "ONETRIP_SIGNING_KEY";

/// Where the key of a server is kept: `$ONETRIP_SIGNING_KEY`, else in its data folder (none
/// for a database given by URL); `None` when nowhere is configured.
pub fn key_path(data_dir: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(KEY_ENV) {
        return Some(PathBuf::from(path));
    }
    data_dir.map(|dir| dir.join(KEY_FILE))
}

/// Reads the key kept at `path`, or creates one there, readable by its owner only.
pub fn load_or_create_key(path: &Path) -> anyhow::Result<IssuerKey> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let secret = hex::decode(text.trim())
                .map_err(|e| anyhow::anyhow!("signing key {} is damaged: {e}", path.display()))?;
            IssuerKey::from_secret_bytes(&secret)
                .map_err(|e| anyhow::anyhow!("signing key {} is damaged: {e}", path.display()))
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            let key = IssuerKey::generate()?;
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let mut file = options.open(path).map_err(|e| {
                anyhow::anyhow!("cannot create signing key {}: {e}", path.display())
            })?;
            file.write_all(hex::encode(key.secret_bytes()).as_bytes())?;
            file.sync_all()?;
            tracing::info!("created the document signing key {}", path.display());
            Ok(key)
        }
        Err(err) => Err(anyhow::anyhow!(
            "cannot read signing key {}: {err}",
            path.display()
        )),
    }
}
