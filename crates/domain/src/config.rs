//! Site configuration: sites, services (业务类别), matters (事项) and windows (窗口), with the
//! rules every change must pass before it is stored.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Lang;
use crate::calendar::{CalendarDay, Day};
use crate::input::echo;
use crate::queue::{
    AGING_MINUTES, FairnessPolicy, MAX_APPOINTMENT_EARLY_MINUTES, MAX_PRIORITY_RATIO,
};

/// Longest name accepted for a site, service, matter or checklist item.
pub const MAX_NAME_CHARS: usize = 60;
/// Highest window number at a site.
pub const MAX_WINDOW_NUMBER: u16 = 999;
/// Longest promised time (承诺时限) in working days.
pub const MAX_PROMISED_DAYS: u16 = 365;

/// What kind of place a site is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    /// 行政服务中心
    Center,
    /// 分中心
    Branch,
    /// 助跑驿站 / 便民服务点
    ServicePoint,
}

impl SiteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SiteKind::Center => "center",
            SiteKind::Branch => "branch",
            SiteKind::ServicePoint => "service_point",
        }
    }

    pub fn parse(text: &str) -> Option<SiteKind> {
        [SiteKind::Center, SiteKind::Branch, SiteKind::ServicePoint]
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

/// A service center or one of its branches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Site {
    pub id: Uuid,
    pub name: String,
    pub kind: SiteKind,
    pub parent_id: Option<Uuid>,
    /// How the site's queue calls: the priority ratio, the aging bound, appointments' lead.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub policy: Option<FairnessPolicy>,
    /// Drainage-permit batches and voids take effect only once a second officer confirms
    /// them (审核与复核分离).
    #[serde(default)]
    pub permit_second_officer: bool,
}

impl Site {
    /// The site's fairness policy, or the default one when none is set.
    pub fn fairness(&self) -> FairnessPolicy {
        self.policy.unwrap_or_default()
    }
}

/// A category of matters with its ticket prefix (A 企业开办 …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Service {
    pub id: Uuid,
    /// One capital letter, A–Z.
    pub prefix: String,
    pub name: String,
}

/// One matter a citizen can apply for, with the materials to bring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Matter {
    pub id: Uuid,
    pub service_id: Uuid,
    pub name: String,
    /// The materials checklist (材料清单), in the order it is printed.
    pub materials: Vec<String>,
    /// Promised time in working days; 0 means completed on the spot (即办).
    #[cfg_attr(feature = "openapi", schema(maximum = 65535))]
    pub promised_days: u16,
}

/// A numbered counter at a site and the services it serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Window {
    pub id: Uuid,
    pub site_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(maximum = 65535))]
    pub number: u16,
    pub service_ids: Vec<Uuid>,
}

/// Why a configuration change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("name is empty")]
    EmptyName,
    #[error("name is too long")]
    NameTooLong,
    #[error("bad prefix {:?}", echo(.0))]
    InvalidPrefix(String),
    #[error("prefix {} is already used", echo(.0))]
    DuplicatePrefix(String),
    #[error("unknown service")]
    UnknownService,
    #[error("unknown site")]
    UnknownSite,
    #[error("empty checklist item at position {0}")]
    EmptyChecklistItem(usize),
    #[error("checklist item {:?} appears twice", echo(.0))]
    DuplicateChecklistItem(String),
    #[error("promised days {0} out of range")]
    InvalidPromisedDays(u16),
    #[error("window number {0} out of range")]
    InvalidWindowNumber(u16),
    #[error("window number {0} already exists at this site")]
    DuplicateWindowNumber(u16),
    #[error("window serves no service")]
    WindowWithoutServices,
    #[error("a site cannot be its own parent")]
    InvalidParent,
    #[error("fairness policy out of range: {0}")]
    InvalidPolicy(&'static str),
    #[error("bad calendar date {:?}", echo(.0))]
    InvalidDate(String),
}

