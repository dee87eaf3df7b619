//! Content-addressed blobs: drawings, permit materials and other uploaded files, stored once
//! under their SHA-256 and never changed. The store streams: a file of any size passes through
//! a fixed buffer, so memory stays flat however large the upload.
//!
//! [`FolderBlobs`] keeps them in the server's data folder (`blobs/sha256/ab/cdef…`). Several
//! server instances on one PostgreSQL database share an S3-compatible store instead, behind
//! the same [`BlobStore`] interface.

use std::fmt;
use std::path::{Path, PathBuf};
use std::pin::Pin;

use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

mod s3;

pub use s3::S3Blobs;

/// The SHA-256 of a blob's bytes, which is its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BlobId([u8; 32]);

impl BlobId {
    /// Reads the 64 lower-case hex digits of a blob id.
    pub fn parse(text: &str) -> Option<BlobId> {
        if text.len() != 64 || !text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return None;
        }
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text, &mut bytes).ok()?;
        Some(BlobId(bytes))
    }

    /// The id of `bytes`.
    pub fn of(bytes: &[u8]) -> BlobId {
        BlobId(Sha256::digest(bytes).into())
    }
}

impl fmt::Display for BlobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

/// A blob as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredBlob {
    pub id: BlobId,
    pub size: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    /// More bytes arrived than the caller allows; nothing was kept.
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    /// Reading what was sent, or writing the store, failed; nothing was kept.
    #[error("blob store: {0}")]
    Io(#[from] std::io::Error),
    /// The S3-compatible store refused or could not be reached.
    #[error("object store: {0}")]
    Remote(#[from] object_store::Error),
}

/// A blob's bytes, to read as a stream, and their size.
pub type BlobReader = Pin<Box<dyn AsyncRead + Send>>;

/// Where blobs are kept.
#[async_trait::async_trait]
pub trait BlobStore: Send + Sync + 'static {
    /// Stores everything `reader` gives, up to `limit` bytes; a blob already stored is kept
    /// once. A failed or oversized read keeps nothing.
    async fn put(
        &self,
        reader: &mut (dyn AsyncRead + Unpin + Send),
        limit: u64,
    ) -> Result<StoredBlob, BlobError>;

    /// The blob's bytes and size, or `None` when no such blob is stored.
    async fn open(&self, id: BlobId) -> Result<Option<(BlobReader, u64)>, BlobError>;
}

/// How much of a stream is held in memory at once.
const CHUNK: usize = 64 * 1024;

/// Blobs in a folder: `sha256/<first two hex digits>/<the rest>`, written to `tmp/` first and
/// renamed into place once complete and synced, so a blob is either whole or absent.
pub struct FolderBlobs {
    root: PathBuf,
}

impl FolderBlobs {
    /// The store in `root` (created when missing). Leftovers of writes cut short by a crash
    /// are removed.
    pub fn open(root: &Path) -> std::io::Result<FolderBlobs> {
        std::fs::create_dir_all(root.join("sha256"))?;
        let tmp = root.join("tmp");
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp)?;
        }
        std::fs::create_dir_all(&tmp)?;
        Ok(FolderBlobs {
            root: root.to_owned(),
        })
    }

    fn path_of(&self, id: BlobId) -> PathBuf {
        let name = id.to_string();
        self.root.join("sha256").join(&name[..2]).join(&name[2..])
    }
}

/// Streams `reader` into `file`, hashing and counting; the id and size of what it held.
pub(crate) async fn spool(
    reader: &mut (dyn AsyncRead + Unpin + Send),
    file: &mut tokio::fs::File,
    limit: u64,
) -> Result<StoredBlob, BlobError> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; CHUNK];
    let mut size: u64 = 0;
    loop {
        let read = reader.read(&mut buffer).await?;
        if read == 0 {
            break;
        }
        size += read as u64;
        if size > limit {
            return Err(BlobError::TooLarge { limit });
        }
        hasher.update(&buffer[..read]);
        file.write_all(&buffer[..read]).await?;
    }
    file.sync_all().await?;
    Ok(StoredBlob {
        id: BlobId(hasher.finalize().into()),
        size,
    })
}

#[async_trait::async_trait]
impl BlobStore for FolderBlobs {
    async fn put(
        &self,
        reader: &mut (dyn AsyncRead + Unpin + Send),
        limit: u64,
    ) -> Result<StoredBlob, BlobError> {
        let temp = self
            .root
            .join("tmp")
            .join(uuid::Uuid::new_v4().simple().to_string());
        let mut file = tokio::fs::File::create(&temp).await?;
        let copied = spool(reader, &mut file, limit).await;
        drop(file);
        let stored = match copied {
            Ok(stored) => stored,
            Err(error) => {
                let _ = tokio::fs::remove_file(&temp).await;
                return Err(error);
            }
        };
        let path = self.path_of(stored.id);
        if tokio::fs::try_exists(&path).await? {
            // Stored before: the same bytes, kept once.
            tokio::fs::remove_file(&temp).await?;
            return Ok(stored);
        }
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        tokio::fs::rename(&temp, &path).await?;
        Ok(stored)
    }

