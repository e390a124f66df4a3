//! Loading rule packs in two steps: parse YAML into positioned nodes, then validate every
//! entry, collecting *all* errors with file:line:column before giving up.

use super::model::*;
use crate::diag::{Diagnostic, did_you_mean};
use crate::facts::Value;
use crate::yaml::{Node, NodeValue};
use jiff::civil::Date;
use std::collections::{BTreeSet, HashMap};

/// One file of a pack: its path as shown in messages, and its text.
pub struct PackFile {
    pub path: String,
    pub text: String,
}

/// A pack as a set of files with a name (from its pack.yaml or its folder).
pub struct PackSource {
    pub name: String,
    pub files: Vec<PackFile>,
}

/// Load and validate packs in order: later packs add facts, dates and rules and override
/// earlier ones by id. Returns every problem found.
pub fn load(sources: &[PackSource]) -> Result<Pack, Vec<Diagnostic>> {
    let mut l = Loader::default();
    for src in sources {
        l.pack_name = src.name.clone();
        let mut seen_rules: HashMap<String, Source> = HashMap::new();
        let mut seen_facts: HashMap<String, Source> = HashMap::new();
        for f in &src.files {
            l.load_file(f, &mut seen_rules, &mut seen_facts);
        }
    }
    l.finish()
}

#[derive(Default)]
struct Loader {
    pack: Pack,
    pack_name: String,
    errors: Vec<Diagnostic>,
    file: String,
    fact_order: usize,
    /// Conditions to check once every fact and rule is known.
    pending_conditions: Vec<(Condition, Source)>,
    pending_tests: Vec<(String, RuleTest)>,
}

const TOP_KEYS: &[&str] = &["pack", "dates", "facts", "rules"];
const FACT_KEYS: &[&str] = &[
    "id", "type", "question", "help", "cites", "area", "unit", "choices", "assume", "ask_if",
    "umbrella",
];
const RULE_KEYS: &[&str] = &[
    "id",
    "title",
    "provision",
    "cites",
    "summary",
    "status",
    "law",
    "applies_from",
    "when",
    "decides",
    "tests",
    "report",
];
const TEST_KEYS: &[&str] = &[
    "name",
    "facts",
    "kind",
    "as_of",
    "law",
    "expect",
    "tier",
    "gpai",
    "obligations",
    "not_obligations",
];
const TIERS: &[&str] = &[
    "not_ai_system",
    "out_of_scope",
    "prohibited",
    "high_risk",
    "limited_risk",
    "minimal_risk",
    "undetermined",
];
const GPAIS: &[&str] = &["none", "gpai", "gpai_systemic_risk", "undetermined"];

impl Loader {
    fn err(&mut self, node_pos: &Node, code: &str, msg: impl Into<String>) -> Diagnostic {
        let d = Diagnostic::error(
            code,
            self.file.clone(),
            node_pos.pos.line,
            node_pos.pos.column,
            msg,
        );
        self.errors.push(d.clone());
        d
    }

    fn err_help(
        &mut self,
        node: &Node,
        code: &str,
        msg: impl Into<String>,
        help: impl Into<String>,
    ) {
        let d = Diagnostic::error(code, self.file.clone(), node.pos.line, node.pos.column, msg)
            .with_help(help);
        self.errors.push(d);
    }

    fn source(&self, node: &Node) -> Source {
        Source {
            file: self.file.clone(),
            line: node.pos.line,
            column: node.pos.column,
        }
    }

    fn load_file(
        &mut self,
        f: &PackFile,
        seen_rules: &mut HashMap<String, Source>,
        seen_facts: &mut HashMap<String, Source>,
    ) {
        self.file = f.path.clone();
        let root = match crate::decide::pack::embedded::parse_yaml(&f.text) {
            Ok(n) => n,
            Err(e) => {
                self.errors.push(e.diagnostic("yaml.syntax", &f.path));
                return;
            }
        };
        if root.value == NodeValue::Null {
            return;
        }
        let Some(map) = root.as_map() else {
            self.err(
                &root,
                "pack.shape",
                format!(
                    "expected a mapping with keys {}, found {}",
                    TOP_KEYS.join(", "),
                    root.kind()
                ),
            );
            return;
        };
        self.check_keys(map, TOP_KEYS, "pack file");
        if let Some(p) = root.get("pack") {
            self.load_pack_meta(p);
        }
        if let Some(d) = root.get("dates") {
            match d.as_map() {
                Some(entries) => {
                    for (k, v) in entries {
                        let Some(name) = k.as_str() else {
                            self.err(k, "pack.shape", "a date name must be a string");
                            continue;
                        };
                        if let Some(spec) = self.date_spec(v, false) {
                            self.pack.dates.insert(name.to_string(), spec);
                        }
                    }
                }
                None => {
                    self.err(
                        d,
                        "pack.shape",
                        format!(
                            "`dates` must be a mapping of names to dates, found {}",
                            d.kind()
                        ),
                    );
                }
            }
        }
        if let Some(facts) = root.get("facts") {
            match facts.as_seq() {
                Some(items) => {
                    for item in items {
                        if let Some(def) = self.fact_def(item) {
                            if let Some(prev) = seen_facts.get(&def.id) {
                                let msg = format!(
                                    "duplicate fact id `{}` (first defined at {})",
                                    def.id,
                                    prev.location()
                                );
                                self.err(item, "pack.duplicate_fact", msg);
                                continue;
                            }
                            seen_facts.insert(def.id.clone(), def.source.clone());
                            self.pack.facts.insert(def.id.clone(), def);
                        }
                    }
                }
                None => {
                    self.err(
                        facts,
                        "pack.shape",
                        format!("`facts` must be a list, found {}", facts.kind()),
                    );
                }
            }
        }
        if let Some(rules) = root.get("rules") {
            match rules.as_seq() {
                Some(items) => {
                    for item in items {
                        if let Some(rule) = self.rule(item) {
                            if let Some(prev) = seen_rules.get(&rule.id) {
                                let msg = format!(
                                    "duplicate rule id `{}` (first defined at {})",
                                    rule.id,
                                    prev.location()
                                );
                                self.err(item, "pack.duplicate_rule", msg);
                                continue;
                            }
                            seen_rules.insert(rule.id.clone(), rule.source.clone());
                            // A later pack overrides an earlier one's rule of the same id.
                            match self.pack.rules.iter_mut().find(|r| r.id == rule.id) {
                                Some(existing) => *existing = rule,
                                None => self.pack.rules.push(rule),
                            }
                        }
                    }
                }
                None => {
                    self.err(
                        rules,
                        "pack.shape",
                        format!("`rules` must be a list, found {}", rules.kind()),
                    );
                }
            }
        }
    }

