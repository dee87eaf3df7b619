//! A command's checked write, whichever area planned it: how it is stored, how it appears in
//! the change log, and what the caller gets back.

use onetrip_api::case::Case;
use onetrip_api::config::ConfigSnapshot;
use onetrip_api::print::PrintRecord;
use onetrip_api::rating::Rating;
use onetrip_api::verify::IssuedDocument;

use crate::changes::ChangeRecord;
use crate::config::ConfigWrite;
use crate::delivery::DeliveryWrite;
use crate::permits::PermitWrite;
use crate::queue::QueueWrite;
use crate::review::ReviewWrite;
use crate::storage::{Conn, StorageResult, corrupt};

/// A change to stored rows, already checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    Config(ConfigWrite),
    Queue(QueueWrite),
    Case(Case),
    Rating(Box<Rating>),
    Document(IssuedDocument),
    Print(PrintRecord),
    Review(ReviewWrite),
    Permits(Box<PermitWrite>),
    Delivery(Box<DeliveryWrite>),
}

impl Write {
    pub async fn store(&self, conn: &mut Conn<'_>) -> StorageResult<()> {
        match self {
            Write::Config(write) => crate::config::sql::write(conn, write).await,
            Write::Queue(write) => crate::queue::sql::write(conn, write).await,
            Write::Case(case) => crate::cases::sql::write(conn, case).await,
            Write::Rating(rating) => crate::ratings::sql::write(conn, rating).await,
            Write::Document(document) => crate::documents::write(conn, document).await,
            Write::Print(record) => crate::printing::write(conn, record).await,
            Write::Review(write) => write.store(conn).await,
            Write::Permits(write) => write.store(conn).await,
            Write::Delivery(write) => write.store(conn).await,
        }
    }

    /// How the write appears in the change log, read after it was stored; `current` is the
    /// configuration before it.
    pub async fn changes(
        &self,
        conn: &mut Conn<'_>,
        current: &ConfigSnapshot,
    ) -> StorageResult<Vec<ChangeRecord>> {
        let change = match self {
            Write::Config(write) => write.change(current),
            Write::Queue(write) => write.change(),
            Write::Case(case) => crate::cases::change(case),
            Write::Rating(rating) => crate::ratings::change(rating),
            Write::Document(document) => crate::documents::change(document),
            Write::Print(record) => crate::printing::change(record),
            Write::Permits(write) => return write.changes().map_err(corrupt),
            Write::Delivery(write) => return write.changes().map_err(corrupt),
            Write::Review(write) => {
                let records = match write.resend {
                    true => {
                        Some(crate::review::ProjectRecords::read(conn, write.project_id).await?)
                    }
                    false => None,
                };
                return write.changes(records.as_ref()).map_err(corrupt);
            }
        };
        change.map(|change| vec![change]).map_err(corrupt)
    }

    /// What the caller gets back at once.
    pub fn record(&self) -> Option<serde_json::Value> {
        match self {
            Write::Queue(write) => write.record(),
            Write::Case(case) => serde_json::to_value(case).ok(),
            Write::Document(document) => serde_json::to_value(document).ok(),
            Write::Rating(rating) => serde_json::to_value(rating).ok(),
            Write::Review(write) => write.record(),
            Write::Permits(write) => write.record(),
            Write::Delivery(write) => write.record(),
            Write::Config(_) | Write::Print(_) => None,
        }
    }
}
