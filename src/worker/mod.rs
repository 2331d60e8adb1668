//! worker (under construction).
