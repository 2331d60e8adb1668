//! codec (under construction).