    fn check_keys(&mut self, map: &[(Node, Node)], allowed: &[&str], what: &str) {
        for (k, _) in map {
            let Some(key) = k.as_str() else {
                self.err(
                    k,
                    "pack.unknown_key",
                    format!("{what}: keys must be strings"),
                );
                continue;
            };
            if !allowed.contains(&key) {
                let help = match did_you_mean(key, allowed.iter().copied()) {
                    Some(s) => format!(
                        "did you mean `{s}`? expected one of: {}",
                        allowed.join(", ")
                    ),
                    None => format!("expected one of: {}", allowed.join(", ")),
                };
                self.err_help(
                    k,
                    "pack.unknown_key",
                    format!("unknown key `{key}` in {what}"),
                    help,
                );
            }
        }
    }

    fn load_pack_meta(&mut self, p: &Node) {
        let Some(map) = p.as_map() else {
            self.err(
                p,
                "pack.shape",
                "`pack` must be a mapping (name, version, laws)",
            );
            return;
        };
        self.check_keys(map, &["name", "version", "laws"], "pack");
        if let Some(n) = p.get("name").and_then(|n| n.scalar_text()) {
            self.pack.name = n;
        }
        if let Some(v) = p.get("version").and_then(|n| n.scalar_text()) {
            self.pack.version = v;
        }
        if let Some(laws) = p.get("laws") {
            let Some(entries) = laws.as_map() else {
                self.err(
                    laws,
                    "pack.shape",
                    "`laws` must map `original` / `amended` to a title and in_force date",
                );
                return;
            };
            for (k, v) in entries {
                let Some(law) = k.as_str().and_then(Law::parse) else {
                    self.err(k, "pack.shape", "a law text is `original` or `amended`");
                    continue;
                };
                let title = v
                    .get("title")
                    .and_then(|t| t.scalar_text())
                    .unwrap_or_default();
                let in_force = match v.get("in_force") {
                    Some(d) => self.date(d),
                    None => {
                        self.err(v, "pack.shape", "a law text needs `in_force: YYYY-MM-DD`");
                        None
                    }
                };
                if let Some(in_force) = in_force {
                    self.pack.laws.retain(|l| l.id != law);
                    self.pack.laws.push(LawText {
                        id: law,
                        title,
                        in_force,
                    });
                }
            }
        }
    }

    fn string(&mut self, map: &Node, key: &str, required: bool, what: &str) -> Option<String> {
        match map.get(key) {
            Some(n) => match &n.value {
                NodeValue::Str(s) => Some(s.trim().to_string()),
                _ => {
                    self.err(
                        n,
                        "pack.type",
                        format!("{what}: `{key}` must be a string, found {}", n.kind()),
                    );
                    None
                }
            },
            None => {
                if required {
                    self.err(map, "pack.missing", format!("{what}: `{key}` is required"));
                }
                None
            }
        }
    }

    fn string_list(&mut self, map: &Node, key: &str, what: &str) -> Vec<String> {
        match map.get(key) {
            None => Vec::new(),
            Some(n) => match &n.value {
                NodeValue::Str(s) => vec![s.clone()],
                NodeValue::Seq(items) => {
                    let mut out = Vec::new();
                    for it in items {
                        match it.scalar_text() {
                            Some(s) if !matches!(it.value, NodeValue::Null) => out.push(s),
                            _ => {
                                self.err(
                                    it,
                                    "pack.type",
                                    format!("{what}: `{key}` items must be strings"),
                                );
                            }
                        }
                    }
                    out
                }
                _ => {
                    self.err(
                        n,
                        "pack.type",
                        format!("{what}: `{key}` must be a list of strings"),
                    );
                    Vec::new()
                }
            },
        }
    }

    fn date(&mut self, n: &Node) -> Option<Date> {
        match n.as_str().map(|s| s.trim().parse::<Date>()) {
            Some(Ok(d)) => Some(d),
            _ => {
                let shown = n.scalar_text().unwrap_or_else(|| n.kind().to_string());
                self.err(
                    n,
                    "pack.date",
                    format!("expected a date YYYY-MM-DD, found `{shown}`"),
                );
                None
            }
        }
    }

    /// The common head of a fact or rule entry: a mapping with known keys and a valid id.
    /// Returns the id and how messages name the entry (`fact \`eu_market\``).
    fn entry_head(
        &mut self,
        item: &Node,
        kind: &str,
        keys: &[&str],
        shape: &str,
    ) -> Option<(String, String)> {
        let Some(map) = item.as_map() else {
            self.err(
                item,
                "pack.shape",
                format!(
                    "a {kind} must be a mapping with {shape}, found {}",
                    item.kind()
                ),
            );
            return None;
        };
        self.check_keys(map, keys, kind);
        let id = self.string(item, "id", true, kind)?;
        let what = format!("{kind} `{id}`");
        if !valid_id(&id) {
            self.err(
                item,
                "pack.id",
                format!("{what}: ids are lowercase letters, digits, `_` and `.`"),
            );
        }
        Some((id, what))
    }

