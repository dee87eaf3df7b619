//! Blobs in an S3-compatible store, shared by several server instances: each upload is first
//! spooled to a local file while its SHA-256 is computed, then sent under that name in parts,
//! so memory stays flat and a blob in the store is always whole.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures::StreamExt;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};
use tokio::io::{AsyncRead, AsyncReadExt};

use super::{BlobError, BlobId, BlobReader, BlobStore, StoredBlob};

/// Parts sent at once.
const PARTS_IN_FLIGHT: usize = 2;

pub struct S3Blobs {
    store: Arc<dyn ObjectStore>,
    /// Where uploads are spooled before they are sent.
    spool: PathBuf,
}

impl S3Blobs {
    /// The bucket named by `url` (`s3://bucket`), with the endpoint, region and credentials
    /// of the usual `AWS_*` environment variables (`AWS_ENDPOINT` and `AWS_ALLOW_HTTP=true`
    /// for a store on the site's own network); uploads are spooled in `spool`.
    pub fn connect(url: &str, spool: &Path) -> Result<S3Blobs, BlobError> {
        let bucket = url
            .strip_prefix("s3://")
            .map(|rest| rest.trim_end_matches('/'))
            .filter(|bucket| !bucket.is_empty() && !bucket.contains('/'))
            .ok_or_else(|| {
                BlobError::Io(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("blob store URL {url:?} is not s3://BUCKET"),
                ))
            })?;
        let store = object_store::aws::AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .build()?;
        Self::with_store(Arc::new(store), spool)
    }

    /// Blobs in `store`, spooled in `spool`.
    pub fn with_store(store: Arc<dyn ObjectStore>, spool: &Path) -> Result<S3Blobs, BlobError> {
        std::fs::create_dir_all(spool)?;
        Ok(S3Blobs {
            store,
            spool: spool.to_owned(),
        })
    }

    fn key_of(id: BlobId) -> ObjectPath {
        let name = id.to_string();
        ObjectPath::from(format!("sha256/{}/{}", &name[..2], &name[2..]))
    }

    async fn send(&self, file: &Path, key: &ObjectPath) -> Result<(), BlobError> {
        let upload = self.store.put_multipart(key).await?;
        let mut writer = WriteMultipart::new(upload);
        let mut file = tokio::fs::File::open(file).await?;
        let mut buffer = vec![0u8; 1024 * 1024];
        loop {
            let read = file.read(&mut buffer).await?;
            if read == 0 {
                break;
            }
            writer.wait_for_capacity(PARTS_IN_FLIGHT).await?;
            writer.write(&buffer[..read]);
        }
        writer.finish().await?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl BlobStore for S3Blobs {
    async fn put(
        &self,
        reader: &mut (dyn AsyncRead + Unpin + Send),
        limit: u64,
    ) -> Result<StoredBlob, BlobError> {
        let spooled = self.spool.join(uuid::Uuid::new_v4().simple().to_string());
        let result = async {
            let mut file = tokio::fs::File::create(&spooled).await?;
            let stored = super::spool(reader, &mut file, limit).await?;
            drop(file);
            let key = Self::key_of(stored.id);
            match self.store.head(&key).await {
                // Stored before: the same bytes, kept once.
                Ok(_) => Ok(stored),
                Err(object_store::Error::NotFound { .. }) => {
                    self.send(&spooled, &key).await.map(|()| stored)
                }
                Err(error) => Err(error.into()),
            }
        }
        .await;
        let _ = tokio::fs::remove_file(&spooled).await;
        result
    }

    async fn open(&self, id: BlobId) -> Result<Option<(BlobReader, u64)>, BlobError> {
        match self.store.get(&Self::key_of(id)).await {
            Ok(found) => {
                let size = found.meta.size;
                let stream = found
                    .into_stream()
                    .map(|chunk| chunk.map_err(std::io::Error::other));
                Ok(Some((
                    Box::pin(tokio_util::io::StreamReader::new(stream)),
                    size,
                )))
            }
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }
}
