//! Quantities stated in prose and tables: parameter counts, training tokens, training
//! compute (FLOP) and GPU-hours. Pure functions over text; the model-card extractor
//! decides how much to trust them (a model card's own statement vs a library README).
//!
//! Only explicit statements count: a number followed by "parameters" (or under a
//! "Params" table column), a number with a scale followed by "tokens" in a training
//! context, "GPU hours" with a number. A bare "7B" never does.

use regex::Regex;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Parameters,
    TrainingTokens,
    TrainingFlops,
    GpuHours,
}

/// One stated quantity: its value and where in the searched text it was.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    pub kind: Kind,
    pub value: f64,
    /// Byte range in the searched text.
    pub start: usize,
    pub end: usize,
}

impl Quantity {
    /// A figure of `kind` where `m` matched.
    fn at(kind: Kind, value: f64, m: &regex::Match<'_>) -> Quantity {
        Quantity {
            kind,
            value,
            start: m.start(),
            end: m.end(),
        }
    }
}

const NUM: &str = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)";
const SCALE: &str =
    r"(?P<scale>thousand|million|billion|trillion|mn|bn|[KkMBbTG](?-u:\b)|万亿|千亿|百亿|亿|万)";

fn re(s: &str) -> Regex {
    // The patterns are constants of this file and covered by tests.
    Regex::new(s).unwrap_or_else(|e| unreachable!("bad built-in pattern {s}: {e}"))
}

static PARAMS: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i){NUM}\s*{SCALE}?[\s-]*(?:\(?total\)?[\s-]+)?(?P<act>(?:activated|active)[\s-]+)?(?:param(?:eter)?s?|参数)\b"
    ))
});
/// "Parameters: 314B", "Params | 8B", "参数量：62亿".
static PARAMS_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)(?:\bparam(?:eter)?s?(?:\s+count)?|参数量?)\s*[:：]\s*~?{NUM}\s*{SCALE}"
    ))
});
static TOKENS: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)~?{NUM}\s*{SCALE}\+?\s*(?:[\p{{L}}-]+\s+){{0,4}}?(?:unique\s+)?(?:tokens?(?-u:\b)|标识符)"
    ))
});
static FLOPS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?P<num>\d+(?:\.\d+)?)\s*(?:(?:x|×|\*)\s*10\s*\^?\s*(?P<exp>\d{1,2})|e\+?(?P<exp2>\d{1,2}))\s*(?:FLOPs?|floating[- ]point operations)\b",
    )
});
static GPU_HOURS: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\*{{0,2}}{NUM}\*{{0,2}}\s*{SCALE}?\s*(?:(?P<hw>{HW})[\w-]*\s+)?(?:GPU|accelerator|TPU)?[\s-]*hours\b"
    ))
});
/// "Hours used: 150000" (the Hugging Face card template's environmental section).
static HOURS_USED: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"(?i)hours used\s*[:：]\s*{NUM}\s*{SCALE}?")));

/// Accelerators whose peak throughput we know (see [`peak_flops`]).
pub const HW: &str =
    r"H100|H800|H200|H20|A100|A800|V100|L40S|GB200|B200|TPU\s?v?[3-5][ep]?|MI250X?|MI300X";
static HW_RE: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"(?i)\b(?:{HW})\b|\bTPU\s?v?[3-5][ep]?\b")));

/// Scale words and letters to multipliers.
pub fn scale(s: &str) -> Option<f64> {
    let s = s.trim().trim_end_matches('-');
    Some(match s {
        "" => 1.0,
        "K" | "k" | "thousand" | "Thousand" => 1e3,
        "万" => 1e4,
        "M" | "m" | "million" | "Million" | "mn" => 1e6,
        "亿" => 1e8,
        "B" | "b" | "G" | "billion" | "Billion" | "bn" => 1e9,
        "百亿" => 1e10,
        "千亿" => 1e11,
        "T" | "t" | "trillion" | "Trillion" | "万亿" => 1e12,
        _ => {
            let l = s.to_ascii_lowercase();
            return match l.as_str() {
                "thousand" => Some(1e3),
                "million" => Some(1e6),
                "billion" => Some(1e9),
                "trillion" => Some(1e12),
                _ => None,
            };
        }
    })
}

fn number(s: &str) -> Option<f64> {
    s.replace(',', "")
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
}

