//! Upload of one large file into a review round: how much the server's memory grows while a
//! 500 MB file streams in, and how fast it arrives, beside writing the same bytes to a file on
//! the same disk (the physical limit). The server is a separate `onetrip-server` process (the
//! one built beside this example) on a fresh SQLite data folder; its resident and peak memory
//! are read from `/proc`.
//!
//! Usage: `bench_upload [MEGABYTES]` (default 500). Build the server first:
//! `cargo build --release -p onetrip-server && cargo run --release -p onetrip-server --example bench_upload`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use uuid::Uuid;

const CHUNK: usize = 8 << 20;

fn memory_kib(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find(|line| line.starts_with(key))
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap()
}

fn main() {
    let megabytes: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(500);
    let size = megabytes * 1_000_000;
    let exe = std::env::current_exe().unwrap();
    let server = exe
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("onetrip-server");
    let data = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(&server)
        .args(["--listen", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(data.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start onetrip-server (build it first)");
    let base = format!("http://127.0.0.1:{port}/api");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let http = reqwest::Client::new();
        for _ in 0..200 {
            if http.get(format!("{base}/health")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let post = |path: &str, token: Option<&str>, body: Value| {
            let mut request = http.post(format!("{base}{path}")).json(&body);
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            request.send()
        };
        let login = |user: &str, password: &str| {
            let request = post("/auth/login", None, json!({ "username": user, "password": password }));
            async move { request.await.unwrap().json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned() }
        };
        let admin = login("admin", "Yuhuan@2026").await;
        post("/applicants", Some(&admin), json!({
            "username": "bench", "password": "Jianshe@2026", "display_name": "王经办",
            "organisation_name": "玉环市城市建设投资有限公司", "credit_code": "91330000MA2ABCDE1L",
            "phone": "13805761234" })).await.unwrap();
        let applicant = login("bench", "Jianshe@2026").await;
        let (project, round) = (Uuid::new_v4(), Uuid::new_v4());
        let registered = post("/portal/commands", Some(&applicant), json!({ "id": Uuid::new_v4(), "kind": "register_project", "payload": {
            "id": project, "code": "2026-331021-47-01-000777", "name": "大文件", "builder": "甲", "designer": "乙",
            "town": "玉城街道", "kind": "public", "floor_area_m2": "100", "first_round_id": round } })).await.unwrap();
        assert!(registered.status().is_success());
        let upload: Value = post("/portal/uploads", Some(&applicant), json!({ "round_id": round, "file_name": "big.pdf", "size": size }))
            .await.unwrap().json().await.unwrap();
        let id = upload["id"].as_str().unwrap().to_owned();
        let pid = child.id();
        let rss_before = memory_kib(pid, "VmRSS:");
        // Not a PDF: intake refuses it at once, so the figure is the transfer's.
        let mut block = vec![b'x'; CHUNK];
        block[..8].copy_from_slice(b"NOTAPDF\n");
        let started = Instant::now();
        let mut sent = 0usize;
        let mut peak_rss = rss_before;
        while sent < size {
            let length = CHUNK.min(size - sent);
            let answer = http
                .patch(format!("{base}/portal/uploads/{id}"))
                .bearer_auth(&applicant)
                .header("upload-offset", sent.to_string())
                .body(block[..length].to_vec())
                .send()
                .await
                .unwrap();
            assert!(answer.status().is_success(), "{}", answer.text().await.unwrap());
            sent += length;
            peak_rss = peak_rss.max(memory_kib(pid, "VmRSS:"));
        }
        let upload_s = started.elapsed().as_secs_f64();
        let hwm = memory_kib(pid, "VmHWM:");
        // The physical limit: the same bytes written to a file on the same disk, synced.
        let path = data.path().join("limit.bin");
        let started = Instant::now();
        let mut file = std::fs::File::create(&path).unwrap();
        let mut written = 0;
        while written < size {
            let length = CHUNK.min(size - written);
            file.write_all(&block[..length]).unwrap();
            written += length;
        }
        file.sync_all().unwrap();
        let disk_s = started.elapsed().as_secs_f64();
        println!("upload of {megabytes} MB in {} MiB requests", CHUNK >> 20);
        println!("  server RSS before {} MiB, highest while uploading {} MiB: growth {} MiB (goal <= 64 MiB)",
            rss_before / 1024, peak_rss / 1024, (peak_rss.saturating_sub(rss_before)) / 1024);
        println!("  server peak (VmHWM, whole life) {} MiB", hwm / 1024);
        println!("  upload {:.2} s ({:.0} MB/s); the same bytes written and synced to disk {:.2} s ({:.0} MB/s): {:.2}x",
            upload_s, megabytes as f64 / upload_s, disk_s, megabytes as f64 / disk_s, upload_s / disk_s);
    });
    let _ = child.kill();
    let _ = child.wait();
}
