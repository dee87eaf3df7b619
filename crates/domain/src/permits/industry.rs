//! What a drainage permit is about: the discharger's industry, the pretreatment facilities
//! (预处理设施) it may need, and the materials (申请材料, 办法 art. 7) it may hand in.

use serde::{Deserialize, Serialize};

use crate::Lang;

/// The Chinese or the English text of a label, without allocating.
pub(super) fn pick(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::ZhCn => zh,
        Lang::En => en,
    }
}

/// A discharger's industry (行业), which picks its condition template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Industry {
    /// 餐饮: restaurants, canteens, snack bars.
    Catering,
    /// 洗车.
    CarWash,
    /// 美容美发.
    HairBeauty,
    /// 洗衣.
    Laundry,
    /// 宾馆/旅馆.
    Hotel,
    /// 洗浴.
    Bathhouse,
    /// 建筑施工工地: its permit lasts no longer than the works.
    ConstructionSite,
    /// 其他.
    Other,
}

impl Industry {
    /// Every industry, in the order lists show them: the six small trades first.
    pub const ALL: [Industry; 8] = [
        Industry::Catering,
        Industry::CarWash,
        Industry::HairBeauty,
        Industry::Laundry,
        Industry::Hotel,
        Industry::Bathhouse,
        Industry::ConstructionSite,
        Industry::Other,
    ];

    /// 餐饮, 洗车, 美容美发, 洗衣, 宾馆/旅馆, 洗浴, 建筑施工工地, 其他.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Industry::Catering => pick(lang, "餐饮", "Catering"),
            Industry::CarWash => pick(lang, "洗车", "Car wash"),
            Industry::HairBeauty => pick(lang, "美容美发", "Hair and beauty"),
            Industry::Laundry => pick(lang, "洗衣", "Laundry"),
            Industry::Hotel => pick(lang, "宾馆/旅馆", "Hotel"),
            Industry::Bathhouse => pick(lang, "洗浴", "Bathhouse"),
            Industry::ConstructionSite => pick(lang, "建筑施工工地", "Construction site"),
            Industry::Other => pick(lang, "其他", "Other"),
        }
    }

    /// The name the industry has on the wire (`car_wash`), as serde writes it.
    pub fn code(self) -> &'static str {
        match self {
            Industry::Catering => "catering",
            Industry::CarWash => "car_wash",
            Industry::HairBeauty => "hair_beauty",
            Industry::Laundry => "laundry",
            Industry::Hotel => "hotel",
            Industry::Bathhouse => "bathhouse",
            Industry::ConstructionSite => "construction_site",
            Industry::Other => "other",
        }
    }

    /// One of the six small trades (六小行业) whose shops apply with 一表一图一承诺.
    pub fn is_small_trade(self) -> bool {
        matches!(
            self,
            Industry::Catering
                | Industry::CarWash
                | Industry::HairBeauty
                | Industry::Laundry
                | Industry::Hotel
                | Industry::Bathhouse
        )
    }
}

/// A pretreatment facility (预处理设施) that keeps grease, grit, hair or sludge out of the sewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Pretreatment {
    /// 隔油池.
    GreaseTrap,
    /// 隔油沉砂池.
    GreaseGritTrap,
    /// 毛发收集井.
    HairCollector,
    /// 沉淀池.
    SettlingTank,
    /// 化粪池.
    SepticTank,
}

impl Pretreatment {
    /// Every pretreatment facility.
    pub const ALL: [Pretreatment; 5] = [
        Pretreatment::GreaseTrap,
        Pretreatment::GreaseGritTrap,
        Pretreatment::HairCollector,
        Pretreatment::SettlingTank,
        Pretreatment::SepticTank,
    ];

    /// 隔油池, 隔油沉砂池, 毛发收集井, 沉淀池, 化粪池; English in sentence case.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Pretreatment::GreaseTrap => pick(lang, "隔油池", "Grease trap"),
            Pretreatment::GreaseGritTrap => pick(lang, "隔油沉砂池", "Grease and grit trap"),
            Pretreatment::HairCollector => pick(lang, "毛发收集井", "Hair collector"),
            Pretreatment::SettlingTank => pick(lang, "沉淀池", "Settling tank"),
            Pretreatment::SepticTank => pick(lang, "化粪池", "Septic tank"),
        }
    }

    /// The name the facility has on the wire (`grease_trap`), as serde writes it.
    pub fn code(self) -> &'static str {
        match self {
            Pretreatment::GreaseTrap => "grease_trap",
            Pretreatment::GreaseGritTrap => "grease_grit_trap",
            Pretreatment::HairCollector => "hair_collector",
            Pretreatment::SettlingTank => "settling_tank",
            Pretreatment::SepticTank => "septic_tank",
        }
    }
}

