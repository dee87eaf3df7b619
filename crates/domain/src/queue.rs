//! The queue's ordering: which waiting ticket a window calls next.
//!
//! In order: an appointment whose time has come; then any ticket that has waited past the
//! site's aging bound (oldest first), so that nobody waits longer unserved; then priority
//! classes (老弱病残孕, 绿色通道) interleaved with normal tickets at the site's ratio, first come
//! first served within each. The choice is a pure function of the waiting tickets, the
//! window's services, the policy, the site's current run of priority calls and the clock; the
//! server runs it inside the transaction that marks the ticket called.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A ticket's priority class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PriorityClass {
    Normal,
    /// Elderly, disabled, ill or pregnant (老弱病残孕).
    Priority,
    /// The enterprise green channel (绿色通道).
    Green,
}

impl PriorityClass {
    pub fn is_priority(self) -> bool {
        self != PriorityClass::Normal
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PriorityClass::Normal => "normal",
            PriorityClass::Priority => "priority",
            PriorityClass::Green => "green",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            PriorityClass::Normal,
            PriorityClass::Priority,
            PriorityClass::Green,
        ]
        .into_iter()
        .find(|class| class.as_str() == text)
    }
}

/// A site's fairness policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FairnessPolicy {
    /// Priority tickets called in a row before a normal ticket gets its turn (2 means 2:1).
    pub priority_ratio: u32,
    /// Nobody waits longer than this unserved: past it, a ticket goes before every class.
    pub aging_minutes: u32,
    /// An appointment counts as due this many minutes before its time.
    pub appointment_early_minutes: u32,
}

impl Default for FairnessPolicy {
    fn default() -> Self {
        Self {
            priority_ratio: 2,
            aging_minutes: 45,
            appointment_early_minutes: 10,
        }
    }
}

/// Limits that keep a policy meaningful.
pub const MAX_PRIORITY_RATIO: u32 = 10;
pub const AGING_MINUTES: (u32, u32) = (5, 240);
pub const MAX_APPOINTMENT_EARLY_MINUTES: u32 = 60;

impl FairnessPolicy {
    /// Checks the policy is within what makes sense for a hall.
    pub fn check(&self) -> Result<(), &'static str> {
        if self.priority_ratio == 0 || self.priority_ratio > MAX_PRIORITY_RATIO {
            return Err("priority_ratio");
        }
        if !(AGING_MINUTES.0..=AGING_MINUTES.1).contains(&self.aging_minutes) {
            return Err("aging_minutes");
        }
        if self.appointment_early_minutes > MAX_APPOINTMENT_EARLY_MINUTES {
            return Err("appointment_early_minutes");
        }
        Ok(())
    }

    fn aging_ms(&self) -> i64 {
        i64::from(self.aging_minutes) * 60_000
    }

    fn early_ms(&self) -> i64 {
        i64::from(self.appointment_early_minutes) * 60_000
    }
}

/// A waiting ticket, as far as ordering needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub id: Uuid,
    pub service_id: Uuid,
    pub class: PriorityClass,
    /// When it was issued, or its original issue time when it was transferred or put back
    /// after a hold: it keeps its place.
    pub queued_at_ms: i64,
    /// Its daily number within the service: breaks ties of equal times.
    pub seq: i64,
    /// The appointment's time, for a ticket from an appointment check-in.
    pub appointment_at_ms: Option<i64>,
}

/// Why a ticket was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PickReason {
    Appointment,
    Aged,
    Priority,
    Normal,
}

/// The ticket to call, and the site's run of priority calls after calling it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pick {
    pub ticket: Uuid,
    pub reason: PickReason,
    pub priority_run: u32,
}

fn first_come(a: &&Waiting, b: &&Waiting) -> std::cmp::Ordering {
    (a.queued_at_ms, a.seq, a.id).cmp(&(b.queued_at_ms, b.seq, b.id))
}