    fn fact_def(&mut self, item: &Node) -> Option<FactDef> {
        let (id, what) = self.entry_head(item, "fact", FACT_KEYS, "id, type, question, help")?;
        let ty_node = item.get("type");
        let ty = match ty_node.and_then(|n| n.as_str()) {
            Some("bool") => FactType::Bool,
            Some("number") => FactType::Number,
            Some("date") => FactType::Date,
            Some("string") => FactType::String,
            Some("choice") => FactType::Choice,
            other => {
                let n = ty_node.unwrap_or(item);
                let msg = format!(
                    "{what}: `type` must be bool, number, date, string or choice, found {}",
                    other.unwrap_or("nothing")
                );
                self.err(n, "pack.type", msg);
                return None;
            }
        };
        let question = self
            .string(item, "question", true, &what)
            .unwrap_or_default();
        let help = self.string(item, "help", true, &what).unwrap_or_default();
        let cites = self.string_list(item, "cites", &what);
        let area = match item.get("area") {
            None => {
                self.err(item, "pack.missing", format!("{what}: `area` is required"));
                Area::Scope
            }
            Some(n) => match n
                .as_str()
                .and_then(|s| Area::ALL.iter().find(|(k, _)| *k == s))
            {
                Some((_, a)) => *a,
                None => {
                    let names: Vec<&str> = Area::ALL.iter().map(|(k, _)| *k).collect();
                    self.err_help(
                        n,
                        "pack.type",
                        format!("{what}: unknown area"),
                        format!("expected one of: {}", names.join(", ")),
                    );
                    Area::Scope
                }
            },
        };
        let unit = self.string(item, "unit", false, &what);
        let choices = self.string_list(item, "choices", &what);
        if ty == FactType::Choice && choices.is_empty() {
            self.err(
                item,
                "pack.missing",
                format!("{what}: a choice fact needs `choices`"),
            );
        }
        let mut def = FactDef {
            id: id.clone(),
            ty,
            question,
            help,
            cites,
            area,
            unit,
            choices,
            assume: None,
            ask_if: None,
            umbrella: false,
            order: self.fact_order,
            source: self.source(item),
        };
        self.fact_order += 1;
        if let Some(u) = item.get("umbrella") {
            match u.value {
                NodeValue::Bool(b) if ty == FactType::Bool => def.umbrella = b,
                _ => {
                    self.err(
                        u,
                        "pack.type",
                        format!("{what}: `umbrella` is true or false, on a bool fact"),
                    );
                }
            }
        }
        if let Some(a) = item.get("assume") {
            match convert_value(a, &def) {
                Ok(v) => def.assume = Some(v),
                Err(msg) => {
                    self.err(a, "pack.type", format!("{what}: `assume`: {msg}"));
                }
            }
        }
        if let Some(c) = item.get("ask_if")
            && let Some(cond) = self.condition(c)
        {
            self.pending_conditions.push((cond.clone(), self.source(c)));
            def.ask_if = Some(cond);
        }
        Some(def)
    }

    fn rule(&mut self, item: &Node) -> Option<Rule> {
        let (id, what) = self.entry_head(item, "rule", RULE_KEYS, "id, title, when, decides")?;
        let title = self.string(item, "title", true, &what).unwrap_or_default();
        let provision = self
            .string(item, "provision", false, &what)
            .unwrap_or_else(|| id.clone());
        let mut cites = self.string_list(item, "cites", &what);
        if cites.is_empty() {
            cites.push(provision.clone());
        }
        let summary = self
            .string(item, "summary", false, &what)
            .unwrap_or_default();
        let status = match item.get("status") {
            None => SourceStatus::Binding,
            Some(n) => match n.as_str() {
                Some("binding") => SourceStatus::Binding,
                Some("amended") => SourceStatus::Amended,
                Some("guidance") => SourceStatus::Guidance,
                _ => {
                    self.err(
                        n,
                        "pack.type",
                        format!("{what}: `status` must be binding, amended or guidance"),
                    );
                    SourceStatus::Binding
                }
            },
        };
        let law = match item.get("law") {
            None => LawSel::Both,
            Some(n) => match n.as_str() {
                Some("both") => LawSel::Both,
                Some("original") => LawSel::Original,
                Some("amended") => LawSel::Amended,
                _ => {
                    self.err(
                        n,
                        "pack.type",
                        format!("{what}: `law` must be both, original or amended"),
                    );
                    LawSel::Both
                }
            },
        };
        let applies_from = item
            .get("applies_from")
            .and_then(|n| self.date_spec(n, true));
        let when = match item.get("when") {
            Some(n) => {
                let c = self.condition(n);
                if let Some(c) = &c {
                    self.pending_conditions.push((c.clone(), self.source(n)));
                }
                c
            }
            None => {
                self.err(
                    item,
                    "pack.missing",
                    format!("{what}: `when` (the condition) is required"),
                );
                None
            }
        };
        let decides = match item.get("decides") {
            Some(n) => self.decision(n, &what),
            None => {
                self.err(
                    item,
                    "pack.missing",
                    format!("{what}: `decides` is required"),
                );
                None
            }
        };
        let mut tests = Vec::new();
        if let Some(t) = item.get("tests") {
            match t.as_seq() {
                Some(items) => {
                    for (i, case) in items.iter().enumerate() {
                        if let Some(test) = self.rule_test(case, &what, i) {
                            tests.push(test);
                        }
                    }
                }
                None => {
                    self.err(t, "pack.shape", format!("{what}: `tests` must be a list"));
                }
            }
        }
        for t in &tests {
            self.pending_tests.push((id.clone(), t.clone()));
        }
        let report = match item.get("report") {
            None => true,
            Some(n) => match n.value {
                NodeValue::Bool(b) => b,
                _ => {
                    self.err(n, "pack.type", format!("{what}: `report` is true or false"));
                    true
                }
            },
        };
        Some(Rule {
            report,
            id,
            title,
            provision,
            cites,
            summary,
            status,
            law,
            applies_from,
            when: when?,
            decides: decides?,
            tests,
            pack: self.pack_name.clone(),
            source: self.source(item),
        })
    }

