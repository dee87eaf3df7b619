//! The SQL both backends share. Both speak `$n` parameters, `ON CONFLICT` and `RETURNING`, so
//! the queries are written once here and instantiated per backend; what differs (how a write
//! transaction begins and how writers are serialised) is passed in.

/// Implements [`super::Storage`] for `$storage`, a struct with a `pool: sqlx::Pool<$db>` field,
/// an `events: broadcast::Sender<i64>` field, and the inherent methods
/// `notify_in_transaction` (inside the command's transaction) and `after_commit`.
///
/// - `$begin`: the statement that opens a write transaction.
/// - `$serialize`: run first in every command transaction so that commands checking the
///   configuration and then writing it never interleave.
macro_rules! sql_storage {
    ($storage:ty, $db:ty, backend = $backend:literal, begin = $begin:literal, serialize = $serialize:literal) => {
        mod queries {
            use onetrip_api::auth::Account;
            use onetrip_api::config::ConfigSnapshot;
            use onetrip_domain::auth::Role;
            use onetrip_domain::config::{Matter, Service, Site, SiteKind, Window};
            use uuid::Uuid;

            use crate::commands::Write;
            use crate::storage::{StorageError, StorageResult};

            type Conn = <$db as sqlx::Database>::Connection;

            fn json(value: &impl serde::Serialize) -> StorageResult<String> {
                serde_json::to_string(value).map_err(|e| StorageError::Corrupt(e.to_string()))
            }

            pub fn uuid(text: &str) -> StorageResult<Uuid> {
                Uuid::parse_str(text).map_err(|_| StorageError::Corrupt(format!("bad id {text:?}")))
            }

            fn opt_uuid(text: Option<String>) -> StorageResult<Option<Uuid>> {
                text.as_deref().map(uuid).transpose()
            }

            #[derive(sqlx::FromRow)]
            pub struct AccountRow {
                pub id: String,
                pub username: String,
                pub display_name: String,
                pub role: String,
                pub site_id: Option<String>,
                pub specialty: Option<String>,
            }

            impl AccountRow {
                pub fn into_account(self) -> StorageResult<Account> {
                    Ok(Account {
                        id: uuid(&self.id)?,
                        role: Role::parse(&self.role)
                            .ok_or_else(|| StorageError::Corrupt(format!("bad role {:?}", self.role)))?,
                        username: self.username,
                        display_name: self.display_name,
                        site_id: opt_uuid(self.site_id)?,
                        specialty: self.specialty,
                    })
                }
            }

            pub async fn snapshot(conn: &mut Conn) -> StorageResult<ConfigSnapshot> {
                let sites = sqlx::query_as::<_, (String, String, String, Option<String>, Option<String>)>(
                    "SELECT id, name, kind, parent_id, policy FROM sites ORDER BY created_seq",
                )
                .fetch_all(&mut *conn)
                .await?
                .into_iter()
                .map(|(id, name, kind, parent_id, policy)| {
                    Ok(Site {
                        id: uuid(&id)?,
                        name,
                        kind: SiteKind::parse(&kind)
                            .ok_or_else(|| StorageError::Corrupt(format!("bad site kind {kind:?}")))?,
                        parent_id: opt_uuid(parent_id)?,
                        policy: policy
                            .map(|text| serde_json::from_str(&text))
                            .transpose()
                            .map_err(|e| StorageError::Corrupt(format!("policy of site {id}: {e}")))?,
                    })
                })
                .collect::<StorageResult<Vec<_>>>()?;

                let services = sqlx::query_as::<_, (String, String, String)>(
                    "SELECT id, prefix, name FROM services ORDER BY prefix",
                )
                .fetch_all(&mut *conn)
                .await?
                .into_iter()
                .map(|(id, prefix, name)| Ok(Service { id: uuid(&id)?, prefix, name }))
                .collect::<StorageResult<Vec<_>>>()?;

                let matters = sqlx::query_as::<_, (String, String, String, String, i64)>(
                    "SELECT m.id, m.service_id, m.name, m.materials, m.promised_days
                     FROM matters m JOIN services s ON s.id = m.service_id
                     ORDER BY s.prefix, m.name",
                )
                .fetch_all(&mut *conn)
                .await?
                .into_iter()
                .map(|(id, service_id, name, materials, promised_days)| {
                    Ok(Matter {
                        id: uuid(&id)?,
                        service_id: uuid(&service_id)?,
                        name,
                        materials: serde_json::from_str(&materials)
                            .map_err(|e| StorageError::Corrupt(format!("materials of {id}: {e}")))?,
                        promised_days: u16::try_from(promised_days)
                            .map_err(|_| StorageError::Corrupt(format!("promised days of {id}")))?,
                    })
                })
                .collect::<StorageResult<Vec<_>>>()?;

                let links = sqlx::query_as::<_, (String, String)>(
                    "SELECT window_id, service_id FROM window_services ORDER BY window_id, position",
                )
                .fetch_all(&mut *conn)
                .await?;
                let windows = sqlx::query_as::<_, (String, String, i64)>(
                    "SELECT w.id, w.site_id, w.number FROM windows w
                     JOIN sites s ON s.id = w.site_id ORDER BY s.created_seq, w.number",
                )
                .fetch_all(&mut *conn)
                .await?
                .into_iter()
                .map(|(id, site_id, number)| {
                    let service_ids = links
                        .iter()
                        .filter(|(window, _)| *window == id)
                        .map(|(_, service)| uuid(service))
                        .collect::<StorageResult<Vec<_>>>()?;
                    Ok(Window {
                        id: uuid(&id)?,
                        site_id: uuid(&site_id)?,
                        number: u16::try_from(number)
                            .map_err(|_| StorageError::Corrupt(format!("window number of {id}")))?,
                        service_ids,
                    })
                })
                .collect::<StorageResult<Vec<_>>>()?;

                let calendar = sqlx::query_as::<_, (String, bool, String)>(
                    "SELECT date, working, name FROM calendar_days ORDER BY date",
                )
                .fetch_all(&mut *conn)
                .await?
                .into_iter()
                .map(|(date, working, name)| onetrip_domain::calendar::CalendarDay { date, working, name })
                .collect();

                Ok(ConfigSnapshot { sites, services, matters, windows, calendar })
            }

            pub async fn head(conn: &mut Conn) -> StorageResult<i64> {
                Ok(sqlx::query_scalar::<_, i64>("SELECT COALESCE(MAX(seq), 0) FROM changes").fetch_one(&mut *conn).await?)
            }

            /// The record's version: the seq of its latest change, 0 when it never changed.
            pub async fn version(
                conn: &mut Conn,
                entity: onetrip_api::sync::EntityKind,
                id: Uuid,
            ) -> StorageResult<i64> {
                Ok(sqlx::query_scalar::<_, i64>(
                    "SELECT COALESCE(MAX(seq), 0) FROM changes WHERE entity = $1 AND entity_id = $2",
                )
                .bind(entity.as_str())
                .bind(id.to_string())
                .fetch_one(&mut *conn)
                .await?)
            }

            pub async fn record_change(
                conn: &mut Conn,
                change: &crate::commands::ChangeRecord,
                command_id: &str,
                now_ms: i64,
            ) -> StorageResult<i64> {
                let data = change
                    .data
                    .as_ref()
                    .map(serde_json::to_string)
                    .transpose()
                    .map_err(|e| StorageError::Corrupt(e.to_string()))?;
                Ok(sqlx::query_scalar::<_, i64>(
                    "INSERT INTO changes (entity, entity_id, op, data, site_id, command_id, at_ms)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq",
                )
                .bind(change.entity.as_str())
                .bind(change.id.to_string())
                .bind(match change.op {
                    onetrip_api::sync::ChangeOp::Upsert => "upsert",
                    onetrip_api::sync::ChangeOp::Delete => "delete",
                })
                .bind(data)
                .bind(change.site_id.map(|id| id.to_string()))
                .bind(command_id)
                .bind(now_ms)
                .fetch_one(&mut *conn)
                .await?)
            }

            /// The site's queue version: how many times its queue was written (0: never).
            pub async fn queue_version(conn: &mut Conn, site: Uuid) -> StorageResult<i64> {
                Ok(sqlx::query_scalar::<_, i64>("SELECT version FROM queue_versions WHERE site_id = $1")
                    .bind(site.to_string())
                    .fetch_optional(&mut *conn)
                    .await?
                    .unwrap_or(0))
            }

            /// Counts a write of the site's queue; returns the new version.
            pub async fn bump_queue_version(conn: &mut Conn, site: Uuid) -> StorageResult<i64> {
                Ok(sqlx::query_scalar::<_, i64>(
                    "INSERT INTO queue_versions (site_id, version) VALUES ($1, 1)
                     ON CONFLICT (site_id) DO UPDATE SET version = queue_versions.version + 1
                     RETURNING version",
                )
                .bind(site.to_string())
                .fetch_one(&mut *conn)
                .await?)
            }

            /// The site's queue of `day` as the database has it.
            pub async fn load_site_queue(
                conn: &mut Conn,
                site: Uuid,
                day: &str,
                version: i64,
            ) -> StorageResult<crate::queue_state::SiteQueue> {
                let tickets = sqlx::query_scalar::<_, String>(
                    "SELECT data FROM tickets WHERE site_id = $1 AND (day = $2 OR status = 'called')",
                )
                .bind(site.to_string())
                .bind(day)
                .fetch_all(&mut *conn)
                .await?;
                let states = sqlx::query_scalar::<_, String>("SELECT data FROM window_states WHERE site_id = $1")
                    .bind(site.to_string())
                    .fetch_all(&mut *conn)
                    .await?;
                Ok(crate::queue_state::SiteQueue::load(
                    day,
                    version,
                    ticket_rows(tickets).await?,
                    states.iter().map(|data| parsed(data)).collect::<StorageResult<Vec<_>>>()?,
                ))
            }

            /// Writes tickets as they now are, in one statement; the service column keeps the
            /// service a ticket was issued for (its number belongs there).
            pub async fn upsert_tickets(
                conn: &mut Conn,
                tickets: &[&onetrip_api::queue::Ticket],
            ) -> StorageResult<()> {
                if tickets.is_empty() {
                    return Ok(());
                }
                let mut data = Vec::with_capacity(tickets.len());
                for ticket in tickets {
                    data.push(json(ticket)?);
                }
                let mut query = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO tickets (id, site_id, service_id, day, seq, status, class,
                         queued_at_ms, called_at_ms, window_id, data, appointment_id,
                         finished_at_ms, called_by) ",
                );
                query.push_values(tickets.iter().zip(data), |mut row, (ticket, data)| {
                    row.push_bind(ticket.id.to_string())
                        .push_bind(ticket.site_id.to_string())
                        .push_bind(ticket.service_id.to_string())
                        .push_bind(ticket.day.clone())
                        .push_bind(ticket.seq)
                        .push_bind(ticket.status.as_str())
                        .push_bind(ticket.class.as_str())
                        .push_bind(ticket.queued_at_ms)
                        .push_bind(ticket.called_at_ms)
                        .push_bind(ticket.window_id.map(|id| id.to_string()))
                        .push_bind(data)
                        .push_bind(ticket.appointment_id.map(|id| id.to_string()))
                        .push_bind(ticket.finished_at_ms)
                        .push_bind(ticket.called_by.clone());
                });
                query.push(
                    " ON CONFLICT (id) DO UPDATE SET status = excluded.status,
                         queued_at_ms = excluded.queued_at_ms, called_at_ms = excluded.called_at_ms,
                         window_id = excluded.window_id, data = excluded.data,
                         finished_at_ms = excluded.finished_at_ms, called_by = excluded.called_by",
                );
                query.build().execute(&mut *conn).await?;
                Ok(())
            }

            /// The site of a ticket, if the ticket exists.
            pub async fn ticket_site(conn: &mut Conn, ticket: Uuid) -> StorageResult<Option<Uuid>> {
                sqlx::query_scalar::<_, String>("SELECT site_id FROM tickets WHERE id = $1")
                    .bind(ticket.to_string())
                    .fetch_optional(&mut *conn)
                    .await?
                    .map(|site| uuid(&site))
                    .transpose()
            }

            pub fn parsed<T: serde::de::DeserializeOwned>(data: &str) -> StorageResult<T> {
                serde_json::from_str(data).map_err(|e| StorageError::Corrupt(e.to_string()))
            }

            pub async fn ticket_rows(rows: Vec<String>) -> StorageResult<Vec<onetrip_api::queue::Ticket>> {
                rows.iter()
                    .map(|data| serde_json::from_str(data).map_err(|e| StorageError::Corrupt(e.to_string())))
                    .collect()
            }

            /// Reads what a queue command needs and plans it; the inner result is the planned
            /// write or the refusal.
            pub async fn plan_queue(
                conn: &mut Conn,
                actor: &crate::actor::Actor,
                body: &onetrip_api::command::CommandBody,
                current: &onetrip_api::config::ConfigSnapshot,
                now_ms: i64,
            ) -> StorageResult<Result<Write, onetrip_api::error::ApiError>> {
                let day = crate::verify::center_date(now_ms);
                let named = match body {
                    onetrip_api::command::CommandBody::Recall { ticket_id }
                    | onetrip_api::command::CommandBody::NoShow { ticket_id }
                    | onetrip_api::command::CommandBody::Finish { ticket_id }
                    | onetrip_api::command::CommandBody::Hold { ticket_id }
                    | onetrip_api::command::CommandBody::Resume { ticket_id }
                    | onetrip_api::command::CommandBody::Transfer { ticket_id, .. } => {
                        ticket_site(conn, *ticket_id).await?
                    }
                    _ => None,
                };
                let key = match crate::queue::view_key(actor, body, current, named) {
                    Ok(key) => key,
                    Err(refusal) => return Ok(Err(refusal)),
                };
                let site = key.site.to_string();
                let waiting = ticket_rows(
                    sqlx::query_scalar::<_, String>(
                        "SELECT data FROM tickets WHERE site_id = $1 AND day = $2 AND status = 'waiting'
                         ORDER BY queued_at_ms, seq",
                    )
                    .bind(&site)
                    .bind(&day)
                    .fetch_all(&mut *conn)
                    .await?,
                )
                .await?;
                let recent_classes = sqlx::query_scalar::<_, String>(
                    "SELECT class FROM tickets WHERE site_id = $1 AND day = $2 AND called_at_ms IS NOT NULL
                     ORDER BY called_at_ms DESC, seq DESC LIMIT 16",
                )
                .bind(&site)
                .bind(&day)
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|class| {
                    onetrip_domain::queue::PriorityClass::parse(class)
                        .ok_or_else(|| StorageError::Corrupt(format!("ticket class {class:?}")))
                })
                .collect::<StorageResult<Vec<_>>>()?;
                let next_seq = match key.service {
                    Some(service) => sqlx::query_scalar::<_, i64>(
                        "SELECT COALESCE(MAX(seq), 0) + 1 FROM tickets
                         WHERE site_id = $1 AND service_id = $2 AND day = $3",
                    )
                    .bind(&site)
                    .bind(service.to_string())
                    .bind(&day)
                    .fetch_one(&mut *conn)
                    .await?,
                    None => 0,
                };
                let ticket = match key.ticket {
                    Some(id) => sqlx::query_scalar::<_, String>("SELECT data FROM tickets WHERE id = $1")
                        .bind(id.to_string())
                        .fetch_optional(&mut *conn)
                        .await?,
                    None => None,
                };
                let at_window = match key.window {
                    Some(window) => sqlx::query_scalar::<_, String>(
                        "SELECT data FROM tickets WHERE window_id = $1 AND status = 'called' LIMIT 1",
                    )
                    .bind(window.to_string())
                    .fetch_optional(&mut *conn)
                    .await?,
                    None => None,
                };
                let window_state = match key.window {
                    Some(window) => sqlx::query_scalar::<_, String>("SELECT data FROM window_states WHERE window_id = $1")
                        .bind(window.to_string())
                        .fetch_optional(&mut *conn)
                        .await?
                        .map(|data| parsed(&data))
                        .transpose()?,
                    None => None,
                };
                let appointment = match key.appointment {
                    Some(id) => {
                        let found = sqlx::query_as::<_, (String, bool)>(
                            "SELECT data, EXISTS (SELECT 1 FROM tickets t WHERE t.appointment_id = a.id)
                             FROM appointments a WHERE a.id = $1",
                        )
                        .bind(id.to_string())
                        .fetch_optional(&mut *conn)
                        .await?;
                        found.map(|(data, used)| parsed(&data).map(|a| (a, used))).transpose()?
                    }
                    None => None,
                };
                let codes_taken = match &key.booking_day {
                    Some(day) => sqlx::query_scalar::<_, String>(
                        "SELECT code FROM appointments WHERE site_id = $1 AND day = $2",
                    )
                    .bind(&site)
                    .bind(day)
                    .fetch_all(&mut *conn)
                    .await?,
                    None => Vec::new(),
                };
                let ticket = ticket_rows(ticket.into_iter().collect()).await?.pop();
                let at_window = ticket_rows(at_window.into_iter().collect()).await?.pop();
                let view = crate::queue::QueueView {
                    waiting,
                    recent_classes,
                    next_seq,
                    ticket,
                    current: at_window,
                    window_state,
                    appointment,
                    codes_taken,
                };
                let policy = current
                    .sites
                    .iter()
                    .find(|s| s.id == key.site)
                    .map(Site::fairness)
                    .unwrap_or_default();
                Ok(crate::queue::plan(actor, body, current, &view, &policy, now_ms, &day))
            }

            /// Reads what a case decision needs and plans it.
            pub async fn plan_case(
                conn: &mut Conn,
                actor: &crate::actor::Actor,
                draft: &onetrip_api::case::CaseDraft,
                current: &onetrip_api::config::ConfigSnapshot,
                now_ms: i64,
            ) -> StorageResult<Result<Write, onetrip_api::error::ApiError>> {
                let day = crate::verify::center_date(now_ms);
                let ticket_site = match draft.ticket_id {
                    Some(ticket) => ticket_site(conn, ticket).await?,
                    None => None,
                };
                let earlier_trips = match draft.applicant.normalised() {
                    Ok(applicant) => sqlx::query_scalar::<_, i64>(
                        "SELECT COUNT(*) FROM cases WHERE applicant = $1 AND matter_id = $2",
                    )
                    .bind(crate::cases::applicant_key(&applicant))
                    .bind(draft.matter_id.to_string())
                    .fetch_one(&mut *conn)
                    .await?,
                    // Refused by the plan with the reason.
                    Err(_) => 0,
                };
                let site = ticket_site.or(actor.account.site_id).map(|s| s.to_string()).unwrap_or_default();
                let decided_today = sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM cases WHERE site_id = $1 AND day = $2",
                )
                .bind(site)
                .bind(&day)
                .fetch_one(&mut *conn)
                .await?;
                let view = crate::cases::CaseView {
                    ticket_site,
                    earlier_trips: u32::try_from(earlier_trips).unwrap_or(u32::MAX),
                    decided_today: u32::try_from(decided_today).unwrap_or(u32::MAX),
                };
                Ok(crate::cases::plan(actor, draft, current, &view, now_ms, &day).map(Write::Case))
            }

            /// The latest ticket finished at a window on a day, and whether it has a rating.
            pub async fn last_finished(
                conn: &mut Conn,
                window: Uuid,
                day: &str,
            ) -> StorageResult<Option<(onetrip_api::queue::Ticket, bool)>> {
                let row = sqlx::query_as::<_, (String, i64)>(
                    "SELECT t.data, (SELECT COUNT(*) FROM ratings r WHERE r.ticket_id = t.id)
                     FROM tickets t WHERE t.window_id = $1 AND t.day = $2 AND t.status = 'done'
                     ORDER BY t.called_at_ms DESC LIMIT 1",
                )
                .bind(window.to_string())
                .bind(day)
                .fetch_optional(&mut *conn)
                .await?;
                let Some((data, ratings)) = row else {
                    return Ok(None);
                };
                let ticket = serde_json::from_str(&data).map_err(|e| StorageError::Corrupt(e.to_string()))?;
                Ok(Some((ticket, ratings > 0)))
            }

            /// Reads what a rating command needs and plans it.
            pub async fn plan_rating(
                conn: &mut Conn,
                actor: &crate::actor::Actor,
                body: &onetrip_api::command::CommandBody,
                current: &ConfigSnapshot,
                now_ms: i64,
            ) -> StorageResult<Result<Write, onetrip_api::error::ApiError>> {
                let day = crate::verify::center_date(now_ms);
                let key = crate::ratings::view_key(body);
                let (ticket, ticket_rated) = match key.ticket {
                    Some(id) => {
                        let data = sqlx::query_scalar::<_, String>("SELECT data FROM tickets WHERE id = $1")
                            .bind(id.to_string())
                            .fetch_optional(&mut *conn)
                            .await?;
                        let rated = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM ratings WHERE ticket_id = $1")
                            .bind(id.to_string())
                            .fetch_one(&mut *conn)
                            .await?;
                        (ticket_rows(data.into_iter().collect()).await?.pop(), rated > 0)
                    }
                    None => (None, false),
                };
                let (latest_at_window, latest_rated) = match key.window {
                    Some(window) => match last_finished(conn, window, &day).await? {
                        Some((ticket, rated)) => (Some(ticket), rated),
                        None => (None, false),
                    },
                    None => (None, false),
                };
                let clerk_name = match ticket.as_ref().and_then(|t| t.called_by.clone()) {
                    Some(username) => sqlx::query_scalar::<_, String>(
                        "SELECT display_name FROM accounts WHERE username = $1",
                    )
                    .bind(username)
                    .fetch_optional(&mut *conn)
                    .await?,
                    None => None,
                };
                let rating = match key.rating {
                    Some(id) => sqlx::query_scalar::<_, String>("SELECT data FROM ratings WHERE id = $1")
                        .bind(id.to_string())
                        .fetch_optional(&mut *conn)
                        .await?
                        .map(|data| serde_json::from_str(&data).map_err(|e| StorageError::Corrupt(e.to_string())))
                        .transpose()?,
                    None => None,
                };
                let view = crate::ratings::RatingView {
                    ticket,
                    ticket_rated,
                    latest_at_window,
                    latest_rated,
                    clerk_name,
                    rating,
                    calendar: crate::cases::working_calendar(current),
                };
                Ok(crate::ratings::plan(actor, body, &view, now_ms, &day).map(|rating| Write::Rating(Box::new(rating))))
            }

            /// The configuration, from memory while no change has been committed since it was read.
            pub async fn cached_snapshot(
                conn: &mut Conn,
                cache: &crate::storage::ConfigCache,
            ) -> StorageResult<std::sync::Arc<ConfigSnapshot>> {
                let version = sqlx::query_scalar::<_, i64>("SELECT version FROM config_version WHERE id = 1")
                    .fetch_one(&mut *conn)
                    .await?;
                if let Some(kept) = cache.get(version) {
                    return Ok(kept);
                }
                // Read after the version: what is kept is at least as new as its tag.
                let fresh = std::sync::Arc::new(snapshot(conn).await?);
                cache.put(version, fresh.clone());
                Ok(fresh)
            }

            pub async fn write(conn: &mut Conn, write: &Write) -> StorageResult<()> {
                if write.changes_configuration() {
                    sqlx::query("UPDATE config_version SET version = version + 1 WHERE id = 1")
                        .execute(&mut *conn)
                        .await?;
                }
                match write {
                    Write::Site(site) => {
                        sqlx::query(
                            "INSERT INTO sites (id, name, kind, parent_id, policy, created_seq)
                             VALUES ($1, $2, $3, $4, $5, (SELECT COALESCE(MAX(created_seq), 0) + 1 FROM sites))
                             ON CONFLICT (id) DO UPDATE
                             SET name = excluded.name, kind = excluded.kind, parent_id = excluded.parent_id,
                                 policy = excluded.policy",
                        )
                        .bind(site.id.to_string())
                        .bind(&site.name)
                        .bind(site.kind.as_str())
                        .bind(site.parent_id.map(|id| id.to_string()))
                        .bind(site.policy.map(|policy| json(&policy)).transpose()?)
                        .execute(&mut *conn)
                        .await?;
                    }
                    Write::Service(service) => {
                        sqlx::query(
                            "INSERT INTO services (id, prefix, name) VALUES ($1, $2, $3)
                             ON CONFLICT (id) DO UPDATE SET prefix = excluded.prefix, name = excluded.name",
                        )
                        .bind(service.id.to_string())
                        .bind(&service.prefix)
                        .bind(&service.name)
                        .execute(&mut *conn)
                        .await?;
                    }
                    Write::Matter(matter) => {
                        let materials = serde_json::to_string(&matter.materials)
                            .map_err(|e| StorageError::Corrupt(e.to_string()))?;
                        sqlx::query(
                            "INSERT INTO matters (id, service_id, name, materials, promised_days)
                             VALUES ($1, $2, $3, $4, $5)
                             ON CONFLICT (id) DO UPDATE SET service_id = excluded.service_id,
                                 name = excluded.name, materials = excluded.materials,
                                 promised_days = excluded.promised_days",
                        )
                        .bind(matter.id.to_string())
                        .bind(matter.service_id.to_string())
                        .bind(&matter.name)
                        .bind(materials)
                        .bind(i64::from(matter.promised_days))
                        .execute(&mut *conn)
                        .await?;
                    }
                    Write::Window(window) => {
                        sqlx::query(
                            "INSERT INTO windows (id, site_id, number) VALUES ($1, $2, $3)
                             ON CONFLICT (id) DO UPDATE SET site_id = excluded.site_id, number = excluded.number",
                        )
                        .bind(window.id.to_string())
                        .bind(window.site_id.to_string())
                        .bind(i64::from(window.number))
                        .execute(&mut *conn)
                        .await?;
                        sqlx::query("DELETE FROM window_services WHERE window_id = $1")
                            .bind(window.id.to_string())
                            .execute(&mut *conn)
                            .await?;
                        for (position, service) in window.service_ids.iter().enumerate() {
                            sqlx::query(
                                "INSERT INTO window_services (window_id, service_id, position) VALUES ($1, $2, $3)",
                            )
                            .bind(window.id.to_string())
                            .bind(service.to_string())
                            .bind(position as i64)
                            .execute(&mut *conn)
                            .await?;
                        }
                    }
                    Write::Ticket(ticket) => upsert_tickets(conn, &[ticket]).await?,
                    Write::WindowState(state) => {
                        sqlx::query(
                            "INSERT INTO window_states (window_id, site_id, data) VALUES ($1, $2, $3)
                             ON CONFLICT (window_id) DO UPDATE SET data = excluded.data",
                        )
                        .bind(state.window_id.to_string())
                        .bind(state.site_id.to_string())
                        .bind(json(state)?)
                        .execute(&mut *conn)
                        .await?;
                    }
                    Write::Appointment(appointment) => {
                        sqlx::query(
                            "INSERT INTO appointments (id, site_id, day, phone, id_number, code, data)
                             VALUES ($1, $2, $3, $4, $5, $6, $7)",
                        )
                        .bind(appointment.id.to_string())
                        .bind(appointment.site_id.to_string())
                        .bind(&appointment.day)
                        .bind(appointment.holder.phone.as_deref())
                        .bind(appointment.holder.id_number.as_deref())
                        .bind(&appointment.code)
                        .bind(json(appointment)?)
                        .execute(&mut *conn)
                        .await?;
                    }
                    Write::CalendarDay(day) => {
                        sqlx::query(
                            "INSERT INTO calendar_days (date, working, name) VALUES ($1, $2, $3)
                             ON CONFLICT (date) DO UPDATE SET working = excluded.working, name = excluded.name",
                        )
                        .bind(&day.date)
                        .bind(day.working)
                        .bind(&day.name)
                        .execute(&mut *conn)
                        .await?;
                    }
                    Write::DeleteCalendarDay(date) => {
                        sqlx::query("DELETE FROM calendar_days WHERE date = $1")
                            .bind(date)
                            .execute(&mut *conn)
                            .await?;
                    }
                    Write::Document(document) => {
                        let data = serde_json::to_string(document)
                            .map_err(|e| StorageError::Corrupt(e.to_string()))?;
                        sqlx::query(
                            "INSERT INTO issued_documents (id, kind, number, payload, signed_by, signed_at_ms, data)
                             VALUES ($1, $2, $3, $4, $5, $6, $7)",
                        )
                        .bind(document.id.to_string())
                        .bind(&document.claim.kind)
                        .bind(&document.claim.number)
                        .bind(&document.payload)
                        .bind(&document.signed_by)
                        .bind(document.signed_at_ms)
                        .bind(data)
                        .execute(&mut *conn)
                        .await?;
                    }
                    Write::Case(case) => {
                        let data = serde_json::to_string(case)
                            .map_err(|e| StorageError::Corrupt(e.to_string()))?;
                        sqlx::query(
                            "INSERT INTO cases (id, site_id, day, applicant, matter_id, outcome, decided_at_ms, data, trip)
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                        )
                        .bind(case.id.to_string())
                        .bind(case.site_id.to_string())
                        .bind(crate::verify::center_date(case.decided_at_ms))
                        .bind(crate::cases::applicant_key(&case.applicant))
                        .bind(case.matter_id.to_string())
                        .bind(case.outcome.as_str())
                        .bind(case.decided_at_ms)
                        .bind(data)
                        .bind(i64::from(case.trip))
                        .execute(&mut *conn)
                        .await?;
                    }
                    Write::Rating(rating) => {
                        let data = serde_json::to_string(rating)
                            .map_err(|e| StorageError::Corrupt(e.to_string()))?;
                        let follow_up = rating
                            .follow_up
                            .as_ref()
                            .map(|f| if f.is_closed() { "closed" } else { "open" });
                        sqlx::query(
                            "INSERT INTO ratings (id, ticket_id, site_id, window_id, day, score, follow_up,
                                 rated_at_ms, data)
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                             ON CONFLICT (id) DO UPDATE SET follow_up = excluded.follow_up, data = excluded.data",
                        )
                        .bind(rating.id.to_string())
                        .bind(rating.ticket_id.to_string())
                        .bind(rating.site_id.to_string())
                        .bind(rating.window_id.to_string())
                        .bind(&rating.day)
                        .bind(i64::from(rating.score.get()))
                        .bind(follow_up)
                        .bind(rating.rated_at_ms)
                        .bind(data)
                        .execute(&mut *conn)
                        .await?;
                    }
                    Write::PrintRecord(record) => {
                        let jobs = serde_json::to_string(&record.jobs)
                            .map_err(|e| StorageError::Corrupt(e.to_string()))?;
                        sqlx::query(
                            "INSERT INTO print_log (id, template, title, pages, copies, printer, tray,
                                 overlay, reprint, jobs, printed_by, printed_at_ms, site_id)
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                             ON CONFLICT (id) DO NOTHING",
                        )
                        .bind(record.id.to_string())
                        .bind(&record.template)
                        .bind(&record.title)
                        .bind(i64::from(record.pages))
                        .bind(i64::from(record.copies))
                        .bind(&record.printer)
                        .bind(record.tray.as_deref())
                        .bind(record.overlay)
                        .bind(record.reprint)
                        .bind(jobs)
                        .bind(&record.printed_by)
                        .bind(record.printed_at_ms)
                        .bind(record.site_id.map(|id| id.to_string()))
                        .execute(&mut *conn)
                        .await?;
                    }
                    Write::DeleteWindow(id) => {
                        sqlx::query("DELETE FROM window_services WHERE window_id = $1")
                            .bind(id.to_string())
                            .execute(&mut *conn)
                            .await?;
                        sqlx::query("DELETE FROM windows WHERE id = $1")
                            .bind(id.to_string())
                            .execute(&mut *conn)
                            .await?;
                    }
                }
                Ok(())
            }
        }

        impl $storage {
            /// Applies one command in its own transaction; the caller holds the writer lock.
            async fn apply_single(
                &self,
                actor: &crate::actor::Actor,
                command: &onetrip_api::command::Command,
                now_ms: i64,
            ) -> crate::storage::StorageResult<onetrip_api::command::CommandOutcome> {
                use onetrip_api::command::{CommandOutcome, CommandStatus};

                let id = command.id.to_string();
                let kind = command.body.kind();
                let payload = serde_json::to_string(&command.body)
                    .map_err(|e| crate::storage::StorageError::Corrupt(e.to_string()))?;

                let mut tx = self.pool.begin_with($begin).await?;
                sqlx::query($serialize).execute(&mut *tx).await?;
                if let Some(outcome) = stored_outcome(&mut tx, &id).await? {
                    return Ok(outcome);
                }
                let current = queries::cached_snapshot(&mut tx, &self.config).await?;
                let (entity, entity_id) = command.body.target();
                // Only a command made against a version needs the record's current one.
                let version = match command.base_version {
                    Some(_) => queries::version(&mut tx, entity, entity_id).await?,
                    None => 0,
                };
                let mut committed_seq = None;
                let mut record = None;
                let (status, error) = match command.base_version {
                    Some(base) if base != version => {
                        (CommandStatus::Conflict, Some(crate::commands::conflict(actor)))
                    }
                    _ => {
                        let planned = match &command.body {
                            body if body.is_queue() => {
                                queries::plan_queue(&mut tx, actor, body, &current, now_ms).await?
                            }
                            onetrip_api::command::CommandBody::DecideCase(draft) => {
                                queries::plan_case(&mut tx, actor, draft, &current, now_ms).await?
                            }
                            body if body.is_rating() => {
                                queries::plan_rating(&mut tx, actor, body, &current, now_ms).await?
                            }
                            body => crate::commands::plan(actor, body, &current, now_ms),
                        };
                        match planned {
                            Ok(write) => {
                                queries::write(&mut tx, &write).await?;
                                // The queue moved outside the batch: every process reads it again.
                                let moved = match &write {
                                    crate::commands::Write::Ticket(ticket) => Some(ticket.site_id),
                                    crate::commands::Write::WindowState(state) => Some(state.site_id),
                                    _ => None,
                                };
                                if let Some(site) = moved {
                                    queries::bump_queue_version(&mut tx, site).await?;
                                    crate::queue_state::lock(&self.queue.sites).remove(&site);
                                }
                                let change = write
                                    .change(&current)
                                    .map_err(|e| crate::storage::StorageError::Corrupt(e.to_string()))?;
                                let seq = queries::record_change(&mut tx, &change, &id, now_ms).await?;
                                self.notify_in_transaction(&mut tx, seq).await?;
                                committed_seq = Some(seq);
                                record = write.record();
                                (CommandStatus::Applied, None)
                            }
                            Err(error) => (CommandStatus::Rejected, Some(error)),
                        }
                    }
                };
                let status_text = status.as_str();
                let error_json = error
                    .as_ref()
                    .map(serde_json::to_string)
                    .transpose()
                    .map_err(|e| crate::storage::StorageError::Corrupt(e.to_string()))?;
                let record_json = record
                    .as_ref()
                    .map(serde_json::to_string)
                    .transpose()
                    .map_err(|e| crate::storage::StorageError::Corrupt(e.to_string()))?;
                sqlx::query(
                    "INSERT INTO commands (id, account_id, kind, received_at_ms, status, error, record)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&id)
                .bind(actor.account.id.to_string())
                .bind(kind)
                .bind(now_ms)
                .bind(status_text)
                .bind(&error_json)
                .bind(&record_json)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO audit_log (at_ms, account_id, username, command_id, kind, payload, status, error)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(now_ms)
                .bind(actor.account.id.to_string())
                .bind(&actor.account.username)
                .bind(&id)
                .bind(kind)
                .bind(&payload)
                .bind(status_text)
                .bind(&error_json)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                if let Some(seq) = committed_seq {
                    self.after_commit(seq);
                }
                Ok(CommandOutcome { command_id: command.id, status, error, record })
            }

            /// Applies queue commands that arrived together: planned one after another against
            /// the sites' states in memory, written in one transaction. When the batch fails as
            /// a whole, each command is applied again on its own, so one bad command costs the
            /// others nothing but time. The caller holds the writer lock.
            async fn apply_batch(&self, batch: Vec<crate::queue_state::Pending>) {
                let mut replies = Vec::with_capacity(batch.len());
                let mut items = Vec::with_capacity(batch.len());
                for pending in batch {
                    replies.push(pending.reply);
                    items.push((pending.actor, pending.command, pending.now_ms));
                }
                let outcomes = match self.try_batch(&items).await {
                    Ok(outcomes) => outcomes,
                    Err(error) => {
                        tracing::warn!(%error, "a queue batch failed; applying its commands one by one");
                        self.queue.forget();
                        vec![None; items.len()]
                    }
                };
                for ((reply, (actor, command, now_ms)), outcome) in replies.into_iter().zip(items).zip(outcomes) {
                    let outcome = match outcome {
                        Some(outcome) => Ok(outcome),
                        None => self.apply_single(&actor, &command, now_ms).await,
                    };
                    // A caller that went away needs no answer.
                    let _ = reply.send(outcome);
                }
            }

            /// The batch's outcomes after its commit; `None` for a command left to the single
            /// way (a ticket this process does not keep in memory).
            async fn try_batch(
                &self,
                items: &[(crate::actor::Actor, onetrip_api::command::Command, i64)],
            ) -> crate::storage::StorageResult<Vec<Option<onetrip_api::command::CommandOutcome>>> {
                use onetrip_api::command::{CommandBody, CommandOutcome, CommandStatus};
                use crate::storage::StorageError;

                let corrupt = |e: serde_json::Error| StorageError::Corrupt(e.to_string());
                let mut tx = self.pool.begin_with($begin).await?;
                sqlx::query($serialize).execute(&mut *tx).await?;
                let current = queries::cached_snapshot(&mut tx, &self.config).await?;

                // Commands applied before (a retry) get their stored outcome again.
                let mut known = std::collections::HashMap::new();
                {
                    let mut query = sqlx::QueryBuilder::<$db>::new(
                        "SELECT id, status, error, record FROM commands WHERE id IN (",
                    );
                    let mut ids = query.separated(", ");
                    for (_, command, _) in items {
                        ids.push_bind(command.id.to_string());
                    }
                    ids.push_unseparated(")");
                    let rows: Vec<(String, String, Option<String>, Option<String>)> =
                        query.build_query_as().fetch_all(&mut *tx).await?;
                    for (id, status, error, record) in rows {
                        known.insert(id.clone(), stored_row(&id, &status, error, record)?);
                    }
                }

                // The sites the batch works on, read again where another process moved them.
                // A ticket command's site is the site keeping the ticket in memory.
                let opens = |body: &CommandBody| {
                    matches!(
                        body,
                        CommandBody::IssueTicket(_) | CommandBody::CallNext { .. } | CommandBody::CallTicket { .. }
                    )
                };
                let item_sites: Vec<Option<uuid::Uuid>> = items
                    .iter()
                    .map(|(_, command, _)| match &command.body {
                        CommandBody::IssueTicket(issue) => Some(issue.site_id),
                        CommandBody::CallNext { window_id } | CommandBody::CallTicket { window_id, .. } => {
                            current.windows.iter().find(|w| w.id == *window_id).map(|w| w.site_id)
                        }
                        body => self.queue.site_of_ticket(body.target().1),
                    })
                    .collect();
                let mut sites: std::collections::HashMap<uuid::Uuid, crate::queue_state::SiteQueue> =
                    std::collections::HashMap::new();
                for ((_, _, now_ms), site) in items.iter().zip(&item_sites) {
                    let Some(site) = *site else { continue };
                    if sites.contains_key(&site) {
                        continue;
                    }
                    let day = crate::verify::center_date(*now_ms);
                    let version = queries::queue_version(&mut tx, site).await?;
                    let kept = crate::queue_state::lock(&self.queue.sites).remove(&site);
                    let state = match kept {
                        Some(state) if state.version == version && state.day == day => state,
                        _ => queries::load_site_queue(&mut tx, site, &day, version).await?,
                    };
                    sites.insert(site, state);
                }

                let mut outcomes: Vec<Option<CommandOutcome>> = Vec::with_capacity(items.len());
                let mut tickets: Vec<onetrip_api::queue::Ticket> = Vec::new();
                let mut changes: Vec<(crate::commands::ChangeRecord, String, i64)> = Vec::new();
                let mut records = Vec::new();
                let mut touched = std::collections::HashSet::new();
                for ((actor, command, now_ms), site) in items.iter().zip(&item_sites) {
                    let id = command.id.to_string();
                    if let Some(outcome) = known.get(&id) {
                        outcomes.push(Some(outcome.clone()));
                        continue;
                    }
                    let ticket_site = if opens(&command.body) { None } else { *site };
                    if ticket_site.is_none() && !opens(&command.body) {
                        // A ticket not kept in memory: the single way reads it.
                        outcomes.push(None);
                        continue;
                    }
                    let day = crate::verify::center_date(*now_ms);
                    let planned = match crate::queue::view_key(actor, &command.body, &current, ticket_site) {
                        Err(refusal) => Err(refusal),
                        Ok(key) => {
                            let Some(state) = sites.get_mut(&key.site) else {
                                outcomes.push(None);
                                continue;
                            };
                            if state.day != day
                                || key.ticket.is_some_and(|t| !state.has_ticket(t))
                                    && matches!(command.body, CommandBody::CallTicket { .. })
                            {
                                outcomes.push(None);
                                continue;
                            }
                            let policy = current
                                .sites
                                .iter()
                                .find(|s| s.id == key.site)
                                .map(onetrip_domain::config::Site::fairness)
                                .unwrap_or_default();
                            // Only a call of the next ticket reads who waits, for the window's services.
                            let services = match &command.body {
                                CommandBody::CallNext { window_id } => current
                                    .windows
                                    .iter()
                                    .find(|w| w.id == *window_id)
                                    .map(|w| w.service_ids.as_slice()),
                                _ => None,
                            };
                            let view = state.view(&key, services);
                            match crate::queue::plan(actor, &command.body, &current, &view, &policy, *now_ms, &day) {
                                Ok(crate::commands::Write::Ticket(ticket)) => {
                                    state.apply(&ticket, crate::queue_state::calls(&command.body));
                                    touched.insert(key.site);
                                    Ok(ticket)
                                }
                                Ok(_) => {
                                    return Err(StorageError::Corrupt("a batched queue command planned another write".into()));
                                }
                                Err(refusal) => Err(refusal),
                            }
                        }
                    };
                    let outcome = match planned {
                        Ok(ticket) => {
                            let write = crate::commands::Write::Ticket(ticket.clone());
                            changes.push((write.change(&current).map_err(corrupt)?, id.clone(), *now_ms));
                            tickets.push(ticket);
                            CommandOutcome {
                                command_id: command.id,
                                status: CommandStatus::Applied,
                                error: None,
                                record: write.record(),
                            }
                        }
                        Err(refusal) => CommandOutcome {
                            command_id: command.id,
                            status: CommandStatus::Rejected,
                            error: Some(refusal),
                            record: None,
                        },
                    };
                    records.push((actor.clone(), command.clone(), *now_ms, outcome.clone()));
                    known.insert(id, outcome.clone());
                    outcomes.push(Some(outcome));
                }

                // One statement each for the tickets, the change log, the commands and the audit.
                let mut latest: std::collections::HashMap<uuid::Uuid, usize> = std::collections::HashMap::new();
                for (index, ticket) in tickets.iter().enumerate() {
                    latest.insert(ticket.id, index);
                }
                let mut rows: Vec<&onetrip_api::queue::Ticket> =
                    latest.values().map(|&index| &tickets[index]).collect();
                rows.sort_by_key(|t| t.id);
                queries::upsert_tickets(&mut tx, &rows).await?;
                let mut last_seq = None;
                if !changes.is_empty() {
                    let mut query = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO changes (entity, entity_id, op, data, site_id, command_id, at_ms) ",
                    );
                    let mut data = Vec::with_capacity(changes.len());
                    for (change, _, _) in &changes {
                        data.push(change.data.as_ref().map(serde_json::to_string).transpose().map_err(corrupt)?);
                    }
                    query.push_values(changes.iter().zip(data), |mut row, ((change, command_id, at_ms), data)| {
                        row.push_bind(change.entity.as_str())
                            .push_bind(change.id.to_string())
                            .push_bind("upsert")
                            .push_bind(data)
                            .push_bind(change.site_id.map(|id| id.to_string()))
                            .push_bind(command_id.clone())
                            .push_bind(*at_ms);
                    });
                    query.push(" RETURNING seq");
                    let seqs: Vec<i64> = query.build_query_scalar().fetch_all(&mut *tx).await?;
                    last_seq = seqs.into_iter().max();
                }
                if let Some(seq) = last_seq {
                    self.notify_in_transaction(&mut tx, seq).await?;
                }
                if !records.is_empty() {
                    let mut texts = Vec::with_capacity(records.len());
                    for (_, command, _, outcome) in &records {
                        texts.push((
                            serde_json::to_string(&command.body).map_err(corrupt)?,
                            outcome.error.as_ref().map(serde_json::to_string).transpose().map_err(corrupt)?,
                            outcome.record.as_ref().map(serde_json::to_string).transpose().map_err(corrupt)?,
                        ));
                    }
                    let mut query = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO commands (id, account_id, kind, received_at_ms, status, error, record) ",
                    );
                    query.push_values(records.iter().zip(&texts), |mut row, ((actor, command, now_ms, outcome), (_, error, record))| {
                        row.push_bind(command.id.to_string())
                            .push_bind(actor.account.id.to_string())
                            .push_bind(command.body.kind())
                            .push_bind(*now_ms)
                            .push_bind(outcome.status.as_str())
                            .push_bind(error.clone())
                            .push_bind(record.clone());
                    });
                    query.build().execute(&mut *tx).await?;
                    let mut query = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO audit_log (at_ms, account_id, username, command_id, kind, payload, status, error) ",
                    );
                    query.push_values(records.iter().zip(&texts), |mut row, ((actor, command, now_ms, outcome), (payload, error, _))| {
                        row.push_bind(*now_ms)
                            .push_bind(actor.account.id.to_string())
                            .push_bind(actor.account.username.clone())
                            .push_bind(command.id.to_string())
                            .push_bind(command.body.kind())
                            .push_bind(payload.clone())
                            .push_bind(outcome.status.as_str())
                            .push_bind(error.clone());
                    });
                    query.build().execute(&mut *tx).await?;
                }
                for site in &touched {
                    let version = queries::bump_queue_version(&mut tx, *site).await?;
                    if let Some(state) = sites.get_mut(site) {
                        state.version = version;
                    }
                }
                tx.commit().await?;
                if let Some(seq) = last_seq {
                    self.after_commit(seq);
                }
                crate::queue_state::lock(&self.queue.sites).extend(sites);
                Ok(outcomes)
            }
        }

        #[async_trait::async_trait]
        impl crate::storage::Storage for $storage {
            fn backend(&self) -> &'static str {
                $backend
            }

            async fn account_by_username(
                &self,
                username: &str,
            ) -> crate::storage::StorageResult<Option<crate::storage::StoredAccount>> {
                let row = sqlx::query_as::<_, (String, String, String, String, Option<String>, Option<String>, String, i64, Option<i64>)>(
                    "SELECT id, username, display_name, role, site_id, specialty, password_hash,
                            failed_logins, locked_until_ms
                     FROM accounts WHERE username = $1",
                )
                .bind(username)
                .fetch_optional(&self.pool)
                .await?;
                let Some((id, username, display_name, role, site_id, specialty, password_hash, failed, locked_until_ms)) = row
                else {
                    return Ok(None);
                };
                let account = queries::AccountRow { id, username, display_name, role, site_id, specialty }
                    .into_account()?;
                Ok(Some(crate::storage::StoredAccount {
                    account,
                    password_hash,
                    attempts: onetrip_domain::auth::LoginAttempts { failed, locked_until_ms },
                }))
            }

            async fn save_login_attempts(
                &self,
                account: uuid::Uuid,
                attempts: onetrip_domain::auth::LoginAttempts,
            ) -> crate::storage::StorageResult<()> {
                sqlx::query("UPDATE accounts SET failed_logins = $1, locked_until_ms = $2 WHERE id = $3")
                    .bind(attempts.failed)
                    .bind(attempts.locked_until_ms)
                    .bind(account.to_string())
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn insert_account(
                &self,
                account: &crate::storage::NewAccount,
                now_ms: i64,
            ) -> crate::storage::StorageResult<()> {
                sqlx::query(
                    "INSERT INTO accounts (id, username, display_name, role, site_id, specialty,
                                           password_hash, created_at_ms)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(account.id.to_string())
                .bind(&account.username)
                .bind(&account.display_name)
                .bind(account.role.as_str())
                .bind(account.site_id.map(|id| id.to_string()))
                .bind(&account.specialty)
                .bind(&account.password_hash)
                .bind(now_ms)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn count_accounts(&self) -> crate::storage::StorageResult<i64> {
                Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM accounts").fetch_one(&self.pool).await?)
            }

            async fn insert_session(
                &self,
                token_hash: &str,
                account: uuid::Uuid,
                now_ms: i64,
                expires_at_ms: i64,
            ) -> crate::storage::StorageResult<()> {
                sqlx::query(
                    "INSERT INTO sessions (token_hash, account_id, created_at_ms, expires_at_ms)
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(token_hash)
                .bind(account.to_string())
                .bind(now_ms)
                .bind(expires_at_ms)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn session(
                &self,
                token_hash: &str,
            ) -> crate::storage::StorageResult<Option<crate::storage::StoredSession>> {
                let row = sqlx::query_as::<_, (String, String, String, String, Option<String>, Option<String>, i64)>(
                    "SELECT a.id, a.username, a.display_name, a.role, a.site_id, a.specialty, s.expires_at_ms
                     FROM sessions s JOIN accounts a ON a.id = s.account_id
                     WHERE s.token_hash = $1",
                )
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
                let Some((id, username, display_name, role, site_id, specialty, expires_at_ms)) = row else {
                    return Ok(None);
                };
                let account = queries::AccountRow { id, username, display_name, role, site_id, specialty }
                    .into_account()?;
                Ok(Some(crate::storage::StoredSession { account, expires_at_ms }))
            }

            async fn delete_session(&self, token_hash: &str) -> crate::storage::StorageResult<()> {
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn config_snapshot(&self) -> crate::storage::StorageResult<onetrip_api::config::ConfigSnapshot> {
                let mut conn = self.pool.acquire().await?;
                Ok((*queries::cached_snapshot(&mut conn, &self.config).await?).clone())
            }

            async fn apply_command(
                &self,
                actor: &crate::actor::Actor,
                command: &onetrip_api::command::Command,
                now_ms: i64,
            ) -> crate::storage::StorageResult<onetrip_api::command::CommandOutcome> {
                if !crate::queue_state::batched(command) {
                    let writer = self.writers.lock().await;
                    let outcome = self.apply_single(actor, command, now_ms).await;
                    drop(writer);
                    self.queue.idle.notify_waiters();
                    return outcome;
                }
                // Group commit: whoever gets the writer applies every queue command waiting by
                // then in one transaction; the others wait for their answer, or for the writer
                // to be free again to take what came in meanwhile.
                let (reply, mut outcome) = tokio::sync::oneshot::channel();
                self.queue.push(crate::queue_state::Pending {
                    actor: actor.clone(),
                    command: command.clone(),
                    now_ms,
                    reply,
                });
                loop {
                    // Listening before trying the lock, so that a release in between is heard.
                    let idle = self.queue.idle.notified();
                    tokio::pin!(idle);
                    idle.as_mut().enable();
                    if let Ok(writer) = self.writers.try_lock() {
                        let batch = self.queue.take();
                        if !batch.is_empty() {
                            self.apply_batch(batch).await;
                        }
                        drop(writer);
                        self.queue.idle.notify_waiters();
                    } else {
                        tokio::select! {
                            answer = &mut outcome => {
                                return answer.map_err(|_| crate::storage::StorageError::Corrupt(
                                    "a queue command was dropped unanswered".into(),
                                ))?;
                            }
                            () = &mut idle => {}
                        }
                    }
                    if let Ok(answer) = outcome.try_recv() {
                        return answer;
                    }
                }
            }

            async fn tickets_of_day(
                &self,
                site: uuid::Uuid,
                day: &str,
            ) -> crate::storage::StorageResult<Vec<onetrip_api::queue::Ticket>> {
                let mut conn = self.pool.acquire().await?;
                let rows = sqlx::query_scalar::<_, String>(
                    "SELECT data FROM tickets WHERE site_id = $1 AND day = $2 ORDER BY service_id, seq",
                )
                .bind(site.to_string())
                .bind(day)
                .fetch_all(&mut *conn)
                .await?;
                let mut tickets = queries::ticket_rows(rows).await?;
                tickets.sort_by_key(|t| (t.issued_at_ms, t.seq));
                Ok(tickets)
            }

            async fn window_states(
                &self,
                site: uuid::Uuid,
            ) -> crate::storage::StorageResult<Vec<onetrip_api::queue::WindowState>> {
                let rows = sqlx::query_scalar::<_, String>("SELECT data FROM window_states WHERE site_id = $1")
                    .bind(site.to_string())
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(|data| queries::parsed(data)).collect()
            }

            async fn find_appointments(
                &self,
                site: uuid::Uuid,
                day: &str,
                query: &str,
            ) -> crate::storage::StorageResult<Vec<(onetrip_api::queue::Appointment, bool)>> {
                let rows = sqlx::query_as::<_, (String, bool)>(
                    "SELECT data, EXISTS (SELECT 1 FROM tickets t WHERE t.appointment_id = a.id)
                     FROM appointments a
                     WHERE a.site_id = $1 AND a.day = $2 AND (a.phone = $3 OR a.id_number = $3 OR a.code = $3)
                     ORDER BY a.id",
                )
                .bind(site.to_string())
                .bind(day)
                .bind(query)
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|(data, used)| queries::parsed(data).map(|a| (a, *used)))
                    .collect()
            }

            async fn ratings(
                &self,
                site: Option<uuid::Uuid>,
                from: &str,
                to: &str,
            ) -> crate::storage::StorageResult<Vec<onetrip_api::rating::Rating>> {
                let rows = sqlx::query_scalar::<_, String>(
                    "SELECT data FROM ratings
                     WHERE (CAST($1 AS TEXT) IS NULL OR site_id = $1)
                       AND ((day >= $2 AND day <= $3) OR follow_up = 'open')
                     ORDER BY rated_at_ms, id",
                )
                .bind(site.map(|id| id.to_string()))
                .bind(from)
                .bind(to)
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|data| serde_json::from_str(data).map_err(|e| crate::storage::StorageError::Corrupt(e.to_string())))
                    .collect()
            }

            async fn last_finished_at_window(
                &self,
                window: uuid::Uuid,
                day: &str,
            ) -> crate::storage::StorageResult<Option<(onetrip_api::queue::Ticket, bool)>> {
                let mut conn = self.pool.acquire().await?;
                queries::last_finished(&mut conn, window, day).await
            }

            async fn stats_rows(
                &self,
                site: uuid::Uuid,
                from: &str,
                to: &str,
            ) -> crate::storage::StorageResult<crate::stats::StatsRows> {
                use crate::storage::StorageError;
                let mut conn = self.pool.acquire().await?;
                let site = site.to_string();
                // Only the columns the figures need, answered from the `tickets_stats` index.
                let tickets = sqlx::query_as::<_, (String, Option<String>, Option<String>, String, i64, Option<i64>, Option<i64>)>(
                    "SELECT service_id, window_id, called_by, status, queued_at_ms, called_at_ms, finished_at_ms
                     FROM tickets WHERE site_id = $1 AND day >= $2 AND day <= $3",
                )
                .bind(&site)
                .bind(from)
                .bind(to)
                .fetch_all(&mut *conn)
                .await?
                .into_iter()
                .map(|(service_id, window_id, called_by, status, queued_at_ms, called_at_ms, finished_at_ms)| {
                    Ok(crate::stats::TicketTimes {
                        service_id,
                        window_id,
                        called_by,
                        status: onetrip_api::queue::TicketStatus::parse(&status)
                            .ok_or_else(|| StorageError::Corrupt(format!("ticket status {status:?}")))?,
                        queued_at_ms,
                        called_at_ms,
                        finished_at_ms,
                    })
                })
                .collect::<crate::storage::StorageResult<Vec<_>>>()?;
                let cases = sqlx::query_as::<_, (String, i64)>(
                    "SELECT outcome, trip FROM cases WHERE site_id = $1 AND day >= $2 AND day <= $3",
                )
                .bind(&site)
                .bind(from)
                .bind(to)
                .fetch_all(&mut *conn)
                .await?
                .into_iter()
                .map(|(outcome, trip)| {
                    use onetrip_api::case::CaseOutcome;
                    let outcome = [CaseOutcome::Accepted, CaseOutcome::Completed, CaseOutcome::Incomplete]
                        .into_iter()
                        .find(|o| o.as_str() == outcome)
                        .ok_or_else(|| StorageError::Corrupt(format!("case outcome {outcome:?}")))?;
                    let trip = u32::try_from(trip)
                        .map_err(|_| StorageError::Corrupt(format!("case trip {trip}")))?;
                    Ok(crate::stats::CaseTrip { outcome, trip })
                })
                .collect::<crate::storage::StorageResult<Vec<_>>>()?;
                let clerks = sqlx::query_as::<_, (String, String)>("SELECT username, display_name FROM accounts")
                    .fetch_all(&mut *conn)
                    .await?;
                let scores = sqlx::query_scalar::<_, i64>(
                    "SELECT score FROM ratings WHERE site_id = $1 AND day >= $2 AND day <= $3",
                )
                .bind(&site)
                .bind(from)
                .bind(to)
                .fetch_all(&mut *conn)
                .await?
                .into_iter()
                .filter_map(|score| u8::try_from(score).ok())
                .collect();
                Ok(crate::stats::StatsRows { tickets, cases, clerks, scores })
            }

            async fn audit_log(&self, limit: i64) -> crate::storage::StorageResult<Vec<crate::storage::AuditEntry>> {
                let rows = sqlx::query_as::<_, (i64, i64, String, String, String, String, String, String, Option<String>)>(
                    "SELECT seq, at_ms, account_id, username, command_id, kind, payload, status, error
                     FROM audit_log ORDER BY seq DESC LIMIT $1",
                )
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter()
                    .map(|(seq, at_ms, account_id, username, command_id, kind, payload, status, error)| {
                        Ok(crate::storage::AuditEntry {
                            seq,
                            at_ms,
                            account_id: queries::uuid(&account_id)?,
                            username,
                            command_id: queries::uuid(&command_id)?,
                            kind,
                            payload: serde_json::from_str(&payload)
                                .map_err(|e| crate::storage::StorageError::Corrupt(e.to_string()))?,
                            status,
                            error,
                        })
                    })
                    .collect()
            }

            async fn sync_page_json(
                &self,
                since: i64,
                limit: i64,
                site: Option<uuid::Uuid>,
            ) -> crate::storage::StorageResult<String> {
                let mut conn = self.pool.acquire().await?;
                // The head first: rows up to it are all visible already (writers commit in seq order).
                let head = queries::head(&mut conn).await?;
                // Each change is written as the JSON of `onetrip_api::sync::Change`. Only
                // server-written values go in unescaped: kind and op names, UUIDs, and `data`,
                // which holds the JSON the server serialised when it applied the command.
                let (changes, count, last): (String, i64, i64) = sqlx::query_as(
                    r#"SELECT COALESCE(string_agg(
                              '{"seq":' || seq || ',"entity":"' || entity || '","id":"' || entity_id
                              || '","op":"' || op || '","data":' || COALESCE(data, 'null') || '}',
                              ',' ORDER BY seq), ''),
                            COUNT(*), COALESCE(MAX(seq), 0)
                       FROM (SELECT seq, entity, entity_id, op, data FROM changes
                             WHERE seq > $1 AND seq <= $2
                               AND (CAST($3 AS TEXT) IS NULL OR site_id IS NULL OR site_id = $3)
                             ORDER BY seq LIMIT $4) AS page"#,
                )
                .bind(since)
                .bind(head)
                .bind(site.map(|id| id.to_string()))
                .bind(limit)
                .fetch_one(&mut *conn)
                .await?;
                let has_more = count == limit;
                let next = if has_more { last } else { head.max(since) };
                Ok(format!(r#"{{"changes":[{changes}],"next":{next},"has_more":{has_more}}}"#))
            }

            async fn head(&self) -> crate::storage::StorageResult<i64> {
                let mut conn = self.pool.acquire().await?;
                queries::head(&mut conn).await
            }

            fn subscribe(&self) -> tokio::sync::broadcast::Receiver<i64> {
                self.events.subscribe()
            }
        }

        async fn stored_outcome(
            conn: &mut <$db as sqlx::Database>::Connection,
            id: &str,
        ) -> crate::storage::StorageResult<Option<onetrip_api::command::CommandOutcome>> {
            let row = sqlx::query_as::<_, (String, Option<String>, Option<String>)>(
                "SELECT status, error, record FROM commands WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
            let Some((status, error, record)) = row else {
                return Ok(None);
            };
            stored_row(id, &status, error, record).map(Some)
        }

        /// A stored command outcome from its row.
        fn stored_row(
            id: &str,
            status: &str,
            error: Option<String>,
            record: Option<String>,
        ) -> crate::storage::StorageResult<onetrip_api::command::CommandOutcome> {
            use onetrip_api::command::{CommandOutcome, CommandStatus};
            let command_id = uuid::Uuid::parse_str(id)
                .map_err(|e| crate::storage::StorageError::Corrupt(e.to_string()))?;
            let record = record
                .map(|text| serde_json::from_str(&text))
                .transpose()
                .map_err(|e| crate::storage::StorageError::Corrupt(e.to_string()))?;
            let error = error
                .map(|text| serde_json::from_str(&text))
                .transpose()
                .map_err(|e| crate::storage::StorageError::Corrupt(e.to_string()))?;
            let status = match status {
                "applied" => CommandStatus::Applied,
                "conflict" => CommandStatus::Conflict,
                _ => CommandStatus::Rejected,
            };
            Ok(CommandOutcome { command_id, status, error, record })
        }
    };
}

pub(crate) use sql_storage;
