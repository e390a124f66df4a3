pub mod diag;
pub mod extract;
pub mod facts;
pub mod yaml;
