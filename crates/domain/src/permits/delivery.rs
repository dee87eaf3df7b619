//! Delivering permits to the door (送证上门): who may receive a permit, the time window a stop
//! is visited in (some shops open only at night), and what an attempt at the door must record
//! — a delivery names its receiver and carries a signature or a photo; a failed attempt says
//! why and sends the permit back for a later run; a refusal (拒收) needs a witness or a photo.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Lang;
use crate::input::echo;

use super::industry::pick;

/// Who took the permit (《行政许可法》 and the civil-procedure rules of service by analogy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// 本人.
    Holder,
    /// 法定代表人.
    LegalRepresentative,
    /// 同住成年家属.
    AdultFamilyMember,
    /// 单位收件人 (the unit's receiving clerk).
    UnitReceiver,
}

impl Relation {
    pub const ALL: [Relation; 4] = [
        Relation::Holder,
        Relation::LegalRepresentative,
        Relation::AdultFamilyMember,
        Relation::UnitReceiver,
    ];

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Relation::Holder => pick(lang, "本人", "the holder"),
            Relation::LegalRepresentative => pick(lang, "法定代表人", "legal representative"),
            Relation::AdultFamilyMember => {
                pick(lang, "同住成年家属", "adult family member living there")
            }
            Relation::UnitReceiver => pick(lang, "单位收件人", "the unit's receiving clerk"),
        }
    }
}

/// A time of day, minutes since midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay(u16);

impl TimeOfDay {
    /// `18:30`, `9:05`, full-width digits and colons too.
    pub fn parse(text: &str) -> Option<TimeOfDay> {
        let ascii = crate::input::normalise_code(text);
        let (h, m) = ascii.trim().split_once(':')?;
        let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
        (h < 24 && m < 60).then_some(TimeOfDay(h * 60 + m))
    }

    pub fn minutes(self) -> u16 {
        self.0
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

/// When a stop is visited: `from` to `until`, past midnight when `until` is earlier (a night
/// market stall open 18:00–02:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeWindow {
    pub from: TimeOfDay,
    pub until: TimeOfDay,
}

impl TimeWindow {
    /// `18:00-02:00`, `9:00–11:30`, `１８：００～２２：００`.
    pub fn parse(text: &str) -> Option<TimeWindow> {
        let text = text.trim();
        let (from, until) = ['-', '–', '—', '~', '～', '至']
            .into_iter()
            .find_map(|sep| text.split_once(sep))?;
        let window = TimeWindow {
            from: TimeOfDay::parse(from)?,
            until: TimeOfDay::parse(until)?,
        };
        (window.from != window.until).then_some(window)
    }

    /// Whether a moment of the day (minutes since midnight) falls in the window.
    pub fn holds(&self, at: TimeOfDay) -> bool {
        if self.from < self.until {
            self.from <= at && at <= self.until
        } else {
            at >= self.from || at <= self.until
        }
    }

    /// Whether the window runs past midnight.
    pub fn overnight(&self) -> bool {
        self.until < self.from
    }
}

impl fmt::Display for TimeWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}", self.from, self.until)
    }
}

/// What happened at the door, as the staff record it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt<'a> {
    Delivered {
        receiver: &'a str,
        relation: Option<Relation>,
        signed: bool,
        photo: bool,
    },
    /// Nobody there, closed, wrong address …
    Failed { reason: &'a str },
    /// 拒收: the receiver would not take it.
    Refused {
        receiver: &'a str,
        witness: &'a str,
        photo: bool,
    },
}

/// Why an attempt cannot be recorded as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttemptError {
    #[error("the receiver's name is required")]
    NoReceiver,
    #[error("the receiver's relation to the holder is required")]
    NoRelation,
    #[error("a signature or a photo is required")]
    NoProof,
    #[error("a failed attempt needs its reason")]
    NoReason,
    #[error("a refusal needs a witness or a photo")]
    NoWitness,
    #[error("{0:?} is too long")]
    TooLong(String),
}

/// Most characters of a name or a reason.
pub const MAX_TEXT_CHARS: usize = 100;

