//! Drainage permits on the desktop: the site's applications and permits read from the local
//! cache (so they read offline); the dry run of a cohort and the batch approval, which need the
//! server; and what each permit prints.

use onetrip_api::command::{Command, CommandBody};
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::permits::{
    BatchApproval, BatchOutcome, Cohort, DryRun, FormLedgerView, FormPrint, FormPrintOutcome,
    FormPrintRequest, FormTaken, PERMIT_TEMPLATE, Permit, PermitApplication, PermitCheck,
    PermitStats, PermitStatsQuery, RenewalRow, SpotCheck, permit_record,
};
use onetrip_api::print::PrintRequest;
use onetrip_api::stats::{ExportFormat, SavedExport};
use onetrip_api::sync::EntityKind;
use onetrip_domain::permits::{ConditionTemplate, templates_in_force};
use uuid::Uuid;

use crate::desktop::Desktop;

pub struct Permits<'a> {
    pub(crate) desktop: &'a Desktop,
}

impl Permits<'_> {
    /// The cohort's applications, oldest first, from the cache.
    pub async fn applications(&self, cohort: Cohort) -> Result<Vec<PermitApplication>, ApiError> {
        self.desktop.owner().await?;
        let mut list: Vec<PermitApplication> = self
            .desktop
            .sync
            .cache
            .records(EntityKind::PermitApplication)
            .await?;
        list.retain(|a| cohort.holds(a));
        list.sort_by_key(|a| (a.submitted_at_ms, a.id));
        Ok(list)
    }

    /// The permits, by number, from the cache.
    pub async fn permits(&self) -> Result<Vec<Permit>, ApiError> {
        self.desktop.owner().await?;
        let mut list: Vec<Permit> = self.desktop.sync.cache.records(EntityKind::Permit).await?;
        list.sort_by(|a, b| a.number.cmp(&b.number));
        Ok(list)
    }

    /// The industries' condition templates in force, from the cache.
    pub async fn templates(&self) -> Result<Vec<ConditionTemplate>, ApiError> {
        self.desktop.owner().await?;
        let edited = self
            .desktop
            .sync
            .cache
            .records(EntityKind::PermitTemplate)
            .await?;
        Ok(templates_in_force(edited))
    }

    /// What approving the cohort would do, with the numbers the server would give.
    pub async fn dry_run(&self, cohort: Cohort) -> Result<DryRun, ApiError> {
        self.desktop
            .with_session(
                |client, token| async move { client.permit_dry_run(&token, &cohort).await },
            )
            .await
    }

    /// Approves the applications in one transaction on the server; fails at once when it
    /// cannot be reached.
    pub async fn approve(&self, application_ids: Vec<Uuid>) -> Result<BatchOutcome, ApiError> {
        self.send(CommandBody::ApprovePermits(BatchApproval {
            batch_id: Uuid::new_v4(),
            application_ids,
        }))
        .await
    }

    /// Prints permits onto the official forms (套打), one form each, in the order given: the
    /// server gives the next blank serials, each page goes to the printer as a job of its own
    /// and is waited for, and when the printer stops part-way the forms it never reached go
    /// back to the stack, so the ledger holds exactly what came out. The officer resumes with
    /// the permits left.
    pub async fn print_on_forms(
        &self,
        request: FormPrintRequest,
    ) -> Result<FormPrintOutcome, ApiError> {
        let lang = self.desktop.language().await;
        let records = self.print_records(&request.permit_ids).await?;
        let print_id = Uuid::new_v4();
        let taken: Vec<FormTaken> = self
            .send(CommandBody::PrintOnForms(FormPrint {
                print_id,
                permit_ids: request.permit_ids.clone(),
            }))
            .await?;
        let title = match taken.as_slice() {
            [one] => format!("{}（证书 {}）", one.number, one.serial),
            [first, .., last] => lang.pick(
                format!(
                    "{} 等 {} 份许可证（证书 {}–{}）",
                    first.number,
                    taken.len(),
                    first.serial,
                    last.serial
                ),
                format!(
                    "{} and {} more permits (forms {}–{})",
                    first.number,
                    taken.len() - 1,
                    first.serial,
                    last.serial
                ),
            ),
            [] => String::new(),
        };
        let print = PrintRequest {
            template: PERMIT_TEMPLATE.into(),
            records,
            title,
            printer: request.printer,
            tray: request.tray,
            copies: 1,
            overlay: true,
        };
        let partial = match self.desktop.printing().print_one_by_one(print).await {
            Ok(_) => {
                return Ok(FormPrintOutcome {
                    printed: taken,
                    remaining: Vec::new(),
                    stopped: None,
                });
            }
            Err(partial) => partial,
        };
        let done = partial.printed.min(taken.len());
        let (printed, unprinted) = taken.split_at(done);
        let Some(at) = unprinted.first() else {
            // Every page came out; only the log entry failed, which the print log shows.
            return Ok(FormPrintOutcome {
                printed: taken.clone(),
                remaining: Vec::new(),
                stopped: None,
            });
        };
        let back = self
            .send::<serde_json::Value>(CommandBody::GiveBackForms {
                print_id,
                serials: unprinted.iter().map(|t| t.serial.clone()).collect(),
            })
            .await;
        let mut stopped = lang.pick(
            format!(
                "打印在第 {} 份（{}，证书流水号 {}）处停止：{}。已打印 {} 份；未打印的 {} 张空白证书已退回，可从第 {} 份继续打印。如有证书被卡坏，请登记废证。",
                done + 1, at.number, at.serial, partial.error.message, done, unprinted.len(), done + 1
            ),
            format!(
                "Printing stopped at permit {} ({}, form {}): {}. {} printed; the {} blank forms not reached were given back, and printing can resume from permit {}. Record any form the printer spoiled.",
                done + 1, at.number, at.serial, partial.error.message, done, unprinted.len(), done + 1
            ),
        );
        if let Err(error) = back {
            stopped.push_str(&lang.pick(
                format!(
                    "（退回空白证书未成功：{}，请在空白证书台账中核对）",
                    error.message
                ),
                format!(
                    " (Giving back the forms failed: {}; check the blank-form ledger.)",
                    error.message
                ),
            ));
        }
        Ok(FormPrintOutcome {
            printed: printed.to_vec(),
            remaining: unprinted.iter().map(|t| t.permit_id).collect(),
            stopped: Some(stopped),
        })
    }

    /// The site's blank-form ledger, from the server.
    pub async fn forms(&self) -> Result<FormLedgerView, ApiError> {
        self.desktop
            .with_session(|client, token| async move { client.permit_forms(&token).await })
            .await
    }

    /// The site's batches and voids waiting for a second officer, from the server.
    pub async fn checks(&self) -> Result<Vec<PermitCheck>, ApiError> {
        self.read("/api/permits/checks".into()).await
    }

    /// The open spot checks of pledges, soonest due first, from the server.
    pub async fn spot_checks(&self) -> Result<Vec<SpotCheck>, ApiError> {
        self.read("/api/permits/spot-checks".into()).await
    }

    /// Permits within a month of expiry with their reminders and renewals, from the server.
    pub async fn renewals(&self) -> Result<Vec<RenewalRow>, ApiError> {
        self.read("/api/permits/renewals".into()).await
    }

    /// The permit figures over a range of approval days, from the server.
    pub async fn stats(&self, query: PermitStatsQuery) -> Result<PermitStats, ApiError> {
        let mut path = String::from("/api/permits/stats?");
        for (key, value) in [("from", &query.from), ("to", &query.to)] {
            if let Some(day) = value {
                // Days are `YYYY-MM-DD`; anything else the server refuses with the reason.
                let day: String = day
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect();
                path.push_str(&format!("{key}={day}&"));
            }
        }
        self.read(path).await
    }

    /// Downloads a cohort's dry-run exceptions as a file into the export folder.
    pub async fn export_exceptions(
        &self,
        cohort: Cohort,
        format: ExportFormat,
    ) -> Result<SavedExport, ApiError> {
        let (name, bytes) = self
            .desktop
            .with_session(|client, token| async move {
                client
                    .permit_exceptions_export(&token, &cohort, format)
                    .await
            })
            .await?;
        let lang = self.desktop.language().await;
        crate::stats::save_export(&self.desktop.export_folder(), &name, format, &bytes, lang)
    }

    /// Reads `path` from the server, signed in.
    async fn read<T: serde::de::DeserializeOwned + Send + 'static>(
        &self,
        path: String,
    ) -> Result<T, ApiError> {
        self.desktop
            .with_session(|client, token| {
                let path = path.clone();
                async move { client.read(&token, &path).await }
            })
            .await
    }

    /// Sends an officer's permit command (a void, a second officer's confirmation, a spot
    /// check's result) and reads what the server answers; online only, as every permit
    /// decision is.
    pub async fn command(&self, body: CommandBody) -> Result<serde_json::Value, ApiError> {
        if !body.is_permits() || matches!(body, CommandBody::SubmitPermitApplication(_)) {
            let lang = self.desktop.language().await;
            return Err(ApiError::new(
                ErrorCode::BadRequest,
                lang.pick(
                    "这不是排水许可审批操作".into(),
                    "This is not a permit officer's command".into(),
                ),
            ));
        }
        self.send(body).await
    }

    /// Sends a command the server answers with a record (a batch, forms taken, a delivery run)
    /// and reads that record.
    pub async fn send<T: serde::de::DeserializeOwned>(
        &self,
        body: CommandBody,
    ) -> Result<T, ApiError> {
        let lang = self.desktop.language().await;
        let outcome = self.desktop.outbox().send(Command::new(body)).await?;
        if let Some(error) = outcome.error {
            return Err(error);
        }
        serde_json::from_value(outcome.record.unwrap_or(serde_json::Value::Null)).map_err(|_| {
            ApiError::new(
                ErrorCode::Internal,
                lang.pick(
                    "服务器的答复无法识别".into(),
                    "The server's answer could not be read".into(),
                ),
            )
        })
    }

    /// What the permits print, in the order asked for.
    pub async fn print_records(&self, ids: &[Uuid]) -> Result<Vec<serde_json::Value>, ApiError> {
        let lang = self.desktop.language().await;
        let permits = self.permits().await?;
        ids.iter()
            .map(|id| {
                permits
                    .iter()
                    .find(|p| p.id == *id)
                    .map(permit_record)
                    .ok_or_else(|| {
                        ApiError::new(
                            ErrorCode::NotFound,
                            lang.pick(
                                "本机没有这份许可证，请等待同步后再试".into(),
                                "This permit is not on this computer yet; wait for the sync".into(),
                            ),
                        )
                    })
            })
            .collect()
    }
}

impl Desktop {
    /// Drainage permits.
    pub fn permits(&self) -> Permits<'_> {
        Permits { desktop: self }
    }
}
