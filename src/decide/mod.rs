//! Decide: the rules engine and the rule packs it reads.

pub mod engine;
mod index;
pub mod logic;
pub mod outcome;
pub mod pack;
pub mod test_runner;