/// A material handed in with an application (申请材料).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Material {
    /// 排水许可申请表: the 一表.
    ApplicationForm,
    /// 排水设施及管网图: internal drains, sampling well and outfalls; the 一图.
    DrainageDrawing,
    /// 预处理设施证明.
    PretreatmentProof,
    /// 雨污分流竣工验收报告.
    SeparationReport,
    /// 雨污分流承诺书: may stand in for the separation report.
    SeparationPledge,
    /// 排水水质检测报告.
    WaterQualityReport,
    /// 排水水质承诺书: may stand in for the water-quality report.
    WaterQualityPledge,
    /// 营业执照.
    BusinessLicence,
}

impl Material {
    /// Every material.
    pub const ALL: [Material; 8] = [
        Material::ApplicationForm,
        Material::DrainageDrawing,
        Material::PretreatmentProof,
        Material::SeparationReport,
        Material::SeparationPledge,
        Material::WaterQualityReport,
        Material::WaterQualityPledge,
        Material::BusinessLicence,
    ];

    /// 排水许可申请表, 排水设施及管网图 …; English in sentence case.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Material::ApplicationForm => {
                pick(lang, "排水许可申请表", "Drainage permit application form")
            }
            Material::DrainageDrawing => pick(
                lang,
                "排水设施及管网图",
                "Drawing of the drains and outfalls",
            ),
            Material::PretreatmentProof => pick(lang, "预处理设施证明", "Proof of pretreatment"),
            Material::SeparationReport => pick(
                lang,
                "雨污分流竣工验收报告",
                "Completion report on rain and foul water separation",
            ),
            Material::SeparationPledge => pick(
                lang,
                "雨污分流承诺书",
                "Pledge of rain and foul water separation",
            ),
            Material::WaterQualityReport => {
                pick(lang, "排水水质检测报告", "Water quality test report")
            }
            Material::WaterQualityPledge => pick(lang, "排水水质承诺书", "Water quality pledge"),
            Material::BusinessLicence => pick(lang, "营业执照", "Business licence"),
        }
    }

    /// The name the material has on the wire (`drainage_drawing`), as serde writes it.
    pub fn code(self) -> &'static str {
        match self {
            Material::ApplicationForm => "application_form",
            Material::DrainageDrawing => "drainage_drawing",
            Material::PretreatmentProof => "pretreatment_proof",
            Material::SeparationReport => "separation_report",
            Material::SeparationPledge => "separation_pledge",
            Material::WaterQualityReport => "water_quality_report",
            Material::WaterQualityPledge => "water_quality_pledge",
            Material::BusinessLicence => "business_licence",
        }
    }

    /// A written pledge (承诺书) rather than a document that proves something.
    pub fn is_pledge(self) -> bool {
        matches!(
            self,
            Material::SeparationPledge | Material::WaterQualityPledge
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The name serde gives a value, without its quotes.
    fn wire<T: Serialize>(value: T) -> String {
        serde_json::to_value(value)
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn six_small_trades_and_two_others() {
        let small: Vec<Industry> = Industry::ALL
            .into_iter()
            .filter(|industry| industry.is_small_trade())
            .collect();
        assert_eq!(small.len(), 6);
        assert!(!Industry::ConstructionSite.is_small_trade());
        assert!(!Industry::Other.is_small_trade());
        assert_eq!(Industry::Hotel.label(Lang::ZhCn), "宾馆/旅馆");
        assert_eq!(Industry::ConstructionSite.label(Lang::ZhCn), "建筑施工工地");
        assert_eq!(Industry::CarWash.label(Lang::En), "Car wash");
    }

    #[test]
    fn codes_are_the_wire_names_and_labels_are_distinct() {
        for industry in Industry::ALL {
            assert_eq!(wire(industry), industry.code());
            let back: Industry =
                serde_json::from_value(serde_json::json!(industry.code())).unwrap();
            assert_eq!(back, industry);
        }
        for facility in Pretreatment::ALL {
            assert_eq!(wire(facility), facility.code());
        }
        for material in Material::ALL {
            assert_eq!(wire(material), material.code());
        }
        for lang in [Lang::ZhCn, Lang::En] {
            let industries: BTreeSet<_> = Industry::ALL.iter().map(|i| i.label(lang)).collect();
            let facilities: BTreeSet<_> = Pretreatment::ALL.iter().map(|p| p.label(lang)).collect();
            let materials: BTreeSet<_> = Material::ALL.iter().map(|m| m.label(lang)).collect();
            assert_eq!(industries.len(), Industry::ALL.len());
            assert_eq!(facilities.len(), Pretreatment::ALL.len());
            assert_eq!(materials.len(), Material::ALL.len());
        }
        assert_eq!(Pretreatment::GreaseGritTrap.label(Lang::ZhCn), "隔油沉砂池");
        assert_eq!(
            Material::DrainageDrawing.label(Lang::ZhCn),
            "排水设施及管网图"
        );
        let pledges: Vec<Material> = Material::ALL
            .into_iter()
            .filter(|m| m.is_pledge())
            .collect();
        assert_eq!(
            pledges,
            [Material::SeparationPledge, Material::WaterQualityPledge]
        );
    }
}
