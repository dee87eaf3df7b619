//! Queue benchmark: sustained issue / call / finish with many windows busy at one site, through
//! a real `onetrip-server` over loopback HTTP, beside the limit measured in the same run: the
//! same commands applied straight to the storage in a loop (the same database transactions,
//! without the server: no HTTP, no sessions, no JSON over the wire).
//!
//! Usage: `bench_queue WINDOWS SECONDS [DATABASE_URL]` (defaults 200 windows, 10 s, SQLite in a
//! temporary folder; `BENCH_RATE` sets the offered load, default 2,000 ops/s). Prints, for
//! both sides, throughput and call-next p50/p99 twice: with every window sending as fast as
//! it is answered (the most the system does), and with the windows paced to the offered load
//! (the latency a hall at that load sees).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use onetrip_api::command::{Command, CommandBody, CommandStatus};
use onetrip_api::queue::{IssueTicket, Ticket, TicketSource};
use onetrip_client::api_client::ApiClient;
use onetrip_domain::Lang;
use onetrip_domain::auth::Role;
use onetrip_domain::config::Window;
use onetrip_domain::queue::PriorityClass;
use onetrip_server::actor::Actor;
use onetrip_server::seed::DEMO_PASSWORD;
use onetrip_server::serve::{self, Database, ServeOptions};
use onetrip_server::state::CommandSink;
use uuid::Uuid;

