//! The service center's vocabulary and rules, free of IO so that every rule is unit-testable.

pub mod auth;
pub mod calendar;
pub mod config;
pub mod identity;
pub mod lang;
pub mod queue;
pub mod rating;

pub use lang::Lang;
