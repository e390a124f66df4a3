//! Dense numbers for a pack's fact and rule ids, so the engine keeps its evaluation sets as
//! bitsets instead of sets of strings. Numbers are given in sorted id order: walking a
//! bitset in number order yields the ids sorted, the order reports list them in.

use super::engine::{assumed_fact, gpai_matches, rule_in_law};
use super::pack::{Decision, GpaiLevel, Law, Pack, Rule, TierLevel};
use crate::facts::Fact;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The FxHash of rustc, for looking up ids: a condition names its facts and rules by id,
/// and the engine looks them up on every read. The keys are the pack's own ids, so a
/// keyed hash (against flooding) buys nothing here.
#[derive(Default)]
pub(crate) struct IdHasher(u64);

impl IdHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            self.add(u64::from_le_bytes(w.try_into().unwrap_or_default()));
        }
        let tail = words.remainder();
        if !tail.is_empty() {
            let word = tail.iter().rev().fold(0, |w, b| w << 8 | u64::from(*b));
            self.add(word);
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type IdMap = HashMap<String, usize, BuildHasherDefault<IdHasher>>;

/// A set of fact or rule numbers. Union is a word-wise OR. The first 256 numbers live in
/// inline words, which hold the default pack: no heap allocation, and a copy is a copy of
/// four words. Numbers past them (larger packs, foreign ids) go to the heap.
#[derive(Debug, Clone, Default)]
pub(crate) struct Bits {
    low: [u64; LOW_WORDS],
    /// A boxed slice, not a Vec: one word smaller, and sets are copied often.
    high: Box<[u64]>,
}

const LOW_WORDS: usize = 4;

impl Bits {
    pub fn insert(&mut self, i: usize) {
        let (w, bit) = (i / 64, 1 << (i % 64));
        match w.checked_sub(LOW_WORDS) {
            None => self.low[w] |= bit,
            Some(h) => {
                self.grow(h + 1);
                self.high[h] |= bit;
            }
        }
    }

    pub fn contains(&self, i: usize) -> bool {
        let w = i / 64;
        let word = match w.checked_sub(LOW_WORDS) {
            None => self.low[w],
            Some(h) => self.high.get(h).copied().unwrap_or(0),
        };
        word >> (i % 64) & 1 == 1
    }

    #[inline]
    pub fn union_with(&mut self, other: &Bits) {
        for (a, b) in self.low.iter_mut().zip(&other.low) {
            *a |= b;
        }
        if other.high.len() > self.high.len() {
            self.grow(other.high.len());
        }
        for (a, b) in self.high.iter_mut().zip(&other.high) {
            *a |= b;
        }
    }

    /// Room for `words` words past the inline ones.
    fn grow(&mut self, words: usize) {
        if words > self.high.len() {
            let mut high = std::mem::take(&mut self.high).into_vec();
            high.resize(words, 0);
            self.high = high.into_boxed_slice();
        }
    }

    /// The members in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        let words = self.low.iter().chain(self.high.iter());
        words.enumerate().flat_map(|(wi, &word)| {
            let mut w = word;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let b = w.trailing_zeros() as usize;
                w &= w - 1;
                Some(wi * 64 + b)
            })
        })
    }
}

/// Groups of rules by what they decide; the engine reads each group as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Group {
    NotAiSystem,
    OutOfScope,
    Prohibited,
    HighRisk,
    LimitedRisk,
    /// `gpai: gpai_systemic_risk` only.
    GpaiSystemicRisk,
    /// `gpai: gpai` only.
    GpaiPlain,
    /// Either level: what `{gpai: gpai}` reads.
    GpaiAny,
    Obligation,
    Derived,
}

impl Group {
    pub const COUNT: usize = 10;

    pub fn tier(t: TierLevel) -> Group {
        match t {
            TierLevel::Prohibited => Group::Prohibited,
            TierLevel::HighRisk => Group::HighRisk,
            TierLevel::LimitedRisk => Group::LimitedRisk,
        }
    }

    pub fn gpai(g: GpaiLevel) -> Group {
        match g {
            GpaiLevel::Gpai => Group::GpaiAny,
            GpaiLevel::GpaiSystemicRisk => Group::GpaiSystemicRisk,
        }
    }

    fn holds(self, d: &Decision) -> bool {
        match self {
            Group::NotAiSystem => *d == Decision::NotAiSystem,
            Group::OutOfScope => *d == Decision::OutOfScope,
            Group::Prohibited => *d == Decision::Tier(TierLevel::Prohibited),
            Group::HighRisk => *d == Decision::Tier(TierLevel::HighRisk),
            Group::LimitedRisk => *d == Decision::Tier(TierLevel::LimitedRisk),
            Group::GpaiSystemicRisk => gpai_matches(GpaiLevel::GpaiSystemicRisk, d),
            Group::GpaiPlain => *d == Decision::Gpai(GpaiLevel::Gpai),
            Group::GpaiAny => gpai_matches(GpaiLevel::Gpai, d),
            Group::Obligation => matches!(d, Decision::Obligation(_)),
            Group::Derived => *d == Decision::Derived,
        }
    }

