//! Statistics for supervisors: a site's tickets, wait and service times, no-shows and the
//! trips its cases took, over a range of the service center's days.
//!
//! Times are exact percentiles of every ticket in the range, by linear interpolation between
//! the closest ranks (as Excel's `PERCENTILE.INC` and `MEDIAN`), so a supervisor who checks an
//! export in a spreadsheet gets the same figures.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;
use uuid::Uuid;

/// The longest range of days one request may cover.
pub const MAX_RANGE_DAYS: u32 = 366;

/// Which statistics: a site and an inclusive range of the service center's days. Without
/// dates, today; without a site, the account's own.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS, ToSchema)]
pub struct StatsQuery {
    pub site: Option<Uuid>,
    /// First day, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`, included.
    pub to: Option<String>,
}

impl StatsQuery {
    /// The query as URL parameters (`site=…&from=…&to=…`), leaving out what is not set.
    pub fn to_query_string(&self) -> String {
        let mut pairs = Vec::new();
        if let Some(site) = self.site {
            pairs.push(format!("site={site}"));
        }
        for (name, value) in [("from", &self.from), ("to", &self.to)] {
            if let Some(value) = value {
                // Dates are digits and dashes; anything else is sent escaped and refused there.
                let escaped: String = value
                    .bytes()
                    .map(|b| match b {
                        b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'-' | b'_' | b'.' => {
                            char::from(b).to_string()
                        }
                        _ => format!("%{b:02X}"),
                    })
                    .collect();
                pairs.push(format!("{name}={escaped}"));
            }
        }
        pairs.join("&")
    }
}

/// The file an export is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// UTF-8 with a byte-order mark and CRLF lines, so that Excel reads Chinese correctly.
    Csv,
    /// An Excel workbook with one sheet per breakdown.
    Xlsx,
}

impl ExportFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }
    }
}

/// Median and 90th percentile of a set of durations.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, TS, ToSchema)]
pub struct Durations {
    /// How many tickets the figures are taken over.
    pub count: u32,
    #[ts(type = "number | null")]
    pub median_ms: Option<i64>,
    #[ts(type = "number | null")]
    pub p90_ms: Option<i64>,
}

/// One line of a breakdown: a service, a window, a clerk, an hour, or all tickets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct StatsRow {
    /// What the line is about: a service's or window's id, a clerk's user name, the hour
    /// (`09`), or `all`.
    pub key: String,
    /// The same for people, in the language asked for: `A 企业开办`, `3号窗口`, `09:00–10:00`.
    pub label: String,
    /// Tickets in the line. By window and by clerk: the tickets called there.
    pub issued: u32,
    /// Finished at a window (办结).
    pub served: u32,
    /// Did not come after the recalls (过号).
    pub no_show: u32,
    /// `no_show / (served + no_show)`: of the tickets that came to an end at a window, the
    /// share that did not come; `None` when none did.
    pub no_show_rate: Option<f64>,
    /// From taking the ticket to the (latest) call, over tickets called and not no-show.
    pub wait: Durations,
    /// From the call to finishing, over finished tickets.
    pub service: Durations,
}

/// How many trips the finished cases took.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS, ToSchema)]
pub struct TripCounts {
    /// Finished without coming in (一次都不用跑).
    pub zero: u32,
    pub one: u32,
    pub two: u32,
    pub three_or_more: u32,
}

/// Cases decided at the site's windows in the range.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS, ToSchema)]
pub struct CaseStats {
    /// Every decision, including one-time notices.
    pub total: u32,
    /// Accepted with a receipt (受理).
    pub accepted: u32,
    /// Completed on the spot (即办).
    pub completed: u32,
    /// Materials missing: a one-time notice (一次性告知).
    pub incomplete: u32,
    /// Accepted or completed: the applicant need not come again for the matter.
    pub finished: u32,
    /// The finished cases by the trip they were finished on.
    pub trips: TripCounts,
    /// Mean trips of the finished cases (人均跑动次数).
    pub trips_mean: Option<f64>,
    /// Finished cases done within one trip, of all finished (最多跑一次实现率).
    pub at_most_one_trip_rate: Option<f64>,
    /// Finished cases done without a trip, of all finished (零跑腿率).
    pub zero_trip_rate: Option<f64>,
}

/// Ratings (好差评) of the site's service in the range; filled once ratings are recorded.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS, ToSchema)]
pub struct RatingStats {
    pub count: u32,
    /// How many gave 1, 2, 3, 4 and 5.
    pub by_score: Vec<u32>,
    pub mean: Option<f64>,
}

/// Everything the statistics screen and the exports show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct QueueStats {
    pub site_id: Uuid,
    pub site_name: String,
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day, `YYYY-MM-DD`, included.
    pub to: String,
    /// All tickets of the range.
    pub overall: StatsRow,
    /// By the service each ticket was issued for.
    pub by_service: Vec<StatsRow>,
    /// By the window that last called the ticket.
    pub by_window: Vec<StatsRow>,
    /// By the clerk who last called the ticket.
    pub by_clerk: Vec<StatsRow>,
    /// By the hour of the day (Asia/Shanghai) the ticket was taken.
    pub by_hour: Vec<StatsRow>,
    pub cases: CaseStats,
    /// `None` until ratings are recorded.
    pub ratings: Option<RatingStats>,
}

/// Where the desktop saved an export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct SavedExport {
    pub file_name: String,
    /// The full path of the file.
    pub path: String,
}
