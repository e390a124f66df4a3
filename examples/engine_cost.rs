//! How long the rules engine takes per system: evaluates every system under a tree N times.
//! `cargo run --release --example engine_cost -- TREE [N]`

use aiact::decide::engine::{self, Input};
use aiact::decide::pack::default_pack;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let tree = args.get(1).map(String::as_str).unwrap_or("fixtures");
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(3);
    let Ok(pack) = default_pack() else {
        eprintln!("the default pack does not load");
        return;
    };
    let (systems, _) = aiact::audit::gather(std::path::Path::new(tree), &pack);
    let as_of = jiff::civil::date(2026, 12, 1);
    let law = pack.default_law(as_of);
    let start = Instant::now();
    let mut questions = 0;
    for _ in 0..n {
        for s in &systems {
            let out = engine::evaluate(&Input {
                pack: &pack,
                facts: &s.facts,
                kind: s.kind,
                as_of,
                law,
            });
            questions += out.open_questions.len();
        }
    }
    let per = start.elapsed().as_secs_f64() / (n * systems.len().max(1)) as f64;
    println!(
        "{} systems x {n}: {:.3} ms per system ({questions} questions)",
        systems.len(),
        per * 1000.0
    );
}