fn scaled(c: &regex::Captures<'_>) -> Option<f64> {
    let n = number(c.name("num")?.as_str())?;
    let m = c.name("scale").map(|s| s.as_str()).unwrap_or("");
    Some(n * scale(m)?)
}

/// Case-insensitive (ASCII) substring test: a cheap gate before the regexes, since most
/// text states no quantity at all.
pub(crate) fn mentions(text: &str, words: &[&str]) -> bool {
    let hay = text.as_bytes();
    words.iter().any(|w| {
        let w = w.as_bytes();
        let Some(&first) = w.first() else {
            return true;
        };
        // Jump from one occurrence of the first letter (either case) to the next: most text
        // mentions none of these words, and every block of every document is asked.
        memchr::memchr2_iter(first.to_ascii_lowercase(), first.to_ascii_uppercase(), hay).any(|i| {
            hay.get(i..i + w.len())
                .is_some_and(|win| win.eq_ignore_ascii_case(w))
        })
    })
}

/// Whether a text may state a token count (the words [`training_tokens`] looks for).
pub fn mentions_tokens(text: &str) -> bool {
    mentions(text, TOKEN_WORDS)
}

const TOKEN_WORDS: &[&str] = &["token", "标识符"];

/// Whether the match sits inside a URL or path (a link's text is often the link).
fn in_url(text: &str, start: usize) -> bool {
    let before = &text[..start];
    // Whitespace may be wider than a byte (U+1680, U+3000): step over the whole char.
    let word_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    let word = &text[word_start..];
    let word = word.split(char::is_whitespace).next().unwrap_or("");
    word.contains('/') || word.contains("://")
}

/// Parameter counts stated in a piece of prose. Counts of "activated"/"active"
/// parameters (mixture-of-experts) are skipped: the total is what the Act's criteria read.
pub fn parameters(text: &str) -> Vec<Quantity> {
    let mut out = Vec::new();
    if !mentions(text, &["param", "参数"]) {
        return out;
    }
    for c in PARAMS.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        if c.name("act").is_some() || in_url(text, m.start()) {
            continue;
        }
        // "embedding parameters", "non-embedding parameters" are parts, not the total.
        let after = &text[m.end()..];
        if after.trim_start().starts_with(['(', '/'])
            && after
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("(activ")
        {
            continue;
        }
        let has_scale = c.name("scale").is_some();
        let Some(v) = scaled(&c) else { continue };
        // Without a scale word only big plain numbers are counts ("124,439,808 parameters");
        // "2 parameters" is something else.
        if !has_scale && v < 1e5 {
            continue;
        }
        out.push(Quantity::at(Kind::Parameters, v, &m));
    }
    for c in PARAMS_LABEL.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        if let Some(v) = scaled(&c) {
            out.push(Quantity::at(Kind::Parameters, v, &m));
        }
    }
    out
}

/// Words that say a token count is about training data.
static TRAINING_CONTEXT: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)train|corpus|data|pre-?train|训练|语料|数据"));
/// Token counts that are not training data: batches, context, speed, vocabulary.
static NOT_TRAINING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)batch|context|sequence length|window|per second|/s\b|vocab|max_new_tokens|generat|each token|per token|activated|推理|显存",
    )
});

/// Training-token counts stated in prose. `context` is the text around the statement
/// (its paragraph and section heading) and must speak of training or data.
pub fn training_tokens(text: &str, context: &str) -> Vec<Quantity> {
    let mut out = Vec::new();
    if !mentions(text, TOKEN_WORDS) {
        return out;
    }
    if !TRAINING_CONTEXT.is_match(context) {
        return out;
    }
    for c in TOKENS.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        if in_url(text, m.start()) {
            continue;
        }
        // A scale is required: "2048 tokens" is a context length, not a corpus.
        let Some(s) = c.name("scale") else { continue };
        let Some(v) = scaled(&c) else { continue };
        if v < 1e8 || s.as_str().eq_ignore_ascii_case("k") {
            continue;
        }
        let lo = crate::extract::text::floor_char_boundary(text, m.start().saturating_sub(60));
        let hi = crate::extract::text::floor_char_boundary(text, (m.end() + 12).min(text.len()));
        if NOT_TRAINING.is_match(&text[lo..hi]) {
            continue;
        }
        out.push(Quantity::at(Kind::TrainingTokens, v, &m));
    }
    out
}

