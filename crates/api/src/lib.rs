//! Wire types of the central API and of the desktop's IPC: everything that crosses to the UI
//! or over HTTP is declared here once, and TypeScript bindings are generated from it.

pub mod auth;
pub mod case;
pub mod command;
pub mod config;
pub mod desktop;
pub mod error;
pub mod health;
pub mod permits;
pub mod portal;
pub mod print;
pub mod queue;
pub mod rating;
pub mod review;
pub mod review_documents;
pub mod review_stats;
pub mod stats;
pub mod sync;
pub mod verify;

pub use onetrip_domain as domain;

/// Exports the TypeScript bindings of every wire type into `dir`.
pub fn export_bindings(dir: &std::path::Path) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS;
    auth::LoginRequest::export_all_to(dir)?;
    auth::LoginResponse::export_all_to(dir)?;
    auth::Account::export_all_to(dir)?;
    command::Command::export_all_to(dir)?;
    command::CommandOutcome::export_all_to(dir)?;
    config::ConfigSnapshot::export_all_to(dir)?;
    error::ApiError::export_all_to(dir)?;
    health::Health::export_all_to(dir)?;
    desktop::Settings::export_all_to(dir)?;
    sync::SyncPage::export_all_to(dir)?;
    desktop::ConnectionStatus::export_all_to(dir)?;
    desktop::FailedCommand::export_all_to(dir)?;
    print::PrintRecord::export_all_to(dir)?;
    queue::Ticket::export_all_to(dir)?;
    case::Case::export_all_to(dir)?;
    case::CaseDraft::export_all_to(dir)?;
    queue::IssueTicket::export_all_to(dir)?;
    queue::WindowState::export_all_to(dir)?;
    print::PrintTemplateInfo::export_all_to(dir)?;
    print::Printer::export_all_to(dir)?;
    print::PrintRequest::export_all_to(dir)?;
    print::JobStatus::export_all_to(dir)?;
    onetrip_print::Calibration::export_all_to(dir)?;
    verify::VerifyKey::export_all_to(dir)?;
    verify::VerifyRequest::export_all_to(dir)?;
    verify::VerifyResponse::export_all_to(dir)?;
    verify::DocumentToSign::export_all_to(dir)?;
    verify::IssuedDocument::export_all_to(dir)?;
    rating::Rating::export_all_to(dir)?;
    rating::RatingDraft::export_all_to(dir)?;
    rating::RevisitDraft::export_all_to(dir)?;
    rating::RectificationDraft::export_all_to(dir)?;
    rating::FollowUpRatingDraft::export_all_to(dir)?;
    rating::RatingsReport::export_all_to(dir)?;
    stats::StatsQuery::export_all_to(dir)?;
    stats::QueueStats::export_all_to(dir)?;
    stats::ExportFormat::export_all_to(dir)?;
    stats::SavedExport::export_all_to(dir)?;
    portal::ApplicantSignUp::export_all_to(dir)?;
    portal::Registration::export_all_to(dir)?;
    portal::ApplicantProfile::export_all_to(dir)?;
    review::ProjectView::export_all_to(dir)?;
    review::UploadStatus::export_all_to(dir)?;
    review::NewUpload::export_all_to(dir)?;
    review::UploadLimits::export_all_to(dir)?;
    review::SheetEdit::export_all_to(dir)?;
    review::ProjectDraft::export_all_to(dir)?;
    review::OpinionDraft::export_all_to(dir)?;
    review::OpinionReply::export_all_to(dir)?;
    review::Opinion::export_all_to(dir)?;
    review::ClauseEdition::export_all_to(dir)?;
    review::SheetPage::export_all_to(dir)?;
    permits::PermitApplication::export_all_to(dir)?;
    permits::Permit::export_all_to(dir)?;
    permits::Cohort::export_all_to(dir)?;
    permits::DryRun::export_all_to(dir)?;
    permits::BatchOutcome::export_all_to(dir)?;
    permits::FormReceipt::export_all_to(dir)?;
    permits::FormPrintRequest::export_all_to(dir)?;
    permits::FormPrintOutcome::export_all_to(dir)?;
    permits::FormLedgerView::export_all_to(dir)?;
    review::SheetRegion::export_all_to(dir)?;
    review::Reviewer::export_all_to(dir)?;
    review_documents::ReviewDocument::export_all_to(dir)?;
    review_documents::ExportForm::export_all_to(dir)?;
    review_stats::ReviewStatsQuery::export_all_to(dir)?;
    review_stats::ReviewStats::export_all_to(dir)?;
    Ok(())
}
