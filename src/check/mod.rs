//! Check: the evidence behind each obligation (decide → **check** → report). The catalogue
//! of what to look for is data (rules/evidence/checks.yaml); `outline` reads Markdown,
//! `evidence` matches documents to obligations, `model` is what the report carries.

pub mod catalogue;
pub mod evidence;
pub mod model;
pub mod outline;
