//! HTTP to the central API. Every failure comes back as an `ApiError` the user can read:
//! the server's own `{code, message}`, or `offline` when it cannot be reached.

use std::time::Duration;

use onetrip_api::auth::{Account, LoginRequest, LoginResponse};
use onetrip_api::command::{Command, CommandOutcome};
use onetrip_api::config::ConfigSnapshot;
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::health::Health;
use onetrip_api::review_stats::{ReviewStats, ReviewStatsQuery};
use onetrip_api::stats::{ExportFormat, QueueStats, StatsQuery};
use onetrip_api::sync::SyncPage;
use onetrip_domain::Lang;
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::secrets::Sensitive;

#[derive(Clone)]
pub struct ApiClient {
    base: String,
    http: reqwest::Client,
    lang: Lang,
}

fn lang_tag(lang: Lang) -> &'static str {
    match lang {
        Lang::ZhCn => "zh-CN",
        Lang::En => "en",
    }
}

impl ApiClient {
    pub fn new(base: &str, lang: Lang) -> Result<ApiClient, ApiError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        Ok(ApiClient {
            base: base.trim_end_matches('/').to_owned(),
            http,
            lang,
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn offline(&self) -> ApiError {
        ApiError::new(
            ErrorCode::Offline,
            self.lang.pick(
                format!("无法连接到服务器（{}），请检查网络或服务器设置", self.base),
                format!(
                    "Cannot reach the server ({}); check the network or the server settings",
                    self.base
                ),
            ),
        )
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        token: Option<&Sensitive<String>>,
        body: Option<&(impl Serialize + Sync)>,
    ) -> Result<Option<T>, ApiError> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header(reqwest::header::ACCEPT_LANGUAGE, lang_tag(self.lang));
        if let Some(token) = token {
            request = request.bearer_auth(&token.0);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(|error| {
            tracing::info!(%error, "request failed");
            self.offline()
        })?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|_| self.offline())?;
        if status.is_success() {
            if status == StatusCode::NO_CONTENT || bytes.is_empty() {
                return Ok(None);
            }
            return serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| self.unexpected(status, &e.to_string()));
        }
        Err(serde_json::from_slice::<ApiError>(&bytes)
            .unwrap_or_else(|_| self.unexpected(status, &String::from_utf8_lossy(&bytes))))
    }

    fn unexpected(&self, status: StatusCode, detail: &str) -> ApiError {
        tracing::warn!(%status, detail, "unexpected answer from the server");
        ApiError::new(
            ErrorCode::Internal,
            self.lang.pick(
                format!("服务器返回了无法识别的应答（{status}）"),
                format!("The server gave an unexpected answer ({status})"),
            ),
        )
    }

