//! The desktop shell: wires `onetrip-client` to Tauri commands and starts the in-process
//! central API in standalone mode. It holds no logic of its own.

pub mod commands;
pub mod display;
pub mod standalone;

use std::path::PathBuf;

use onetrip_client::Desktop;
use onetrip_client::printing::PrintSystem;
use std::sync::Arc;

use onetrip_client::sync::{SyncEvent, SyncObserver};
use tauri::{Emitter, Manager, Runtime};

/// Registers every command on `builder`; `run` and the tests both go through it.
pub fn with_commands<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        commands::auth::auth_login,
        commands::auth::auth_logout,
        commands::auth::auth_current,
        commands::config::config_load,
        commands::sync::command_send,
        commands::sync::connection_status,
        commands::config::settings_get,
        commands::config::settings_save,
        commands::sync::outbox_failed,
        commands::sync::outbox_retry,
        commands::sync::outbox_discard,
        commands::printing::verify_document,
        commands::queue::queue_tickets,
        commands::queue::queue_window_states,
        commands::ratings::queue_ratings,
        commands::ratings::ratings_report,
        commands::stats::stats_load,
        commands::stats::stats_export,
        commands::stats::review_stats_load,
        commands::stats::review_stats_export,
        commands::review::review_projects,
        commands::review::review_project,
        commands::review::review_file,
        commands::review::review_take_offline,
        commands::review::review_reviewers,
        commands::review::review_clauses,
        commands::review::review_document,
        commands::review::review_save_document,
        commands::review::review_print_document,
        commands::review::review_export_file,
        commands::review::review_overlay,
        commands::review::review_sheet_page,
        commands::review::review_sheet_region,
        commands::delivery::delivery_runs,
        commands::delivery::delivery_attempts,
        commands::delivery::delivery_plan,
        commands::delivery::delivery_record,
        commands::delivery::delivery_run_sheet,
        commands::delivery::delivery_receipt,
        commands::permits::permits_applications,
        commands::permits::permits_list,
        commands::permits::permits_templates,
        commands::permits::permits_dry_run,
        commands::permits::permits_approve,
        commands::permits::permits_print_records,
        commands::permits::permits_print_on_forms,
        commands::permits::permits_forms,
        commands::permits::permits_checks,
        commands::permits::permits_command,
        commands::permits::permits_spot_checks,
        commands::permits::permits_renewals,
        commands::permits::permits_stats,
        commands::permits::permits_export_exceptions,
        commands::printing::print_templates,
        commands::printing::print_sample,
        commands::printing::print_preview,
        commands::printing::printers_list,
        commands::printing::print_document,
        commands::printing::print_reprint,
        commands::printing::print_jobs,
        commands::printing::print_log,
        commands::printing::calibration_get,
        commands::printing::calibration_save,
        commands::printing::calibration_print_grid,
    ])
}

/// The data folder: `ONETRIP_DATA_DIR` when set, else the platform's app data folder.
fn data_dir<R: Runtime>(app: &tauri::App<R>) -> anyhow::Result<PathBuf> {
    match std::env::var_os("ONETRIP_DATA_DIR") {
        Some(dir) => Ok(PathBuf::from(dir)),
        None => Ok(app.path().app_data_dir()?),
    }
}

/// The fonts shipped with the app as resources; none in a build without a bundle (the print
/// crate then finds its own folder).
fn bundled_fonts<R: Runtime>(app: &tauri::App<R>) -> Option<PathBuf> {
    let dir = app.path().resource_dir().ok()?.join("fonts");
    dir.join(onetrip_print::fonts::BUNDLED_FONTS[0].file)
        .is_file()
        .then_some(dir)
}

/// Passes sync events on to the UI as `sync://status`, `sync://data` and `sync://session-ended`.
pub fn observer<R: Runtime>(app: tauri::AppHandle<R>) -> SyncObserver {
    Arc::new(move |event| {
        let name = match event {
            SyncEvent::Status => "sync://status",
            SyncEvent::Data => "sync://data",
            SyncEvent::SessionEnded => "sync://session-ended",
        };
        if let Err(error) = app.emit(name, ()) {
            tracing::warn!(%error, name, "could not tell the UI");
        }
    })
}

/// Runs the desktop app until its window closes.
pub fn run() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    with_commands(tauri::Builder::default())
        .setup(|app| {
            let dir = data_dir(app)?;
            let launcher = standalone::launcher(dir.join("central"));
            let desktop = tauri::async_runtime::block_on(Desktop::new(
                dir.clone(),
                launcher.clone(),
                observer(app.handle().clone()),
            ))?
            .with_printing(PrintSystem::local(), bundled_fonts(app))
            .with_export_dir(app.path().download_dir().ok());
            tracing::info!(data_dir = %dir.display(), "OneTrip desktop starting");
            // Start the embedded server right away in standalone mode so the first screen is fast.
            let settings = onetrip_client::settings::load(&dir)?;
            if settings.mode == onetrip_api::desktop::ServerMode::Standalone {
                tauri::async_runtime::spawn(async move {
                    if let Err(error) = launcher().await {
                        tracing::error!(%error, "the embedded server did not start");
                    }
                });
            }
            app.manage(desktop);
            Ok(())
        })
        .run(tauri::generate_context!())?;
    Ok(())
}