    fn decision(&mut self, n: &Node, what: &str) -> Option<Decision> {
        let expected = "not_ai_system, out_of_scope, derived, {tier: prohibited|high_risk|limited_risk}, {gpai: gpai|gpai_systemic_risk} or {obligation: ID}";
        match &n.value {
            NodeValue::Str(s) => match s.as_str() {
                "not_ai_system" => Some(Decision::NotAiSystem),
                "out_of_scope" => Some(Decision::OutOfScope),
                "derived" => Some(Decision::Derived),
                _ => {
                    self.err_help(
                        n,
                        "pack.decides",
                        format!("{what}: unknown decision `{s}`"),
                        format!("expected {expected}"),
                    );
                    None
                }
            },
            NodeValue::Map(entries) if entries.len() == 1 => {
                let (k, v) = &entries[0];
                let val = v.as_str().unwrap_or_default();
                match k.as_str() {
                    Some("tier") => match TierLevel::parse(val) {
                        Some(t) => Some(Decision::Tier(t)),
                        None => {
                            self.err(v, "pack.decides", format!("{what}: a rule decides tier prohibited, high_risk or limited_risk"));
                            None
                        }
                    },
                    Some("gpai") => match GpaiLevel::parse(val) {
                        Some(g) => Some(Decision::Gpai(g)),
                        None => {
                            self.err(
                                v,
                                "pack.decides",
                                format!("{what}: a rule decides gpai or gpai_systemic_risk"),
                            );
                            None
                        }
                    },
                    Some("obligation") if valid_id(val) => {
                        Some(Decision::Obligation(val.to_string()))
                    }
                    _ => {
                        self.err_help(
                            n,
                            "pack.decides",
                            format!("{what}: `decides` has the wrong shape"),
                            format!("expected {expected}"),
                        );
                        None
                    }
                }
            }
            _ => {
                self.err_help(
                    n,
                    "pack.decides",
                    format!("{what}: `decides` has the wrong shape"),
                    format!("expected {expected}"),
                );
                None
            }
        }
    }

    fn rule_test(&mut self, case: &Node, what: &str, index: usize) -> Option<RuleTest> {
        let Some(map) = case.as_map() else {
            self.err(
                case,
                "pack.shape",
                format!("{what}: a test is a mapping with facts and expect"),
            );
            return None;
        };
        self.check_keys(map, TEST_KEYS, "test");
        let name = self
            .string(case, "name", false, what)
            .unwrap_or_else(|| format!("case {}", index + 1));
        let mut facts = Vec::new();
        if let Some(f) = case.get("facts") {
            match f.as_map() {
                Some(entries) => {
                    for (k, v) in entries {
                        match k.scalar_text() {
                            Some(id) => {
                                // Converted once the whole catalogue is known.
                                facts.push((id, raw_value(v)));
                            }
                            None => {
                                self.err(
                                    k,
                                    "pack.type",
                                    format!("{what}: test fact ids must be strings"),
                                );
                            }
                        }
                    }
                }
                None => {
                    if f.value != NodeValue::Null {
                        self.err(
                            f,
                            "pack.shape",
                            format!("{what}: test `facts` must be a mapping"),
                        );
                    }
                }
            }
        }
        let expect = match case.get("expect") {
            None => None,
            Some(n) => match &n.value {
                NodeValue::Bool(true) => Some(crate::decide::logic::Tri::True),
                NodeValue::Bool(false) => Some(crate::decide::logic::Tri::False),
                NodeValue::Str(s) if s == "unknown" => Some(crate::decide::logic::Tri::Unknown),
                _ => {
                    self.err(
                        n,
                        "pack.type",
                        format!("{what}: `expect` is true, false or unknown"),
                    );
                    None
                }
            },
        };
        let tier = self.string(case, "tier", false, what);
        if let (Some(t), Some(n)) = (&tier, case.get("tier"))
            && !TIERS.contains(&t.as_str())
        {
            self.err_help(
                n,
                "pack.type",
                format!("{what}: unknown tier `{t}`"),
                format!("expected one of: {}", TIERS.join(", ")),
            );
        }
        let gpai = self.string(case, "gpai", false, what);
        if let (Some(g), Some(n)) = (&gpai, case.get("gpai"))
            && !GPAIS.contains(&g.as_str())
        {
            self.err_help(
                n,
                "pack.type",
                format!("{what}: unknown gpai status `{g}`"),
                format!("expected one of: {}", GPAIS.join(", ")),
            );
        }
        let as_of = case.get("as_of").and_then(|n| self.date(n));
        let law = match case.get("law") {
            None => None,
            Some(n) => match n.as_str().and_then(Law::parse) {
                Some(l) => Some(l),
                None => {
                    self.err(
                        n,
                        "pack.type",
                        format!("{what}: test `law` is original or amended"),
                    );
                    None
                }
            },
        };
        let kind = self.string(case, "kind", false, what);
        if expect.is_none()
            && tier.is_none()
            && gpai.is_none()
            && case.get("obligations").is_none()
            && case.get("not_obligations").is_none()
        {
            self.err(case, "pack.missing", format!("{what}: a test needs `expect` (or tier, gpai, obligations): a test that checks nothing cannot fail"));
        }
        Some(RuleTest {
            name,
            facts,
            kind,
            as_of,
            law,
            expect,
            tier,
            gpai,
            obligations: self.string_list(case, "obligations", what),
            not_obligations: self.string_list(case, "not_obligations", what),
            source: self.source(case),
        })
    }

