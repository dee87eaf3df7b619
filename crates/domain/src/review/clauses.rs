//! The standards reviewers cite, by edition, and what superseded what: since 2022 the
//! 全文强制 general codes (GB 55xxx) replace the mandatory clauses (强制性条文) of the older
//! standards, and a revised standard replaces its previous edition.

use serde::{Deserialize, Serialize};

use super::opinion::{Clause, OpinionKind};

/// A standard's edition in the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edition {
    /// `GB 50016-2014`.
    pub edition: &'static str,
    /// `2018年版` for a partial revision in force.
    pub revision: Option<&'static str>,
    pub title: &'static str,
}

/// How an edition, or its mandatory clauses, stopped being the one to cite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replacement {
    pub old: &'static str,
    pub new: &'static str,
    /// Only the mandatory clauses were abolished (by a general code); the rest still applies.
    pub mandatory_only: bool,
    /// `YYYY-MM-DD` from which the replacement is in force.
    pub from: &'static str,
}

pub const EDITIONS: &[Edition] = &[
    Edition {
        edition: "GB 50016-2014",
        revision: Some("2018年版"),
        title: "建筑设计防火规范",
    },
    Edition {
        edition: "GB 55037-2022",
        revision: None,
        title: "建筑防火通用规范",
    },
    Edition {
        edition: "GB 55036-2022",
        revision: None,
        title: "消防设施通用规范",
    },
    Edition {
        edition: "GB 50352-2019",
        revision: None,
        title: "民用建筑设计统一标准",
    },
    Edition {
        edition: "GB 55031-2022",
        revision: None,
        title: "民用建筑通用规范",
    },
    Edition {
        edition: "GB 50010-2010",
        revision: Some("2015年版"),
        title: "混凝土结构设计规范",
    },
    Edition {
        edition: "GB 55008-2021",
        revision: None,
        title: "混凝土结构通用规范",
    },
    Edition {
        edition: "GB 50011-2010",
        revision: Some("2016年版"),
        title: "建筑抗震设计规范",
    },
    Edition {
        edition: "GB 55002-2021",
        revision: None,
        title: "建筑与市政工程抗震通用规范",
    },
    Edition {
        edition: "GB 50009-2012",
        revision: None,
        title: "建筑结构荷载规范",
    },
    Edition {
        edition: "GB 55001-2021",
        revision: None,
        title: "工程结构通用规范",
    },
    Edition {
        edition: "GB 50015-2019",
        revision: None,
        title: "建筑给水排水设计标准",
    },
    Edition {
        edition: "GB 50015-2003",
        revision: Some("2009年版"),
        title: "建筑给水排水设计规范",
    },
    Edition {
        edition: "GB 55020-2021",
        revision: None,
        title: "建筑给水排水与节水通用规范",
    },
    Edition {
        edition: "GB 50736-2012",
        revision: None,
        title: "民用建筑供暖通风与空气调节设计规范",
    },
    Edition {
        edition: "GB 50189-2015",
        revision: None,
        title: "公共建筑节能设计标准",
    },
    Edition {
        edition: "GB 55015-2021",
        revision: None,
        title: "建筑节能与可再生能源利用通用规范",
    },
    Edition {
        edition: "GB 50052-2009",
        revision: None,
        title: "供配电系统设计规范",
    },
    Edition {
        edition: "GB 55024-2022",
        revision: None,
        title: "建筑电气与智能化通用规范",
    },
    Edition {
        edition: "GB 50038-2005",
        revision: None,
        title: "人民防空地下室设计规范",
    },
    Edition {
        edition: "GB 50974-2014",
        revision: None,
        title: "消防给水及消火栓系统技术规范",
    },
    Edition {
        edition: "GB 50084-2017",
        revision: None,
        title: "自动喷水灭火系统设计规范",
    },
    Edition {
        edition: "GB 50763-2012",
        revision: None,
        title: "无障碍设计规范",
    },
    Edition {
        edition: "GB 55019-2021",
        revision: None,
        title: "建筑与市政工程无障碍通用规范",
    },
];