    async fn expect<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        token: Option<&Sensitive<String>>,
        body: Option<&(impl Serialize + Sync)>,
    ) -> Result<T, ApiError> {
        self.call(method, path, token, body)
            .await?
            .ok_or_else(|| self.unexpected(StatusCode::NO_CONTENT, "empty body"))
    }

    /// The issuing authority's public key for documents' QR codes.
    pub async fn verify_key(&self) -> Result<onetrip_api::verify::VerifyKey, ApiError> {
        self.expect(Method::GET, "/api/verify/key", None, None::<&()>)
            .await
    }

    /// Checks a payload on the server, which also knows whether the document was revoked.
    pub async fn verify(
        &self,
        payload: &str,
    ) -> Result<onetrip_api::verify::VerifyResponse, ApiError> {
        let request = onetrip_api::verify::VerifyRequest {
            payload: payload.to_owned(),
        };
        self.expect(Method::POST, "/api/verify", None, Some(&request))
            .await
    }

    pub async fn health(&self) -> Result<Health, ApiError> {
        self.expect(Method::GET, "/api/health", None, None::<&()>)
            .await
    }

    pub async fn login(&self, request: &LoginRequest) -> Result<LoginResponse, ApiError> {
        self.expect(Method::POST, "/api/auth/login", None, Some(request))
            .await
    }

    pub async fn logout(&self, token: &Sensitive<String>) -> Result<(), ApiError> {
        self.call::<serde_json::Value>(Method::POST, "/api/auth/logout", Some(token), None::<&()>)
            .await
            .map(|_| ())
    }

    pub async fn me(&self, token: &Sensitive<String>) -> Result<Account, ApiError> {
        self.expect(Method::GET, "/api/auth/me", Some(token), None::<&()>)
            .await
    }

    pub async fn config(&self, token: &Sensitive<String>) -> Result<ConfigSnapshot, ApiError> {
        self.expect(Method::GET, "/api/config", Some(token), None::<&()>)
            .await
    }

    pub async fn sync_page(
        &self,
        token: &Sensitive<String>,
        since: i64,
        limit: i64,
    ) -> Result<SyncPage, ApiError> {
        self.expect(
            Method::GET,
            &format!("/api/sync?since={since}&limit={limit}"),
            Some(token),
            None::<&()>,
        )
        .await
    }

    /// Opens the live event stream, resuming after `last_seen`.
    pub async fn events(
        &self,
        token: &Sensitive<String>,
        last_seen: i64,
    ) -> Result<EventStream, ApiError> {
        // No overall timeout: the stream stays open; keep-alives arrive every 15 s.
        let response = self
            .http
            .get(format!("{}/api/events", self.base))
            .bearer_auth(&token.0)
            .header(reqwest::header::ACCEPT, "text/event-stream")
            .header(reqwest::header::ACCEPT_LANGUAGE, lang_tag(self.lang))
            .header("Last-Event-ID", last_seen.to_string())
            .timeout(Duration::from_secs(24 * 60 * 60))
            .send()
            .await
            .map_err(|_| self.offline())?;
        if !response.status().is_success() {
            let status = response.status();
            let bytes = response.bytes().await.map_err(|_| self.offline())?;
            return Err(serde_json::from_slice::<ApiError>(&bytes)
                .unwrap_or_else(|_| self.unexpected(status, &String::from_utf8_lossy(&bytes))));
        }
        Ok(EventStream {
            response,
            buffer: String::new(),
            offline: self.offline(),
        })
    }

    /// A site's statistics over a range of days.
    pub async fn stats(
        &self,
        token: &Sensitive<String>,
        query: &StatsQuery,
    ) -> Result<QueueStats, ApiError> {
        self.expect(
            Method::GET,
            &format!("/api/stats?{}", query.to_query_string()),
            Some(token),
            None::<&()>,
        )
        .await
    }

    /// The statistics as a file: the name the server gives it and its bytes.
    pub async fn stats_export(
        &self,
        token: &Sensitive<String>,
        query: &StatsQuery,
        format: ExportFormat,
    ) -> Result<(String, Vec<u8>), ApiError> {
        let path = format!(
            "/api/stats/export?format={}&{}",
            format.as_str(),
            query.to_query_string()
        );
        self.attachment(token, &path, &format!("stats.{}", format.as_str()))
            .await
    }

    /// A cohort's dry-run exceptions as a file.
    pub async fn permit_exceptions_export(
        &self,
        token: &Sensitive<String>,
        cohort: &onetrip_api::permits::Cohort,
        format: ExportFormat,
    ) -> Result<(String, Vec<u8>), ApiError> {
        let path = format!(
            "/api/permits/dry-run/exceptions?format={}&{}",
            format.as_str(),
            cohort.to_query_string()
        );
        self.attachment(
            token,
            &path,
            &format!("permit_exceptions.{}", format.as_str()),
        )
        .await
    }

    /// What approving a cohort of drainage permit applications would do.
    pub async fn permit_dry_run(
        &self,
        token: &Sensitive<String>,
        cohort: &onetrip_api::permits::Cohort,
    ) -> Result<onetrip_api::permits::DryRun, ApiError> {
        self.expect(
            Method::GET,
            &format!("/api/permits/dry-run?{}", cohort.to_query_string()),
            Some(token),
            None::<&()>,
        )
        .await
    }

    /// A staff read of `path` (`/api/…`, its query included).
    pub async fn read<T: DeserializeOwned>(
        &self,
        token: &Sensitive<String>,
        path: &str,
    ) -> Result<T, ApiError> {
        self.expect(Method::GET, path, Some(token), None::<&()>)
            .await
    }

    /// The site's blank-form ledger.
    pub async fn permit_forms(
        &self,
        token: &Sensitive<String>,
    ) -> Result<onetrip_api::permits::FormLedgerView, ApiError> {
        self.expect(Method::GET, "/api/permits/forms", Some(token), None::<&()>)
            .await
    }

    /// The review statistics over a range of acceptance dates (review leads only).
    pub async fn review_stats(
        &self,
        token: &Sensitive<String>,
        query: &ReviewStatsQuery,
    ) -> Result<ReviewStats, ApiError> {
        self.expect(
            Method::GET,
            &format!("/api/review/stats?{}", query.to_query_string()),
            Some(token),
            None::<&()>,
        )
        .await
    }

    /// The review statistics as a file: the name the server gives it and its bytes.
    pub async fn review_stats_export(
        &self,
        token: &Sensitive<String>,
        query: &ReviewStatsQuery,
        format: ExportFormat,
    ) -> Result<(String, Vec<u8>), ApiError> {
        let path = format!(
            "/api/review/stats/export?format={}&{}",
            format.as_str(),
            query.to_query_string()
        );
        self.attachment(token, &path, &format!("review_stats.{}", format.as_str()))
            .await
    }

    /// A file the server sends as an attachment: the name it gives it (`fallback` when it
    /// gives none) and its bytes.
    async fn attachment(
        &self,
        token: &Sensitive<String>,
        path: &str,
        fallback: &str,
    ) -> Result<(String, Vec<u8>), ApiError> {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&token.0)
            .header(reqwest::header::ACCEPT_LANGUAGE, lang_tag(self.lang))
            .send()
            .await
            .map_err(|_| self.offline())?;
        let status = response.status();
        let name = response
            .headers()
            .get(reqwest::header::CONTENT_DISPOSITION)
            .and_then(|value| value.to_str().ok())
            .and_then(attachment_name);
        let bytes = response.bytes().await.map_err(|_| self.offline())?;
        if !status.is_success() {
            return Err(serde_json::from_slice::<ApiError>(&bytes)
                .unwrap_or_else(|_| self.unexpected(status, &String::from_utf8_lossy(&bytes))));
        }
        let name = name.unwrap_or_else(|| fallback.to_owned());
        Ok((name, bytes.to_vec()))
    }

    /// Reviewers the lead may assign (review leads only).
    pub async fn reviewers(
        &self,
        token: &Sensitive<String>,
    ) -> Result<Vec<onetrip_api::review::Reviewer>, ApiError> {
        self.expect(
            Method::GET,
            "/api/review/reviewers",
            Some(token),
            None::<&()>,
        )
        .await
    }

    /// Streams a round's file, as it was uploaded, into `into`; its SHA-256 (hex) and size.
    /// Memory stays flat whatever the file's size.
    pub async fn download_review_file(
        &self,
        token: &Sensitive<String>,
        file: uuid::Uuid,
        into: &std::path::Path,
    ) -> Result<(String, u64), ApiError> {
        use sha2::Digest;
        use tokio::io::AsyncWriteExt;
        let mut response = self
            .http
            .get(format!("{}/api/review/files/{file}", self.base))
            .bearer_auth(&token.0)
            .header(reqwest::header::ACCEPT_LANGUAGE, lang_tag(self.lang))
            .send()
            .await
            .map_err(|_| self.offline())?;
        let status = response.status();
        if !status.is_success() {
            let bytes = response.bytes().await.map_err(|_| self.offline())?;
            return Err(serde_json::from_slice::<ApiError>(&bytes)
                .unwrap_or_else(|_| self.unexpected(status, &String::from_utf8_lossy(&bytes))));
        }
        let local = |e: std::io::Error| {
            ApiError::new(
                ErrorCode::Internal,
                self.lang.pick(
                    format!("无法保存图纸到本机缓存：{e}"),
                    format!("Cannot keep the drawing on this computer: {e}"),
                ),
            )
        };
        let mut out = tokio::fs::File::create(into).await.map_err(local)?;
        let mut hasher = sha2::Sha256::new();
        let mut size = 0u64;
        while let Some(chunk) = response.chunk().await.map_err(|_| self.offline())? {
            hasher.update(&chunk);
            size += chunk.len() as u64;
            out.write_all(&chunk).await.map_err(local)?;
        }
        out.sync_all().await.map_err(local)?;
        Ok((hex::encode(hasher.finalize()), size))
    }

    pub async fn send_command(
        &self,
        token: &Sensitive<String>,
        command: &Command,
    ) -> Result<CommandOutcome, ApiError> {
        self.expect(Method::POST, "/api/commands", Some(token), Some(command))
            .await
    }
}

