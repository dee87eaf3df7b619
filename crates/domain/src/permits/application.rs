//! Checking an application (排水许可申请) against its industry's condition template: every
//! condition it fails gives one reason, and every pledge it leans on is listed for the spot
//! check that follows it (事中事后监管).

use serde::{Deserialize, Serialize};

use super::industry::{Industry, Material, Pretreatment};
use super::template::ConditionTemplate;
use crate::Lang;
use crate::calendar::Day;

/// An outfall (排放口) through which the discharger joins the public sewer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Outfall {
    /// The outfall's code on the drawing: `WS-01`.
    pub code: String,
    /// Where it is: `人民路 88 号东侧`.
    pub location: String,
    /// The sewer it joins: `人民路污水管`.
    pub receiving: String,
}

impl Outfall {
    /// Whether the outfall says what it is and where it goes: its code and its receiving
    /// sewer are filled in.
    pub fn is_described(&self) -> bool {
        !self.code.trim().is_empty() && !self.receiving.trim().is_empty()
    }
}

/// What an application says and holds, as far as its template checks it. The server builds
/// it from the application's records; it does not travel as JSON ([`Day`] is not a wire type).
#[derive(Debug, Clone, PartialEq)]
pub struct ApplicationFacts {
    pub industry: Industry,
    /// The pretreatment facilities the discharger has.
    pub pretreatment: Vec<Pretreatment>,
    /// Whether it has a sampling well (检测井).
    pub sampling_well: bool,
    /// The materials handed in.
    pub materials: Vec<Material>,
    pub outfalls: Vec<Outfall>,
    /// The daily discharge (排水量), in cubic metres.
    pub volume_m3_per_day: f64,
    /// The main pollutants (主要污染物): `COD`, `氨氮`, `动植物油` …
    pub pollutants: Vec<String>,
    /// The last day of the works, for a construction site (施工期限).
    pub construction_ends: Option<Day>,
}

/// Why an application is not eligible.
///
/// On the wire: `{"code": "missing_pretreatment", "value": "grease_trap"}`,
/// `{"code": "no_sampling_well"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "code", content = "value", rename_all = "snake_case")]
pub enum Reason {
    /// A pretreatment facility the template requires is missing.
    MissingPretreatment(Pretreatment),
    /// The template requires a sampling well and there is none.
    NoSamplingWell,
    /// A required material is missing, and no pledge the template allows stands in for it.
    MissingMaterial(Material),
    /// No outfall with its code and receiving sewer.
    NoOutfall,
    /// The daily volume is not a number above 0.
    NoVolume,
    /// No pollutant is named.
    NoPollutants,
    /// A construction site without the day its works end.
    NoConstructionEnd,
    /// The application was checked against another industry's template.
    WrongTemplate,
    /// A second application for the same discharger and outfall (see `batch::plan`).
    Duplicate,
    /// Asked for in a batch, but already decided (approved, refused or withdrawn) by then.
    AlreadyDecided,
    /// The permit it renews or changes was voided or replaced meanwhile.
    PermitNotActive,
}