    fn date_spec(&mut self, n: &Node, allow_cases: bool) -> Option<DateSpec> {
        match &n.value {
            NodeValue::Str(s) => match s.trim().parse::<Date>() {
                Ok(d) => Some(DateSpec::Fixed(d)),
                Err(_) => {
                    if valid_id(s) {
                        // Checked against the named dates at the end.
                        Some(DateSpec::Named(s.clone()))
                    } else {
                        self.err(
                            n,
                            "pack.date",
                            format!("expected a date YYYY-MM-DD or a named date, found `{s}`"),
                        );
                        None
                    }
                }
            },
            NodeValue::Map(entries) => {
                let mut original = None;
                let mut amended = None;
                for (k, v) in entries {
                    match k.as_str() {
                        Some("original") => original = self.date(v),
                        Some("amended") => amended = self.date(v),
                        _ => {
                            self.err(
                                k,
                                "pack.date",
                                "a per-text date has keys `original` and `amended`",
                            );
                        }
                    }
                }
                Some(DateSpec::PerLaw { original, amended })
            }
            NodeValue::Seq(items) if allow_cases => {
                let mut cases = Vec::new();
                for it in items {
                    if it.as_map().is_none() {
                        self.err(
                            it,
                            "pack.date",
                            "a date case is a mapping with `when` (optional) and `date`",
                        );
                        continue;
                    }
                    let when = match it.get("when") {
                        Some(c) => {
                            let cond = self.condition(c);
                            if let Some(cond) = &cond {
                                self.pending_conditions.push((cond.clone(), self.source(c)));
                            }
                            cond
                        }
                        None => None,
                    };
                    match it.get("date").and_then(|d| self.date_spec(d, false)) {
                        Some(date) => cases.push(DateCase { when, date }),
                        None => {
                            self.err(it, "pack.date", "a date case needs `date`");
                        }
                    }
                }
                Some(DateSpec::Cases(cases))
            }
            _ => {
                self.err(n, "pack.date", format!("expected a date, a named date, {{original:, amended:}} or a list of cases, found {}", n.kind()));
                None
            }
        }
    }

    fn condition(&mut self, n: &Node) -> Option<Condition> {
        const FORMS: &str = "a fact id, true/false, or a mapping with one of: fact (+ equals|in|gt|gte|lt|lte|exists), role, rule, tier, gpai, kind, as_of, all, any, not, first_known";
        match &n.value {
            NodeValue::Bool(b) => Some(Condition::Const(*b)),
            NodeValue::Str(s) => Some(Condition::Fact {
                id: s.clone(),
                test: FactTest::IsTrue,
            }),
            NodeValue::Map(entries) => {
                let keys: Vec<&str> = entries.iter().filter_map(|(k, _)| k.as_str()).collect();
                if keys.contains(&"fact") {
                    return self.fact_condition(n, entries);
                }
                if entries.len() != 1 {
                    self.err_help(
                        n,
                        "pack.condition",
                        "a condition mapping has exactly one operator",
                        FORMS,
                    );
                    return None;
                }
                let (k, v) = &entries[0];
                match k.as_str().unwrap_or_default() {
                    "all" | "any" | "first_known" => {
                        let Some(items) = v.as_seq() else {
                            self.err(
                                v,
                                "pack.condition",
                                format!(
                                    "`{}` takes a list of conditions",
                                    k.as_str().unwrap_or_default()
                                ),
                            );
                            return None;
                        };
                        if items.is_empty() {
                            self.err(v, "pack.condition", "an empty list decides nothing");
                            return None;
                        }
                        let mut cs = Vec::new();
                        for it in items {
                            cs.push(self.condition(it)?);
                        }
                        Some(match k.as_str().unwrap_or_default() {
                            "all" => Condition::All(cs),
                            "any" => Condition::Any(cs),
                            _ => Condition::FirstKnown(cs),
                        })
                    }
                    "not" => Some(Condition::Not(Box::new(self.condition(v)?))),
                    "role" => {
                        let roles = match &v.value {
                            NodeValue::Str(s) => vec![s.clone()],
                            NodeValue::Seq(items) => items
                                .iter()
                                .filter_map(|i| i.as_str().map(String::from))
                                .collect(),
                            _ => Vec::new(),
                        };
                        if roles.is_empty() {
                            self.err(
                                v,
                                "pack.condition",
                                "`role` takes a role or a list of roles",
                            );
                            return None;
                        }
                        Some(Condition::Role(roles))
                    }
                    "rule" => match v.as_str() {
                        Some(r) => Some(Condition::Rule(r.to_string())),
                        None => {
                            self.err(v, "pack.condition", "`rule` takes a rule id");
                            None
                        }
                    },
                    "tier" => match v.as_str().and_then(TierLevel::parse) {
                        Some(t) => Some(Condition::Tier(t)),
                        None => {
                            self.err(
                                v,
                                "pack.condition",
                                "`tier` takes prohibited, high_risk or limited_risk",
                            );
                            None
                        }
                    },
                    "gpai" => match v.as_str().and_then(GpaiLevel::parse) {
                        Some(g) => Some(Condition::Gpai(g)),
                        None => {
                            self.err(
                                v,
                                "pack.condition",
                                "`gpai` takes gpai or gpai_systemic_risk",
                            );
                            None
                        }
                    },
                    "kind" => match v.as_str() {
                        Some("system") => {
                            Some(Condition::Kind(crate::decide::engine::Kind::System))
                        }
                        Some("model") => Some(Condition::Kind(crate::decide::engine::Kind::Model)),
                        _ => {
                            self.err(v, "pack.condition", "`kind` takes system or model");
                            None
                        }
                    },
                    "as_of" => {
                        let Some(m) = v.as_map() else {
                            self.err(
                                v,
                                "pack.condition",
                                "`as_of` takes {gte: DATE} (or gt, lt, lte)",
                            );
                            return None;
                        };
                        if m.len() != 1 {
                            self.err(v, "pack.condition", "`as_of` takes exactly one comparison");
                            return None;
                        }
                        let cmp = match m[0].0.as_str() {
                            Some("gt") => Cmp::Gt,
                            Some("gte") => Cmp::Gte,
                            Some("lt") => Cmp::Lt,
                            Some("lte") => Cmp::Lte,
                            _ => {
                                self.err(
                                    &m[0].0,
                                    "pack.condition",
                                    "`as_of` compares with gt, gte, lt or lte",
                                );
                                return None;
                            }
                        };
                        let d = self.date(&m[0].1)?;
                        Some(Condition::AsOf(cmp, d))
                    }
                    other => {
                        let ops = [
                            "all",
                            "any",
                            "not",
                            "first_known",
                            "fact",
                            "role",
                            "rule",
                            "tier",
                            "gpai",
                            "as_of",
                        ];
                        let help = match did_you_mean(other, ops) {
                            Some(s) => format!("did you mean `{s}`? expected {FORMS}"),
                            None => format!("expected {FORMS}"),
                        };
                        self.err_help(
                            k,
                            "pack.condition",
                            format!("unknown condition operator `{other}`"),
                            help,
                        );
                        None
                    }
                }
            }
            _ => {
                self.err_help(
                    n,
                    "pack.condition",
                    format!("a condition cannot be {}", n.kind()),
                    FORMS,
                );
                None
            }
        }
    }