/// Training compute stated in FLOP ("3.8 x 10^25 FLOPs", "3.8e25 FLOPs").
pub fn training_flops(text: &str) -> Vec<Quantity> {
    let mut out = Vec::new();
    if !mentions(text, &["flop", "floating"]) {
        return out;
    }
    for c in FLOPS.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        let exp = c
            .name("exp")
            .or(c.name("exp2"))
            .and_then(|e| e.as_str().parse::<i32>().ok());
        let (Some(n), Some(e)) = (c.name("num").and_then(|n| number(n.as_str())), exp) else {
            continue;
        };
        // Below 10^15 it is a rate or a per-token figure, not a training run.
        if e >= 15 {
            out.push(Quantity::at(Kind::TrainingFlops, n * 10f64.powi(e), &m));
        }
    }
    out
}

/// GPU-hours stated in prose: "2.788M H800 GPU hours", "3.3M GPU hours", "Hours used: 150000".
/// Hours that are not compute ("680,000 hours of audio") need "GPU"/"TPU" or a named
/// accelerator next to them, which the pattern requires.
pub fn gpu_hours(text: &str) -> Vec<Quantity> {
    let mut out = Vec::new();
    if !mentions(text, &["hour"]) {
        return out;
    }
    for c in GPU_HOURS.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        let s = m.as_str().to_ascii_lowercase();
        if !(s.contains("gpu")
            || s.contains("tpu")
            || s.contains("accelerator")
            || c.name("hw").is_some())
        {
            continue;
        }
        if in_url(text, m.start()) {
            continue;
        }
        if let Some(v) = scaled(&c) {
            out.push(Quantity::at(Kind::GpuHours, v, &m));
        }
    }
    for c in HOURS_USED.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        if let Some(v) = scaled(&c) {
            out.push(Quantity::at(Kind::GpuHours, v, &m));
        }
    }
    out
}

/// The first accelerator named in a text, normalised ("H100", "A100", "TPU v4").
pub fn hardware(text: &str) -> Option<String> {
    let m = HW_RE.find(text)?;
    let s = m.as_str().to_ascii_uppercase().replace(' ', "");
    Some(match s.strip_prefix("TPU") {
        Some(rest) => format!("TPU v{}", rest.trim_start_matches('V').to_ascii_lowercase()),
        None => s,
    })
}

/// Peak dense 16-bit tensor throughput per accelerator, FLOP/s (vendor data sheets).
pub fn peak_flops(hw: &str) -> Option<f64> {
    Some(match hw {
        "H100" | "H800" | "H200" => 989e12,
        "H20" => 148e12,
        "A100" | "A800" => 312e12,
        "V100" => 125e12,
        "L40S" => 362e12,
        "B200" => 2.25e15,
        "GB200" => 2.5e15,
        "TPU v3" => 123e12,
        "TPU v4" => 275e12,
        "TPU v5e" => 197e12,
        "TPU v5p" => 459e12,
        "MI250" | "MI250X" => 383e12,
        "MI300X" => 1307e12,
        _ => return None,
    })
}

/// Utilisation assumed when turning GPU-hours into FLOP, and the range shown beside it.
pub const ASSUMED_UTILISATION: f64 = 0.4;
pub const UTILISATION_RANGE: (f64, f64) = (0.3, 0.5);

