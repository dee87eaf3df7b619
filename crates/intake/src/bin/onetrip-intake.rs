//! `onetrip-intake`: the intake child on its own, for tests and for checking a file by hand.

use std::process::ExitCode;

fn main() -> ExitCode {
    onetrip_intake::run_child_if_requested();
    eprintln!(
        "usage: onetrip-intake {} <file.pdf> [max pages] [memory bytes] [cpu seconds]",
        onetrip_intake::CHILD_FLAG
    );
    ExitCode::from(2)
}