impl ConfigError {
    /// The stable code the UI branches on.
    pub fn code(&self) -> &'static str {
        match self {
            ConfigError::EmptyName => "empty_name",
            ConfigError::NameTooLong => "name_too_long",
            ConfigError::InvalidPrefix(_) => "invalid_prefix",
            ConfigError::DuplicatePrefix(_) => "duplicate_prefix",
            ConfigError::UnknownService => "unknown_service",
            ConfigError::UnknownSite => "unknown_site",
            ConfigError::EmptyChecklistItem(_) => "empty_checklist_item",
            ConfigError::DuplicateChecklistItem(_) => "duplicate_checklist_item",
            ConfigError::InvalidPromisedDays(_) => "invalid_promised_days",
            ConfigError::InvalidWindowNumber(_) => "invalid_window_number",
            ConfigError::DuplicateWindowNumber(_) => "duplicate_window_number",
            ConfigError::WindowWithoutServices => "window_without_services",
            ConfigError::InvalidParent => "invalid_parent",
            ConfigError::InvalidPolicy(_) => "invalid_policy",
            ConfigError::InvalidDate(_) => "invalid_date",
        }
    }

    /// The message shown to the user, in their language. What the user sent is quoted at
    /// most [`crate::input::MAX_ECHO_CHARS`] characters long.
    pub fn message(&self, lang: Lang) -> String {
        let (zh, en) = match self {
            ConfigError::EmptyName => ("名称不能为空".into(), "The name must not be empty".into()),
            ConfigError::NameTooLong => (
                format!("名称不能超过{MAX_NAME_CHARS}个字"),
                format!("The name must not exceed {MAX_NAME_CHARS} characters"),
            ),
            ConfigError::InvalidPrefix(p) => (
                format!("号票前缀“{}”无效：须为一个大写英文字母（A–Z）", echo(p)),
                format!(
                    "Ticket prefix \"{}\" is invalid: use one capital letter A–Z",
                    echo(p)
                ),
            ),
            ConfigError::DuplicatePrefix(p) => (
                format!("号票前缀“{}”已被其他业务类别使用", echo(p)),
                format!(
                    "Ticket prefix \"{}\" is already used by another service",
                    echo(p)
                ),
            ),
            ConfigError::UnknownService => (
                "所选业务类别不存在".into(),
                "The selected service does not exist".into(),
            ),
            ConfigError::UnknownSite => (
                "所选中心不存在".into(),
                "The selected site does not exist".into(),
            ),
            ConfigError::EmptyChecklistItem(i) => (
                format!("材料清单第{}项为空", i + 1),
                format!("Checklist item {} is empty", i + 1),
            ),
            ConfigError::DuplicateChecklistItem(item) => (
                format!("材料“{}”在清单中重复", echo(item)),
                format!("Material \"{}\" appears twice in the checklist", echo(item)),
            ),
            ConfigError::InvalidPromisedDays(d) => (
                format!("承诺时限{d}个工作日无效：应在0到{MAX_PROMISED_DAYS}之间"),
                format!(
                    "Promised time of {d} working days is invalid: use 0 to {MAX_PROMISED_DAYS}"
                ),
            ),
            ConfigError::InvalidWindowNumber(n) => (
                format!("窗口号{n}无效：应在1到{MAX_WINDOW_NUMBER}之间"),
                format!("Window number {n} is invalid: use 1 to {MAX_WINDOW_NUMBER}"),
            ),
            ConfigError::DuplicateWindowNumber(n) => (
                format!("本中心已有{n}号窗口"),
                format!("Window {n} already exists at this site"),
            ),
            ConfigError::WindowWithoutServices => (
                "窗口至少要办理一个业务类别".into(),
                "A window must serve at least one service".into(),
            ),
            ConfigError::InvalidParent => (
                "上级中心不能是本中心".into(),
                "A site cannot be its own parent".into(),
            ),
            ConfigError::InvalidPolicy(field) => match *field {
                "priority_ratio" => (
                    format!("优先号与普通号的叫号比例须为 1 到 {MAX_PRIORITY_RATIO}"),
                    format!("The priority ratio must be 1 to {MAX_PRIORITY_RATIO}"),
                ),
                "aging_minutes" => (
                    format!(
                        "最长等候时限须为 {} 到 {} 分钟",
                        AGING_MINUTES.0, AGING_MINUTES.1
                    ),
                    format!(
                        "The longest wait must be {} to {} minutes",
                        AGING_MINUTES.0, AGING_MINUTES.1
                    ),
                ),
                _ => (
                    format!("预约提前叫号时间须为 0 到 {MAX_APPOINTMENT_EARLY_MINUTES} 分钟"),
                    format!(
                        "Appointments may be called 0 to {MAX_APPOINTMENT_EARLY_MINUTES} minutes early"
                    ),
                ),
            },
            ConfigError::InvalidDate(date) => (
                format!("日期“{}”不正确，请用 年-月-日 格式", echo(date)),
                format!("The date {:?} is not valid; use YYYY-MM-DD", echo(date)),
            ),
        };
        lang.pick(zh, en)
    }
}

fn clean_name(name: &str) -> Result<String, ConfigError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ConfigError::EmptyName);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(ConfigError::NameTooLong);
    }
    Ok(name.to_owned())
}

