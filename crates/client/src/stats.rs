//! Statistics — the queue's and drawing review's — asked of the central API, and their exports
//! saved where the user finds them.

use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::review_stats::{ReviewStats, ReviewStatsQuery};
use onetrip_api::stats::{ExportFormat, QueueStats, SavedExport, StatsQuery};

use crate::desktop::Desktop;

/// Statistics of a site.
pub struct Stats<'a> {
    pub(crate) desktop: &'a Desktop,
}

impl Stats<'_> {
    /// A site's statistics, asked of the server (they are not kept in the local cache).
    pub async fn figures(&self, query: StatsQuery) -> Result<QueueStats, ApiError> {
        self.desktop
            .with_session(|client, token| async move { client.stats(&token, &query).await })
            .await
    }

    /// Downloads the statistics as a file into the export folder (the user's Downloads folder
    /// when the shell found one, else `exports/` in the data folder) and says where it is.
    /// A file of the same name already there is kept: the new one gets a numbered name.
    pub async fn export(
        &self,
        query: StatsQuery,
        format: ExportFormat,
    ) -> Result<SavedExport, ApiError> {
        let (name, bytes) = self
            .desktop
            .with_session(|client, token| async move {
                client.stats_export(&token, &query, format).await
            })
            .await?;
        let lang = self.desktop.language().await;
        save_export(&self.desktop.export_folder(), &name, format, &bytes, lang)
    }

    /// The drawing-review statistics (审图统计), asked of the server.
    pub async fn review_figures(&self, query: ReviewStatsQuery) -> Result<ReviewStats, ApiError> {
        self.desktop
            .with_session(|client, token| async move { client.review_stats(&token, &query).await })
            .await
    }

    /// Downloads the review statistics as a file into the export folder, as [`Stats::export`].
    pub async fn review_export(
        &self,
        query: ReviewStatsQuery,
        format: ExportFormat,
    ) -> Result<SavedExport, ApiError> {
        let (name, bytes) = self
            .desktop
            .with_session(|client, token| async move {
                client.review_stats_export(&token, &query, format).await
            })
            .await?;
        let lang = self.desktop.language().await;
        save_file(
            &self.desktop.export_folder(),
            &name,
            &format!("review_stats.{}", format.as_str()),
            &bytes,
            lang,
        )
    }
}

impl crate::desktop::Desktop {
    /// Where exports and saved documents go: the user's Downloads folder when the shell found
    /// one, else `exports/` in the data folder.
    pub fn export_folder(&self) -> std::path::PathBuf {
        match &self.export_dir {
            Some(dir) if dir.is_dir() => dir.clone(),
            _ => self.data_dir.join("exports"),
        }
    }
}

/// Writes an export into `folder` under `name` (only its last component, so that a name from
/// the server never leaves the folder), numbering it when the name is taken.
pub fn save_export(
    folder: &std::path::Path,
    name: &str,
    format: ExportFormat,
    bytes: &[u8],
    lang: onetrip_domain::Lang,
) -> Result<SavedExport, ApiError> {
    save_file(
        folder,
        name,
        &format!("stats.{}", format.as_str()),
        bytes,
        lang,
    )
}

/// Writes a file into `folder` under `name` (only its last component, so that a name from
/// elsewhere never leaves the folder; `fallback` when it has none), numbering it when the name
/// is taken.
pub fn save_file(
    folder: &std::path::Path,
    name: &str,
    fallback: &str,
    bytes: &[u8],
    lang: onetrip_domain::Lang,
) -> Result<SavedExport, ApiError> {
    let failed = |error: std::io::Error| {
        ApiError::new(
            ErrorCode::Internal,
            lang.pick(
                format!("无法保存导出文件到 {}：{error}", folder.display()),
                format!("Cannot save the export in {}: {error}", folder.display()),
            ),
        )
    };
    let name = std::path::Path::new(name)
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| !n.starts_with('.'))
        .map(str::to_owned)
        .unwrap_or_else(|| fallback.to_owned());
    std::fs::create_dir_all(folder).map_err(failed)?;
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, extension)) => (stem.to_owned(), format!(".{extension}")),
        None => (name.clone(), String::new()),
    };
    let mut number = 1;
    loop {
        let file_name = match number {
            1 => name.clone(),
            n => format!("{stem} ({n}){extension}"),
        };
        let path = folder.join(&file_name);
        // `create_new` so that two exports at once never write into the same file.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                use std::io::Write;
                file.write_all(bytes).map_err(failed)?;
                return Ok(SavedExport {
                    file_name,
                    path: path.display().to_string(),
                });
            }
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists && number < 1000 => {
                number += 1;
            }
            Err(error) => return Err(failed(error)),
        }
    }
}

impl Desktop {
    /// Statistics and their exports.
    pub fn stats(&self) -> Stats<'_> {
        Stats { desktop: self }
    }
}
