//! Ratings from the local cache: today's for the clerk's workstation, and the report built as
//! the central API builds it.

use onetrip_api::error::{ApiError, ErrorCode};

use crate::sync_engine::now_ms;

use crate::desktop::Desktop;

/// Ratings of the sites the account may see.
pub struct Ratings<'a> {
    pub(crate) desktop: &'a Desktop,
}

impl Ratings<'_> {
    /// Today's ratings at the sites the account may see, from the local cache: the clerk's
    /// workstation tells from them whether the ticket just finished has been rated.
    pub async fn today(&self) -> Result<Vec<onetrip_api::rating::Rating>, ApiError> {
        self.desktop.owner().await?;
        let today = onetrip_print::signing::center_date(now_ms());
        let mut ratings = self.desktop.sync.cache.ratings(&today, &today).await?;
        ratings.retain(|rating| rating.day == today);
        Ok(ratings)
    }

    /// The ratings report of the days `from` to `to` (`YYYY-MM-DD`), built from the local cache
    /// as the central API builds it, so that it reads the same offline.
    pub async fn report(
        &self,
        from: &str,
        to: &str,
    ) -> Result<onetrip_api::rating::RatingsReport, ApiError> {
        use onetrip_domain::calendar::Day;
        self.desktop.owner().await?;
        let lang = self.desktop.language().await;
        let range = match (Day::parse(from), Day::parse(to)) {
            (Some(first), Some(last)) if first <= last => Some((first, last)),
            _ => None,
        };
        let Some((first, last)) = range else {
            return Err(ApiError::new(
                ErrorCode::BadRequest,
                lang.pick(
                    "请选择正确的日期范围".into(),
                    "Choose a valid date range".into(),
                ),
            ));
        };
        let today = Day::parse(&onetrip_print::signing::center_date(now_ms()))
            .ok_or_else(|| ApiError::new(ErrorCode::Internal, "today is not a date"))?;
        let ratings = self
            .desktop
            .sync
            .cache
            .ratings(&first.to_string(), &last.to_string())
            .await?;
        Ok(onetrip_api::rating::RatingsReport::build(
            ratings, first, last, today,
        ))
    }
}

impl Desktop {
    /// Ratings and their report.
    pub fn ratings(&self) -> Ratings<'_> {
        Ratings { desktop: self }
    }
}
