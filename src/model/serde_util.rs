//! Durations in files are written as text with a unit: `"250ms"`, `"10s"`,
//! `"5m"`, `"2h"`, `"365d"` (also `ns`, `us`). These helpers parse and print them.

use super::Duration;

/// Parses `"<number><unit>"` with unit one of ns, us, ms, s, m, h, d.
/// The number may have a fraction (`"1.5s"`). Negative or absurd values
/// (beyond 500 years) are rejected.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .ok_or_else(|| {
            format!("duration {text:?} has no unit (use ns, us, ms, s, m, h or d, e.g. \"10s\")")
        })?;
    let (num, unit) = t.split_at(split);
    if num.is_empty() {
        return Err(format!(
            "duration {text:?} must start with a non-negative number, e.g. \"10s\""
        ));
    }
    let value: f64 = num
        .parse()
        .map_err(|_| format!("duration {text:?} has a bad number"))?;
    let nanos_per_unit: f64 = match unit {
        "ns" => 1.0,
        "us" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        "m" => 60e9,
        "h" => 3600e9,
        "d" => 86_400e9,
        _ => {
            return Err(format!(
                "duration {text:?} has unknown unit {unit:?} (use ns, us, ms, s, m, h or d)"
            ))
        }
    };
    let nanos = value * nanos_per_unit;
    const MAX_NANOS: f64 = 500.0 * 365.0 * 86_400e9;
    if !nanos.is_finite() || nanos > MAX_NANOS {
        return Err(format!(
            "duration {text:?} is absurdly long (limit: 500 years)"
        ));
    }
    Ok(Duration::from_nanos(nanos.round() as u64))
}

/// Prints a duration in the largest unit that represents it exactly.
pub fn format_duration(d: Duration) -> String {
    let n = d.as_nanos();
    for (unit, size) in [
        ("d", 86_400_000_000_000u128),
        ("h", 3_600_000_000_000),
        ("m", 60_000_000_000),
        ("s", 1_000_000_000),
        ("ms", 1_000_000),
        ("us", 1_000),
    ] {
        if n >= size && n.is_multiple_of(size) {
            return format!("{}{unit}", n / size);
        }
    }
    if n == 0 {
        "0s".to_string()
    } else {
        format!("{n}ns")
    }
}

/// `#[serde(with = "serde_duration")]` for a `Duration` field.
pub mod serde_duration {
    use super::*;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Serializes as text with a unit.
    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_duration(*d))
    }

    /// Deserializes from text with a unit.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let text = String::deserialize(d)?;
        parse_duration(&text).map_err(serde::de::Error::custom)
    }
}

/// `#[serde(with = "serde_opt_duration")]` for an `Option<Duration>` field
/// (absent or `null` is `None`).
pub mod serde_opt_duration {
    use super::*;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Serializes `Some` as text with a unit, `None` as null.
    pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&format_duration(*d)),
            None => s.serialize_none(),
        }
    }

    /// Deserializes from text with a unit, or null.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        let text = Option::<String>::deserialize(d)?;
        text.map(|t| parse_duration(&t).map_err(serde::de::Error::custom))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units() {
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
        assert_eq!(
            parse_duration("365d").unwrap(),
            Duration::from_secs(365 * 86_400)
        );
    }

    #[test]
    fn rejects_bad_text() {
        assert!(parse_duration("10").is_err());
        assert!(parse_duration("-1s").is_err());
        assert!(parse_duration("5 parsecs").is_err());
        assert!(parse_duration("100000000d").is_err());
    }

    #[test]
    fn formats_in_largest_exact_unit() {
        assert_eq!(format_duration(Duration::from_secs(120)), "2m");
        assert_eq!(format_duration(Duration::from_millis(1500)), "1500ms");
        assert_eq!(format_duration(Duration::ZERO), "0s");
    }
}
