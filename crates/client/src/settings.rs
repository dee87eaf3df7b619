//! The desktop's settings file, written atomically so that a crash never leaves half a file.

use std::path::{Path, PathBuf};

use onetrip_api::desktop::{ServerMode, Settings};
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_domain::Lang;

const FILE: &str = "settings.json";

pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE)
}

/// Reads the settings; a missing file gives the defaults, an unreadable one is an error that
/// says where it is.
pub fn load(data_dir: &Path) -> Result<Settings, ApiError> {
    let file = path(data_dir);
    match std::fs::read(&file) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            ApiError::new(
                ErrorCode::Internal,
                format!(
                    "设置文件 {} 已损坏（{e}），请删除后重新设置 / The settings file is corrupt",
                    file.display()
                ),
            )
        }),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
        Err(error) => Err(ApiError::new(
            ErrorCode::Internal,
            format!("{}: {error}", file.display()),
        )),
    }
}

/// Checks the settings: remote mode needs an http(s) URL. Returns them normalised.
pub fn check(mut settings: Settings) -> Result<Settings, ApiError> {
    let lang = settings.language;
    match settings.mode {
        ServerMode::Standalone => {
            settings.server_url = settings.server_url.filter(|url| !url.trim().is_empty())
        }
        ServerMode::Remote => {
            let url = settings
                .server_url
                .as_deref()
                .map(str::trim)
                .unwrap_or_default();
            let valid = (url.starts_with("http://") || url.starts_with("https://"))
                && reqwest::Url::parse(url).is_ok_and(|parsed| parsed.host_str().is_some());
            if !valid {
                return Err(ApiError::new(
                    ErrorCode::Invalid,
                    lang.pick(
                        "服务器地址无效，请输入以 http:// 或 https:// 开头的完整地址".into(),
                        "The server address is invalid: enter a full address starting with http:// or https://".into(),
                    ),
                )
                .with_reason("invalid_server_url"));
            }
            settings.server_url = Some(url.trim_end_matches('/').to_owned());
        }
    }
    Ok(settings)
}

/// Writes the settings through a temporary file and a rename.
pub fn save(data_dir: &Path, settings: &Settings) -> Result<(), ApiError> {
    let fail = |error: std::io::Error| {
        ApiError::new(
            ErrorCode::Internal,
            settings.language.pick(
                format!("无法保存设置到 {}：{error}", data_dir.display()),
                format!("Cannot save settings in {}: {error}", data_dir.display()),
            ),
        )
    };
    std::fs::create_dir_all(data_dir).map_err(fail)?;
    let temp = data_dir.join(format!("{FILE}.tmp"));
    let bytes = serde_json::to_vec_pretty(settings)
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    std::fs::write(&temp, bytes).map_err(fail)?;
    std::fs::rename(&temp, path(data_dir)).map_err(fail)
}

/// The language to use before settings are read.
pub fn language(data_dir: &Path) -> Lang {
    load(data_dir).map(|s| s.language).unwrap_or_default()
}