/// A ticket prefix: exactly one capital letter A–Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServicePrefix(char);

impl ServicePrefix {
    pub fn parse(text: &str) -> Result<ServicePrefix, ConfigError> {
        let mut chars = text.trim().chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_ascii_uppercase() => Ok(ServicePrefix(c)),
            _ => Err(ConfigError::InvalidPrefix(text.to_owned())),
        }
    }

    pub fn as_char(self) -> char {
        self.0
    }
}

/// Checks a site against the sites that exist; returns it cleaned.
pub fn check_site(draft: &Site, sites: &[Site]) -> Result<Site, ConfigError> {
    let name = clean_name(&draft.name)?;
    if let Some(parent) = draft.parent_id {
        if parent == draft.id {
            return Err(ConfigError::InvalidParent);
        }
        if !sites.iter().any(|site| site.id == parent) {
            return Err(ConfigError::UnknownSite);
        }
    }
    if let Some(policy) = &draft.policy {
        policy.check().map_err(ConfigError::InvalidPolicy)?;
    }
    Ok(Site {
        name,
        ..draft.clone()
    })
}

/// Checks a calendar exception; returns it with its date written `YYYY-MM-DD` and its name
/// trimmed.
pub fn check_calendar_day(draft: &CalendarDay) -> Result<CalendarDay, ConfigError> {
    let date = Day::parse(&draft.date)
        .filter(|day| (2000..=2100).contains(&day.ymd().0))
        .ok_or_else(|| ConfigError::InvalidDate(draft.date.clone()))?;
    Ok(CalendarDay {
        date: date.to_string(),
        working: draft.working,
        name: clean_name(&draft.name)?,
    })
}

/// Checks a service against the services that exist; returns it cleaned.
pub fn check_service(draft: &Service, services: &[Service]) -> Result<Service, ConfigError> {
    let prefix = ServicePrefix::parse(&draft.prefix)?.as_char().to_string();
    let name = clean_name(&draft.name)?;
    if services
        .iter()
        .any(|other| other.id != draft.id && other.prefix == prefix)
    {
        return Err(ConfigError::DuplicatePrefix(prefix));
    }
    Ok(Service {
        id: draft.id,
        prefix,
        name,
    })
}

/// Checks a matter against the services that exist; returns it cleaned.
pub fn check_matter(draft: &Matter, services: &[Service]) -> Result<Matter, ConfigError> {
    if !services
        .iter()
        .any(|service| service.id == draft.service_id)
    {
        return Err(ConfigError::UnknownService);
    }
    let name = clean_name(&draft.name)?;
    if draft.promised_days > MAX_PROMISED_DAYS {
        return Err(ConfigError::InvalidPromisedDays(draft.promised_days));
    }
    let mut seen = HashSet::new();
    let mut materials = Vec::with_capacity(draft.materials.len());
    for (position, item) in draft.materials.iter().enumerate() {
        let item = clean_name(item).map_err(|error| match error {
            ConfigError::EmptyName => ConfigError::EmptyChecklistItem(position),
            other => other,
        })?;
        if !seen.insert(item.clone()) {
            return Err(ConfigError::DuplicateChecklistItem(item));
        }
        materials.push(item);
    }
    Ok(Matter {
        id: draft.id,
        service_id: draft.service_id,
        name,
        materials,
        promised_days: draft.promised_days,
    })
}

