//! Simulated time. There is no wall clock anywhere in the engine: time is an
//! integer count of nanoseconds since a fixed epoch, advanced by the scheduler.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, Sub};
pub use std::time::Duration;

/// Where every simulation starts: 2026-01-01T00:00:00Z, as Unix seconds.
pub const START_UNIX_SECS: u64 = 1_767_225_600;

/// A point in time: nanoseconds since the Unix epoch. Simulations start at
/// [`SimTime::START`]; imported histories keep their own real times.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SimTime(pub u64);

impl SimTime {
    /// The Unix epoch.
    pub const ZERO: SimTime = SimTime(0);
    /// The instant every simulation starts at (2026-01-01T00:00:00Z).
    pub const START: SimTime = SimTime(START_UNIX_SECS * 1_000_000_000);
    /// A time later than any real deadline.
    pub const MAX: SimTime = SimTime(u64::MAX);

    /// Nanoseconds since the Unix epoch.
    pub fn as_nanos(self) -> u64 {
        self.0
    }

    /// Seconds (with fraction) since the simulation start.
    pub fn secs_since_start(self) -> f64 {
        self.since(SimTime::START).as_secs_f64()
    }

    /// Time elapsed since `earlier` (zero if `earlier` is later).
    pub fn since(self, earlier: SimTime) -> Duration {
        Duration::from_nanos(self.0.saturating_sub(earlier.0))
    }

    /// RFC 3339 text in UTC with nanosecond precision where needed, e.g.
    /// `2026-01-01T00:00:01.5Z`.
    pub fn to_rfc3339(self) -> String {
        let total_secs = self.0 / 1_000_000_000;
        let nanos = self.0 % 1_000_000_000;
        let days = (total_secs / 86_400) as i64;
        let secs_of_day = total_secs % 86_400;
        let (y, m, d) = civil_from_days(days);
        let mut s = format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            secs_of_day / 3600,
            (secs_of_day / 60) % 60,
            secs_of_day % 60
        );
        if nanos != 0 {
            let frac = format!("{nanos:09}");
            s.push('.');
            s.push_str(frac.trim_end_matches('0'));
        }
        s.push('Z');
        s
    }
}

impl Add<Duration> for SimTime {
    type Output = SimTime;
    fn add(self, d: Duration) -> SimTime {
        SimTime(self.0.saturating_add(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)))
    }
}

impl Sub<Duration> for SimTime {
    type Output = SimTime;
    fn sub(self, d: Duration) -> SimTime {
        SimTime(self.0.saturating_sub(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)))
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian
/// (Howard Hinnant's `civil_from_days`).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = (z - era * 146_097) as u64;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe as i64 + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month, day) to days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = (y - era * 400) as u64;
    let mp = if m > 2 { m - 3 } else { m + 9 } as u64;
    let doy = (153 * mp + 2) / 5 + d as u64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe as i64 - 719_468
}

/// Shorthand for a duration of whole seconds.
pub const fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// Shorthand for a duration of whole milliseconds.
pub const fn millis(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A duration as Temporal prints it in JSON: seconds with a trailing `s`
/// (`"10s"`, `"0.500s"`).
pub fn duration_to_proto_string(d: Duration) -> String {
    let nanos = d.subsec_nanos();
    if nanos == 0 {
        format!("{}s", d.as_secs())
    } else {
        let frac = format!("{nanos:09}");
        format!("{}.{}s", d.as_secs(), frac.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_prints_as_new_year_2026() {
        assert_eq!(SimTime::START.to_rfc3339(), "2026-01-01T00:00:00Z");
        assert_eq!(SimTime::ZERO.to_rfc3339(), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn one_year_later_is_new_year_2027() {
        let t = SimTime::START + secs(365 * 86_400);
        assert_eq!(t.to_rfc3339(), "2027-01-01T00:00:00Z");
    }

    #[test]
    fn fractions_are_trimmed() {
        assert_eq!((SimTime::START + millis(1500)).to_rfc3339(), "2026-01-01T00:00:01.5Z");
    }

    #[test]
    fn civil_round_trips() {
        for days in [-800_000i64, -1, 0, 1, 20_454, 3_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn proto_durations() {
        assert_eq!(duration_to_proto_string(secs(10)), "10s");
        assert_eq!(duration_to_proto_string(millis(500)), "0.5s");
    }
}
