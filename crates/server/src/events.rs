//! Server-Sent Events streams: kept alive through proxies, and ended when the server stops.

use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;

use crate::state::AppState;

/// How often an idle event stream sends a keep-alive comment.
pub const KEEP_ALIVE: std::time::Duration = std::time::Duration::from_secs(15);

/// `stream` as an SSE response that ends when the server shuts down.
pub fn until_shutdown<S>(
    state: &AppState,
    stream: S,
) -> Sse<impl Stream<Item = Result<Event, std::convert::Infallible>> + use<S>>
where
    S: Stream<Item = Result<Event, std::convert::Infallible>> + Send + 'static,
{
    let mut shutting_down = state.shutting_down.subscribe();
    let stream = futures::StreamExt::take_until(stream, async move {
        let _ = shutting_down.wait_for(|closing| *closing).await;
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
}