fn arg(index: usize) -> Option<String> {
    std::env::args().nth(index)
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// One window's work: issue a ticket for its service, call the next one, finish it.
fn commands(site: Uuid, window: &Window) -> [Command; 2] {
    [
        Command::new(CommandBody::IssueTicket(IssueTicket {
            id: Uuid::new_v4(),
            site_id: site,
            service_id: window.service_ids[0],
            class: PriorityClass::Normal,
            source: TicketSource::Kiosk,
            appointment_at_ms: None,
            holder: None,
            appointment_id: None,
        })),
        Command::new(CommandBody::CallNext {
            window_id: window.id,
        }),
    ]
}

fn finish(ticket: &Ticket) -> Command {
    Command::new(CommandBody::Finish {
        ticket_id: ticket.id,
    })
}

struct Figures {
    operations: usize,
    elapsed: Duration,
    calls: Vec<Duration>,
}

impl Figures {
    fn report(&mut self, name: &str) -> f64 {
        self.calls.sort();
        let at = |p: f64| self.calls[((self.calls.len() as f64 - 1.0) * p).round() as usize];
        let rate = self.operations as f64 / self.elapsed.as_secs_f64();
        println!(
            "{name}: {} operations in {:.1} s = {:.0} ops/s; call-next p50 {:.1} ms, p99 {:.1} ms",
            self.operations,
            self.elapsed.as_secs_f64(),
            rate,
            at(0.5).as_secs_f64() * 1e3,
            at(0.99).as_secs_f64() * 1e3,
        );
        rate
    }
}

/// Runs `work` for every window at once until `seconds` pass; each round is issue, call,
/// finish. `apply` sends one command and returns the ticket it produced.
async fn run<F, Fut>(windows: &[Window], site: Uuid, seconds: u64, apply: F) -> Figures
where
    F: Fn(Command) -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = Ticket> + Send,
{
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for window in windows {
        let (apply, window) = (apply.clone(), window.clone());
        tasks.push(tokio::spawn(async move {
            let mut operations = 0;
            let mut calls = Vec::new();
            while Instant::now() < deadline {
                let [issue, call] = commands(site, &window);
                apply(issue).await;
                let begun = Instant::now();
                let ticket = apply(call).await;
                calls.push(begun.elapsed());
                apply(finish(&ticket)).await;
                operations += 3;
            }
            (operations, calls)
        }));
    }
    let mut figures = Figures {
        operations: 0,
        elapsed: Duration::ZERO,
        calls: Vec::new(),
    };
    for task in tasks {
        let (operations, calls) = task.await.unwrap();
        figures.operations += operations;
        figures.calls.extend(calls);
    }
    figures.elapsed = started.elapsed();
    figures
}

/// Runs the same rounds at an offered rate instead of as fast as possible: every window starts
/// a round each `3 * windows / rate` seconds (staggered), its three commands spread evenly
/// over the round, as a hall at that load would. A call's latency counts from when it was due,
/// so a server that falls behind pays for the wait (no coordinated omission).
async fn paced<F, Fut>(windows: &[Window], site: Uuid, seconds: u64, rate: f64, apply: F) -> Figures
where
    F: Fn(Command) -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = Ticket> + Send,
{
    let period = Duration::from_secs_f64(3.0 * windows.len() as f64 / rate);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for (index, window) in windows.iter().enumerate() {
        let (apply, window) = (apply.clone(), window.clone());
        let offset = period.mul_f64(index as f64 / windows.len() as f64);
        tasks.push(tokio::spawn(async move {
            let mut operations = 0;
            let mut calls = Vec::new();
            let mut due = started + offset;
            // Each of a round's three commands is due a third of the period after the one
            // before; one that starts late because the previous was slow counts the delay.
            let third = period / 3;
            while due < deadline {
                let [issue, call] = commands(site, &window);
                tokio::time::sleep_until(due.into()).await;
                apply(issue).await;
                let call_due = due + third;
                tokio::time::sleep_until(call_due.into()).await;
                let ticket = apply(call).await;
                calls.push(call_due.elapsed());
                tokio::time::sleep_until((call_due + third).into()).await;
                apply(finish(&ticket)).await;
                operations += 3;
                due += period;
            }
            (operations, calls)
        }));
    }
    let mut figures = Figures {
        operations: 0,
        elapsed: Duration::ZERO,
        calls: Vec::new(),
    };
    for task in tasks {
        let (operations, calls) = task.await.unwrap();
        figures.operations += operations;
        figures.calls.extend(calls);
    }
    figures.elapsed = started.elapsed();
    figures
}

/// The ticket an applied queue command issued, called or finished.
fn ticket_of(outcome: onetrip_api::command::CommandOutcome) -> Ticket {
    assert_eq!(
        outcome.status,
        CommandStatus::Applied,
        "{:?}",
        outcome.error
    );
    serde_json::from_value(outcome.record.unwrap()).unwrap()
}

#[tokio::main]
async fn main() {
    let count: usize = arg(1).and_then(|a| a.parse().ok()).unwrap_or(200);
    let seconds: u64 = arg(2).and_then(|a| a.parse().ok()).unwrap_or(10);
    let rate: f64 = std::env::var("BENCH_RATE")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(2000.0);
    let dir = tempfile::tempdir().unwrap();
    let database = match arg(3) {
        Some(url) => Database::Url(url),
        None => Database::SqliteDir(dir.path().join("central")),
    };
    let server = serve::start(ServeOptions {
        database,
        listen: "127.0.0.1:0".parse().unwrap(),
        web_dir: None,
        seed_demo: true,
        files_dir: None,
        blobs: None,
    })
    .await
    .unwrap();
    let storage: Arc<dyn CommandSink> = server.state.commands.clone();
    println!(
        "database: {}; {count} windows; {seconds} s per side",
        server.state.store.backend()
    );
    let snapshot = onetrip_server::config::current(&server.state)
        .await
        .unwrap();
    let site = snapshot.sites[0].id;
    // Windows 101.. at the center, spread over the services.
    let mut windows = Vec::new();
    for i in 0..count {
        let window = Window {
            id: Uuid::new_v4(),
            site_id: site,
            number: 101 + i as u16,
            service_ids: vec![snapshot.services[i % snapshot.services.len()].id],
        };
        let outcome = storage
            .apply(
                &Actor::system(),
                &Command::new(CommandBody::SaveWindow(window.clone())),
                now_ms(),
            )
            .await
            .unwrap();
        assert_eq!(outcome.status, CommandStatus::Applied);
        windows.push(window);
    }

    // The limit: the same commands straight to the storage.
    let clerk = Actor {
        account: onetrip_api::auth::Account {
            id: Uuid::new_v4(),
            username: "bench".into(),
            display_name: "bench".into(),
            role: Role::Clerk,
            site_id: Some(site),
            specialty: None,
        },
        lang: Lang::ZhCn,
    };
    let direct = {
        let storage = storage.clone();
        move |command: Command| {
            let storage = storage.clone();
            let clerk = clerk.clone();
            async move { ticket_of(storage.apply(&clerk, &command, now_ms()).await.unwrap()) }
        }
    };
    let mut limit = run(&windows, site, seconds, direct.clone()).await;
    let mut limit_paced = paced(&windows, site, seconds, rate, direct).await;

    // Through the server: one signed-in clerk of the center, over loopback HTTP.
    let client = ApiClient::new(&server.url(), Lang::ZhCn).unwrap();
    let token = client
        .login(&onetrip_api::auth::LoginRequest {
            username: "clerk".into(),
            password: DEMO_PASSWORD.into(),
        })
        .await
        .unwrap()
        .token;
    let token = onetrip_client::secrets::Sensitive(token);
    let http = move |command: Command| {
        let client = client.clone();
        let token = token.clone();
        async move { ticket_of(client.send_command(&token, &command).await.unwrap()) }
    };
    let mut served = run(&windows, site, seconds, http.clone()).await;
    let mut served_paced = paced(&windows, site, seconds, rate, http).await;

    println!("as fast as they can (each window waits for its answer before its next command):");
    let limit_rate = limit.report("  limit (storage, no server)");
    let served_rate = served.report("  through the server (HTTP)");
    println!(
        "  server / limit: {:.2} (goal at least 0.33)",
        served_rate / limit_rate
    );
    println!("at an offered {rate:.0} ops/s (call-next latency counted from when it was due):");
    limit_paced.report("  limit (storage, no server)");
    served_paced.report("  through the server (HTTP)");
    println!("goal: at least 2,000 ops/s with call-next p99 <= 20 ms");
    server.stop().await.unwrap();
}
