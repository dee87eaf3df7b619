//! Sessions read in the last moments, kept so that a busy window's every request does not read
//! its session again.

use std::collections::HashMap;

/// A session found by its token hash.
#[derive(Debug, Clone)]
pub struct StoredSession {
    pub account: onetrip_api::auth::Account,
    pub expires_at_ms: i64,
}

/// How long a session read from the database is trusted without reading it again. A logout
/// through another server process takes this long to reach this one.
pub const SESSION_CACHE_MS: i64 = 2_000;

/// Sessions read in the last [`SESSION_CACHE_MS`], by token hash.
#[derive(Default)]
pub struct SessionCache(std::sync::Mutex<HashMap<String, (StoredSession, i64)>>);

impl SessionCache {
    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, (StoredSession, i64)>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn get(&self, hash: &str, now_ms: i64) -> Option<StoredSession> {
        self.entries()
            .get(hash)
            .filter(|(_, read_at)| now_ms - read_at < SESSION_CACHE_MS && now_ms >= *read_at)
            .map(|(session, _)| session.clone())
    }

    pub fn put(&self, hash: &str, session: StoredSession, now_ms: i64) {
        let mut entries = self.entries();
        // Old entries go when the cache grows, so it holds about the sessions in use.
        if entries.len() >= 4_096 {
            entries.retain(|_, (_, read_at)| now_ms - *read_at < SESSION_CACHE_MS);
        }
        entries.insert(hash.to_owned(), (session, now_ms));
    }

    pub fn forget(&self, hash: &str) {
        self.entries().remove(hash);
    }
}
