//! Time as a dependency, so that expiry and lockout can be tested without waiting.

use std::sync::atomic::{AtomicI64, Ordering};

pub trait Clock: Send + Sync + 'static {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> i64;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0)
    }
}

/// A clock that only moves when told; for tests.
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn new(start_ms: i64) -> ManualClock {
        ManualClock(AtomicI64::new(start_ms))
    }

    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// `YYYY-MM-DD` of the service center's day at `now_ms`.
pub fn center_date(now_ms: i64) -> String {
    onetrip_print::signing::center_date(now_ms)
}

/// The service center's day at `now_ms` (China Standard Time, no daylight saving).
pub fn center_day(now_ms: i64) -> onetrip_domain::calendar::Day {
    const CENTER_OFFSET_MS: i64 = 8 * 60 * 60 * 1000;
    onetrip_domain::calendar::Day::from_days_since_epoch(
        (now_ms + CENTER_OFFSET_MS).div_euclid(86_400_000),
    )
}
