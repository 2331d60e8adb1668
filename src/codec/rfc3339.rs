//! A small, strict RFC 3339 timestamp parser for imported event times
//! (`2020-07-30T00:30:02.971655189Z`, `2024-01-01T10:00:00+02:00`). Printing
//! is [`SimTime::to_rfc3339`]; this is its inverse, without a date library.

use crate::model::{days_from_civil, SimTime};

/// Parses an RFC 3339 date-time into nanoseconds since the Unix epoch.
/// Fractions beyond nanoseconds are truncated; times before 1970 are rejected
/// because [`SimTime`] cannot hold them.
pub fn parse_rfc3339(text: &str) -> Result<SimTime, String> {
    let bad = || format!("{text:?} is not an RFC 3339 time like \"2026-01-01T00:00:00Z\"");
    let b = text.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err(bad());
    }
    let num = |range: std::ops::Range<usize>| -> Result<u32, String> {
        let part = &b[range];
        if part.iter().all(u8::is_ascii_digit) {
            Ok(part
                .iter()
                .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0')))
        } else {
            Err(bad())
        }
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return Err(bad());
    }
    let mut rest = &b[19..];
    let mut nanos: u64 = 0;
    if rest.first() == Some(&b'.') {
        let digits = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return Err(bad());
        }
        for (i, d) in rest[1..=digits].iter().enumerate() {
            if i < 9 {
                nanos = nanos * 10 + u64::from(d - b'0');
            }
        }
        for _ in digits..9 {
            nanos *= 10;
        }
        rest = &rest[1 + digits..];
    }
    let offset_secs: i64 = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let digits = [*h1, *h2, *m1, *m2];
            if !digits.iter().all(u8::is_ascii_digit) {
                return Err(bad());
            }
            let hours = i64::from((h1 - b'0') * 10 + (h2 - b'0'));
            let minutes = i64::from((m1 - b'0') * 10 + (m2 - b'0'));
            let magnitude = hours * 3600 + minutes * 60;
            if *sign == b'+' {
                magnitude
            } else {
                -magnitude
            }
        }
        _ => return Err(bad()),
    };
    let days = days_from_civil(i64::from(year), month, day);
    let secs = days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second)
        - offset_secs;
    let secs = u64::try_from(secs)
        .map_err(|_| format!("{text:?} is before 1970, which Tempest cannot represent"))?;
    secs.checked_mul(1_000_000_000)
        .map(|n| SimTime(n + nanos))
        .ok_or_else(|| format!("{text:?} is after 2554, which Tempest cannot represent"))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{millis, secs};

    #[test]
    fn parses_what_sim_time_prints() {
        for t in [
            SimTime::START,
            SimTime::START + millis(1500),
            SimTime::START + secs(365 * 86_400),
            SimTime(1),
        ] {
            assert_eq!(parse_rfc3339(&t.to_rfc3339()), Ok(t));
        }
    }

    #[test]
    fn nanosecond_fractions_are_exact() {
        let t = parse_rfc3339("2020-07-30T00:30:02.971655189Z").unwrap();
        assert_eq!(t.as_nanos() % 1_000_000_000, 971_655_189);
        assert_eq!(t.to_rfc3339(), "2020-07-30T00:30:02.971655189Z");
    }

    #[test]
    fn offsets_shift_to_utc() {
        assert_eq!(
            parse_rfc3339("2026-01-01T02:00:00+02:00"),
            Ok(SimTime::START)
        );
        assert_eq!(
            parse_rfc3339("2025-12-31T23:30:00-00:30"),
            Ok(SimTime::START)
        );
    }

    #[test]
    fn rejects_malformed_times() {
        for bad in [
            "",
            "2026-01-01",
            "2026-13-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-01-01T00:00:00",
            "1969-12-31T23:59:59Z",
            "2026-01-01T00:00:00.Z",
            "2026-01-01T0a:00:00Z",
            "9999-12-31T23:59:59Z",
        ] {
            assert!(parse_rfc3339(bad).is_err(), "{bad} was accepted");
        }
    }
}
