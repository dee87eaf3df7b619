//! Commands: every write is one, carrying a client-made id so that sending it again is harmless.

use onetrip_domain::calendar::CalendarDay;
use onetrip_domain::config::{Matter, Service, Site, Window};
use onetrip_domain::permits::ConditionTemplate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::case::CaseDraft;
use crate::delivery::{AttemptDraft, RunDraft};
use crate::error::ApiError;
use crate::permits::{ApplicationDraft, BatchApproval, FormPrint, FormReceipt, SpotCheckResult};
use crate::print::PrintRecord;
use crate::queue::{Appointment, IssueTicket};
use crate::rating::{FollowUpRatingDraft, RatingDraft, RectificationDraft, RevisitDraft};
use crate::review::{CertificateToIssue, OpinionDraft, OpinionReply, ProjectDraft, SheetEdit};
use crate::sync::EntityKind;
use crate::verify::DocumentToSign;

/// A write, identified by a UUID the client made; the server applies an id at most once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct Command {
    pub id: Uuid,
    #[serde(flatten)]
    pub body: CommandBody,
    /// The version (change seq) of the record the command was made against; when given and the
    /// record has changed since, the command is refused as a conflict. 0 means "new record".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub base_version: Option<i64>,
}

impl Command {
    pub fn new(body: CommandBody) -> Command {
        Command {
            id: Uuid::new_v4(),
            body,
            base_version: None,
        }
    }
}

