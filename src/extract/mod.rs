//! Extract: turn files into facts with provenance, one module per source kind.

pub mod manifest;
