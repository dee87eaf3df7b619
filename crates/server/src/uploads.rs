//! Resumable uploads: a file arrives in as many requests as the connection needs, each
//! appending at the offset the last one reached, into a partial file in the data folder; the
//! client asks where it stands and goes on from there, so nothing that arrived is sent twice.
//! A complete file is handed to its area (checked, then kept as a blob) and the partial file
//! goes. Memory stays flat: bytes pass through as they arrive.
//!
//! Partial files live on the instance that received them; several instances behind one
//! address route an upload's requests to one instance (or share the data folder).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use futures::StreamExt;
use onetrip_api::error::ApiError;
use onetrip_api::review::{UploadLimits, UploadState};
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

use crate::blobs::{BlobError, BlobStore, FolderBlobs, S3Blobs, StoredBlob};
use crate::storage::{Conn, StorageError, StorageResult, on_backend, opt_uuid, parsed, uuid};

/// 500 MB, the default ceiling of one file.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 500 * 1000 * 1000;
/// The default ceiling of sheets in one round.
pub const DEFAULT_MAX_SHEETS_PER_ROUND: u32 = 2000;

/// Where files go and what they may be.
pub struct Files {
    pub blobs: Arc<dyn BlobStore>,
    pub limits: UploadLimits,
    /// The program that checks a file in a child process (see `onetrip_intake`).
    pub intake: onetrip_intake::Isolation,
    partial_dir: PathBuf,
    /// Uploads a request is appending to right now: a second request for one waits its turn
    /// by being refused.
    busy: Mutex<HashSet<Uuid>>,
    /// Kept for a server without a data folder, whose files go when it stops.
    _temporary: Option<tempfile::TempDir>,
}

/// Where blobs are kept: a folder (the default, `<data>/blobs`) or `s3://bucket`.
#[derive(Debug, Clone)]
pub enum BlobLocation {
    Folder(PathBuf),
    S3(String),
}

impl BlobLocation {
    pub fn parse(text: &str) -> BlobLocation {
        if text.starts_with("s3://") {
            BlobLocation::S3(text.to_owned())
        } else {
            BlobLocation::Folder(PathBuf::from(text))
        }
    }
}

/// The intake child's limits: a crafted file gets this much time and memory, then it is
/// stopped and refused.
pub fn default_isolation() -> onetrip_intake::Isolation {
    onetrip_intake::Isolation {
        program: std::env::current_exe().unwrap_or_else(|_| PathBuf::from("onetrip-server")),
        timeout: std::time::Duration::from_secs(60),
        memory_bytes: 2 << 30,
    }
}

impl Files {
    /// Files under `data_dir` (partial uploads in `uploads/`), blobs where `blobs` says.
    pub fn open(data_dir: &Path, blobs: &BlobLocation) -> anyhow::Result<Files> {
        let partial_dir = data_dir.join("uploads");
        std::fs::create_dir_all(&partial_dir)?;
        let blobs: Arc<dyn BlobStore> = match blobs {
            BlobLocation::Folder(dir) => Arc::new(FolderBlobs::open(dir)?),
            BlobLocation::S3(url) => Arc::new(S3Blobs::connect(url, &data_dir.join("spool"))?),
        };
        Ok(Files {
            blobs,
            limits: UploadLimits {
                max_file_bytes: DEFAULT_MAX_FILE_BYTES,
                max_sheets_per_round: DEFAULT_MAX_SHEETS_PER_ROUND,
            },
            intake: default_isolation(),
            partial_dir,
            busy: Mutex::default(),
            _temporary: None,
        })
    }

    /// Files in a temporary folder that goes with the server: for servers started without a
    /// data folder.
    pub fn temporary() -> anyhow::Result<Files> {
        let dir = tempfile::Builder::new().prefix("onetrip-files").tempdir()?;
        let mut files = Files::open(dir.path(), &BlobLocation::Folder(dir.path().join("blobs")))?;
        files._temporary = Some(dir);
        Ok(files)
    }

    /// Files with blobs in `blobs` and partial uploads under `data_dir`.
    pub fn with_blobs(data_dir: &Path, blobs: Arc<dyn BlobStore>) -> anyhow::Result<Files> {
        let mut files = Files::open(data_dir, &BlobLocation::Folder(data_dir.join("blobs")))?;
        files.blobs = blobs;
        Ok(files)
    }

    /// The partial file of an upload: the bytes that have arrived.
    pub fn partial_path(&self, id: Uuid) -> PathBuf {
        self.partial_dir.join(format!("{}.part", id.simple()))
    }

