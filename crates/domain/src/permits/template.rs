//! Condition templates (许可条件模板): what an industry's discharger must have and hand in
//! to get a drainage permit. The defaults here follow the 办法 and the 六小行业 practice;
//! administrators edit them per county, and every edit is validated before it is kept.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::industry::{Industry, Material, Pretreatment};
use crate::Lang;

/// A written pledge (告知承诺) that may stand in for a required report; an application that
/// uses it is eligible, and the pledge is followed by a later spot check (事中事后监管).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PledgeRule {
    /// The required report, one of the template's `materials`.
    pub report: Material,
    /// The pledge that may be handed in instead; not itself required.
    pub pledge: Material,
}

/// The conditions an industry's application is checked against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConditionTemplate {
    pub industry: Industry,
    /// Pretreatment facilities the discharger must have, every one of them.
    pub pretreatment: Vec<Pretreatment>,
    /// Whether a sampling well (检测井) is required.
    pub sampling_well: bool,
    /// The materials required, every one of them (or its pledge, where `pledges` allows).
    pub materials: Vec<Material>,
    /// Where a pledge may stand in for a required report.
    pub pledges: Vec<PledgeRule>,
}

/// Why a condition template cannot be kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// A pledge rule stands in for a report the template does not require.
    #[error("a pledge stands in for {0:?}, which the template does not require")]
    PledgeForUnrequired(Material),
    /// A pledge that is itself required could not stand in for anything.
    #[error("the pledge {0:?} is also a required material")]
    PledgeRequired(Material),
    /// A pretreatment facility listed twice.
    #[error("the pretreatment {0:?} is listed twice")]
    DuplicatePretreatment(Pretreatment),
    /// A material listed twice among the required ones.
    #[error("the material {0:?} is listed twice")]
    DuplicateMaterial(Material),
    /// A report with two pledge rules, or a pledge standing in for two reports.
    #[error("the material {0:?} appears in two pledge rules")]
    DuplicatePledge(Material),
}

impl TemplateError {
    /// A stable code for the UI to branch on.
    pub fn code(&self) -> &'static str {
        match self {
            TemplateError::PledgeForUnrequired(_) => "template_pledge_for_unrequired",
            TemplateError::PledgeRequired(_) => "template_pledge_required",
            TemplateError::DuplicatePretreatment(_) => "template_duplicate_pretreatment",
            TemplateError::DuplicateMaterial(_) => "template_duplicate_material",
            TemplateError::DuplicatePledge(_) => "template_duplicate_pledge",
        }
    }

    /// The reason in the administrator's language.
    pub fn message(&self, lang: Lang) -> String {
        match *self {
            TemplateError::PledgeForUnrequired(report) => lang.pick(
                format!("承诺书可代替的“{}”不在必备材料中", report.label(Lang::ZhCn)),
                format!(
                    "A pledge stands in for “{}”, which is not a required material",
                    report.label(Lang::En)
                ),
            ),
            TemplateError::PledgeRequired(pledge) => lang.pick(
                format!(
                    "“{}”既是必备材料，又用作代替材料的承诺书",
                    pledge.label(Lang::ZhCn)
                ),
                format!(
                    "“{}” is both a required material and a pledge standing in for one",
                    pledge.label(Lang::En)
                ),
            ),
            TemplateError::DuplicatePretreatment(facility) => lang.pick(
                format!("预处理设施“{}”重复", facility.label(Lang::ZhCn)),
                format!(
                    "The pretreatment “{}” is listed twice",
                    facility.label(Lang::En)
                ),
            ),
            TemplateError::DuplicateMaterial(material) => lang.pick(
                format!("材料“{}”重复", material.label(Lang::ZhCn)),
                format!(
                    "The material “{}” is listed twice",
                    material.label(Lang::En)
                ),
            ),
            TemplateError::DuplicatePledge(material) => lang.pick(
                format!("“{}”出现在两条承诺代替规则中", material.label(Lang::ZhCn)),
                format!("“{}” appears in two pledge rules", material.label(Lang::En)),
            ),
        }
    }
}

/// The first item that appears twice, if any.
fn first_duplicate<T: Copy + Ord>(items: impl IntoIterator<Item = T>) -> Option<T> {
    let mut seen = BTreeSet::new();
    items.into_iter().find(|item| !seen.insert(*item))
}

