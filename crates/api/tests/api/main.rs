//! Keeps `ui/src/bindings/` in step with the Rust wire types, and checks the wire format.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use onetrip_api::command::{Command, CommandBody};
use uuid::Uuid;

#[test]
fn export_typescript_bindings() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings");
    onetrip_api::export_bindings(&dir).expect("bindings exported");
    assert!(dir.join("Command.ts").exists());
}

#[test]
fn command_wire_format_is_kind_and_payload() {
    let id = Uuid::new_v4();
    let command = Command {
        id,
        body: CommandBody::DeleteWindow { id },
        base_version: Some(7),
    };
    let json = serde_json::to_value(&command).unwrap();
    assert_eq!(json["kind"], "delete_window");
    assert_eq!(json["payload"]["id"], id.to_string());
    assert_eq!(json["base_version"], 7);
    let back: Command = serde_json::from_value(json).unwrap();
    assert_eq!(back, command);
}

#[test]
fn base_version_survives_the_wire() {
    let id = Uuid::new_v4();
    let text = serde_json::to_string(&Command {
        id,
        body: CommandBody::DeleteWindow { id },
        base_version: Some(3),
    })
    .unwrap();
    let back: Command = serde_json::from_str(&text).unwrap();
    assert_eq!(back.base_version, Some(3), "{text}");
}