/// The ticket a window serving `services` calls next, or none when none of its services has
/// anyone waiting. `priority_run` is how many priority tickets the site called since its last
/// normal one.
pub fn pick_next(
    waiting: &[Waiting],
    services: &[Uuid],
    policy: &FairnessPolicy,
    priority_run: u32,
    now_ms: i64,
) -> Option<Pick> {
    let mine: Vec<&Waiting> = waiting
        .iter()
        .filter(|ticket| services.contains(&ticket.service_id))
        .collect();
    let pick = |ticket: &Waiting, reason: PickReason| Pick {
        ticket: ticket.id,
        reason,
        priority_run: if ticket.class.is_priority() {
            priority_run.saturating_add(1)
        } else {
            0
        },
    };
    // 1. An appointment whose time has come, earliest appointment first.
    if let Some(due) = mine
        .iter()
        .copied()
        .filter(|t| {
            t.appointment_at_ms
                .is_some_and(|at| at - policy.early_ms() <= now_ms)
        })
        .min_by_key(|t| (t.appointment_at_ms, t.queued_at_ms, t.seq, t.id))
    {
        return Some(pick(due, PickReason::Appointment));
    }
    // 2. Whoever waited past the aging bound, oldest first, whatever the class.
    if let Some(aged) = mine
        .iter()
        .copied()
        .filter(|t| now_ms - t.queued_at_ms >= policy.aging_ms())
        .min_by(first_come)
    {
        return Some(pick(aged, PickReason::Aged));
    }
    // 3. Priority and normal interleaved at the ratio, first come first served within each.
    let oldest_priority = mine
        .iter()
        .copied()
        .filter(|t| t.class.is_priority())
        .min_by(first_come);
    let oldest_normal = mine
        .iter()
        .copied()
        .filter(|t| !t.class.is_priority())
        .min_by(first_come);
    match (oldest_priority, oldest_normal) {
        (Some(priority), Some(_)) if priority_run < policy.priority_ratio => {
            Some(pick(priority, PickReason::Priority))
        }
        (_, Some(normal)) => Some(pick(normal, PickReason::Normal)),
        (Some(priority), None) => Some(pick(priority, PickReason::Priority)),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MIN: i64 = 60_000;

    fn ticket(n: u128, service: Uuid, class: PriorityClass, at_min: i64) -> Waiting {
        Waiting {
            id: Uuid::from_u128(n),
            service_id: service,
            class,
            queued_at_ms: at_min * MIN,
            seq: n as i64,
            appointment_at_ms: None,
        }
    }

    fn service(n: u128) -> Uuid {
        Uuid::from_u128(1000 + n)
    }

    #[test]
    fn priority_and_normal_interleave_at_the_ratio() {
        let a = service(1);
        let mut waiting: Vec<Waiting> = (0..6)
            .map(|i| ticket(i, a, PriorityClass::Normal, i as i64))
            .chain((10..16).map(|i| ticket(i, a, PriorityClass::Priority, i as i64)))
            .collect();
        let policy = FairnessPolicy::default();
        let mut run = 0;
        let mut classes = String::new();
        while let Some(pick) = pick_next(&waiting, &[a], &policy, run, 20 * MIN) {
            run = pick.priority_run;
            let called = waiting.iter().position(|t| t.id == pick.ticket).unwrap();
            classes.push(if waiting.remove(called).class.is_priority() {
                'P'
            } else {
                'N'
            });
        }
        assert_eq!(classes, "PPNPPNPPNNNN");
    }

    #[test]
    fn a_due_appointment_goes_first_and_an_early_one_waits() {
        let a = service(1);
        let policy = FairnessPolicy::default();
        let mut booked = ticket(9, a, PriorityClass::Normal, 30);
        booked.appointment_at_ms = Some(45 * MIN);
        let waiting = vec![
            ticket(1, a, PriorityClass::Priority, 0),
            ticket(2, a, PriorityClass::Normal, 1),
            booked,
        ];
        // 20 minutes before the appointment: not due yet.
        let pick = pick_next(&waiting, &[a], &policy, 0, 25 * MIN).unwrap();
        assert_eq!(pick.ticket, Uuid::from_u128(1));
        // 10 minutes before: due.
        let pick = pick_next(&waiting, &[a], &policy, 0, 35 * MIN).unwrap();
        assert_eq!(
            (pick.ticket, pick.reason),
            (Uuid::from_u128(9), PickReason::Appointment)
        );
    }

    #[test]
    fn a_ticket_past_the_aging_bound_goes_before_every_class() {
        let a = service(1);
        let policy = FairnessPolicy::default();
        let waiting = vec![
            ticket(1, a, PriorityClass::Normal, 0),
            ticket(2, a, PriorityClass::Priority, 40),
        ];
        let pick = pick_next(&waiting, &[a], &policy, 0, 45 * MIN).unwrap();
        assert_eq!(
            (pick.ticket, pick.reason),
            (Uuid::from_u128(1), PickReason::Aged)
        );
    }

    #[test]
    fn a_window_calls_only_its_services_and_an_empty_queue_gives_none() {
        let (a, b) = (service(1), service(2));
        let waiting = vec![ticket(1, b, PriorityClass::Normal, 0)];
        let policy = FairnessPolicy::default();
        assert_eq!(pick_next(&waiting, &[a], &policy, 0, MIN), None);
        assert_eq!(
            pick_next(&waiting, &[a, b], &policy, 0, MIN).map(|p| p.ticket),
            Some(Uuid::from_u128(1))
        );
        assert_eq!(pick_next(&[], &[a, b], &policy, 0, MIN), None);
    }

    #[test]
    fn policies_outside_the_limits_are_refused() {
        assert!(FairnessPolicy::default().check().is_ok());
        let zero = FairnessPolicy {
            priority_ratio: 0,
            ..FairnessPolicy::default()
        };
        assert_eq!(zero.check(), Err("priority_ratio"));
        let short = FairnessPolicy {
            aging_minutes: 1,
            ..FairnessPolicy::default()
        };
        assert_eq!(short.check(), Err("aging_minutes"));
    }

    /// A hall: tickets arrive over time, windows call; returns the calls in order with the time.
    #[derive(Debug, Clone)]
    struct Arrival {
        minute: i64,
        service: u128,
        class: PriorityClass,
        appointment_in: Option<i64>,
    }

    fn arrivals() -> impl Strategy<Value = Vec<Arrival>> {
        prop::collection::vec(
            (
                0i64..120,
                0u128..3,
                prop_oneof![
                    6 => Just(PriorityClass::Normal),
                    2 => Just(PriorityClass::Priority),
                    1 => Just(PriorityClass::Green),
                ],
                prop::option::weighted(0.1, 0i64..60),
            )
                .prop_map(|(minute, service, class, appointment_in)| Arrival {
                    minute,
                    service,
                    class,
                    appointment_in,
                }),
            1..80,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Windows call every 3 minutes (one serving service 0, one serving all) until the hall
        /// is empty: every ticket is called exactly once; no ticket is called while an aged one
        /// of the window's services waits unless it is due or aged itself; within a class,
        /// tickets go first come first served unless aging or an appointment intervenes; the
        /// ratio holds while both classes wait.
        #[test]
        fn the_policy_serves_everyone_once_fairly(arrivals in arrivals(), ratio in 1u32..4) {
            let policy = FairnessPolicy { priority_ratio: ratio, ..FairnessPolicy::default() };
            let tickets: Vec<Waiting> = arrivals.iter().enumerate().map(|(n, a)| Waiting {
                id: Uuid::from_u128(n as u128),
                service_id: service(a.service),
                class: a.class,
                queued_at_ms: a.minute * MIN,
                seq: n as i64,
                appointment_at_ms: a.appointment_in.map(|m| (a.minute + m) * MIN),
            }).collect();
            let windows: [Vec<Uuid>; 2] = [vec![service(0)], vec![service(0), service(1), service(2)]];
            let mut waiting: Vec<Waiting> = Vec::new();
            let mut called: Vec<Uuid> = Vec::new();
            let mut run = 0u32;
            let mut minute = 0i64;
            while called.len() < tickets.len() {
                let now = minute * MIN;
                let arrived = |t: &&Waiting| t.queued_at_ms <= now && t.queued_at_ms > now - 3 * MIN;
                waiting.extend(tickets.iter().filter(arrived).cloned());
                for services in &windows {
                    let before = waiting.clone();
                    let Some(pick) = pick_next(&waiting, services, &policy, run, now) else { continue };
                    let at = waiting.iter().position(|t| t.id == pick.ticket).unwrap();
                    let chosen = waiting.remove(at);
                    prop_assert!(!called.contains(&chosen.id), "called twice");
                    prop_assert!(services.contains(&chosen.service_id));
                    let mine: Vec<&Waiting> = before.iter().filter(|t| services.contains(&t.service_id)).collect();
                    let due = |t: &Waiting| t.appointment_at_ms.is_some_and(|at| at - policy.early_ms() <= now);
                    let aged = |t: &Waiting| now - t.queued_at_ms >= policy.aging_ms();
                    // The aging bound: an aged ticket is passed over only for a due appointment.
                    if mine.iter().any(|t| aged(t)) {
                        prop_assert!(aged(&chosen) || due(&chosen));
                    }
                    // First come first served within a class, among ordinary picks.
                    if matches!(pick.reason, PickReason::Priority | PickReason::Normal) {
                        let same_class = mine.iter().filter(|t| t.class.is_priority() == chosen.class.is_priority());
                        for other in same_class {
                            prop_assert!((other.queued_at_ms, other.seq) >= (chosen.queued_at_ms, chosen.seq));
                        }
                        // The ratio: a normal ticket is passed over only while the run is short.
                        let normal_waits = mine.iter().any(|t| !t.class.is_priority());
                        if chosen.class.is_priority() && normal_waits {
                            prop_assert!(run < policy.priority_ratio);
                        }
                        let priority_waits = mine.iter().any(|t| t.class.is_priority());
                        if !chosen.class.is_priority() && priority_waits {
                            prop_assert!(run >= policy.priority_ratio);
                        }
                    }
                    run = pick.priority_run;
                    called.push(chosen.id);
                }
                minute += 3;
                prop_assert!(minute < 24 * 60, "the hall never emptied");
            }
            prop_assert_eq!(called.len(), tickets.len());
        }
    }
}
