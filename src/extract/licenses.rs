//! What a licence says about "free and open-source" (Art. 2(12), Art. 53(2), rec. 102-104).
//!
//! Conservative on purpose: only well-known OSI-approved licences count as open source;
//! licences with use restrictions (RAIL, the Llama and other community licences,
//! non-commercial terms) are known not to qualify; anything else is unknown.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LicenceClass {
    /// OSI-approved open-source licence.
    OpenSource,
    /// Restricts use (field of use, user count, non-commercial, acceptable-use policy):
    /// not free and open-source in the Act's sense (rec. 103).
    Restrictive,
    Unknown,
}

/// OSI-approved licences, by lower-case SPDX id.
const OSI: &[&str] = &[
    "0bsd",
    "afl-3.0",
    "agpl-3.0",
    "agpl-3.0-only",
    "agpl-3.0-or-later",
    "apache-1.1",
    "apache-2.0",
    "artistic-2.0",
    "bsd-2-clause",
    "bsd-3-clause",
    "bsd-3-clause-clear",
    "bsl-1.0",
    "ecl-2.0",
    "epl-1.0",
    "epl-2.0",
    "eupl-1.1",
    "eupl-1.2",
    "gpl-2.0",
    "gpl-2.0-only",
    "gpl-2.0-or-later",
    "gpl-3.0",
    "gpl-3.0-only",
    "gpl-3.0-or-later",
    "isc",
    "lgpl-2.1",
    "lgpl-2.1-only",
    "lgpl-2.1-or-later",
    "lgpl-3.0",
    "lgpl-3.0-only",
    "lgpl-3.0-or-later",
    "mit",
    "mit-0",
    "mpl-2.0",
    "ms-pl",
    "ncsa",
    "osl-3.0",
    "postgresql",
    "psf-2.0",
    "unlicense",
    "upl-1.0",
    "zlib",
];

/// Substrings of licence ids or names that restrict use.
const RESTRICTIVE: &[&str] = &[
    "rail",
    "llama",
    "gemma",
    "deepseek",
    "-nc",
    "noncommercial",
    "non-commercial",
    "-nd",
    "research-only",
    "community",
    "tongyi",
    "qwen",
    "chatglm",
    "glm-4",
    "bigscience",
    "openrail",
    "apple-",
    "nvidia-open-model",
    "falcon",
    "yi-license",
    "baichuan",
    "internlm",
    "acceptable use",
];

/// Normalise a licence string: lower case, spaces to dashes, "apache 2.0" → "apache-2.0".
pub fn normalise(s: &str) -> String {
    let t = s.trim().to_ascii_lowercase();
    let t = t
        .trim_start_matches("https://spdx.org/licenses/")
        .trim_end_matches(".html");
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        out.push(if c.is_whitespace() || c == '_' {
            '-'
        } else {
            c
        });
    }
    match out.as_str() {
        "apache-license-2.0"
        | "apache-2"
        | "apache2"
        | "apache-license-version-2.0"
        | "apache-license,-version-2.0" => "apache-2.0".into(),
        "mit-license" => "mit".into(),
        _ => out,
    }
}

pub fn classify(licence: &str) -> LicenceClass {
    let n = normalise(licence);
    if n.is_empty() {
        return LicenceClass::Unknown;
    }
    // An SPDX expression: "MIT OR Apache-2.0" is open source if every alternative... we
    // need only one open alternative for OR, all parts for AND.
    if n.contains("-or-") && !n.ends_with("-or-later") {
        let parts: Vec<&str> = n.split("-or-").collect();
        if parts
            .iter()
            .any(|p| classify(p) == LicenceClass::OpenSource)
        {
            return LicenceClass::OpenSource;
        }
    }
    if OSI.contains(&n.as_str()) {
        return LicenceClass::OpenSource;
    }
    if n == "other" || RESTRICTIVE.iter().any(|r| n.contains(r)) {
        return LicenceClass::Restrictive;
    }
    LicenceClass::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert_eq!(classify("apache-2.0"), LicenceClass::OpenSource);
        assert_eq!(classify("Apache 2.0"), LicenceClass::OpenSource);
        assert_eq!(classify("MIT OR Apache-2.0"), LicenceClass::OpenSource);
        assert_eq!(
            classify("https://spdx.org/licenses/MIT"),
            LicenceClass::OpenSource
        );
        assert_eq!(
            classify("bigscience-bloom-rail-1.0"),
            LicenceClass::Restrictive
        );
        assert_eq!(classify("creativeml-openrail-m"), LicenceClass::Restrictive);
        assert_eq!(classify("llama3.1"), LicenceClass::Restrictive);
        assert_eq!(classify("cc-by-nc-4.0"), LicenceClass::Restrictive);
        assert_eq!(classify("other"), LicenceClass::Restrictive);
        assert_eq!(
            classify("tencent-hunyuanworld-voyager-community"),
            LicenceClass::Restrictive
        );
        assert_eq!(classify("cc-by-4.0"), LicenceClass::Unknown);
        assert_eq!(classify("GPL-3.0-or-later"), LicenceClass::OpenSource);
    }
}
