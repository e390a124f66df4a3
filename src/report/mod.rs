//! Report: render the report model. One module per output format.

pub mod html;
pub mod i18n;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod model;
pub mod sarif;
pub mod schema;
pub mod templates;
pub mod terminal;
pub mod untrusted;

pub use model::*;
