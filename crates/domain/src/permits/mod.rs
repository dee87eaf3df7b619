//! Drainage permits (排水许可, 《城镇污水排入排水管网许可管理办法》): the industries and their
//! condition templates, the check of an application against its template, the statutory
//! clocks, a permit's validity and reminders, batch approval with its number allocation, and
//! the ledger of the official blank forms permits are printed on.
//!
//! Everything public is re-exported here, so `permits::check` and
//! `permits::application::check` name the same function.

pub mod application;
pub mod batch;
pub mod clock;
pub mod delivery;
pub mod forms;
pub mod industry;
pub mod number;
pub mod template;
pub mod validity;

pub use application::{ApplicationFacts, CheckResult, Outfall, Reason, check};
pub use batch::{AddressOrder, BatchPlan, Candidate, NumberBook, plan};
pub use clock::{
    ClockState, DECISION_WORKING_DAYS, DELIVERY_WORKING_DAYS, DUE_SOON_WORKING_DAYS, PermitClock,
    decision_clock, delivery_clock,
};
pub use delivery::{
    Attempt, AttemptError, MAX_TEXT_CHARS, Relation, TimeOfDay, TimeWindow, check_attempt,
};
pub use forms::{
    FormLedger, FormUse, LedgerError, LedgerReport, MAX_RANGE_FORMS, MAX_SERIAL_DIGITS,
    SerialError, SerialRange,
};
pub use industry::{Industry, Material, Pretreatment};
pub use number::{MAX_PREFIX_CHARS, MAX_SEQ, PermitNumber, PermitNumberError};
pub use template::{
    ConditionTemplate, PledgeRule, TemplateError, default_template, default_templates,
    templates_in_force,
};
pub use validity::{
    REMINDER_DAYS, RENEWAL_ALARM_DAYS, VALID_YEARS, expiry, reminder_due, reminders, renewal_alarm,
};