    /// How many bytes of the upload have arrived.
    pub async fn received(&self, id: Uuid) -> std::io::Result<u64> {
        match tokio::fs::metadata(self.partial_path(id)).await {
            Ok(meta) => Ok(meta.len()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(0),
            Err(error) => Err(error),
        }
    }

    /// Appends what `body` brings at `offset`, which must be where the upload stands, up to
    /// `size` bytes in all. A connection cut part-way keeps what arrived. Returns the bytes
    /// received so far.
    pub async fn append(
        &self,
        id: Uuid,
        offset: u64,
        size: u64,
        body: axum::body::Body,
    ) -> Result<u64, AppendError> {
        let _turn = Turn::take(&self.busy, id).ok_or(AppendError::Busy)?;
        let path = self.partial_path(id);
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .await?;
        let mut received = file.metadata().await?.len();
        if offset != received {
            return Err(AppendError::Offset { received });
        }
        let mut stream = body.into_data_stream();
        let mut outcome = Ok(());
        while let Some(chunk) = stream.next().await {
            let Ok(chunk) = chunk else {
                // The connection dropped: what arrived is kept for the next request.
                break;
            };
            let room = size - received;
            if chunk.len() as u64 > room {
                let keep = usize::try_from(room).unwrap_or(0);
                file.write_all(&chunk[..keep]).await?;
                received += room;
                outcome = Err(AppendError::TooLong { size });
                break;
            }
            file.write_all(&chunk).await?;
            received += chunk.len() as u64;
        }
        file.sync_data().await?;
        outcome.map(|()| received)
    }

    /// Keeps the complete partial file as a blob and removes it.
    pub async fn keep(&self, id: Uuid, limit: u64) -> Result<StoredBlob, BlobError> {
        let path = self.partial_path(id);
        let mut file = tokio::fs::File::open(&path).await?;
        let stored = self.blobs.put(&mut file, limit).await?;
        drop(file);
        tokio::fs::remove_file(&path).await?;
        Ok(stored)
    }

    /// Drops the bytes of an upload that will not be kept.
    pub async fn discard(&self, id: Uuid) -> std::io::Result<()> {
        match tokio::fs::remove_file(self.partial_path(id)).await {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
            _ => Ok(()),
        }
    }
}

/// An upload being appended to by this request; released when dropped.
struct Turn<'a> {
    busy: &'a Mutex<HashSet<Uuid>>,
    id: Uuid,
}

impl<'a> Turn<'a> {
    fn take(busy: &'a Mutex<HashSet<Uuid>>, id: Uuid) -> Option<Turn<'a>> {
        let mut set = busy
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        set.insert(id).then_some(Turn { busy, id })
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.busy
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&self.id);
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    /// The request starts elsewhere than where the upload stands.
    #[error("the upload stands at byte {received}")]
    Offset { received: u64 },
    /// More bytes came than the upload's declared size.
    #[error("more than the declared {size} bytes")]
    TooLong { size: u64 },
    /// Another request is appending to the upload.
    #[error("another request is sending this upload")]
    Busy,
    #[error("partial upload: {0}")]
    Io(#[from] std::io::Error),
}

/// An upload as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub id: Uuid,
    pub owner_id: Uuid,
    /// What the file is for: the round it goes into.
    pub target: Uuid,
    pub file_name: String,
    pub size: u64,
    pub state: UploadState,
    pub created_at_ms: i64,
    pub file_id: Option<Uuid>,
    pub error: Option<ApiError>,
}

pub async fn create(conn: &mut Conn<'_>, upload: &Upload) -> StorageResult<()> {
    const SQL: &str =
        "INSERT INTO uploads (id, owner_id, target, file_name, size, state, created_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7)";
    let size = i64::try_from(upload.size).map_err(|_| StorageError::Corrupt("size".into()))?;
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(upload.id.to_string())
        .bind(upload.owner_id.to_string())
        .bind(upload.target.to_string())
        .bind(&upload.file_name)
        .bind(size)
        .bind(upload.state.as_str())
        .bind(upload.created_at_ms)
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}

pub async fn get(conn: &mut Conn<'_>, id: Uuid) -> StorageResult<Option<Upload>> {
    const SQL: &str =
        "SELECT id, owner_id, target, file_name, size, state, created_at_ms, file_id, error
         FROM uploads WHERE id = $1";
    type Row = (
        String,
        String,
        String,
        String,
        i64,
        String,
        i64,
        Option<String>,
        Option<String>,
    );
    let row: Option<Row> =
        on_backend!(conn, c => sqlx::query_as(SQL).bind(id.to_string()).fetch_optional(c).await)?;
    row.map(
        |(id, owner, target, file_name, size, state, created_at_ms, file_id, error)| {
            Ok(Upload {
                id: uuid(&id)?,
                owner_id: uuid(&owner)?,
                target: uuid(&target)?,
                file_name,
                size: u64::try_from(size).map_err(|_| StorageError::Corrupt("size".into()))?,
                state: UploadState::parse(&state)
                    .ok_or_else(|| StorageError::Corrupt(format!("upload state {state:?}")))?,
                created_at_ms,
                file_id: opt_uuid(file_id)?,
                error: error.map(|text| parsed(&text)).transpose()?,
            })
        },
    )
    .transpose()
}

/// Records how the upload ended.
pub async fn finish(
    conn: &mut Conn<'_>,
    id: Uuid,
    state: UploadState,
    file_id: Option<Uuid>,
    error: Option<&ApiError>,
) -> StorageResult<()> {
    const SQL: &str = "UPDATE uploads SET state = $2, file_id = $3, error = $4 WHERE id = $1";
    let error = error.map(crate::storage::json).transpose()?;
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(id.to_string())
        .bind(state.as_str())
        .bind(file_id.map(|id| id.to_string()))
        .bind(&error)
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}
