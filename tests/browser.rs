//! The HTML report in a real browser (headless Chromium): hostile manifest and model-card
//! payloads must not run, with and without the page's Content-Security-Policy (so escaping
//! and sanitising are tested on their own, not hidden behind the CSP); and a screenshot and a
//! PDF of a normal report are saved for a person to look at:
//! target/report-screenshot.png, target/report-print.pdf.
//!
//! Skips, with a note, when Chromium is not installed; `.ci/run` installs Debian's
//! `chromium` package so CI runs it for real. Set AIACT_CHROMIUM to use another binary.

mod common;

use aiact::report::{self, Report};
use common::{fixture_report, pack, rich_report};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One browser at a time: the machines have two cores.
static BROWSER: Mutex<()> = Mutex::new(());

const MARKER: &str = "AIACT-PWNED";

fn chromium() -> Option<PathBuf> {
    let found = find_chromium();
    if found.is_none() && std::env::var_os("AIACT_REQUIRE_BROWSER").is_some_and(|v| v == "1") {
        panic!("AIACT_REQUIRE_BROWSER=1 but no chromium on PATH (apt-get install -y chromium)");
    }
    found
}

fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("AIACT_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Run Chromium headless on a local file with the given extra flags; return stdout.
/// No network: the page is a file and the payloads point at `.invalid` hosts; the resolver
/// is also told to resolve nothing.
fn run_chromium(bin: &Path, page: &Path, extra: &[String]) -> String {
    let profile = tempfile::tempdir().expect("profile dir");
    let url = format!("file://{}", page.display());
    let mut cmd = Command::new(bin);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--virtual-time-budget=3000",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .args(extra)
    .arg(&url)
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("chromium starts");
    // Read stdout on a thread so a large DOM cannot fill the pipe and stall the browser.
    let mut out = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut out, &mut s);
        s
    });
    let mut err = child.stderr.take().expect("stderr");
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut err, &mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(90);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium did not finish within 90 s on {url}");
            }
        }
    };
    let stdout = reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    assert!(
        status.success(),
        "chromium failed on {url}: {status}\n{stderr}"
    );
    stdout
}

/// The document's title and whether <html> carries the marker attribute, from --dump-dom.
fn outcome(dom: &str) -> (String, bool) {
    let title = dom
        .split_once("<title>")
        .and_then(|(_, rest)| rest.split_once("</title>"))
        .map(|(t, _)| t.to_string())
        .unwrap_or_default();
    let html_tag = dom
        .find("<html")
        .map(|i| &dom[i..])
        .and_then(|s| s.split_once('>'))
        .map(|(t, _)| t.to_string())
        .unwrap_or_default();
    (title, html_tag.contains("data-pwned"))
}

fn dump_dom(bin: &Path, page: &Path) -> String {
    run_chromium(bin, page, &["--dump-dom".to_string()])
}

/// The page without its Content-Security-Policy: only escaping and sanitising remain.
fn without_csp(html: &str) -> String {
    let out: String = html
        .lines()
        .filter(|l| !l.contains("Content-Security-Policy"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(html.contains("Content-Security-Policy") && !out.contains("Content-Security-Policy"));
    out
}

fn hostile_pages() -> Vec<(&'static str, String)> {
    let pack = pack();
    let manifest = fixture_report(&pack, "hostile");
    // A model card as a scanner will hand it over: Markdown with raw HTML, in a field the
    // HTML report renders as Markdown.
    let mut card: Report = manifest.clone();
    card.systems[0].description =
        std::fs::read_to_string("fixtures/hostile/README.md").expect("model card");
    let mut pages = Vec::new();
    for (name, rep) in [("manifest", &manifest), ("model-card", &card)] {
        for lang in report::i18n::languages() {
            let html = report::html::render(rep, lang).expect("renders");
            pages.push((name, html));
        }
    }
    pages
}

#[test]
fn hostile_payloads_do_not_run_in_a_browser() {
    let Some(bin) = chromium() else {
        println!(
            "note: chromium not found; skipping the browser test (apt-get install -y chromium)"
        );
        return;
    };
    let _one = BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().expect("tempdir");

    // The control: in this browser and mode, an inline script and an event handler do run
    // and are seen by `outcome`. Without it, a pass below could mean nothing ran at all.
    let control = dir.path().join("control.html");
    std::fs::write(
        &control,
        format!(
            "<!DOCTYPE html><html><head><title>control</title></head><body>\
             <script>document.title='{MARKER}'</script>\
             <img src=x onerror=\"document.documentElement.setAttribute('data-pwned','img')\">\
             </body></html>"
        ),
    )
    .expect("write control");
    let (title, marked) = outcome(&dump_dom(&bin, &control));
    assert_eq!(
        title, MARKER,
        "the control script did not run: the test would be vacuous"
    );
    assert!(
        marked,
        "the control event handler did not run: the test would be vacuous"
    );

    for (i, (name, html)) in hostile_pages().into_iter().enumerate() {
        for (variant, text) in [
            ("as written", html.clone()),
            ("without CSP", without_csp(&html)),
        ] {
            let page = dir
                .path()
                .join(format!("{name}-{i}-{}.html", variant.replace(' ', "-")));
            std::fs::write(&page, &text).expect("write page");
            let dom = dump_dom(&bin, &page);
            let (title, marked) = outcome(&dom);
            assert!(
                title.starts_with("EU AI Act") || title.starts_with("Rapport d"),
                "{name} ({variant}): a script changed the title to {title:?}"
            );
            assert!(!title.contains(MARKER), "{name} ({variant}): {title}");
            assert!(!marked, "{name} ({variant}): a payload marked <html>");
            assert!(
                !dom.to_ascii_lowercase().contains("<iframe"),
                "{name} ({variant}): an iframe made it into the DOM"
            );
        }
    }
}

#[test]
fn a_normal_report_renders_for_screen_and_print() {
    let Some(bin) = chromium() else {
        println!("note: chromium not found; skipping the screenshot (apt-get install -y chromium)");
        return;
    };
    let _one = BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let pack = pack();
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    std::fs::create_dir_all(&target).expect("target dir");
    let dir = tempfile::tempdir().expect("tempdir");

    for (rep, page_name, png, pdf) in [
        (
            fixture_report(&pack, "hirerank"),
            "hirerank.html",
            "report-screenshot.png",
            "report-print.pdf",
        ),
        (
            rich_report(&pack),
            "rich.html",
            "report-screenshot-rich.png",
            "report-print-rich.pdf",
        ),
    ] {
        let page = dir.path().join(page_name);
        std::fs::write(&page, report::html::render(&rep, "en").expect("renders")).expect("write");

        let png = target.join(png);
        let _ = std::fs::remove_file(&png);
        run_chromium(
            &bin,
            &page,
            &[
                "--hide-scrollbars".into(),
                "--window-size=1200,2600".into(),
                format!("--screenshot={}", png.display()),
            ],
        );
        let bytes = std::fs::read(&png).expect("screenshot written");
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
        assert!(
            bytes.len() > 20_000,
            "a suspiciously small screenshot: {} bytes",
            bytes.len()
        );

        let pdf = target.join(pdf);
        let _ = std::fs::remove_file(&pdf);
        run_chromium(
            &bin,
            &page,
            &[
                "--no-pdf-header-footer".into(),
                format!("--print-to-pdf={}", pdf.display()),
            ],
        );
        let bytes = std::fs::read(&pdf).expect("PDF written");
        assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
        println!("saved {} and {}", png.display(), pdf.display());
    }
}
