//! Gate: the CI verdict over a checked report (check → **gate**). `waivers` reads the waiver
//! file and marks what it covers, `policy` decides pass or fail, `model` is what the report
//! carries.

pub mod model;
pub mod policy;
pub mod waivers;
