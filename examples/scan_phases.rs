//! Time each stage of `aiact audit` on a tree (docs/performance.md):
//! `cargo run --release --example scan_phases -- PATH`.

use aiact::audit::{self, AuditOptions};
use aiact::decide::pack;
use aiact::discover::{self, WalkOptions};
use aiact::extract;
use std::path::PathBuf;
use std::time::Instant;

/// CPU time of this process so far (user + system), from /proc/self/stat (Linux), in
/// seconds; 0 elsewhere.
fn cpu() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

fn main() {
    let Some(root) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: scan_phases PATH");
        std::process::exit(2);
    };
    let t = Instant::now();
    let _ = extract::signals::default_signals();
    println!("signals compile {:?}", t.elapsed());
    let t = Instant::now();
    let _ = extract::packages::catalogue::default_catalogue();
    println!("catalogue load {:?}", t.elapsed());
    let t = Instant::now();
    let _ = extract::extract_file(
        "README.md",
        "# x\n\nwarm up: 7B parameters, emotion recognition of employees\n",
    );
    let _ = extract::extract_file("requirements.txt", "torch\n");
    println!(
        "first use (regex and catalogue compilation) {:?}",
        t.elapsed()
    );
    let c_start = cpu();
    let t = Instant::now();
    let d = discover::walk_with(
        &root,
        &WalkOptions::default(),
        extract::may_be_candidate,
        |rel| rel.ends_with("aiact.yaml") || extract::is_candidate(rel),
    );
    let walk = t.elapsed();
    let c_walk = cpu();
    let t = Instant::now();
    let (x, _) = aiact::merge::read_all(&root, &d.files, discover::DEFAULT_MAX_FILE_SIZE, 0);
    let read = t.elapsed();
    let c_read = cpu();
    if std::env::var_os("BY_KIND").is_some() {
        by_kind(&root, &d.files);
    }
    let Ok(pack) = pack::load_with(&[]) else {
        eprintln!("default pack failed to load");
        std::process::exit(2);
    };
    let t = Instant::now();
    let mut g = audit::gather_with(&root, &pack, &audit::ScanOptions::default());
    let gather = t.elapsed();
    let c_gather = cpu();
    let opts = AuditOptions {
        as_of: jiff::civil::date(2026, 12, 1),
        law: None,
        extra_packs: Vec::new(),
    };
    let t = Instant::now();
    let mut rep = audit::decide(&mut g.systems, &pack, &opts, g.diagnostics);
    rep.evidence = g.evidence;
    let decide = t.elapsed();
    let c_decide = cpu();
    let t = Instant::now();
    let json = aiact::report::json::render(&rep).unwrap_or_default();
    let render = t.elapsed();
    let c_render = cpu();
    let c0 = c_start;
    println!(
        "cpu: walk {:.2} s, read+extract {:.2} s, gather again {:.2} s, decide {:.2} s, render {:.2} s",
        c_walk - c0,
        c_read - c_walk,
        c_gather - c_read,
        c_decide - c_gather,
        c_render - c_decide
    );
    println!(
        "files seen {}, kept {}, extracted {}, systems {}\nwalk {walk:?}\nread+extract {read:?}\ngather (walk+read+merge) {gather:?}\ndecide {decide:?}\nrender json {render:?} ({} bytes)",
        d.seen,
        d.files.len(),
        x.len(),
        rep.systems.len(),
        json.len()
    );
}

/// Single-threaded extraction cost by source kind (texts already in memory).
#[allow(dead_code)]
pub fn by_kind(root: &std::path::Path, files: &[discover::FoundFile]) {
    use std::collections::BTreeMap;
    let mut texts = Vec::new();
    for f in files {
        if let Ok(Some(t)) = discover::read_text(f, discover::DEFAULT_MAX_FILE_SIZE) {
            texts.push((f.rel.clone(), t));
        }
    }
    let _ = root;
    let mut cost: BTreeMap<String, (usize, std::time::Duration)> = BTreeMap::new();
    for (rel, t) in &texts {
        let s = Instant::now();
        let x = extract::extract_file(rel, t);
        let e = s.elapsed();
        let k = x
            .map(|x| x.kind.as_str().to_string())
            .unwrap_or_else(|| "not evidence".into());
        let c = cost.entry(k).or_default();
        c.0 += 1;
        c.1 += e;
    }
    for (k, (n, d)) in cost {
        println!(
            "  {k}: {n} files, {d:?} ({:?} per file)",
            d / n.max(1) as u32
        );
    }
}
