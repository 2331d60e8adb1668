//! scenario (under construction).
