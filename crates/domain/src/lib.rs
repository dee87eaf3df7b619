//! The service center's vocabulary and rules, free of IO so that every rule is unit-testable.

pub mod auth;
pub mod calendar;
pub mod config;
pub mod identity;
pub mod input;
pub mod lang;
pub mod permits;
pub mod phone;
pub mod queue;
pub mod rating;
pub mod review;

pub use lang::Lang;