/// A size in a table cell: "405B", "39 M", "17B (Activated) 109B (Total)", "~40T",
/// "1.46M", "184320". The largest size marked "(Total)" wins, then the largest size not
/// marked "(Activated)"; `need_scale` refuses plain numbers.
pub fn cell_size(cell: &str, need_scale: bool) -> Option<f64> {
    static SIZE: LazyLock<Regex> = LazyLock::new(|| {
        re(&format!(
            r"(?i)~?{NUM}\s*{SCALE}?\+?\s*(?P<label>\((?:total|activated|active)\))?"
        ))
    });
    let mut total: Option<f64> = None;
    let mut other: Option<f64> = None;
    for c in SIZE.captures_iter(cell) {
        if need_scale && c.name("scale").is_none() {
            continue;
        }
        let Some(v) = scaled(&c) else { continue };
        match c.name("label").map(|l| l.as_str().to_ascii_lowercase()) {
            Some(l) if l.contains("activ") => {}
            Some(_) => total = Some(total.map_or(v, |t: f64| t.max(v))),
            None => other = Some(other.map_or(v, |o: f64| o.max(v))),
        }
    }
    total.or(other)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(q: Vec<Quantity>) -> Vec<f64> {
        q.into_iter().map(|q| q.value).collect()
    }

    #[test]
    fn parameter_statements() {
        assert_eq!(
            vals(parameters(
                "a MoE model with 671B total parameters with 37B activated for each token"
            )),
            [671e9]
        );
        assert_eq!(
            vals(parameters(
                "ranging in scale from 7 billion to 70 billion parameters"
            )),
            [70e9]
        );
        assert_eq!(
            vals(parameters("a 17 billion parameter model with 16 experts")),
            [17e9]
        );
        assert_eq!(
            vals(parameters("the large size of the model (314B parameters)")),
            [314e9]
        );
        assert_eq!(vals(parameters("Parameters: 314B")), [314e9]);
        assert_eq!(
            vals(parameters("1.5 billion parameters: the largest")),
            [1.5e9]
        );
        assert_eq!(
            vals(parameters(
                "with 400M and 800M activated parameters respectively"
            )),
            Vec::<f64>::new()
        );
        assert_eq!(vals(parameters("具有 62 亿参数")), [6.2e9]);
        assert_eq!(
            vals(parameters("it has 124,439,808 parameters")),
            [124_439_808.0]
        );
        assert!(parameters("set 2 parameters in the config").is_empty());
        assert!(
            parameters("see https://x.org/which-hardware-to-train-a-176b-parameters-model")
                .is_empty()
        );
        assert!(parameters("models of similar parameter sizes").is_empty());
    }

    #[test]
    fn token_statements() {
        let t = "We pre-train DeepSeek-V3 on 14.8 trillion diverse and high-quality tokens, followed by SFT";
        assert_eq!(vals(training_tokens(t, t)), [14.8e12]);
        let t = "pretraining of DeepSeek-V3 on 14.8T tokens";
        assert_eq!(vals(training_tokens(t, t)), [14.8e12]);
        let t = "Llama 3.1 was pretrained on ~15 trillion tokens of data";
        assert_eq!(vals(training_tokens(t, t)), [15e12]);
        let t = "All models are trained with a global batch-size of 4M tokens.";
        assert!(training_tokens(t, t).is_empty());
        let t = "最高可以实现 9000+ tokens/s 的推理速度";
        assert!(training_tokens(t, t).is_empty());
        let t = "Sequence length of 2048 tokens used";
        assert!(training_tokens(t, "training").is_empty());
        let t = "经过约 1T 标识符的中英双语训练";
        assert_eq!(vals(training_tokens(t, t)), [1e12]);
        let t = "converted into 350B unique tokens";
        assert_eq!(vals(training_tokens(t, "Training Data")), [350e9]);
        assert!(training_tokens(t, "Usage").is_empty());
    }

    #[test]
    fn compute_statements() {
        assert_eq!(
            vals(gpu_hours(
                "requires only 2.788M H800 GPU hours for its full training"
            )),
            [2.788e6]
        );
        assert_eq!(
            vals(gpu_hours(
                "a cumulative of 39.3M GPU hours of computation on H100-80GB"
            )),
            [39.3e6]
        );
        assert_eq!(vals(gpu_hours("Hours used: 150000")), [150000.0]);
        assert!(gpu_hours("trained on 680,000 hours of audio").is_empty());
        assert_eq!(
            hardware("on H100-80GB (TDP of 700W)").as_deref(),
            Some("H100")
        );
        assert_eq!(
            hardware("Hardware Type: A100 PCIe 40GB").as_deref(),
            Some("A100")
        );
        assert_eq!(hardware("TPUv4 pods").as_deref(), Some("TPU v4"));
        assert_eq!(vals(training_flops("about 3.8 x 10^25 FLOPs")), [3.8e25]);
        assert_eq!(vals(training_flops("3.8e25 FLOP")), [3.8e25]);
        assert!(training_flops("150 TFLOP per GPU per second").is_empty());
    }

    #[test]
    fn cells() {
        assert_eq!(cell_size("405B", true), Some(405e9));
        assert_eq!(cell_size("17B (Activated) 109B (Total)", true), Some(109e9));
        assert_eq!(cell_size("1550 M", true), Some(1.55e9));
        assert_eq!(cell_size("~40T", true), Some(40e12));
        assert_eq!(cell_size("184320", false), Some(184320.0));
        assert_eq!(cell_size("184320", true), None);
        assert_eq!(cell_size("-", true), None);
    }
}
