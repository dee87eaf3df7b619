//! What the site-configuration screens read.

use onetrip_domain::calendar::CalendarDay;
use onetrip_domain::config::{Matter, Service, Site, Window};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

/// The configuration the signed-in account may see.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct ConfigSnapshot {
    pub sites: Vec<Site>,
    pub services: Vec<Service>,
    pub matters: Vec<Matter>,
    pub windows: Vec<Window>,
    /// Public holidays and swapped working days, by date.
    #[serde(default)]
    pub calendar: Vec<CalendarDay>,
}