    const ALL: [Group; Group::COUNT] = [
        Group::NotAiSystem,
        Group::OutOfScope,
        Group::Prohibited,
        Group::HighRisk,
        Group::LimitedRisk,
        Group::GpaiSystemicRisk,
        Group::GpaiPlain,
        Group::GpaiAny,
        Group::Obligation,
        Group::Derived,
    ];
}

/// The numbering of one pack, built once (see `Pack::index`).
#[derive(Debug, Clone, Default)]
pub(crate) struct PackIndex {
    /// Fact ids of the catalogue, sorted: the number of a fact is its position.
    facts: Vec<String>,
    fact_numbers: IdMap,
    /// The pack's assumption for each fact, as the fact an unanswered one resolves to.
    assumed: Vec<Option<Fact>>,
    /// The umbrella facts above each fact (`Pack::parents_of`), by number.
    parents: Vec<Vec<usize>>,
    /// Rule number (sorted id order) → position in `Pack::rules`.
    rules: Vec<usize>,
    rule_numbers: IdMap,
    /// Rules in each text of the law (original, amended).
    in_law: [Bits; 2],
    /// Rules deciding a risk tier, which a model on its own does not have.
    tier_rules: Bits,
    /// Rule numbers of each group, ascending (so in id order).
    groups: [Vec<usize>; Group::COUNT],
}

impl PackIndex {
    pub(crate) fn new(pack: &Pack) -> PackIndex {
        // The catalogue is a BTreeMap: its order is the sorted id order.
        let facts: Vec<String> = pack.facts.keys().cloned().collect();
        let fact_numbers: IdMap = facts
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), i))
            .collect();
        let parents = facts
            .iter()
            .map(|id| {
                let above = pack.parents_of(id).into_iter();
                above.filter_map(|p| fact_numbers.get(p).copied()).collect()
            })
            .collect();
        let mut rules: Vec<usize> = (0..pack.rules.len()).collect();
        rules.sort_by(|a, b| pack.rules[*a].id.cmp(&pack.rules[*b].id));
        let rule_numbers = rules
            .iter()
            .enumerate()
            .map(|(n, pos)| (pack.rules[*pos].id.clone(), n))
            .collect();
        let mut ix = PackIndex {
            facts,
            fact_numbers,
            assumed: pack.facts.values().map(assumed_fact).collect(),
            parents,
            rules,
            rule_numbers,
            ..PackIndex::default()
        };
        for n in 0..ix.rules.len() {
            let rule = &pack.rules[ix.rules[n]];
            for (slot, law) in [Law::Original, Law::Amended].into_iter().enumerate() {
                if rule_in_law(pack, rule, law) {
                    ix.in_law[slot].insert(n);
                }
            }
            if matches!(rule.decides, Decision::Tier(_)) {
                ix.tier_rules.insert(n);
            }
            for g in Group::ALL {
                if g.holds(&rule.decides) {
                    ix.groups[g as usize].push(n);
                }
            }
        }
        ix
    }

    pub fn fact_count(&self) -> usize {
        self.facts.len()
    }

    pub fn fact_number(&self, id: &str) -> Option<usize> {
        self.fact_numbers.get(id).copied()
    }

    pub fn fact_id(&self, n: usize) -> &str {
        &self.facts[n]
    }

    pub fn assumed(&self, n: usize) -> Option<&Fact> {
        self.assumed.get(n)?.as_ref()
    }

    /// The umbrella facts above a fact of the catalogue, nearest first.
    pub fn parents(&self, n: usize) -> &[usize] {
        self.parents.get(n).map_or(&[], Vec::as_slice)
    }

    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    pub fn rule_number(&self, id: &str) -> Option<usize> {
        self.rule_numbers.get(id).copied()
    }

    pub fn rule<'p>(&self, pack: &'p Pack, n: usize) -> &'p Rule {
        &pack.rules[self.rules[n]]
    }

    /// Whether a rule exists for a run: in the chosen text of the law, and not a risk tier
    /// for a model on its own (the systems built on it have the tier).
    pub(crate) fn active(&self, n: usize, law: Law, model: bool) -> bool {
        let slot = match law {
            Law::Original => 0,
            Law::Amended => 1,
        };
        self.in_law[slot].contains(n) && !(model && self.tier_rules.contains(n))
    }

    pub(crate) fn group(&self, g: Group) -> &[usize] {
        &self.groups[g as usize]
    }
}