/// English labels are in sentence case; inside a sentence they start in lower case.
fn in_sentence(label: &str) -> String {
    let mut chars = label.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

impl Reason {
    /// A stable code the UI and the logs may rely on: `no_sampling_well`, and for a missing
    /// item the item's wire name after a colon: `missing_pretreatment:grease_trap`,
    /// `missing_material:drainage_drawing`.
    pub fn code(&self) -> String {
        match self {
            Reason::MissingPretreatment(facility) => {
                format!("missing_pretreatment:{}", facility.code())
            }
            Reason::MissingMaterial(material) => format!("missing_material:{}", material.code()),
            Reason::NoSamplingWell => "no_sampling_well".into(),
            Reason::NoOutfall => "no_outfall".into(),
            Reason::NoVolume => "no_volume".into(),
            Reason::NoPollutants => "no_pollutants".into(),
            Reason::NoConstructionEnd => "no_construction_end".into(),
            Reason::WrongTemplate => "wrong_template".into(),
            Reason::Duplicate => "duplicate".into(),
            Reason::AlreadyDecided => "already_decided".into(),
            Reason::PermitNotActive => "permit_not_active".into(),
        }
    }

    /// The reason in the officer's language: 缺少预处理设施：隔油池.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Reason::MissingPretreatment(facility) => lang.pick(
                format!("缺少预处理设施：{}", facility.label(Lang::ZhCn)),
                format!(
                    "Missing pretreatment: {}",
                    in_sentence(facility.label(Lang::En))
                ),
            ),
            Reason::MissingMaterial(material) => lang.pick(
                format!("缺少材料：{}", material.label(Lang::ZhCn)),
                format!(
                    "Missing material: {}",
                    in_sentence(material.label(Lang::En))
                ),
            ),
            Reason::NoSamplingWell => lang.pick("未设置检测井".into(), "No sampling well".into()),
            Reason::NoOutfall => lang.pick(
                "未填写排放口（编号及接入的污水管）".into(),
                "No outfall with its code and the sewer it joins".into(),
            ),
            Reason::NoVolume => lang.pick(
                "排水量应为大于 0 的数值（立方米/日）".into(),
                "The discharge must be a volume above 0 (m³ a day)".into(),
            ),
            Reason::NoPollutants => {
                lang.pick("未填写主要污染物".into(), "No main pollutant given".into())
            }
            Reason::NoConstructionEnd => lang.pick(
                "建筑施工工地须填写施工期限".into(),
                "A construction site must give the day its works end".into(),
            ),
            Reason::WrongTemplate => lang.pick(
                "申请的行业与许可条件模板不符".into(),
                "The application's industry does not match the condition template".into(),
            ),
            Reason::Duplicate => lang.pick(
                "同一排水户同一排放口已有申请".into(),
                "Another application exists for the same discharger and outfall".into(),
            ),
            Reason::AlreadyDecided => lang.pick(
                "该申请已办结，不在本批审批之列".into(),
                "The application has already been decided and is not in this batch".into(),
            ),
            Reason::PermitNotActive => lang.pick(
                "所延续或变更的许可证已作废或已被替代".into(),
                "The permit it renews or changes was voided or replaced".into(),
            ),
        }
    }
}

/// The outcome of checking one application.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckResult {
    /// Every condition failed, one reason each, in the template's order.
    pub reasons: Vec<Reason>,
    /// The pledges that stood in for a missing report; each is followed by a spot check.
    pub pledges_used: Vec<Material>,
}

impl CheckResult {
    /// No condition failed.
    pub fn eligible(&self) -> bool {
        self.reasons.is_empty()
    }
}

