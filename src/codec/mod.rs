//! Ways to write histories down and read them back: the one-line-per-event
//! text format that snapshots, reports and the CLI print, and Temporal's own
//! proto3 JSON history format, so that Tempest histories can be compared with
//! (and checked like) histories from a real Temporal cluster.

pub mod compact;
pub mod rfc3339;
pub mod temporal_json;
pub mod text;

pub use temporal_json::{
    export_history, import_history, ImportError, ImportedHistory, UnmodelledItem,
};
pub use text::history_to_text;