/// What a command does. Saving creates the record or replaces the one with the same id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
pub enum CommandBody {
    SaveSite(Site),
    SaveService(Service),
    SaveMatter(Matter),
    SaveWindow(Window),
    DeleteWindow {
        id: Uuid,
    },
    /// Puts a print on record (the print log); any signed-in role may.
    RecordPrint(PrintRecord),
    /// Issues a ticket (assisted at a window, or from the kiosk).
    IssueTicket(IssueTicket),
    /// The window calls the next ticket by the site's fairness policy.
    CallNext {
        window_id: Uuid,
    },
    /// Calls the window's current ticket again.
    Recall {
        ticket_id: Uuid,
    },
    /// The called citizen did not come.
    NoShow {
        ticket_id: Uuid,
    },
    /// The window finished serving the ticket.
    Finish {
        ticket_id: Uuid,
    },
    /// The window's decision on an applicant's matter (一窗受理).
    DecideCase(CaseDraft),
    /// The window calls one waiting ticket out of turn.
    CallTicket {
        window_id: Uuid,
        ticket_id: Uuid,
    },
    /// Puts the ticket at the window aside (挂起: waiting for a copy or a signature).
    Hold {
        ticket_id: Uuid,
    },
    /// A held ticket goes back to the queue at its original place.
    Resume {
        ticket_id: Uuid,
    },
    /// Sends a ticket to another service's queue, keeping its original issue time.
    Transfer {
        ticket_id: Uuid,
        service_id: Uuid,
    },
    /// Issues a document: the server signs its QR payload with the authority's key.
    SignDocument(DocumentToSign),
    /// Rates a finished ticket (好差评), from the rating pad or by the clerk.
    RateTicket(RatingDraft),
    /// Records the call back to a citizen who gave a bad rating (回访).
    RecordRevisit(RevisitDraft),
    /// Records what was done about a bad rating's cause (整改).
    RecordRectification(RectificationDraft),
    /// Records the citizen's score after the rectification; closes the follow-up.
    RateFollowUp(FollowUpRatingDraft),
    /// The clerk at the window goes on a break (暂停): the window calls nobody until it ends.
    StartBreak {
        window_id: Uuid,
    },
    /// The break ends and the window calls again.
    EndBreak {
        window_id: Uuid,
    },
    /// Books an appointment (by telephone or at the counter) for a later check-in.
    BookAppointment(Appointment),
    /// Marks a day as a public holiday or a swapped working day (county-wide).
    SaveCalendarDay(CalendarDay),
    /// The day goes back to what its weekday says.
    DeleteCalendarDay {
        date: String,
    },
    /// An applicant registers a project for drawing review, and its first round opens.
    RegisterProject(ProjectDraft),
    /// The applicant confirms or corrects the numbers and titles intake read.
    ConfirmSheets {
        round_id: Uuid,
        sheets: Vec<SheetEdit>,
    },
    /// The applicant takes a file back out of a round still being prepared.
    RemoveFile {
        round_id: Uuid,
        file_id: Uuid,
    },
    /// The applicant submits the round; it is accepted at once when nothing blocks it, and
    /// the review clocks start.
    SubmitRound {
        round_id: Uuid,
    },
    /// The applicant opens the next round (复审) after replying to the opinions.
    OpenRound {
        project_id: Uuid,
        round_id: Uuid,
    },
    /// The review lead gives a specialty's task to a reviewer of that specialty.
    AssignTask {
        task_id: Uuid,
        reviewer_id: Uuid,
    },
    /// A reviewer writes or rewrites an opinion; a draft until the lead releases the round.
    SaveOpinion(OpinionDraft),
    /// The review lead releases the round's opinions to the applicant; the tasks are done.
    ReleaseOpinions {
        round_id: Uuid,
    },
    /// The applicant answers an opinion.
    ReplyOpinion(OpinionReply),
    /// The reviewer closes an opinion the applicant dealt with.
    CloseOpinion {
        opinion_id: Uuid,
    },
    /// The reviewer opens a closed or replied opinion again.
    ReopenOpinion {
        opinion_id: Uuid,
    },
    /// A person puts a carried-forward opinion on the sheet it now belongs to.
    PlaceOpinion {
        opinion_id: Uuid,
        #[schema(max_length = 40)]
        sheet_number: String,
    },
    /// The review lead issues the review certificate (审查合格书); the server numbers and
    /// signs it.
    IssueCertificate(CertificateToIssue),
    /// A discharger applies for a drainage permit, at a window (a clerk, for a case accepted
    /// there) or in the portal.
    SubmitPermitApplication(ApplicationDraft),
    /// A permit officer approves a cohort's eligible applications in one transaction; the
    /// server numbers and signs each permit.
    ApprovePermits(BatchApproval),
    /// Voids a permit: it keeps its number and records why.
    VoidPermit {
        permit_id: Uuid,
        #[schema(max_length = 200)]
        reason: String,
    },
    /// A second officer confirms a batch or a void another made: it takes effect now.
    ConfirmPermitCheck {
        check_id: Uuid,
    },
    /// A second officer sends a batch or a void back, with why: nothing of it takes effect.
    RejectPermitCheck {
        check_id: Uuid,
        #[schema(max_length = 200)]
        reason: String,
    },
    /// Records what a spot check of a pledge found.
    RecordSpotCheck(SpotCheckResult),
    /// Records that renewal reminders were sent (the letters printed) for these permits, each
    /// for the reminder due today.
    RecordReminders {
        #[schema(max_items = 2000)]
        permit_ids: Vec<Uuid>,
    },
    /// An admin changes an industry's condition template.
    SavePermitTemplate(ConditionTemplate),
    /// Records blank official permit forms received.
    ReceiveForms(FormReceipt),
    /// Takes the next blank forms for permits about to be printed on them.
    PrintOnForms(FormPrint),
    /// Gives back the forms of a print the printer never reached (it stopped part-way): the
    /// last ones that print took, so the next print takes them again.
    GiveBackForms {
        print_id: Uuid,
        #[schema(max_items = 1000)]
        serials: Vec<String>,
    },
    /// Plans a delivery run (送证上门) of issued permits.
    SaveDeliveryRun(RunDraft),
    /// Records an attempt at the door: delivered, failed or refused. Captured where it
    /// happens, offline too; it carries its own run, permit and moment.
    RecordDelivery(AttemptDraft),
    /// Records a blank form as spoiled (废证), with why: its serial is never used.
    SpoilForm {
        #[schema(max_length = 40)]
        serial: String,
        #[schema(max_length = 200)]
        reason: String,
    },
}

/// The id under which a calendar day is kept: the same date always has the same one.
pub fn calendar_day_id(date: &str) -> Uuid {
    Uuid::new_v5(
        &Uuid::NAMESPACE_URL,
        format!("onetrip:calendar-day:{date}").as_bytes(),
    )
}