    fn fact_condition(&mut self, n: &Node, entries: &[(Node, Node)]) -> Option<Condition> {
        let mut id = None;
        let mut test = None;
        for (k, v) in entries {
            let key = k.as_str().unwrap_or_default();
            let t = match key {
                "fact" => {
                    id = v.as_str().map(String::from);
                    if id.is_none() {
                        self.err(v, "pack.condition", "`fact` takes a fact id");
                    }
                    continue;
                }
                "equals" => FactTest::Equals(raw_value(v)),
                "in" => match v.as_seq() {
                    Some(items) => FactTest::In(items.iter().map(raw_value).collect()),
                    None => {
                        self.err(v, "pack.condition", "`in` takes a list of values");
                        return None;
                    }
                },
                "gt" | "gte" | "lt" | "lte" => {
                    let cmp = match key {
                        "gt" => Cmp::Gt,
                        "gte" => Cmp::Gte,
                        "lt" => Cmp::Lt,
                        _ => Cmp::Lte,
                    };
                    let val = raw_value(v);
                    if !matches!(val, Value::Number(_) | Value::Date(_)) {
                        self.err(
                            v,
                            "pack.condition",
                            format!("`{key}` compares with a number or a date"),
                        );
                        return None;
                    }
                    FactTest::Compare(cmp, val)
                }
                "exists" => match v.value {
                    NodeValue::Bool(true) => FactTest::Exists,
                    _ => {
                        self.err(
                            v,
                            "pack.condition",
                            "`exists` takes true (use not: for the opposite)",
                        );
                        return None;
                    }
                },
                other => {
                    let help = did_you_mean(
                        other,
                        ["equals", "in", "gt", "gte", "lt", "lte", "exists"],
                    )
                    .map(|s| format!("did you mean `{s}`?"))
                    .unwrap_or_else(|| {
                        "a fact condition takes one of: equals, in, gt, gte, lt, lte, exists".into()
                    });
                    self.err_help(
                        k,
                        "pack.condition",
                        format!("unknown fact test `{other}`"),
                        help,
                    );
                    return None;
                }
            };
            if test.is_some() {
                self.err(
                    n,
                    "pack.condition",
                    "a fact condition takes one test (use all: to combine)",
                );
                return None;
            }
            test = Some(t);
        }
        Some(Condition::Fact {
            id: id?,
            test: test.unwrap_or(FactTest::IsTrue),
        })
    }

    /// Checks that need the whole pack: fact ids, rule references, types, cycles, dates.
    fn finish(mut self) -> Result<Pack, Vec<Diagnostic>> {
        let conditions = std::mem::take(&mut self.pending_conditions);
        for (cond, src) in &conditions {
            self.check_condition(cond, src);
        }
        self.check_dates();
        self.check_cycles();
        let tests = std::mem::take(&mut self.pending_tests);
        let mut converted: HashMap<(String, usize), Vec<(String, Value)>> = HashMap::new();
        for (rule_id, t) in &tests {
            let mut facts = Vec::new();
            for (id, raw) in &t.facts {
                match self.pack.facts.get(id) {
                    None => {
                        let help = did_you_mean(id, self.pack.facts.keys().map(|s| s.as_str()))
                            .map(|s| format!("did you mean `{s}`?"))
                            .unwrap_or_else(|| "declare it under `facts:`".into());
                        self.errors.push(
                            Diagnostic::error(
                                "pack.unknown_fact",
                                t.source.file.clone(),
                                t.source.line,
                                t.source.column,
                                format!("rule `{rule_id}`, test `{}`: unknown fact `{id}`", t.name),
                            )
                            .with_help(help),
                        );
                    }
                    Some(def) => match coerce(raw, def) {
                        Ok(v) => facts.push((id.clone(), v)),
                        Err(msg) => self.errors.push(Diagnostic::error(
                            "pack.type",
                            t.source.file.clone(),
                            t.source.line,
                            t.source.column,
                            format!("rule `{rule_id}`, test `{}`: fact `{id}`: {msg}", t.name),
                        )),
                    },
                }
            }
            let key = (rule_id.clone(), t.source.line as usize);
            converted.insert(key, facts);
        }
        for rule in &mut self.pack.rules {
            for t in &mut rule.tests {
                if let Some(f) = converted.remove(&(rule.id.clone(), t.source.line as usize)) {
                    t.facts = f;
                }
            }
        }
        if self.pack.name.is_empty() {
            self.pack.name = "aiact-default".into();
        }
        if self.errors.is_empty() {
            Ok(self.pack)
        } else {
            self.errors.sort_by(|a, b| {
                (&a.file, a.line, a.column, &a.message)
                    .cmp(&(&b.file, b.line, b.column, &b.message))
            });
            self.errors.dedup();
            Err(self.errors)
        }
    }