pub const REPLACEMENTS: &[Replacement] = &[
    Replacement {
        old: "GB 50016-2014",
        new: "GB 55037-2022",
        mandatory_only: true,
        from: "2023-06-01",
    },
    Replacement {
        old: "GB 50974-2014",
        new: "GB 55036-2022",
        mandatory_only: true,
        from: "2023-03-01",
    },
    Replacement {
        old: "GB 50084-2017",
        new: "GB 55036-2022",
        mandatory_only: true,
        from: "2023-03-01",
    },
    Replacement {
        old: "GB 50352-2019",
        new: "GB 55031-2022",
        mandatory_only: true,
        from: "2023-03-01",
    },
    Replacement {
        old: "GB 50010-2010",
        new: "GB 55008-2021",
        mandatory_only: true,
        from: "2022-04-01",
    },
    Replacement {
        old: "GB 50011-2010",
        new: "GB 55002-2021",
        mandatory_only: true,
        from: "2022-01-01",
    },
    Replacement {
        old: "GB 50009-2012",
        new: "GB 55001-2021",
        mandatory_only: true,
        from: "2022-01-01",
    },
    Replacement {
        old: "GB 50015-2019",
        new: "GB 55020-2021",
        mandatory_only: true,
        from: "2022-04-01",
    },
    Replacement {
        old: "GB 50015-2003",
        new: "GB 50015-2019",
        mandatory_only: false,
        from: "2020-03-01",
    },
    Replacement {
        old: "GB 50189-2015",
        new: "GB 55015-2021",
        mandatory_only: true,
        from: "2022-04-01",
    },
    Replacement {
        old: "GB 50736-2012",
        new: "GB 55015-2021",
        mandatory_only: true,
        from: "2022-04-01",
    },
    Replacement {
        old: "GB 50052-2009",
        new: "GB 55024-2022",
        mandatory_only: true,
        from: "2022-10-01",
    },
    Replacement {
        old: "GB 50763-2012",
        new: "GB 55019-2021",
        mandatory_only: true,
        from: "2022-04-01",
    },
];

/// A warning that a cited clause is no longer the one to cite.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Superseded {
    /// The edition cited: `GB 50016-2014`.
    pub cited: String,
    /// What to cite instead: `GB 55037-2022 建筑防火通用规范`.
    pub instead: String,
    /// Only the mandatory clauses were abolished.
    pub mandatory_only: bool,
    pub from: String,
}

fn title_of(edition: &str) -> &'static str {
    EDITIONS
        .iter()
        .find(|e| e.edition == edition)
        .map_or("", |e| e.title)
}

/// Whether citing `clause` for an opinion of `kind` on `today` (`YYYY-MM-DD`) cites an
/// edition, or a mandatory clause, that has been superseded.
pub fn superseded(clause: &Clause, kind: OpinionKind, today: &str) -> Option<Superseded> {
    let edition = clause.edition();
    REPLACEMENTS
        .iter()
        .filter(|r| r.old == edition && r.from <= today)
        .find(|r| !r.mandatory_only || kind == OpinionKind::Mandatory)
        .map(|r| Superseded {
            cited: edition.clone(),
            instead: format!("{} {}", r.new, title_of(r.new)).trim().to_owned(),
            mandatory_only: r.mandatory_only,
            from: r.from.to_owned(),
        })
}

/// Editions whose code, year or title contains `query` (case-insensitive), current ones first.
pub fn find_editions(query: &str) -> Vec<Edition> {
    let wanted = crate::input::normalise_code(query);
    let mut found: Vec<Edition> = EDITIONS
        .iter()
        .filter(|e| {
            let code = e.edition.replace(' ', "");
            wanted.is_empty() || code.contains(&wanted) || e.title.contains(query.trim())
        })
        .copied()
        .collect();
    let replaced = |e: &Edition| {
        REPLACEMENTS
            .iter()
            .any(|r| r.old == e.edition && !r.mandatory_only)
    };
    found.sort_by_key(|e| (replaced(e), e.edition));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mandatory_clause_of_an_older_standard_is_flagged_after_the_general_code() {
        let clause = Clause::parse("GB 50016-2014(2018年版) 第5.5.17条").unwrap();
        let warning = superseded(&clause, OpinionKind::Mandatory, "2026-12-01").unwrap();
        assert_eq!(warning.instead, "GB 55037-2022 建筑防火通用规范");
        assert!(warning.mandatory_only);
        // As a general clause it still applies; before the general code it was current.
        assert_eq!(
            superseded(&clause, OpinionKind::General, "2026-12-01"),
            None
        );
        assert_eq!(
            superseded(&clause, OpinionKind::Mandatory, "2023-05-31"),
            None
        );
        // A replaced edition is flagged whatever the kind.
        let old = Clause::parse("GB 50015-2003 第3.1.1条").unwrap();
        assert!(superseded(&old, OpinionKind::General, "2026-12-01").is_some());
        let current = Clause::parse("GB 55037-2022 第4.1.3条").unwrap();
        assert_eq!(
            superseded(&current, OpinionKind::Mandatory, "2026-12-01"),
            None
        );
    }

    #[test]
    fn editions_are_found_by_code_or_title() {
        assert_eq!(find_editions("50016")[0].title, "建筑设计防火规范");
        assert!(
            find_editions("防火")
                .iter()
                .any(|e| e.edition == "GB 55037-2022")
        );
        assert!(find_editions("gb55").len() >= 8);
        let all = find_editions("");
        assert_eq!(all.len(), EDITIONS.len());
        assert_eq!(
            all.last().unwrap().edition,
            "GB 50015-2003",
            "a replaced edition goes last"
        );
        for replacement in REPLACEMENTS {
            assert!(!title_of(replacement.new).is_empty(), "{}", replacement.new);
            assert!(!title_of(replacement.old).is_empty(), "{}", replacement.old);
        }
    }
}