impl CommandBody {
    /// The record the command changes.
    pub fn target(&self) -> (EntityKind, Uuid) {
        match self {
            CommandBody::SaveSite(site) => (EntityKind::Site, site.id),
            CommandBody::SaveService(service) => (EntityKind::Service, service.id),
            CommandBody::SaveMatter(matter) => (EntityKind::Matter, matter.id),
            CommandBody::SaveWindow(window) => (EntityKind::Window, window.id),
            CommandBody::DeleteWindow { id } => (EntityKind::Window, *id),
            CommandBody::RecordPrint(record) => (EntityKind::PrintRecord, record.id),
            CommandBody::IssueTicket(ticket) => (EntityKind::Ticket, ticket.id),
            CommandBody::CallNext { window_id } => (EntityKind::Window, *window_id),
            CommandBody::Recall { ticket_id }
            | CommandBody::NoShow { ticket_id }
            | CommandBody::Finish { ticket_id }
            | CommandBody::CallTicket { ticket_id, .. }
            | CommandBody::Hold { ticket_id }
            | CommandBody::Resume { ticket_id }
            | CommandBody::Transfer { ticket_id, .. } => (EntityKind::Ticket, *ticket_id),
            CommandBody::DecideCase(draft) => (EntityKind::Case, draft.id),
            CommandBody::SignDocument(document) => (EntityKind::Document, document.id),
            CommandBody::StartBreak { window_id } | CommandBody::EndBreak { window_id } => {
                (EntityKind::WindowState, *window_id)
            }
            CommandBody::BookAppointment(appointment) => (EntityKind::Appointment, appointment.id),
            CommandBody::SaveCalendarDay(day) => {
                (EntityKind::CalendarDay, calendar_day_id(&day.date))
            }
            CommandBody::DeleteCalendarDay { date } => {
                (EntityKind::CalendarDay, calendar_day_id(date))
            }
            CommandBody::RateTicket(draft) => (EntityKind::Rating, draft.id),
            CommandBody::RegisterProject(draft) => (EntityKind::ReviewProject, draft.id),
            CommandBody::ConfirmSheets { round_id, .. }
            | CommandBody::RemoveFile { round_id, .. }
            | CommandBody::SubmitRound { round_id }
            | CommandBody::ReleaseOpinions { round_id } => (EntityKind::ReviewRound, *round_id),
            CommandBody::OpenRound { round_id, .. } => (EntityKind::ReviewRound, *round_id),
            CommandBody::AssignTask { task_id, .. } => (EntityKind::ReviewTask, *task_id),
            CommandBody::SaveOpinion(draft) => (EntityKind::ReviewOpinion, draft.id),
            CommandBody::ReplyOpinion(reply) => (EntityKind::ReviewOpinion, reply.opinion_id),
            CommandBody::CloseOpinion { opinion_id }
            | CommandBody::ReopenOpinion { opinion_id }
            | CommandBody::PlaceOpinion { opinion_id, .. } => {
                (EntityKind::ReviewOpinion, *opinion_id)
            }
            CommandBody::IssueCertificate(draft) => (EntityKind::ReviewCertificate, draft.id),
            CommandBody::SubmitPermitApplication(draft) => {
                (EntityKind::PermitApplication, draft.id)
            }
            CommandBody::ApprovePermits(batch) => (EntityKind::Permit, batch.batch_id),
            CommandBody::VoidPermit { permit_id, .. } => (EntityKind::Permit, *permit_id),
            CommandBody::ConfirmPermitCheck { check_id }
            | CommandBody::RejectPermitCheck { check_id, .. } => (EntityKind::Permit, *check_id),
            CommandBody::RecordSpotCheck(result) => (EntityKind::Permit, result.check_id),
            CommandBody::RecordReminders { permit_ids } => (
                EntityKind::Permit,
                permit_ids.first().copied().unwrap_or_default(),
            ),
            CommandBody::SavePermitTemplate(template) => (
                EntityKind::PermitTemplate,
                Uuid::new_v5(
                    &Uuid::NAMESPACE_URL,
                    format!("onetrip:permit-template:{:?}", template.industry).as_bytes(),
                ),
            ),
            CommandBody::SaveDeliveryRun(run) => (EntityKind::DeliveryRun, run.id),
            CommandBody::RecordDelivery(attempt) => (EntityKind::DeliveryAttempt, attempt.id),
            CommandBody::ReceiveForms(receipt) => (EntityKind::PermitForm, receipt.id),
            CommandBody::PrintOnForms(print) => (EntityKind::PermitForm, print.print_id),
            CommandBody::GiveBackForms { print_id, .. } => (EntityKind::PermitForm, *print_id),
            CommandBody::SpoilForm { serial, .. } => (
                EntityKind::PermitForm,
                Uuid::new_v5(
                    &Uuid::NAMESPACE_URL,
                    format!("onetrip:permit-form:{serial}").as_bytes(),
                ),
            ),
            CommandBody::RecordRevisit(RevisitDraft { rating_id, .. })
            | CommandBody::RecordRectification(RectificationDraft { rating_id, .. })
            | CommandBody::RateFollowUp(FollowUpRatingDraft { rating_id, .. }) => {
                (EntityKind::Rating, *rating_id)
            }
        }
    }

