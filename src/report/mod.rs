//! Report: render the report model. One module per output format.

pub mod json;
pub mod markdown;
pub mod model;
pub mod schema;
pub mod templates;
pub mod terminal;

pub use model::*;