impl ConditionTemplate {
    /// Refuses a template the check could not apply unambiguously: each pledge rule's report
    /// must be required and its pledge must not be; no facility, material or pledge rule
    /// member may be listed twice. Reports the first problem found.
    pub fn validate(&self) -> Result<(), TemplateError> {
        if let Some(facility) = first_duplicate(self.pretreatment.iter().copied()) {
            return Err(TemplateError::DuplicatePretreatment(facility));
        }
        if let Some(material) = first_duplicate(self.materials.iter().copied()) {
            return Err(TemplateError::DuplicateMaterial(material));
        }
        let members = self
            .pledges
            .iter()
            .flat_map(|rule| [rule.report, rule.pledge]);
        if let Some(material) = first_duplicate(members) {
            return Err(TemplateError::DuplicatePledge(material));
        }
        for rule in &self.pledges {
            if !self.materials.contains(&rule.report) {
                return Err(TemplateError::PledgeForUnrequired(rule.report));
            }
            if self.materials.contains(&rule.pledge) {
                return Err(TemplateError::PledgeRequired(rule.pledge));
            }
        }
        Ok(())
    }

    /// The pledge that may stand in for `report`, if the template allows one.
    pub fn pledge_for(&self, report: Material) -> Option<Material> {
        self.pledges
            .iter()
            .find(|rule| rule.report == report)
            .map(|rule| rule.pledge)
    }
}

/// The two pledges of 一表一图一承诺: rain/foul separation and water quality.
fn separation_and_quality_pledges() -> Vec<PledgeRule> {
    vec![
        PledgeRule {
            report: Material::SeparationReport,
            pledge: Material::SeparationPledge,
        },
        PledgeRule {
            report: Material::WaterQualityReport,
            pledge: Material::WaterQualityPledge,
        },
    ]
}

/// The template a county starts with for `industry`.
///
/// - The six small trades apply with 一表一图一承诺: the application form, the drainage
///   drawing, and the separation and water-quality reports, for each of which a pledge may
///   stand in. Each has its pretreatment: 餐饮 a grease trap, 洗车 a grease-and-grit trap,
///   美容美发 and 洗浴 a hair collector, 洗衣 a settling tank, 宾馆/旅馆 a septic tank.
/// - A sampling well is required of car washes, laundries, hotels and bath houses, whose
///   discharge is larger and carries detergents or sludge. It is not required of restaurants
///   and salons: a street-front shop seldom has room for a separate well, and samples are
///   taken at the outlet chamber of its grease trap or hair collector. Counties that want a
///   well there too switch it on in their template.
/// - A construction site needs a settling tank and a sampling well, and hands in the form,
///   the drawing, proof of pretreatment and both reports; no pledge stands in for them.
/// - Any other discharger hands in the form, the drawing and both reports (pledges allowed)
///   and needs a sampling well; its pretreatment is decided case by case.
pub fn default_template(industry: Industry) -> ConditionTemplate {
    use Material::*;
    let small_trade = |pretreatment: Pretreatment, sampling_well: bool| ConditionTemplate {
        industry,
        pretreatment: vec![pretreatment],
        sampling_well,
        materials: vec![
            ApplicationForm,
            DrainageDrawing,
            SeparationReport,
            WaterQualityReport,
        ],
        pledges: separation_and_quality_pledges(),
    };
    match industry {
        Industry::Catering => small_trade(Pretreatment::GreaseTrap, false),
        Industry::CarWash => small_trade(Pretreatment::GreaseGritTrap, true),
        Industry::HairBeauty => small_trade(Pretreatment::HairCollector, false),
        Industry::Laundry => small_trade(Pretreatment::SettlingTank, true),
        Industry::Hotel => small_trade(Pretreatment::SepticTank, true),
        Industry::Bathhouse => small_trade(Pretreatment::HairCollector, true),
        Industry::ConstructionSite => ConditionTemplate {
            industry,
            pretreatment: vec![Pretreatment::SettlingTank],
            sampling_well: true,
            materials: vec![
                ApplicationForm,
                DrainageDrawing,
                PretreatmentProof,
                SeparationReport,
                WaterQualityReport,
            ],
            pledges: vec![],
        },
        Industry::Other => ConditionTemplate {
            industry,
            pretreatment: vec![],
            sampling_well: true,
            materials: vec![
                ApplicationForm,
                DrainageDrawing,
                SeparationReport,
                WaterQualityReport,
            ],
            pledges: separation_and_quality_pledges(),
        },
    }
}

/// One template per industry, in the order of [`Industry::ALL`]; see [`default_template`].
pub fn default_templates() -> Vec<ConditionTemplate> {
    Industry::ALL.into_iter().map(default_template).collect()
}