    fn push_at(&mut self, src: &Source, code: &str, msg: String, help: Option<String>) {
        let mut d = Diagnostic::error(code, src.file.clone(), src.line, src.column, msg);
        if let Some(h) = help {
            d = d.with_help(h);
        }
        self.errors.push(d);
    }

    fn check_condition(&mut self, cond: &Condition, src: &Source) {
        let mut problems: Vec<(String, Option<String>, &'static str)> = Vec::new();
        cond.walk(&mut |c| match c {
            Condition::Fact { id, test } => match self.pack.facts.get(id) {
                None => {
                    let help = did_you_mean(id, self.pack.facts.keys().map(|s| s.as_str()))
                        .map(|s| format!("did you mean `{s}`?"))
                        .or_else(|| {
                            Some("declare the fact under `facts:` with its question".into())
                        });
                    problems.push((format!("unknown fact `{id}`"), help, "pack.unknown_fact"));
                }
                Some(def) => {
                    if let Some(msg) = check_test(test, def) {
                        problems.push((format!("fact `{id}`: {msg}"), None, "pack.type"));
                    }
                }
            },
            Condition::Rule(r) if self.pack.rule(r).is_none() => {
                let help = did_you_mean(r, self.pack.rules.iter().map(|r| r.id.as_str()))
                    .map(|s| format!("did you mean `{s}`?"));
                problems.push((format!("unknown rule `{r}`"), help, "pack.unknown_rule"));
            }
            Condition::Role(roles) => {
                let choices = self
                    .pack
                    .facts
                    .get("role")
                    .map(|d| d.choices.clone())
                    .unwrap_or_default();
                for r in roles {
                    if !choices.contains(r) {
                        let help = did_you_mean(r, choices.iter().map(|s| s.as_str()))
                            .map(|s| format!("did you mean `{s}`?"));
                        problems.push((format!("unknown role `{r}`"), help, "pack.type"));
                    }
                }
            }
            _ => {}
        });
        for (msg, help, code) in problems {
            self.push_at(src, code, msg, help);
        }
    }

    fn check_dates(&mut self) {
        let names: BTreeSet<String> = self.pack.dates.keys().cloned().collect();
        let mut problems = Vec::new();
        for rule in &self.pack.rules {
            if let Some(spec) = &rule.applies_from {
                collect_named(spec, &mut |name| {
                    if !names.contains(name) {
                        let help = did_you_mean(name, names.iter().map(|s| s.as_str()))
                            .map(|s| format!("did you mean `{s}`?"))
                            .unwrap_or_else(|| "name it under `dates:` in pack.yaml".into());
                        problems.push((
                            rule.source.clone(),
                            format!("rule `{}`: unknown named date `{name}`", rule.id),
                            help,
                        ));
                    }
                });
            }
        }
        for (name, spec) in &self.pack.dates {
            if matches!(spec, DateSpec::Named(_) | DateSpec::Cases(_)) {
                problems.push((
                    Source::default(),
                    format!("named date `{name}` must be a date or {{original:, amended:}}"),
                    String::new(),
                ));
            }
        }
        for (src, msg, help) in problems {
            self.push_at(&src, "pack.date", msg, (!help.is_empty()).then_some(help));
        }
    }

    /// Rules may read each other; a cycle would make a result depend on itself.
    fn check_cycles(&mut self) {
        let index: HashMap<&str, usize> = self
            .pack
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), i))
            .collect();
        let deps: Vec<Vec<usize>> = self
            .pack
            .rules
            .iter()
            .map(|r| {
                let mut out = BTreeSet::new();
                let mut add = |c: &Condition| match c {
                    Condition::Rule(id) => {
                        if let Some(i) = index.get(id.as_str()) {
                            out.insert(*i);
                        }
                    }
                    Condition::Tier(t) => {
                        for (i, o) in self.pack.rules.iter().enumerate() {
                            if o.decides == Decision::Tier(*t) {
                                out.insert(i);
                            }
                        }
                    }
                    Condition::Gpai(g) => {
                        for (i, o) in self.pack.rules.iter().enumerate() {
                            if crate::decide::engine::gpai_matches(*g, &o.decides) {
                                out.insert(i);
                            }
                        }
                    }
                    _ => {}
                };
                r.when.walk(&mut add);
                if let Some(spec) = &r.applies_from {
                    walk_date_conditions(spec, &mut |c| c.walk(&mut add));
                }
                out.into_iter().collect()
            })
            .collect();
        // Iterative DFS with colours.
        let n = deps.len();
        let mut colour = vec![0u8; n];
        let mut reported = BTreeSet::new();
        for start in 0..n {
            if colour[start] != 0 {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            colour[start] = 1;
            while let Some((node, next)) = stack.last().copied() {
                if next < deps[node].len() {
                    if let Some(top) = stack.last_mut() {
                        top.1 += 1;
                    }
                    let d = deps[node][next];
                    match colour[d] {
                        0 => {
                            colour[d] = 1;
                            stack.push((d, 0));
                        }
                        1 => {
                            let pos = stack.iter().position(|(x, _)| *x == d).unwrap_or(0);
                            let cycle: Vec<String> = stack[pos..]
                                .iter()
                                .map(|(x, _)| self.pack.rules[*x].id.clone())
                                .collect();
                            if reported.insert(cycle.iter().min().cloned().unwrap_or_default()) {
                                let src = self.pack.rules[d].source.clone();
                                let msg = format!(
                                    "rules depend on each other in a cycle: {} -> {}",
                                    cycle.join(" -> "),
                                    self.pack.rules[d].id
                                );
                                self.push_at(&src, "pack.cycle", msg, Some("a rule may not read its own result through `rule:`, `tier:` or `gpai:`".into()));
                            }
                        }
                        _ => {}
                    }
                } else {
                    colour[node] = 2;
                    stack.pop();
                }
            }
        }
    }
}

