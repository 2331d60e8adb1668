//! Cron schedules: standard 5-field expressions (`minute hour day-of-month
//! month day-of-week`, UTC) with `*`, lists (`1,15`), ranges (`1-5`) and
//! steps (`*/15`, `10-50/20`), plus `@hourly`, `@daily`, `@weekly`,
//! `@monthly` and `@yearly`. Day of week is 0-7 (0 and 7 are Sunday). As in
//! cron, when both day fields are restricted a day matches either.

use super::time::civil_from_days;
use super::SimTime;
use std::fmt;

const NANOS_PER_MINUTE: u64 = 60 * 1_000_000_000;
const MINUTES_PER_DAY: u64 = 24 * 60;
/// How far ahead a slot is searched for (covers every leap-day schedule).
const SEARCH_DAYS: i64 = 8 * 366;

/// A parsed cron schedule: the allowed values of each field as bit sets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CronSchedule {
    minutes: u64,
    hours: u64,
    days_of_month: u64,
    months: u64,
    days_of_week: u64,
    day_of_month_restricted: bool,
    day_of_week_restricted: bool,
}

/// Why a cron expression was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CronError(String);

impl fmt::Display for CronError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CronError {}

/// One field's name and allowed range.
struct Field {
    name: &'static str,
    min: u32,
    max: u32,
}

const FIELDS: [Field; 5] = [
    Field {
        name: "minute",
        min: 0,
        max: 59,
    },
    Field {
        name: "hour",
        min: 0,
        max: 23,
    },
    Field {
        name: "day of month",
        min: 1,
        max: 31,
    },
    Field {
        name: "month",
        min: 1,
        max: 12,
    },
    Field {
        name: "day of week",
        min: 0,
        max: 7,
    },
];

impl CronSchedule {
    /// Parses a 5-field expression or a `@` shorthand.
    pub fn parse(text: &str) -> Result<CronSchedule, CronError> {
        let expanded = match text.trim() {
            "@yearly" | "@annually" => "0 0 1 1 *",
            "@monthly" => "0 0 1 * *",
            "@weekly" => "0 0 * * 0",
            "@daily" | "@midnight" => "0 0 * * *",
            "@hourly" => "0 * * * *",
            other => other,
        };
        let parts: Vec<&str> = expanded.split_whitespace().collect();
        if parts.len() != 5 {
            return Err(CronError(format!(
                "cron schedule {text:?} has {} fields; expected 5 (minute hour day-of-month month day-of-week)",
                parts.len()
            )));
        }
        let mut sets = [0u64; 5];
        for (i, (part, field)) in parts.iter().zip(&FIELDS).enumerate() {
            sets[i] = parse_field(part, field).map_err(|why| {
                CronError(format!(
                    "cron schedule {text:?}: {} field {part:?}: {why}",
                    field.name
                ))
            })?;
        }
        let mut days_of_week = sets[4];
        if days_of_week & (1 << 7) != 0 {
            days_of_week = (days_of_week & !(1 << 7)) | 1;
        }
        Ok(CronSchedule {
            minutes: sets[0],
            hours: sets[1],
            days_of_month: sets[2],
            months: sets[3],
            days_of_week,
            day_of_month_restricted: parts[2] != "*",
            day_of_week_restricted: parts[4] != "*",
        })
    }

    /// The first slot strictly after `after`, or `None` if the schedule
    /// never fires (e.g. `0 0 31 2 *`).
    pub fn next_after(&self, after: SimTime) -> Option<SimTime> {
        let first_minute = after.as_nanos() / NANOS_PER_MINUTE + 1;
        let first_day = (first_minute / MINUTES_PER_DAY) as i64;
        for day in first_day..first_day + SEARCH_DAYS {
            if !self.day_matches(day) {
                continue;
            }
            let day_start = day as u64 * MINUTES_PER_DAY;
            let from = first_minute.saturating_sub(day_start);
            for minute_of_day in from..MINUTES_PER_DAY {
                let (hour, minute) = (minute_of_day / 60, minute_of_day % 60);
                if self.hours & (1 << hour) != 0 && self.minutes & (1 << minute) != 0 {
                    let nanos = (day_start + minute_of_day).checked_mul(NANOS_PER_MINUTE)?;
                    return Some(SimTime(nanos));
                }
            }
        }
        None
    }

    /// Whether `at` is exactly one of the schedule's slots.
    pub fn is_slot(&self, at: SimTime) -> bool {
        at.as_nanos().is_multiple_of(NANOS_PER_MINUTE)
            && at.as_nanos() >= NANOS_PER_MINUTE
            && self.next_after(SimTime(at.as_nanos() - 1)) == Some(at)
    }

