//! check (under construction).
