//! Printing through a real CUPS scheduler: a private `cupsd` on 127.0.0.1 with the cups-pdf
//! virtual printer (`scripts/private-cups.sh`, which leaves the host's configuration alone).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use onetrip_client::printing::{JobState, PrintOptions, PrintSystem, PrinterState};
use onetrip_print::builtin::{sample_issuer_key, sample_permit};
use onetrip_print::signing::Verdict;
use onetrip_print::{FontSet, RenderOptions, find_template, render};

struct PrivateCups {
    child: Child,
    dir: tempfile::TempDir,
    address: String,
}

impl Drop for PrivateCups {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl PrivateCups {
    fn start() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("onetrip-cups")
            .tempdir()
            .unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let address = format!("127.0.0.1:{port}");
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/private-cups.sh");
        let child = Command::new("bash")
            .arg(script)
            .arg(dir.path())
            .arg(port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("bash");
        let mut cups = Self {
            child,
            dir,
            address,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = cups.child.try_wait().unwrap() {
                let mut stderr = String::new();
                if let Some(mut pipe) = cups.child.stderr.take() {
                    use std::io::Read;
                    let _ = pipe.read_to_string(&mut stderr);
                }
                panic!(
                    "private cupsd exited ({status}); it needs root for unshare -m: {stderr}\n{}",
                    cups.log()
                );
            }
            if PrintSystem::at(&cups.address)
                .printers()
                .is_ok_and(|p| !p.is_empty())
            {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "cupsd did not start:\n{}",
                cups.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        cups
    }

    fn out_dir(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("log/error_log")).unwrap_or_default()
    }
}

fn pdf_pages(path: &Path) -> usize {
    let output = Command::new("pdfinfo").arg(path).output().expect("pdfinfo");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("Pages:"))
        .and_then(|count| count.trim().parse().ok())
        .unwrap_or(0)
}

#[test]
fn a_pdf_goes_through_cups_to_the_virtual_printer_with_its_pages_and_qr_code() {
    let cups = PrivateCups::start();
    let system = PrintSystem::at(&cups.address);

    let printers = system.printers().unwrap();
    let names: Vec<&str> = printers.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["cups-pdf", "jammer"], "{printers:?}");
    assert!(printers[0].is_default && printers[0].accepting);
    assert_eq!(printers[0].state, PrinterState::Idle);