/// The templates in force: each industry's default, or the admins' edit of it where there is
/// one; in the order of [`Industry::ALL`].
pub fn templates_in_force(
    edited: impl IntoIterator<Item = ConditionTemplate>,
) -> Vec<ConditionTemplate> {
    let mut list = default_templates();
    for template in edited {
        if let Some(slot) = list.iter_mut().find(|t| t.industry == template.industry) {
            *slot = template;
        }
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_templates_are_valid_and_one_per_industry() {
        let templates = default_templates();
        assert_eq!(templates.len(), Industry::ALL.len());
        for (template, industry) in templates.iter().zip(Industry::ALL) {
            assert_eq!(template.industry, industry);
            assert_eq!(template.validate(), Ok(()), "{industry:?}");
            if industry.is_small_trade() {
                assert_eq!(template.pretreatment.len(), 1);
                assert_eq!(template.materials.len(), 4, "一表一图一承诺");
                assert_eq!(
                    template.pledge_for(Material::WaterQualityReport),
                    Some(Material::WaterQualityPledge)
                );
            }
        }
        let wells: Vec<Industry> = templates
            .iter()
            .filter(|t| t.sampling_well)
            .map(|t| t.industry)
            .collect();
        assert_eq!(
            wells,
            [
                Industry::CarWash,
                Industry::Laundry,
                Industry::Hotel,
                Industry::Bathhouse,
                Industry::ConstructionSite,
                Industry::Other
            ]
        );
        let site = default_template(Industry::ConstructionSite);
        assert!(site.pledges.is_empty());
        assert!(site.materials.contains(&Material::PretreatmentProof));
        assert_eq!(
            default_template(Industry::Catering).pretreatment,
            [Pretreatment::GreaseTrap]
        );
        assert_eq!(
            default_template(Industry::CarWash).pretreatment,
            [Pretreatment::GreaseGritTrap]
        );
    }

    #[test]
    fn templates_the_check_could_not_apply_are_refused() {
        let base = default_template(Industry::Catering);
        let with = |edit: fn(&mut ConditionTemplate)| {
            let mut template = base.clone();
            edit(&mut template);
            template.validate()
        };
        assert_eq!(
            with(|t| t.materials.retain(|m| *m != Material::SeparationReport)),
            Err(TemplateError::PledgeForUnrequired(
                Material::SeparationReport
            ))
        );
        assert_eq!(
            with(|t| t.materials.push(Material::WaterQualityPledge)),
            Err(TemplateError::PledgeRequired(Material::WaterQualityPledge))
        );
        assert_eq!(
            with(|t| t.pretreatment.push(Pretreatment::GreaseTrap)),
            Err(TemplateError::DuplicatePretreatment(
                Pretreatment::GreaseTrap
            ))
        );
        assert_eq!(
            with(|t| t.materials.push(Material::ApplicationForm)),
            Err(TemplateError::DuplicateMaterial(Material::ApplicationForm))
        );
        // One report with two pledges, or one pledge for two reports.
        assert_eq!(
            with(|t| t.pledges.push(PledgeRule {
                report: Material::SeparationReport,
                pledge: Material::WaterQualityPledge,
            })),
            Err(TemplateError::DuplicatePledge(Material::SeparationReport))
        );
        // A pledge rule standing in a report for itself.
        let mut itself = default_template(Industry::ConstructionSite);
        itself.pledges.push(PledgeRule {
            report: Material::PretreatmentProof,
            pledge: Material::PretreatmentProof,
        });
        assert_eq!(
            itself.validate(),
            Err(TemplateError::DuplicatePledge(Material::PretreatmentProof))
        );
        let error = TemplateError::PledgeForUnrequired(Material::SeparationReport);
        assert_eq!(error.code(), "template_pledge_for_unrequired");
        assert_eq!(
            error.message(Lang::ZhCn),
            "承诺书可代替的“雨污分流竣工验收报告”不在必备材料中"
        );
        assert!(
            TemplateError::DuplicateMaterial(Material::BusinessLicence)
                .message(Lang::En)
                .contains("“Business licence” is listed twice")
        );
    }

    #[test]
    fn templates_travel_as_json() {
        let template = default_template(Industry::Hotel);
        let json = serde_json::to_value(&template).unwrap();
        assert_eq!(json["industry"], "hotel");
        assert_eq!(json["pretreatment"][0], "septic_tank");
        assert_eq!(json["pledges"][0]["pledge"], "separation_pledge");
        let back: ConditionTemplate = serde_json::from_value(json).unwrap();
        assert_eq!(back, template);
    }
}