    fn day_matches(&self, day: i64) -> bool {
        let (_, month, day_of_month) = civil_from_days(day);
        // 1970-01-01 (day 0) was a Thursday (4).
        let day_of_week = (day + 4).rem_euclid(7) as u32;
        if self.months & (1 << month) == 0 {
            return false;
        }
        let by_month_day = self.days_of_month & (1 << day_of_month) != 0;
        let by_week_day = self.days_of_week & (1 << day_of_week) != 0;
        match (self.day_of_month_restricted, self.day_of_week_restricted) {
            (true, true) => by_month_day || by_week_day,
            _ => by_month_day && by_week_day,
        }
    }
}

/// One field: comma-separated items, each `*`, `n`, `a-b`, optionally `/step`.
fn parse_field(text: &str, field: &Field) -> Result<u64, String> {
    let mut set = 0u64;
    for item in text.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((range, step)) => {
                let step: u32 = step
                    .parse()
                    .map_err(|_| format!("step {step:?} is not a number"))?;
                if step == 0 {
                    return Err("step 0 is not allowed".into());
                }
                (range, step)
            }
            None => (item, 1),
        };
        let (low, high) = if range == "*" {
            (field.min, field.max)
        } else if let Some((a, b)) = range.split_once('-') {
            (value(a, field)?, value(b, field)?)
        } else {
            let v = value(range, field)?;
            (v, if item.contains('/') { field.max } else { v })
        };
        if low > high {
            return Err(format!("range {low}-{high} is backwards"));
        }
        for v in (low..=high).step_by(step as usize) {
            set |= 1 << v;
        }
    }
    Ok(set)
}

fn value(text: &str, field: &Field) -> Result<u32, String> {
    let v: u32 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))?;
    if v < field.min || v > field.max {
        return Err(format!("{v} is out of range {}-{}", field.min, field.max));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-01-01T00:00:00Z, a Thursday.
    fn at(minutes: u64) -> SimTime {
        SimTime(SimTime::START.as_nanos() + minutes * NANOS_PER_MINUTE)
    }

    #[test]
    fn every_minute_fires_at_the_next_minute_boundary() {
        let cron = CronSchedule::parse("* * * * *").unwrap();
        assert_eq!(cron.next_after(at(0)), Some(at(1)));
        assert_eq!(cron.next_after(SimTime(at(5).as_nanos() + 1)), Some(at(6)));
    }

    #[test]
    fn steps_lists_and_ranges_select_their_minutes() {
        let cron = CronSchedule::parse("*/15 * * * *").unwrap();
        assert_eq!(cron.next_after(at(1)), Some(at(15)));
        let cron = CronSchedule::parse("5,10-12 * * * *").unwrap();
        assert_eq!(cron.next_after(at(10)), Some(at(11)));
        assert_eq!(cron.next_after(at(12)), Some(at(65)));
        let cron = CronSchedule::parse("10-50/20 * * * *").unwrap();
        assert_eq!(cron.next_after(at(30)), Some(at(50)));
    }

    #[test]
    fn day_of_week_and_shorthands_follow_the_calendar() {
        // The first Monday after Thursday 2026-01-01 is 2026-01-05.
        let cron = CronSchedule::parse("0 9 * * 1").unwrap();
        assert_eq!(cron.next_after(at(0)), Some(at(4 * 1440 + 9 * 60)));
        let daily = CronSchedule::parse("@daily").unwrap();
        assert_eq!(daily.next_after(at(0)), Some(at(1440)));
        let sunday = CronSchedule::parse("0 0 * * 7").unwrap();
        assert_eq!(sunday.next_after(at(0)), Some(at(3 * 1440)));
    }

    #[test]
    fn restricted_day_fields_match_either() {
        // The 3rd of the month or a Saturday: Saturday 2026-01-03 is both; then Saturday the 10th.
        let cron = CronSchedule::parse("0 0 3 * 6").unwrap();
        assert_eq!(cron.next_after(at(0)), Some(at(2 * 1440)));
        assert_eq!(cron.next_after(at(2 * 1440)), Some(at(9 * 1440)));
    }

    #[test]
    fn impossible_dates_never_fire() {
        let cron = CronSchedule::parse("0 0 31 2 *").unwrap();
        assert_eq!(cron.next_after(at(0)), None);
    }

    #[test]
    fn is_slot_accepts_exact_slots_only() {
        let cron = CronSchedule::parse("*/5 * * * *").unwrap();
        assert!(cron.is_slot(at(10)));
        assert!(!cron.is_slot(at(11)));
        assert!(!cron.is_slot(SimTime(at(10).as_nanos() + 1)));
    }

    #[test]
    fn bad_expressions_are_rejected_with_the_field_named() {
        for (text, needle) in [
            ("* * * *", "has 4 fields"),
            ("60 * * * *", "minute field"),
            ("* 24 * * *", "hour field"),
            ("* * 0 * *", "day of month field"),
            ("* * * 13 *", "month field"),
            ("* * * * 8", "day of week field"),
            ("*/0 * * * *", "step 0"),
            ("5-1 * * * *", "backwards"),
            ("a * * * *", "not a number"),
        ] {
            let error = CronSchedule::parse(text).unwrap_err().to_string();
            assert!(error.contains(needle), "{text}: {error}");
        }
    }
}