    let key = sample_issuer_key();
    let records: Vec<_> = (0..2).map(|n| sample_permit(n, &key)).collect();
    let fonts = FontSet::bundled().unwrap();
    let template = find_template("drainage-permit").unwrap();
    let pdf = render(
        &fonts,
        &template,
        &records,
        &RenderOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    let input = cups.dir.path().join("permits.pdf");
    std::fs::write(&input, pdf).unwrap();

    let job = system
        .submit(
            "cups-pdf",
            &input,
            &PrintOptions {
                title: "permits".into(),
                ..PrintOptions::default()
            },
        )
        .unwrap();
    assert!(job.id.starts_with("cups-pdf-"), "{job:?}");

    let deadline = Instant::now() + Duration::from_secs(90);
    let output = loop {
        let state = system.job_state(&job).unwrap();
        let written: Vec<PathBuf> = std::fs::read_dir(cups.out_dir())
            .unwrap()
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "pdf"))
            .collect();
        if state == JobState::Finished && !written.is_empty() {
            break written[0].clone();
        }
        assert!(
            Instant::now() < deadline,
            "job {job:?} is {state:?}, output {written:?}\n{}",
            cups.log()
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(pdf_pages(&output), 2, "{}", output.display());

    // The printed file has no extractable text (Ghostscript re-encodes fonts): check the QR.
    let image = cups.dir.path().join("page");
    let status = Command::new("pdftoppm")
        .args([
            "-q",
            "-r",
            "200",
            "-gray",
            "-png",
            "-singlefile",
            "-f",
            "1",
            "-l",
            "1",
        ])
        .arg(&output)
        .arg(&image)
        .status()
        .expect("pdftoppm");
    assert!(status.success());
    let decoded = Command::new("zbarimg")
        .args(["-q", "--raw"])
        .arg(image.with_extension("png"))
        .output()
        .expect("zbarimg");
    let payload = String::from_utf8_lossy(&decoded.stdout)
        .trim_end()
        .to_owned();
    assert_eq!(payload, records[0]["qr"].as_str().unwrap());
    assert!(matches!(
        key.public_key().verify(&payload, "2027-01-01"),
        Verdict::Valid { .. }
    ));
}

#[test]
fn a_printer_that_does_not_exist_is_a_clear_error() {
    let cups = PrivateCups::start();
    let system = PrintSystem::at(&cups.address);
    let input = cups.dir.path().join("empty.pdf");
    std::fs::write(&input, b"%PDF-1.7\n").unwrap();
    let err = system
        .submit("no-such-printer", &input, &PrintOptions::default())
        .unwrap_err();
    assert!(err.to_string().contains("refused"), "{err}");
    let err = system
        .submit(
            "cups-pdf",
            &input,
            &PrintOptions {
                copies: 0,
                ..PrintOptions::default()
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("copies"), "{err}");
}

#[test]
fn overlay_documents_print_with_the_printer_calibration() {
    use onetrip_client::printing::{CalibrationStore, DocumentJob, print_documents};
    use onetrip_print::Calibration;

    let cups = PrivateCups::start();
    let system = PrintSystem::at(&cups.address);
    let data = tempfile::tempdir().unwrap();
    let calibrations = CalibrationStore::in_dir(data.path());
    calibrations
        .save(&Calibration {
            offset_x: 4.0,
            offset_y: 2.5,
            ..Calibration::identity("cups-pdf")
        })
        .unwrap();

    let key = sample_issuer_key();
    let records = vec![sample_permit(6, &key)];
    let fonts = FontSet::bundled().unwrap();
    let template = find_template("drainage-permit").unwrap();
    let jobs = print_documents(
        &system,
        &fonts,
        &calibrations,
        &DocumentJob {
            template: &template,
            records: &records,
            overlay: true,
            printer: "cups-pdf",
            tray: None,
            copies: 1,
            title: "overlay".into(),
        },
        &data.path().join("spool").join("overlay.pdf"),
    )
    .unwrap();
    assert_eq!(jobs.len(), 1);

    let deadline = Instant::now() + Duration::from_secs(90);
    let output = loop {
        let written: Vec<PathBuf> = std::fs::read_dir(cups.out_dir())
            .unwrap()
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "pdf"))
            .collect();
        if system.job_state(&jobs[0]).unwrap() == JobState::Finished && !written.is_empty() {
            break written[0].clone();
        }
        assert!(Instant::now() < deadline, "{}", cups.log());
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(pdf_pages(&output), 1);
    // The spooled PDF is kept for reprints, and it has the fields only, moved by the profile.
    let spooled: Vec<PathBuf> = std::fs::read_dir(data.path().join("spool"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(spooled.len(), 1);
    let text = Command::new("pdftotext")
        .args(["-raw"])
        .arg(&spooled[0])
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("第0007号") && !text.contains("注意事项"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desktop_verifies_documents_with_the_authoritys_key_kept_for_offline_use() {
    use onetrip_api::error::ErrorCode;
    use onetrip_api::verify::Verdict as WireVerdict;
    use onetrip_client::printing::{VERIFY_KEY_FILE, verify_with_kept_key};
    use onetrip_domain::Lang;
    use onetrip_print::signing::Claim;

    let dir = tempfile::tempdir().unwrap();
    let (launch, server) = crate::launcher(dir.path().join("central"));
    let desktop = crate::open(dir.path().to_path_buf(), launch).await;

    // Not a payload at all: the key is fetched anyway, and kept.
    let first = desktop.printing().verify_document("hello").await.unwrap();
    assert_eq!(first.verdict, WireVerdict::Invalid);
    assert!(dir.path().join(VERIFY_KEY_FILE).is_file());

    let claim = Claim {
        kind: "drainage-permit".into(),
        number: "玉排许字〔2026〕第0099号".into(),
        holder: "玉环市坎门街道丝域美发店".into(),
        valid_from: "2026-01-01".into(),
        valid_until: "2099-12-31".into(),
        issuer: "玉环市住房和城乡建设局".into(),
    };
    let payload = server.get().unwrap().state.issuer_key.sign(&claim).unwrap();
    let checked = desktop.printing().verify_document(&payload).await.unwrap();
    assert_eq!(checked.verdict, WireVerdict::Valid);
    assert_eq!(checked.claim.unwrap().holder, "玉环市坎门街道丝域美发店");
    let forged = payload.replace("丝域", "丝语");
    assert_eq!(
        desktop
            .printing()
            .verify_document(&forged)
            .await
            .unwrap()
            .verdict,
        WireVerdict::Tampered
    );

    // Without the server: the kept key still decides.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let offline = verify_with_kept_key(dir.path(), None, &payload, now, Lang::ZhCn).unwrap();
    assert_eq!(offline.verdict, WireVerdict::Valid);
    // A computer that never fetched the key says so.
    let fresh = tempfile::tempdir().unwrap();
    let err = verify_with_kept_key(fresh.path(), None, &payload, now, Lang::En).unwrap_err();
    assert_eq!(err.code, ErrorCode::Offline);
}

/// Waits until every job of a print has left the queue, and returns what the virtual printer
/// wrote (it names files by job title, so a reprint replaces the file of its original).
fn printed(cups: &PrivateCups, record: &onetrip_api::print::PrintRecord) -> Vec<PathBuf> {
    wait_printed(cups, &record.printer, &record.jobs)
}

fn wait_printed(cups: &PrivateCups, printer: &str, jobs: &[String]) -> Vec<PathBuf> {
    let system = PrintSystem::at(&cups.address);
    let deadline = Instant::now() + Duration::from_secs(90);
    for id in jobs {
        let job = onetrip_client::printing::PrintJob {
            id: id.clone(),
            printer: printer.to_owned(),
        };
        while system.job_state(&job).unwrap() != JobState::Finished {
            assert!(
                Instant::now() < deadline,
                "job {id} still queued\n{}",
                cups.log()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
    std::fs::read_dir(cups.out_dir())
        .unwrap()
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "pdf"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desktop_prints_keeps_a_print_log_on_the_server_and_reprints_the_kept_file() {
    use onetrip_api::error::ErrorCode;
    use onetrip_api::print::PrintRequest;
    use onetrip_api::sync::EntityKind;
    use onetrip_client::printing::SPOOL_DIR;
    use onetrip_server::seed::DEMO_PASSWORD;

    let cups = PrivateCups::start();
    let dir = tempfile::tempdir().unwrap();
    let (launch, server) = crate::launcher(dir.path().join("central"));
    let desktop = crate::open(dir.path().to_path_buf(), launch)
        .await
        .with_printing(PrintSystem::at(&cups.address), None);
    let clerk = desktop.auth().login("clerk", DEMO_PASSWORD).await.unwrap();

    let printers = desktop.printing().printers().await.unwrap();
    assert_eq!(printers[0].name, "cups-pdf");
    let templates = desktop.printing().print_templates();
    assert_eq!(templates.len(), 8);
    let slip = templates.iter().find(|t| t.name == "ticket-slip").unwrap();
    assert_eq!((slip.width_mm, slip.has_form), (80.0, true));

    // The preview is the PDF that will print.
    let records = desktop.printing().sample_records("ticket-slip").unwrap();
    let preview = desktop
        .printing()
        .preview_document("ticket-slip", records.clone(), false)
        .await
        .unwrap();
    assert!(preview.starts_with(b"%PDF-"));

    let request = PrintRequest {
        template: "ticket-slip".into(),
        records: records.clone(),
        title: "取号单 E012".into(),
        printer: "cups-pdf".into(),
        tray: None,
        copies: 1,
        overlay: false,
    };
    let first = desktop
        .printing()
        .print_document(request.clone())
        .await
        .unwrap();
    assert!(!first.reprint);
    assert_eq!(first.jobs.len(), 1);
    assert_eq!((first.pages, first.printed_by.as_str()), (1, "clerk"));
    assert_eq!(pdf_pages(&printed(&cups, &first)[0]), 1);
    assert!(
        dir.path()
            .join(SPOOL_DIR)
            .join(format!("{}.pdf", first.id))
            .is_file()
    );

    // Printing the same document again is a reprint; so is reprinting from the log.
    let again = desktop
        .printing()
        .print_document(request.clone())
        .await
        .unwrap();
    assert!(again.reprint);
    let reprint = desktop
        .printing()
        .reprint(first.id, None, Some(2))
        .await
        .unwrap();
    assert!(reprint.reprint);
    assert_eq!((reprint.copies, reprint.title.as_str()), (2, "取号单 E012"));
    printed(&cups, &again);
    assert_eq!(pdf_pages(&printed(&cups, &reprint)[0]), 1);

    // The log holds all three, newest first, and the server has them on record for the
    // clerk's site.
    let log = desktop.printing().print_log().await.unwrap();
    assert_eq!(
        log.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![reprint.id, again.id, first.id]
    );
    desktop.sync_engine().sync_once().await.unwrap();
    let central = server.get().unwrap();
    let page = onetrip_server::sync::changes_since(
        &mut central.state.store.acquire().await.unwrap().conn(),
        0,
        5000,
        &onetrip_server::sync::Reader::of_site(clerk.site_id),
    )
    .await
    .unwrap();
    let on_record: Vec<_> = page
        .changes
        .iter()
        .filter(|c| c.entity == EntityKind::PrintRecord)
        .map(|c| {
            c.record::<onetrip_api::print::PrintRecord>()
                .unwrap()
                .unwrap()
        })
        .collect();
    assert_eq!(on_record.len(), 3);
    assert!(
        on_record
            .iter()
            .all(|r| r.site_id == clerk.site_id && r.printed_by == "clerk")
    );
    // Once synced, the log reads the server's copies.
    assert_eq!(desktop.printing().print_log().await.unwrap().len(), 3);

    // Bad requests say what is wrong and print nothing.
    let err = desktop
        .printing()
        .print_document(PrintRequest {
            copies: 0,
            ..request.clone()
        })
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Invalid);
    assert!(err.message.contains("1–99"), "{}", err.message);
    let err = desktop
        .printing()
        .print_document(PrintRequest {
            records: vec![],
            ..request.clone()
        })
        .await
        .unwrap_err();
    assert!(err.message.contains("没有要打印的内容"), "{}", err.message);
    let err = desktop
        .printing()
        .print_document(PrintRequest {
            printer: "no-such-printer".into(),
            ..request.clone()
        })
        .await
        .unwrap_err();
    assert!(err.message.contains("打印系统报错"), "{}", err.message);
    let err = desktop
        .printing()
        .reprint(uuid::Uuid::new_v4(), None, None)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert_eq!(desktop.printing().print_log().await.unwrap().len(), 3);

    // Calibration: kept per printer, out-of-range values refused, the grid prints.
    let mut profile = desktop.printing().calibration("cups-pdf", None).unwrap();
    assert!(profile.is_identity());
    profile.offset_x = 1.5;
    desktop.printing().save_calibration(&profile).unwrap();
    assert_eq!(
        desktop
            .printing()
            .calibration("cups-pdf", None)
            .unwrap()
            .offset_x,
        1.5
    );
    profile.offset_x = 80.0;
    assert!(desktop.printing().save_calibration(&profile).is_err());
    let grid = desktop
        .printing()
        .print_calibration_grid("cups-pdf".into(), None)
        .await
        .unwrap();
    assert_eq!(
        wait_printed(&cups, &grid.printer, &[grid.job]).len(),
        2,
        "the ticket slip and the grid"
    );
}

/// A drainage permit application as the window registers it, its materials on paper.
pub(crate) fn window_application(n: u32) -> onetrip_api::permits::ApplicationDraft {
    use onetrip_domain::identity::ApplicantId;
    use onetrip_domain::permits::{Industry, Material, Outfall, Pretreatment};
    let id =
        onetrip_domain::identity::complete_resident_id(&format!("33102119800101{n:03}")).unwrap();
    onetrip_api::permits::ApplicationDraft {
        id: uuid::Uuid::new_v4(),
        site_id: None,
        case_id: None,
        discharger: onetrip_api::permits::Discharger {
            name: format!("玉环{n}号小吃店"),
            id: ApplicantId::Person(id),
            legal_representative: "林小明".into(),
            address: format!("楚门镇人民路 {n} 号"),
            town: "楚门镇".into(),
            industry: Industry::Catering,
            contact_phone: "13805761234".into(),
        },
        outfalls: vec![Outfall {
            code: "WS-01".into(),
            location: "店后巷".into(),
            receiving: "人民路污水管".into(),
        }],
        daily_volume_litres: 2500,
        pollutants: vec!["COD".into(), "动植物油".into()],
        pretreatment: vec![Pretreatment::GreaseTrap],
        sampling_well: false,
        materials: Vec::new(),
        paper_materials: vec![
            Material::ApplicationForm,
            Material::DrainageDrawing,
            Material::SeparationPledge,
            Material::WaterQualityPledge,
        ],
        construction_ends: None,
        supersedes: None,
        renews: None,
    }
}

/// Permits print onto the official forms page by page. The printer jams at the second: the
/// first came out on form 0000101, the jammed job is cancelled (it cannot come out later onto
/// a form given back), the other two forms go back, and the officer is told where it stopped.
/// Once the printer runs again, printing resumes from the second permit on the next forms, and
/// the ledger holds exactly what came out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permits_print_onto_forms_and_resume_after_a_jam_from_the_first_not_printed() {
    use onetrip_api::command::{Command as ApiCommand, CommandBody};
    use onetrip_api::permits::{BatchOutcome, FormPrintRequest, FormReceipt};
    use onetrip_server::seed::DEMO_PASSWORD;

    let cups = PrivateCups::start();
    let dir = tempfile::tempdir().unwrap();
    let (launch, _server) = crate::launcher(dir.path().join("central"));
    let desktop = crate::open(dir.path().to_path_buf(), launch)
        .await
        .with_printing(PrintSystem::at(&cups.address), None);
    desktop.auth().login("permit", DEMO_PASSWORD).await.unwrap();
    let permits = desktop.permits();
    let mut ids = Vec::new();
    for n in 1..=3 {
        let draft = window_application(n);
        ids.push(draft.id);
        let outcome = desktop
            .outbox()
            .send(ApiCommand::new(CommandBody::SubmitPermitApplication(draft)))
            .await
            .unwrap();
        assert!(outcome.error.is_none(), "{outcome:?}");
    }
    let approved: BatchOutcome = permits.approve(ids).await.unwrap();
    let issued: Vec<uuid::Uuid> = approved.permits.iter().map(|p| p.id).collect();
    assert_eq!(issued.len(), 3);
    let _: serde_json::Value = permits
        .send(CommandBody::ReceiveForms(FormReceipt {
            id: uuid::Uuid::new_v4(),
            first: "0000101".into(),
            last: "0000105".into(),
            note: "第 1 批".into(),
        }))
        .await
        .unwrap();

    let jammer = cups.dir.path().join("jammer");
    std::fs::write(jammer.join("jam-at"), "2").unwrap();
    let request = |ids: Vec<uuid::Uuid>| FormPrintRequest {
        permit_ids: ids,
        printer: "jammer".into(),
        tray: None,
    };
    let first = permits
        .print_on_forms(request(issued.clone()))
        .await
        .unwrap();
    let serials = |taken: &[onetrip_api::permits::FormTaken]| -> Vec<String> {
        taken.iter().map(|t| t.serial.clone()).collect()
    };
    assert_eq!(serials(&first.printed), ["0000101"]);
    assert_eq!(first.remaining, issued[1..]);
    let why = first.stopped.unwrap();
    assert!(
        why.contains("第 2 份") && why.contains("0000102") && why.contains("paper jam"),
        "{why}"
    );
    let system = PrintSystem::at(&cups.address);
    assert_eq!(
        system.stopped("jammer").unwrap().as_deref(),
        Some("paper jam")
    );
    let ledger = permits.forms().await.unwrap();
    assert_eq!((ledger.printed, ledger.left), (1, 4));
    assert_eq!(ledger.next.as_deref(), Some("0000102"));

    // The printer is cleared and started again: the cancelled job does not come out.
    std::fs::remove_file(jammer.join("jam-at")).unwrap();
    let status = Command::new("cupsenable")
        .args(["-h", &cups.address, "jammer"])
        .status()
        .unwrap();
    assert!(status.success());
    let resumed = permits
        .print_on_forms(request(first.remaining))
        .await
        .unwrap();
    assert_eq!(serials(&resumed.printed), ["0000102", "0000103"]);
    assert!(resumed.stopped.is_none());
    let mut jobs: Vec<String> = std::fs::read_dir(&jammer)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|name| name.ends_with(".pdf"))
        .collect();
    jobs.sort();
    assert_eq!(
        jobs,
        ["job-1.pdf", "job-3.pdf", "job-4.pdf"],
        "the jammed job never printed"
    );
    for (job, permit) in [("job-1.pdf", 0), ("job-3.pdf", 1), ("job-4.pdf", 2)] {
        let text = Command::new("pdftotext")
            .arg(jammer.join(job))
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(
            text.contains(&approved.permits[permit].number),
            "{job}: {text}"
        );
    }
    let ledger = permits.forms().await.unwrap();
    assert_eq!((ledger.printed, ledger.left, ledger.spoiled), (3, 2, 0));
    assert!(ledger.skipped.is_empty() && ledger.used_twice.is_empty());
}