/// The file name a `Content-Disposition` header gives: the RFC 5987 `filename*` when there is
/// one, else the plain `filename`.
pub fn attachment_name(header: &str) -> Option<String> {
    let parts = header.split(';').map(str::trim);
    let mut plain = None;
    for part in parts {
        if let Some(encoded) = part.strip_prefix("filename*=") {
            let encoded = encoded
                .strip_prefix("UTF-8''")
                .or_else(|| encoded.strip_prefix("utf-8''"))?;
            let mut bytes = Vec::with_capacity(encoded.len());
            let mut rest = encoded.as_bytes();
            while let Some((&first, tail)) = rest.split_first() {
                if first == b'%' && tail.len() >= 2 {
                    let hex = std::str::from_utf8(&tail[..2]).ok()?;
                    bytes.push(u8::from_str_radix(hex, 16).ok()?);
                    rest = &tail[2..];
                } else {
                    bytes.push(first);
                    rest = tail;
                }
            }
            return String::from_utf8(bytes).ok();
        }
        if let Some(name) = part.strip_prefix("filename=") {
            plain = Some(name.trim_matches('"').to_owned());
        }
    }
    plain
}

/// A Server-Sent Events stream of change-log positions.
pub struct EventStream {
    response: reqwest::Response,
    buffer: String,
    offline: ApiError,
}

/// Longest silence accepted before the stream counts as dropped (keep-alives come every 15 s).
const SILENCE: Duration = Duration::from_secs(45);

impl EventStream {
    /// The next change position; `None` when the server closed the stream.
    pub async fn next_change(&mut self) -> Result<Option<i64>, ApiError> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let event: String = self.buffer.drain(..end + 2).collect();
                let id = event
                    .lines()
                    .find_map(|line| line.strip_prefix("id:"))
                    .and_then(|id| id.trim().parse().ok());
                if let Some(seq) = id {
                    return Ok(Some(seq));
                }
                continue;
            }
            let chunk = tokio::time::timeout(SILENCE, self.response.chunk())
                .await
                .map_err(|_| self.offline.clone())?
                .map_err(|_| self.offline.clone())?;
            match chunk {
                Some(bytes) => self
                    .buffer
                    .push_str(&String::from_utf8_lossy(&bytes).replace("\r\n", "\n")),
                None => return Ok(None),
            }
        }
    }
}
