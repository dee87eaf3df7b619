//! The queue as the desk sees it: today's tickets and the windows on a break, from the local
//! cache.

use onetrip_api::error::ApiError;

use crate::sync_engine::now_ms;

use crate::desktop::Desktop;

/// The queue of the sites the account may see.
pub struct Queue<'a> {
    pub(crate) desktop: &'a Desktop,
}

impl Queue<'_> {
    /// Today's tickets (the service center's day) at the sites the account may see, from the
    /// local cache; a call or an issue made here is in it as soon as its command returns.
    pub async fn tickets(&self) -> Result<Vec<onetrip_api::queue::Ticket>, ApiError> {
        self.desktop.owner().await?;
        let today = onetrip_print::signing::center_date(now_ms());
        self.desktop.sync.cache.tickets(&today).await
    }

    /// Windows on a break, and since when.
    pub async fn window_states(&self) -> Result<Vec<onetrip_api::queue::WindowState>, ApiError> {
        self.desktop.owner().await?;
        self.desktop.sync.cache.window_states().await
    }
}

impl Desktop {
    /// Tickets and windows.
    pub fn queue(&self) -> Queue<'_> {
        Queue { desktop: self }
    }
}
