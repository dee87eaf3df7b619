//! Starts the OneTrip desktop app.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

fn main() -> ExitCode {
    // Intake checks uploaded drawings in a child process of this same program.
    onetrip_intake::run_child_if_requested();
    onetrip_server::review::compare::run_child_if_requested();
    if let Err(message) = onetrip_desktop::display::check() {
        eprintln!("{message}");
        return ExitCode::from(2);
    }
    match onetrip_desktop::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("OneTrip 无法启动 / could not start: {error:#}");
            ExitCode::FAILURE
        }
    }
}
