//! Diff: what changed between two audits (filled below).