impl AttemptError {
    pub fn code(&self) -> &'static str {
        match self {
            AttemptError::NoReceiver => "receiver_required",
            AttemptError::NoRelation => "relation_required",
            AttemptError::NoProof => "proof_required",
            AttemptError::NoReason => "reason_required",
            AttemptError::NoWitness => "witness_or_photo_required",
            AttemptError::TooLong(_) => "text_too_long",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match self {
            AttemptError::NoReceiver => lang.pick(
                "请填写签收人姓名".into(),
                "Enter the receiver's name".into(),
            ),
            AttemptError::NoRelation => lang.pick(
                "请选择签收人与排水户的关系".into(),
                "Choose how the receiver is related to the holder".into(),
            ),
            AttemptError::NoProof => lang.pick(
                "请签收人在屏幕上签名，或拍照留证".into(),
                "Have the receiver sign on the screen, or take a photo".into(),
            ),
            AttemptError::NoReason => lang.pick(
                "请写明未能送达的原因".into(),
                "Say why the permit could not be delivered".into(),
            ),
            AttemptError::NoWitness => lang.pick(
                "拒收须有见证人姓名或现场照片".into(),
                "A refusal needs a witness's name or a photo".into(),
            ),
            AttemptError::TooLong(text) => lang.pick(
                format!("“{}”过长（{MAX_TEXT_CHARS} 字以内）", echo(text)),
                format!(
                    "“{}” is too long (up to {MAX_TEXT_CHARS} characters)",
                    echo(text)
                ),
            ),
        }
    }
}

/// Checks an attempt: what each outcome must record.
pub fn check_attempt(attempt: &Attempt<'_>) -> Result<(), AttemptError> {
    let long = |text: &str| {
        (text.chars().count() > MAX_TEXT_CHARS).then(|| AttemptError::TooLong(text.to_owned()))
    };
    match *attempt {
        Attempt::Delivered {
            receiver,
            relation,
            signed,
            photo,
        } => {
            if receiver.trim().is_empty() {
                return Err(AttemptError::NoReceiver);
            }
            if let Some(error) = long(receiver) {
                return Err(error);
            }
            if relation.is_none() {
                return Err(AttemptError::NoRelation);
            }
            if !signed && !photo {
                return Err(AttemptError::NoProof);
            }
        }
        Attempt::Failed { reason } => {
            if reason.trim().is_empty() {
                return Err(AttemptError::NoReason);
            }
            if let Some(error) = long(reason) {
                return Err(error);
            }
        }
        Attempt::Refused {
            receiver,
            witness,
            photo,
        } => {
            if let Some(error) = long(receiver).or_else(|| long(witness)) {
                return Err(error);
            }
            if witness.trim().is_empty() && !photo {
                return Err(AttemptError::NoWitness);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> TimeOfDay {
        TimeOfDay::parse(text).unwrap()
    }

    #[test]
    fn windows_are_read_as_typed_and_may_run_past_midnight() {
        let day = TimeWindow::parse("9:00-11:30").unwrap();
        assert_eq!(day.to_string(), "09:00–11:30");
        assert!(day.holds(at("10:15")) && !day.holds(at("12:00")));
        let night = TimeWindow::parse("１８：００～０２：００").unwrap();
        assert!(night.overnight());
        assert_eq!(night.to_string(), "18:00–02:00");
        assert!(night.holds(at("23:40")) && night.holds(at("01:10")) && !night.holds(at("15:00")));
        for bad in [
            "",
            "18:00",
            "25:00-26:00",
            "9:60-10:00",
            "10:00-10:00",
            "晚上",
        ] {
            assert_eq!(TimeWindow::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn each_outcome_records_what_it_must() {
        let delivered = |receiver, relation, signed, photo| Attempt::Delivered {
            receiver,
            relation,
            signed,
            photo,
        };
        assert_eq!(
            check_attempt(&delivered("林阿明", Some(Relation::Holder), true, false)),
            Ok(())
        );
        assert_eq!(
            check_attempt(&delivered("林阿明", Some(Relation::Holder), false, true)),
            Ok(())
        );
        assert_eq!(
            check_attempt(&delivered(" ", Some(Relation::Holder), true, false)),
            Err(AttemptError::NoReceiver)
        );
        assert_eq!(
            check_attempt(&delivered("林阿明", None, true, false)),
            Err(AttemptError::NoRelation)
        );
        let unproven = check_attempt(&delivered(
            "林阿明",
            Some(Relation::UnitReceiver),
            false,
            false,
        ));
        assert_eq!(unproven, Err(AttemptError::NoProof));
        assert!(unproven.unwrap_err().message(Lang::ZhCn).contains("签名"));
        assert_eq!(
            check_attempt(&Attempt::Failed { reason: "" }),
            Err(AttemptError::NoReason)
        );
        assert_eq!(
            check_attempt(&Attempt::Failed {
                reason: "店铺未营业"
            }),
            Ok(())
        );
        let refused = |witness, photo| Attempt::Refused {
            receiver: "",
            witness,
            photo,
        };
        assert_eq!(
            check_attempt(&refused("", false)),
            Err(AttemptError::NoWitness)
        );
        assert_eq!(check_attempt(&refused("社区网格员 王芳", false)), Ok(()));
        assert_eq!(check_attempt(&refused("", true)), Ok(()));
        let long = "长".repeat(MAX_TEXT_CHARS + 1);
        assert_eq!(
            check_attempt(&Attempt::Failed { reason: &long })
                .unwrap_err()
                .code(),
            "text_too_long"
        );
    }
}
