pub mod diag;
pub mod facts;
pub mod yaml;