    /// Commands that must reach the server at once and never wait in an outbox: deleting a
    /// window changes where citizens are sent the moment it happens and cannot be undone
    /// locally; the queue moves only on the server, which alone knows who waits. A rating is
    /// given at the counter and its clocks start when the server takes it, so it is online-only
    /// too; the follow-up steps are records of what a supervisor did, carrying their own times,
    /// and may wait in the outbox.
    pub fn online_only(&self) -> bool {
        !matches!(
            self,
            CommandBody::SaveSite(_)
                | CommandBody::SaveService(_)
                | CommandBody::SaveMatter(_)
                | CommandBody::SaveWindow(_)
                | CommandBody::RecordPrint(_)
                | CommandBody::RecordRevisit(_)
                | CommandBody::RecordRectification(_)
                | CommandBody::RateFollowUp(_)
                | CommandBody::SaveOpinion(_)
                | CommandBody::CloseOpinion { .. }
                | CommandBody::ReopenOpinion { .. }
                | CommandBody::PlaceOpinion { .. }
                | CommandBody::RecordDelivery(_)
        )
    }

    /// Commands about the queue, which the server plans against the site's waiting tickets.
    pub fn is_queue(&self) -> bool {
        matches!(
            self,
            CommandBody::IssueTicket(_)
                | CommandBody::CallNext { .. }
                | CommandBody::Recall { .. }
                | CommandBody::NoShow { .. }
                | CommandBody::Finish { .. }
                | CommandBody::CallTicket { .. }
                | CommandBody::Hold { .. }
                | CommandBody::Resume { .. }
                | CommandBody::Transfer { .. }
                | CommandBody::StartBreak { .. }
                | CommandBody::EndBreak { .. }
                | CommandBody::BookAppointment(_)
        )
    }

    /// Ratings and their follow-ups, which the server plans against the stored rating.
    pub fn is_rating(&self) -> bool {
        matches!(
            self,
            CommandBody::RateTicket(_)
                | CommandBody::RecordRevisit(_)
                | CommandBody::RecordRectification(_)
                | CommandBody::RateFollowUp(_)
        )
    }

    /// Drawing review, which the server plans against the stored project.
    pub fn is_review(&self) -> bool {
        matches!(
            self,
            CommandBody::RegisterProject(_)
                | CommandBody::ConfirmSheets { .. }
                | CommandBody::RemoveFile { .. }
                | CommandBody::SubmitRound { .. }
                | CommandBody::OpenRound { .. }
                | CommandBody::AssignTask { .. }
                | CommandBody::SaveOpinion(_)
                | CommandBody::ReleaseOpinions { .. }
                | CommandBody::ReplyOpinion(_)
                | CommandBody::CloseOpinion { .. }
                | CommandBody::ReopenOpinion { .. }
                | CommandBody::PlaceOpinion { .. }
                | CommandBody::IssueCertificate(_)
        )
    }

    /// Delivery runs and attempts at the door.
    pub fn is_delivery(&self) -> bool {
        matches!(
            self,
            CommandBody::SaveDeliveryRun(_) | CommandBody::RecordDelivery(_)
        )
    }

    /// Drainage permits, which the server plans against the stored applications and permits.
    pub fn is_permits(&self) -> bool {
        matches!(
            self,
            CommandBody::SubmitPermitApplication(_)
                | CommandBody::ApprovePermits(_)
                | CommandBody::VoidPermit { .. }
                | CommandBody::ConfirmPermitCheck { .. }
                | CommandBody::RejectPermitCheck { .. }
                | CommandBody::RecordSpotCheck(_)
                | CommandBody::RecordReminders { .. }
                | CommandBody::SavePermitTemplate(_)
                | CommandBody::ReceiveForms(_)
                | CommandBody::PrintOnForms(_)
                | CommandBody::GiveBackForms { .. }
                | CommandBody::SpoilForm { .. }
        )
    }

    /// Commands the portal may send: an applicant's review commands and permit applications.
    pub fn from_portal(&self) -> bool {
        self.is_applicants() || matches!(self, CommandBody::SubmitPermitApplication(_))
    }

    /// What an applicant alone may send from the portal; everything else is for staff (a
    /// permit application comes from either).
    pub fn is_applicants(&self) -> bool {
        matches!(
            self,
            CommandBody::RegisterProject(_)
                | CommandBody::ConfirmSheets { .. }
                | CommandBody::RemoveFile { .. }
                | CommandBody::SubmitRound { .. }
                | CommandBody::OpenRound { .. }
                | CommandBody::ReplyOpinion(_)
        )
    }