fn collect_named(spec: &DateSpec, f: &mut dyn FnMut(&str)) {
    match spec {
        DateSpec::Named(n) => f(n),
        DateSpec::Cases(cases) => {
            for c in cases {
                collect_named(&c.date, f);
            }
        }
        _ => {}
    }
}

pub(crate) fn walk_date_conditions<'a>(spec: &'a DateSpec, f: &mut dyn FnMut(&'a Condition)) {
    if let DateSpec::Cases(cases) = spec {
        for c in cases {
            if let Some(w) = &c.when {
                f(w);
            }
            walk_date_conditions(&c.date, f);
        }
    }
}

fn check_test(test: &FactTest, def: &FactDef) -> Option<String> {
    match (test, def.ty) {
        (FactTest::IsTrue, FactType::Bool) => None,
        (FactTest::IsTrue, t) => Some(format!(
            "is a {} fact; test it with equals, in, gt, gte, lt, lte or exists",
            t.as_str()
        )),
        (FactTest::Exists, _) => None,
        (FactTest::Compare(_, Value::Number(_)), FactType::Number) => None,
        (FactTest::Compare(_, Value::Date(_)), FactType::Date) => None,
        (FactTest::Compare(_, _), t) => Some(format!(
            "is a {} fact; gt/gte/lt/lte compare numbers with numbers and dates with dates",
            t.as_str()
        )),
        (FactTest::Equals(v), _) => coerce(v, def).err(),
        (FactTest::In(vs), _) => vs.iter().find_map(|v| coerce(v, def).err()),
    }
}

fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
        && !s.starts_with('.')
        && !s.ends_with('.')
}

/// A YAML scalar as a value, before its type is known.
fn raw_value(n: &Node) -> Value {
    match &n.value {
        NodeValue::Bool(b) => Value::Bool(*b),
        NodeValue::Int(i) => Value::Number(*i as f64),
        NodeValue::Float(f) => Value::Number(*f),
        NodeValue::Str(s) if s == "unknown" => Value::Unknown,
        NodeValue::Str(s) => match s.trim().parse::<Date>() {
            Ok(d) => Value::Date(d),
            Err(_) => Value::Str(s.clone()),
        },
        NodeValue::Seq(items) => {
            Value::List(items.iter().filter_map(|i| i.scalar_text()).collect())
        }
        NodeValue::Null | NodeValue::Map(_) => Value::Unknown,
    }
}

/// Convert a YAML node to a value of a fact's type.
pub fn convert_value(n: &Node, def: &FactDef) -> Result<Value, String> {
    if matches!(n.value, NodeValue::Map(_)) {
        return Err(format!(
            "expected a {} value, found a mapping",
            def.ty.as_str()
        ));
    }
    if matches!(n.value, NodeValue::Null) {
        return Err(format!(
            "expected a {} value (or `unknown`), found nothing",
            def.ty.as_str()
        ));
    }
    if let NodeValue::Str(s) = &n.value
        && def.ty == FactType::String
    {
        return Ok(Value::Str(s.clone()));
    }
    coerce(&raw_value(n), def)
}

/// Check (and where unambiguous convert) a value against a fact's type.
pub fn coerce(v: &Value, def: &FactDef) -> Result<Value, String> {
    if v.is_unknown() {
        return Ok(Value::Unknown);
    }
    match (def.ty, v) {
        (FactType::Bool, Value::Bool(_)) => Ok(v.clone()),
        (FactType::Number, Value::Number(n)) if n.is_finite() => Ok(v.clone()),
        (FactType::Number, Value::Str(s)) => match parse_number(s) {
            Some(n) => Ok(Value::Number(n)),
            None => Err(format!(
                "expected a number (for example 3.1e24), found `{s}`"
            )),
        },
        (FactType::Date, Value::Date(_)) => Ok(v.clone()),
        (FactType::String, Value::Str(_)) => Ok(v.clone()),
        (FactType::String, Value::Number(_) | Value::Bool(_) | Value::Date(_)) => {
            Ok(Value::Str(v.to_string()))
        }
        (FactType::Choice, Value::Str(s)) => {
            if def.choices.contains(s) {
                Ok(Value::List(vec![s.clone()]))
            } else {
                Err(choice_error(s, def))
            }
        }
        (FactType::Choice, Value::List(items)) => {
            for s in items {
                if !def.choices.contains(s) {
                    return Err(choice_error(s, def));
                }
            }
            let mut items = items.clone();
            items.sort();
            items.dedup();
            Ok(Value::List(items))
        }
        (ty, other) => Err(format!(
            "expected a {} value, found {} `{other}`",
            ty.as_str(),
            article(other.type_name())
        )),
    }
}

fn article(t: &str) -> String {
    match t {
        "unknown" => "unknown".into(),
        _ => format!("a {t}"),
    }
}

fn choice_error(s: &str, def: &FactDef) -> String {
    match did_you_mean(s, def.choices.iter().map(|c| c.as_str())) {
        Some(m) => format!(
            "`{s}` is not one of {}; did you mean `{m}`?",
            def.choices.join(", ")
        ),
        None => format!("`{s}` is not one of {}", def.choices.join(", ")),
    }
}

/// Numbers as people write them: 3.1e24, 1_000_000, 7,000,000.
fn parse_number(s: &str) -> Option<f64> {
    let cleaned: String = s
        .trim()
        .chars()
        .filter(|c| *c != '_' && *c != ',')
        .collect();
    cleaned.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Sorted list of every fact id a pack knows, for "did you mean".
pub fn fact_ids(pack: &Pack) -> Vec<&str> {
    pack.facts.keys().map(|s| s.as_str()).collect()
}
