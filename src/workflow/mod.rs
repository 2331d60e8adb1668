//! workflow (under construction).