    async fn open(&self, id: BlobId) -> Result<Option<(BlobReader, u64)>, BlobError> {
        match tokio::fs::File::open(self.path_of(id)).await {
            Ok(file) => {
                let size = file.metadata().await?.len();
                Ok(Some((Box::pin(file), size)))
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error.into()),
        }
    }
}

#[cfg(test)]
mod tests {

    use std::task::{Context, Poll};

    use super::*;

    async fn read_all(store: &FolderBlobs, id: BlobId) -> Vec<u8> {
        let (mut reader, size) = store.open(id).await.unwrap().unwrap();
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).await.unwrap();
        assert_eq!(bytes.len() as u64, size);
        bytes
    }

    fn temp_files(root: &Path) -> usize {
        std::fs::read_dir(root.join("tmp")).unwrap().count()
    }

    #[tokio::test]
    async fn a_blob_is_stored_once_under_its_hash_and_read_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let store = FolderBlobs::open(dir.path()).unwrap();
        let bytes: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let first = store.put(&mut bytes.as_slice(), 1 << 20).await.unwrap();
        assert_eq!(first.id, BlobId::of(&bytes));
        assert_eq!(first.size, 300_000);
        assert_eq!(read_all(&store, first.id).await, bytes);
        let again = store.put(&mut bytes.as_slice(), 1 << 20).await.unwrap();
        assert_eq!(again, first);
        let stored: Vec<_> = walk(&dir.path().join("sha256"));
        assert_eq!(stored.len(), 1);
        assert_eq!(temp_files(dir.path()), 0);
        assert!(store.open(BlobId::of(b"other")).await.unwrap().is_none());
        assert_eq!(BlobId::parse(&first.id.to_string()), Some(first.id));
    }

    fn walk(dir: &Path) -> Vec<PathBuf> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files.extend(walk(&path));
            } else {
                files.push(path);
            }
        }
        files
    }

    #[tokio::test]
    async fn an_oversized_upload_keeps_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = FolderBlobs::open(dir.path()).unwrap();
        let bytes = vec![7u8; 10_001];
        let error = store.put(&mut bytes.as_slice(), 10_000).await.unwrap_err();
        assert!(matches!(error, BlobError::TooLarge { limit: 10_000 }));
        assert_eq!(temp_files(dir.path()), 0);
        assert!(walk(&dir.path().join("sha256")).is_empty());
        // Exactly at the limit is fine.
        store.put(&mut &bytes[..10_000], 10_000).await.unwrap();
    }

    /// A reader that gives some bytes, then fails as a dropped connection does.
    struct Cut(usize);

    impl AsyncRead for Cut {
        fn poll_read(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
            buf: &mut tokio::io::ReadBuf<'_>,
        ) -> Poll<std::io::Result<()>> {
            if self.0 == 0 {
                return Poll::Ready(Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "connection reset",
                )));
            }
            let n = self.0.min(buf.remaining()).min(1000);
            buf.put_slice(&vec![1u8; n]);
            self.0 -= n;
            Poll::Ready(Ok(()))
        }
    }

    #[tokio::test]
    async fn an_upload_cut_short_keeps_nothing_and_leftovers_go_at_the_next_start() {
        let dir = tempfile::tempdir().unwrap();
        let store = FolderBlobs::open(dir.path()).unwrap();
        let error = store.put(&mut Cut(150_000), 1 << 20).await.unwrap_err();
        assert!(matches!(error, BlobError::Io(_)));
        assert_eq!(temp_files(dir.path()), 0);
        assert!(walk(&dir.path().join("sha256")).is_empty());
        // A write a crash cut short leaves a temporary file; reopening removes it.
        std::fs::write(dir.path().join("tmp").join("left-over"), b"partial").unwrap();
        FolderBlobs::open(dir.path()).unwrap();
        assert_eq!(temp_files(dir.path()), 0);
    }

    #[test]
    fn blob_ids_are_sixty_four_lower_case_hex_digits() {
        let id = BlobId::of(b"drawing");
        assert_eq!(id.to_string().len(), 64);
        for bad in [
            "",
            "abc",
            &id.to_string().to_uppercase(),
            &format!("{id}0"),
            &"g".repeat(64),
        ] {
            assert_eq!(BlobId::parse(bad), None, "{bad}");
        }
    }
}
