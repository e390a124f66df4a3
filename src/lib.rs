pub mod facts;
pub mod yaml;