    pub fn kind(&self) -> &'static str {
        match self {
            CommandBody::SaveSite(_) => "save_site",
            CommandBody::SaveService(_) => "save_service",
            CommandBody::SaveMatter(_) => "save_matter",
            CommandBody::SaveWindow(_) => "save_window",
            CommandBody::DeleteWindow { .. } => "delete_window",
            CommandBody::RecordPrint(_) => "record_print",
            CommandBody::IssueTicket(_) => "issue_ticket",
            CommandBody::CallNext { .. } => "call_next",
            CommandBody::Recall { .. } => "recall",
            CommandBody::NoShow { .. } => "no_show",
            CommandBody::Finish { .. } => "finish",
            CommandBody::DecideCase(_) => "decide_case",
            CommandBody::CallTicket { .. } => "call_ticket",
            CommandBody::Hold { .. } => "hold",
            CommandBody::Resume { .. } => "resume",
            CommandBody::Transfer { .. } => "transfer",
            CommandBody::SignDocument(_) => "sign_document",
            CommandBody::StartBreak { .. } => "start_break",
            CommandBody::EndBreak { .. } => "end_break",
            CommandBody::BookAppointment(_) => "book_appointment",
            CommandBody::SaveCalendarDay(_) => "save_calendar_day",
            CommandBody::DeleteCalendarDay { .. } => "delete_calendar_day",
            CommandBody::RateTicket(_) => "rate_ticket",
            CommandBody::RecordRevisit(_) => "record_revisit",
            CommandBody::RecordRectification(_) => "record_rectification",
            CommandBody::RateFollowUp(_) => "rate_follow_up",
            CommandBody::RegisterProject(_) => "register_project",
            CommandBody::ConfirmSheets { .. } => "confirm_sheets",
            CommandBody::RemoveFile { .. } => "remove_file",
            CommandBody::SubmitRound { .. } => "submit_round",
            CommandBody::OpenRound { .. } => "open_round",
            CommandBody::AssignTask { .. } => "assign_task",
            CommandBody::SaveOpinion(_) => "save_opinion",
            CommandBody::ReleaseOpinions { .. } => "release_opinions",
            CommandBody::ReplyOpinion(_) => "reply_opinion",
            CommandBody::CloseOpinion { .. } => "close_opinion",
            CommandBody::ReopenOpinion { .. } => "reopen_opinion",
            CommandBody::PlaceOpinion { .. } => "place_opinion",
            CommandBody::IssueCertificate(_) => "issue_certificate",
            CommandBody::SubmitPermitApplication(_) => "submit_permit_application",
            CommandBody::ApprovePermits(_) => "approve_permits",
            CommandBody::VoidPermit { .. } => "void_permit",
            CommandBody::ConfirmPermitCheck { .. } => "confirm_permit_check",
            CommandBody::RejectPermitCheck { .. } => "reject_permit_check",
            CommandBody::RecordSpotCheck(_) => "record_spot_check",
            CommandBody::RecordReminders { .. } => "record_reminders",
            CommandBody::SavePermitTemplate(_) => "save_permit_template",
            CommandBody::SaveDeliveryRun(_) => "save_delivery_run",
            CommandBody::RecordDelivery(_) => "record_delivery",
            CommandBody::ReceiveForms(_) => "receive_forms",
            CommandBody::PrintOnForms(_) => "print_on_forms",
            CommandBody::GiveBackForms { .. } => "give_back_forms",
            CommandBody::SpoilForm { .. } => "spoil_form",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommandStatus {
    Applied,
    Rejected,
    /// The record changed since the command's `base_version`.
    Conflict,
    /// Kept in the desktop's outbox because the server could not be reached; it is sent when
    /// the connection returns. Never answered by the server itself.
    Queued,
}

impl CommandStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CommandStatus::Applied => "applied",
            CommandStatus::Rejected => "rejected",
            CommandStatus::Conflict => "conflict",
            CommandStatus::Queued => "queued",
        }
    }
}

/// The result of a command; the same id always gets the same outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct CommandOutcome {
    pub command_id: Uuid,
    pub status: CommandStatus,
    pub error: Option<ApiError>,
    /// The record an applied command produced, when the caller needs it at once: the ticket
    /// issued or called. The same on every replay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "unknown")]
    #[schema(value_type = Object)]
    pub record: Option<serde_json::Value>,
}
