//! The ratings report (评价统计): a range of days at the reader's sites, by window and by
//! clerk, with the follow-ups of bad ratings and their clocks.

use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::rating::{MAX_REPORT_DAYS, RatingsReport};
use onetrip_domain::auth::Role;
use onetrip_domain::calendar::Day;

use crate::actor::{Actor, refuse};
use crate::storage::Store;

/// The ratings report for `actor`: supervisors and administrators, of the sites they cover.
pub async fn report(
    store: &Store,
    actor: &Actor,
    from: &str,
    to: &str,
    now_ms: i64,
) -> Result<RatingsReport, ApiError> {
    if !matches!(actor.role(), Role::Supervisor | Role::Admin) {
        return Err(refuse(
            actor,
            ErrorCode::Forbidden,
            "report_forbidden",
            "只有主管和管理员可以查看评价统计".into(),
            "Only supervisors and administrators may read the ratings report".into(),
        ));
    }
    let range = match (Day::parse(from), Day::parse(to)) {
        (Some(first), Some(last))
            if first <= last && days_between(first, last) < MAX_REPORT_DAYS =>
        {
            Some((first, last))
        }
        _ => None,
    };
    let Some((first, last)) = range else {
        return Err(refuse(
            actor,
            ErrorCode::BadRequest,
            "report_range",
            format!("请选择正确的日期范围（YYYY-MM-DD，最长 {MAX_REPORT_DAYS} 天）"),
            format!("Choose a valid date range (YYYY-MM-DD, at most {MAX_REPORT_DAYS} days)"),
        ));
    };
    let today = Day::parse(&crate::clock::center_date(now_ms))
        .ok_or_else(|| ApiError::new(ErrorCode::Internal, "today is not a date"))?;
    let ratings = async {
        let mut pooled = store.acquire().await?;
        super::sql::ratings(
            &mut pooled.conn(),
            actor.scope().site,
            &first.to_string(),
            &last.to_string(),
        )
        .await
    }
    .await
    .map_err(|e| crate::http_error::internal(actor.lang, e))?;
    Ok(RatingsReport::build(ratings, first, last, today))
}

/// Days from `first` to `last`, counted up to just past [`MAX_REPORT_DAYS`].
fn days_between(first: Day, last: Day) -> u32 {
    let mut day = first;
    let mut days = 0;
    while day < last && days <= MAX_REPORT_DAYS {
        day = day.next();
        days += 1;
    }
    days
}