/// Checks a window against the sites, services and the windows that exist.
pub fn check_window(
    draft: &Window,
    sites: &[Site],
    services: &[Service],
    windows: &[Window],
) -> Result<Window, ConfigError> {
    if !sites.iter().any(|site| site.id == draft.site_id) {
        return Err(ConfigError::UnknownSite);
    }
    if draft.number == 0 || draft.number > MAX_WINDOW_NUMBER {
        return Err(ConfigError::InvalidWindowNumber(draft.number));
    }
    if windows.iter().any(|other| {
        other.id != draft.id && other.site_id == draft.site_id && other.number == draft.number
    }) {
        return Err(ConfigError::DuplicateWindowNumber(draft.number));
    }
    if draft.service_ids.is_empty() {
        return Err(ConfigError::WindowWithoutServices);
    }
    let mut service_ids = Vec::with_capacity(draft.service_ids.len());
    for id in &draft.service_ids {
        if !services.iter().any(|service| service.id == *id) {
            return Err(ConfigError::UnknownService);
        }
        if !service_ids.contains(id) {
            service_ids.push(*id);
        }
    }
    Ok(Window {
        service_ids,
        ..draft.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(prefix: &str) -> Service {
        Service {
            id: Uuid::new_v4(),
            prefix: prefix.into(),
            name: "企业开办".into(),
        }
    }

    fn site() -> Site {
        Site {
            id: Uuid::new_v4(),
            name: "玉环市行政服务中心".into(),
            kind: SiteKind::Center,
            parent_id: None,
            policy: None,
            permit_second_officer: false,
        }
    }

    #[test]
    fn prefix_is_one_capital_letter() {
        assert_eq!(
            ServicePrefix::parse("A").map(ServicePrefix::as_char),
            Ok('A')
        );
        assert_eq!(
            ServicePrefix::parse(" Z ").map(ServicePrefix::as_char),
            Ok('Z')
        );
        for bad in ["", "a", "AB", "1", "甲", "Ä"] {
            assert_eq!(
                ServicePrefix::parse(bad),
                Err(ConfigError::InvalidPrefix(bad.into())),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn service_prefix_must_be_unique() {
        let existing = service("A");
        let clash = Service {
            id: Uuid::new_v4(),
            ..existing.clone()
        };
        assert_eq!(
            check_service(&clash, std::slice::from_ref(&existing)),
            Err(ConfigError::DuplicatePrefix("A".into()))
        );
        // Editing the same service keeps its own prefix.
        assert!(check_service(&existing, std::slice::from_ref(&existing)).is_ok());
    }

    #[test]
    fn service_name_is_trimmed_and_required() {
        let mut draft = service("B");
        draft.name = "  不动产登记 ".into();
        assert_eq!(
            check_service(&draft, &[]).map(|s| s.name),
            Ok("不动产登记".into())
        );
        draft.name = "   ".into();
        assert_eq!(check_service(&draft, &[]), Err(ConfigError::EmptyName));
        draft.name = "长".repeat(MAX_NAME_CHARS + 1);
        assert_eq!(check_service(&draft, &[]), Err(ConfigError::NameTooLong));
    }

    #[test]
    fn matter_needs_known_service_and_clean_checklist() {
        let known = service("A");
        let mut draft = Matter {
            id: Uuid::new_v4(),
            service_id: known.id,
            name: "有限责任公司设立登记".into(),
            materials: vec!["营业执照申请书".into(), " 法定代表人身份证 ".into()],
            promised_days: 1,
        };
        let checked = check_matter(&draft, std::slice::from_ref(&known)).unwrap();
        assert_eq!(checked.materials[1], "法定代表人身份证");

        draft.materials.push("  ".into());
        assert_eq!(
            check_matter(&draft, std::slice::from_ref(&known)),
            Err(ConfigError::EmptyChecklistItem(2))
        );

        draft.materials = vec!["章程".into(), "章程".into()];
        assert_eq!(
            check_matter(&draft, std::slice::from_ref(&known)),
            Err(ConfigError::DuplicateChecklistItem("章程".into()))
        );

        draft.materials = vec![];
        draft.promised_days = MAX_PROMISED_DAYS + 1;
        assert_eq!(
            check_matter(&draft, std::slice::from_ref(&known)),
            Err(ConfigError::InvalidPromisedDays(MAX_PROMISED_DAYS + 1))
        );

        draft.promised_days = 0;
        assert_eq!(check_matter(&draft, &[]), Err(ConfigError::UnknownService));
    }

    #[test]
    fn window_rules() {
        let center = site();
        let a = service("A");
        let existing = Window {
            id: Uuid::new_v4(),
            site_id: center.id,
            number: 3,
            service_ids: vec![a.id],
        };
        let sites = [center.clone()];
        let services = [a.clone()];
        let windows = [existing.clone()];

        let mut draft = Window {
            id: Uuid::new_v4(),
            site_id: center.id,
            number: 3,
            service_ids: vec![a.id, a.id],
        };
        assert_eq!(
            check_window(&draft, &sites, &services, &windows),
            Err(ConfigError::DuplicateWindowNumber(3))
        );

        draft.number = 4;
        assert_eq!(
            check_window(&draft, &sites, &services, &windows).map(|w| w.service_ids),
            Ok(vec![a.id])
        );

        // The same number at another site is fine.
        let branch = Site {
            id: Uuid::new_v4(),
            kind: SiteKind::Branch,
            parent_id: Some(center.id),
            policy: None,
            permit_second_officer: false,
            ..center.clone()
        };
        let other_site = Window {
            site_id: branch.id,
            number: 3,
            ..draft.clone()
        };
        assert!(check_window(&other_site, &[center.clone(), branch], &services, &windows).is_ok());

        for number in [0, MAX_WINDOW_NUMBER + 1] {
            let bad = Window {
                number,
                ..draft.clone()
            };
            assert_eq!(
                check_window(&bad, &sites, &services, &windows),
                Err(ConfigError::InvalidWindowNumber(number))
            );
        }
        let empty = Window {
            service_ids: vec![],
            ..draft.clone()
        };
        assert_eq!(
            check_window(&empty, &sites, &services, &windows),
            Err(ConfigError::WindowWithoutServices)
        );
        let unknown = Window {
            service_ids: vec![Uuid::new_v4()],
            ..draft.clone()
        };
        assert_eq!(
            check_window(&unknown, &sites, &services, &windows),
            Err(ConfigError::UnknownService)
        );
        let nowhere = Window {
            site_id: Uuid::new_v4(),
            ..draft.clone()
        };
        assert_eq!(
            check_window(&nowhere, &sites, &services, &windows),
            Err(ConfigError::UnknownSite)
        );
        // Renumbering a window onto its own number is not a clash.
        assert!(check_window(&existing, &sites, &services, &windows).is_ok());
    }

    #[test]
    fn site_rules() {
        let center = site();
        let mut branch = Site {
            id: Uuid::new_v4(),
            name: "楚门镇分中心".into(),
            kind: SiteKind::Branch,
            parent_id: Some(center.id),
            policy: None,
            permit_second_officer: false,
        };
        assert!(check_site(&branch, std::slice::from_ref(&center)).is_ok());
        branch.parent_id = Some(branch.id);
        assert_eq!(
            check_site(&branch, std::slice::from_ref(&center)),
            Err(ConfigError::InvalidParent)
        );
        branch.parent_id = Some(Uuid::new_v4());
        assert_eq!(
            check_site(&branch, std::slice::from_ref(&center)),
            Err(ConfigError::UnknownSite)
        );
        branch.parent_id = None;
        branch.name = String::new();
        assert_eq!(check_site(&branch, &[]), Err(ConfigError::EmptyName));
    }

    #[test]
    fn every_error_has_both_languages_and_a_code() {
        let errors = [
            ConfigError::EmptyName,
            ConfigError::NameTooLong,
            ConfigError::InvalidPrefix("a".into()),
            ConfigError::DuplicatePrefix("A".into()),
            ConfigError::UnknownService,
            ConfigError::UnknownSite,
            ConfigError::EmptyChecklistItem(0),
            ConfigError::DuplicateChecklistItem("x".into()),
            ConfigError::InvalidPromisedDays(999),
            ConfigError::InvalidWindowNumber(0),
            ConfigError::DuplicateWindowNumber(3),
            ConfigError::WindowWithoutServices,
            ConfigError::InvalidParent,
        ];
        let mut codes = HashSet::new();
        for error in errors {
            assert!(
                codes.insert(error.code()),
                "duplicate code {}",
                error.code()
            );
            let zh = error.message(Lang::ZhCn);
            let en = error.message(Lang::En);
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{zh}"
            );
            assert!(en.is_ascii() || en.contains('–'), "{en}");
            assert_ne!(zh, en);
        }
    }

    #[test]
    fn messages_quote_at_most_eighty_characters_of_what_was_sent() {
        let huge = "甲".repeat(10_000);
        // What a draft sends, refused on its way in.
        let mut draft = service("A");
        draft.prefix = huge.clone();
        let prefix = check_service(&draft, &[]).unwrap_err();
        assert_eq!(prefix, ConfigError::InvalidPrefix(huge.clone()));
        let date = check_calendar_day(&CalendarDay {
            date: huge.clone(),
            working: false,
            name: "国庆节".into(),
        })
        .unwrap_err();
        let errors = [
            prefix,
            date,
            ConfigError::DuplicatePrefix(huge.clone()),
            ConfigError::DuplicateChecklistItem(huge.clone()),
        ];
        for error in errors {
            for lang in [Lang::ZhCn, Lang::En] {
                let message = error.message(lang);
                // 79 characters of the input and the ellipsis, in a sentence of its own length.
                let quoted = message.chars().filter(|c| *c == '甲').count();
                assert_eq!(quoted, crate::input::MAX_ECHO_CHARS - 1, "{message}");
                assert!(message.contains("甲…"), "{message}");
                assert!(message.chars().count() < 140, "{message}");
            }
            assert!(error.to_string().chars().count() < 120);
        }
        // A short input is quoted whole.
        assert_eq!(
            ConfigError::InvalidPrefix("ab".into()).message(Lang::ZhCn),
            "号票前缀“ab”无效：须为一个大写英文字母（A–Z）"
        );
    }
}
