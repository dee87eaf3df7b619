//! The blob store on an S3-compatible server (moto, started for the test) and in a folder:
//! the same behaviour from both.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use onetrip_server::blobs::{BlobError, BlobId, BlobStore, FolderBlobs, S3Blobs};
use tokio::io::AsyncReadExt;

/// A moto S3 server on a free port, stopped when dropped.
struct Moto {
    child: Child,
    url: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn moto() -> Moto {
    let binary = std::env::var("ONETRIP_MOTO_SERVER").expect(
        "ONETRIP_MOTO_SERVER must name moto's S3-compatible server (npm test installs moto \
         into .venv and sets it)",
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(binary)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start moto_server");
    // Owned at once, so that it is stopped on every way out.
    let moto = Moto {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    for _ in 0..100 {
        if client.get(&moto.url).send().await.is_ok() {
            return moto;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("moto_server did not start on {}", moto.url);
}

fn s3_store(moto: &Moto, bucket: &str, spool: &std::path::Path) -> S3Blobs {
    let store = object_store::aws::AmazonS3Builder::new()
        .with_endpoint(&moto.url)
        .with_allow_http(true)
        .with_region("us-east-1")
        .with_access_key_id("test")
        .with_secret_access_key("test")
        .with_bucket_name(bucket)
        .build()
        .unwrap();
    S3Blobs::with_store(std::sync::Arc::new(store), spool).unwrap()
}

async fn read_all(store: &dyn BlobStore, id: BlobId) -> Vec<u8> {
    let (mut reader, size) = store.open(id).await.unwrap().expect("stored");
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).await.unwrap();
    assert_eq!(bytes.len() as u64, size);
    bytes
}

/// What every store does: whole blobs under their hash, kept once, limits and cut uploads
/// keeping nothing.
async fn behaves(store: &dyn BlobStore) {
    // 12 MB: more than one 5 MiB part of a multipart upload.
    let big: Vec<u8> = (0..12_000_000u32).map(|i| (i * 7 % 253) as u8).collect();
    let stored = store.put(&mut big.as_slice(), 64 << 20).await.unwrap();
    assert_eq!(stored.id, BlobId::of(&big));
    assert_eq!(stored.size, big.len() as u64);
    assert_eq!(read_all(store, stored.id).await, big);
    assert_eq!(
        store.put(&mut big.as_slice(), 64 << 20).await.unwrap(),
        stored
    );

    let small = b"%PDF-1.7 a sheet".to_vec();
    let id = store.put(&mut small.as_slice(), 1024).await.unwrap().id;
    assert_eq!(read_all(store, id).await, small);

    let too_big = vec![0u8; 2048];
    assert!(matches!(
        store.put(&mut too_big.as_slice(), 1024).await,
        Err(BlobError::TooLarge { limit: 1024 })
    ));
    assert!(store.open(BlobId::of(&too_big)).await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blobs_in_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    behaves(&FolderBlobs::open(dir.path()).unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blobs_on_an_s3_compatible_server() {
    let moto = moto().await;
    let bucket = "onetrip-blobs";
    let created = reqwest::Client::new()
        .put(format!("{}/{bucket}", moto.url))
        .send()
        .await
        .unwrap();
    assert!(created.status().is_success(), "{}", created.status());
    let spool = tempfile::tempdir().unwrap();
    let store = s3_store(&moto, bucket, spool.path());
    behaves(&store).await;
    // Nothing is left in the spool folder.
    assert_eq!(std::fs::read_dir(spool.path()).unwrap().count(), 0);
    // A second instance on the same bucket reads what the first stored.
    let other_spool = tempfile::tempdir().unwrap();
    let other = s3_store(&moto, bucket, other_spool.path());
    let small = b"%PDF-1.7 a sheet".to_vec();
    assert_eq!(read_all(&other, BlobId::of(&small)).await, small);
}
