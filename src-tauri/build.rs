fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Every command the UI may call is listed here and granted in capabilities/, nothing else.
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(&[
            "auth_login",
            "auth_logout",
            "auth_current",
            "config_load",
            "command_send",
            "connection_status",
            "settings_get",
            "settings_save",
            "outbox_failed",
            "outbox_retry",
            "outbox_discard",
            "verify_document",
            "queue_tickets",
            "queue_window_states",
            "queue_ratings",
            "ratings_report",
            "stats_load",
            "stats_export",
            "print_templates",
            "print_sample",
            "print_preview",
            "printers_list",
            "print_document",
            "print_reprint",
            "print_jobs",
            "print_log",
            "calibration_get",
            "calibration_save",
            "calibration_print_grid",
        ]),
    ))
    .map_err(|e| e.to_string())?;
    Ok(())
}