/// Checks `facts` against `template`.
///
/// Against another industry's template only [`Reason::WrongTemplate`] is given: the other
/// conditions would be the wrong ones. Otherwise, in this order: each missing pretreatment
/// facility; a missing sampling well when one is required; each required material that is
/// missing — a required report that is present is fine, and one that is absent is fine when
/// the template lets a pledge stand in for it and the pledge was handed in (the pledge then
/// goes into `pledges_used`); no described outfall; a volume that is not finite and above 0;
/// no named pollutant; and a construction site without the day its works end.
pub fn check(template: &ConditionTemplate, facts: &ApplicationFacts) -> CheckResult {
    let mut result = CheckResult::default();
    if template.industry != facts.industry {
        result.reasons.push(Reason::WrongTemplate);
        return result;
    }
    for facility in &template.pretreatment {
        if !facts.pretreatment.contains(facility) {
            result.reasons.push(Reason::MissingPretreatment(*facility));
        }
    }
    if template.sampling_well && !facts.sampling_well {
        result.reasons.push(Reason::NoSamplingWell);
    }
    for material in &template.materials {
        if facts.materials.contains(material) {
            continue;
        }
        match template.pledge_for(*material) {
            Some(pledge) if facts.materials.contains(&pledge) => {
                if !result.pledges_used.contains(&pledge) {
                    result.pledges_used.push(pledge);
                }
            }
            _ => result.reasons.push(Reason::MissingMaterial(*material)),
        }
    }
    if !facts.outfalls.iter().any(Outfall::is_described) {
        result.reasons.push(Reason::NoOutfall);
    }
    if !(facts.volume_m3_per_day.is_finite() && facts.volume_m3_per_day > 0.0) {
        result.reasons.push(Reason::NoVolume);
    }
    if !facts.pollutants.iter().any(|p| !p.trim().is_empty()) {
        result.reasons.push(Reason::NoPollutants);
    }
    if facts.industry == Industry::ConstructionSite && facts.construction_ends.is_none() {
        result.reasons.push(Reason::NoConstructionEnd);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permits::template::{default_template, default_templates};
    use proptest::prelude::*;

    fn outfall() -> Outfall {
        Outfall {
            code: "WS-01".into(),
            location: "人民路 88 号东侧".into(),
            receiving: "人民路污水管".into(),
        }
    }

    /// An application that meets `template` with its reports, not pledges.
    fn complete(template: &ConditionTemplate) -> ApplicationFacts {
        ApplicationFacts {
            industry: template.industry,
            pretreatment: template.pretreatment.clone(),
            sampling_well: template.sampling_well,
            materials: template.materials.clone(),
            outfalls: vec![outfall()],
            volume_m3_per_day: 2.5,
            pollutants: vec!["COD".into(), "动植物油".into()],
            construction_ends: Day::from_ymd(2027, 6, 30),
        }
    }

    #[test]
    fn a_small_restaurant_with_its_pledges_is_eligible_and_owes_a_spot_check() {
        let template = default_template(Industry::Catering);
        let mut facts = complete(&template);
        facts.construction_ends = None;
        facts.materials = vec![
            Material::ApplicationForm,
            Material::DrainageDrawing,
            Material::SeparationPledge,
            Material::WaterQualityReport,
        ];
        let result = check(&template, &facts);
        assert!(result.eligible(), "{result:?}");
        assert_eq!(result.pledges_used, [Material::SeparationPledge]);
        // A report handed in with its pledge needs no spot check.
        facts.materials.push(Material::SeparationReport);
        assert_eq!(check(&template, &facts), CheckResult::default());
    }

    #[test]
    fn every_failed_condition_gives_one_reason() {
        let template = default_template(Industry::CarWash);
        let facts = ApplicationFacts {
            industry: Industry::CarWash,
            pretreatment: vec![Pretreatment::GreaseTrap],
            sampling_well: false,
            materials: vec![Material::ApplicationForm, Material::WaterQualityPledge],
            outfalls: vec![Outfall {
                code: "WS-01".into(),
                location: String::new(),
                receiving: " ".into(),
            }],
            volume_m3_per_day: f64::NAN,
            pollutants: vec![String::new()],
            construction_ends: None,
        };
        let result = check(&template, &facts);
        assert_eq!(
            result.reasons,
            [
                Reason::MissingPretreatment(Pretreatment::GreaseGritTrap),
                Reason::NoSamplingWell,
                Reason::MissingMaterial(Material::DrainageDrawing),
                Reason::MissingMaterial(Material::SeparationReport),
                Reason::NoOutfall,
                Reason::NoVolume,
                Reason::NoPollutants,
            ]
        );
        assert_eq!(result.pledges_used, [Material::WaterQualityPledge]);
        assert!(!result.eligible());
        for volume in [0.0, -1.0, f64::INFINITY] {
            let facts = ApplicationFacts {
                volume_m3_per_day: volume,
                ..complete(&template)
            };
            assert_eq!(check(&template, &facts).reasons, [Reason::NoVolume]);
        }
    }

    #[test]
    fn a_construction_site_needs_the_end_of_its_works_and_no_pledge_serves() {
        let template = default_template(Industry::ConstructionSite);
        let mut facts = complete(&template);
        assert!(check(&template, &facts).eligible());
        facts.construction_ends = None;
        facts
            .materials
            .retain(|m| *m != Material::WaterQualityReport);
        facts.materials.push(Material::WaterQualityPledge);
        assert_eq!(
            check(&template, &facts).reasons,
            [
                Reason::MissingMaterial(Material::WaterQualityReport),
                Reason::NoConstructionEnd
            ]
        );
    }

    #[test]
    fn another_industrys_template_is_refused_outright() {
        let facts = complete(&default_template(Industry::Hotel));
        let result = check(&default_template(Industry::Laundry), &facts);
        assert_eq!(result.reasons, [Reason::WrongTemplate]);
        assert!(result.pledges_used.is_empty());
    }

    #[test]
    fn reasons_have_stable_codes_and_messages_in_both_languages() {
        let grease = Reason::MissingPretreatment(Pretreatment::GreaseTrap);
        assert_eq!(grease.code(), "missing_pretreatment:grease_trap");
        assert_eq!(grease.message(Lang::ZhCn), "缺少预处理设施：隔油池");
        assert_eq!(
            grease.message(Lang::En),
            "Missing pretreatment: grease trap"
        );
        let drawing = Reason::MissingMaterial(Material::DrainageDrawing);
        assert_eq!(drawing.code(), "missing_material:drainage_drawing");
        assert_eq!(drawing.message(Lang::ZhCn), "缺少材料：排水设施及管网图");
        assert_eq!(
            drawing.message(Lang::En),
            "Missing material: drawing of the drains and outfalls"
        );
        assert_eq!(Reason::NoSamplingWell.code(), "no_sampling_well");
        assert_eq!(Reason::NoSamplingWell.message(Lang::ZhCn), "未设置检测井");
        assert_eq!(Reason::Duplicate.code(), "duplicate");
        assert_eq!(
            Reason::NoConstructionEnd.message(Lang::ZhCn),
            "建筑施工工地须填写施工期限"
        );
        // The code's head is the serde tag.
        for reason in [
            grease,
            drawing,
            Reason::NoSamplingWell,
            Reason::NoOutfall,
            Reason::NoVolume,
            Reason::NoPollutants,
            Reason::NoConstructionEnd,
            Reason::WrongTemplate,
            Reason::Duplicate,
            Reason::AlreadyDecided,
            Reason::PermitNotActive,
        ] {
            let json = serde_json::to_value(reason).unwrap();
            let code = reason.code();
            let head = code.split(':').next().unwrap();
            assert_eq!(json["code"], head);
            let back: Reason = serde_json::from_value(json).unwrap();
            assert_eq!(back, reason);
            assert!(!reason.message(Lang::En).is_empty());
        }
        assert_eq!(
            serde_json::to_string(&grease).unwrap(),
            r#"{"code":"missing_pretreatment","value":"grease_trap"}"#
        );
        assert_eq!(
            serde_json::to_string(&Reason::NoVolume).unwrap(),
            r#"{"code":"no_volume"}"#
        );
    }

    fn facts_strategy() -> impl Strategy<Value = ApplicationFacts> {
        (
            prop::sample::select(Industry::ALL.to_vec()),
            prop::sample::subsequence(Pretreatment::ALL.to_vec(), 0..=Pretreatment::ALL.len()),
            any::<bool>(),
            prop::sample::subsequence(Material::ALL.to_vec(), 0..=Material::ALL.len()),
            any::<bool>(),
            prop_oneof![Just(0.0), Just(f64::NAN), 0.01f64..500.0],
            any::<bool>(),
            prop::option::of(0i64..2000),
        )
            .prop_map(
                |(
                    industry,
                    pretreatment,
                    sampling_well,
                    materials,
                    has_outfall,
                    volume_m3_per_day,
                    has_pollutant,
                    ends,
                )| ApplicationFacts {
                    industry,
                    pretreatment,
                    sampling_well,
                    materials,
                    outfalls: if has_outfall { vec![outfall()] } else { vec![] },
                    volume_m3_per_day,
                    pollutants: if has_pollutant {
                        vec!["氨氮".into()]
                    } else {
                        vec![]
                    },
                    construction_ends: ends.map(|d| {
                        Day::from_days_since_epoch(
                            Day::from_ymd(2026, 1, 1).unwrap().days_since_epoch() + d,
                        )
                    }),
                },
            )
    }

    proptest! {
        #[test]
        fn handing_in_more_never_adds_a_reason(
            facts in facts_strategy(),
            material in prop::sample::select(Material::ALL.to_vec()),
            facility in prop::sample::select(Pretreatment::ALL.to_vec()),
            well in any::<bool>(),
        ) {
            let template = default_template(facts.industry);
            let before = check(&template, &facts);
            let mut more = facts.clone();
            more.materials.push(material);
            more.pretreatment.push(facility);
            more.sampling_well |= well;
            let after = check(&template, &more);
            for reason in &after.reasons {
                prop_assert!(before.reasons.contains(reason), "{:?} added", reason);
            }
            prop_assert!(after.reasons.len() <= before.reasons.len());
            // Handing in the missing item itself removes its reason.
            prop_assert!(!after.reasons.contains(&Reason::MissingMaterial(material)));
            prop_assert!(!after.reasons.contains(&Reason::MissingPretreatment(facility)));
        }

        #[test]
        fn a_complete_application_is_eligible_under_every_default_template(
            pledge_separation in any::<bool>(),
            pledge_quality in any::<bool>(),
            extra in prop::sample::subsequence(Material::ALL.to_vec(), 0..=Material::ALL.len()),
        ) {
            for template in default_templates() {
                let mut facts = complete(&template);
                // Where a pledge may stand in, hand it in instead of the report.
                for (swap, report) in [
                    (pledge_separation, Material::SeparationReport),
                    (pledge_quality, Material::WaterQualityReport),
                ] {
                    if let (true, Some(pledge)) = (swap, template.pledge_for(report)) {
                        facts.materials.retain(|m| *m != report);
                        facts.materials.push(pledge);
                    }
                }
                let mut with_extra = facts.clone();
                with_extra.materials.extend(extra.iter().copied());
                let result = check(&template, &facts);
                prop_assert!(result.eligible(), "{:?}: {:?}", template.industry, result);
                prop_assert!(check(&template, &with_extra).eligible());
                prop_assert!(result.pledges_used.iter().all(|m| m.is_pledge()));
                let pledges = usize::from(pledge_separation) + usize::from(pledge_quality);
                prop_assert_eq!(
                    result.pledges_used.len(),
                    if template.pledges.is_empty() { 0 } else { pledges }
                );
            }
        }
    }
}
