//! Drainage permits on the desktop: the site's applications and permits read from the local
//! cache (so they read offline); the dry run of a cohort and the batch approval, which need the
//! server; and what each permit prints.

use onetrip_api::command::{Command, CommandBody};
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::permits::{
    BatchApproval, BatchOutcome, Cohort, DryRun, Permit, PermitApplication, permit_record,
};
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
        let lang = self.desktop.language().await;
        let command = Command {
            id: Uuid::new_v4(),
            base_version: None,
            body: CommandBody::ApprovePermits(BatchApproval {
                batch_id: Uuid::new_v4(),
                application_ids,
            }),
        };
        let outcome = self.desktop.outbox().send(command).await?;
        if let Some(error) = outcome.error {
            return Err(error);
        }
        outcome
            .record
            .and_then(|record| serde_json::from_value(record).ok())
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::Internal,
                    lang.pick(
                        "服务器没有返回审批结果".into(),
                        "The server did not say what the batch did".into(),
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
