//! The pending activities of one run, by ActivityTaskScheduled id: a `Vec`
//! kept in id order. A run's new activity always has its highest id, so
//! scheduling one appends it; lookups are binary searches. A B-tree map
//! cost a node allocation for a run's first activity and more work per
//! insert and removal than the few activities a run has pending.

use super::mutable_state::ActivityInfo;

/// Pending activities in ActivityTaskScheduled id order.
#[derive(Clone, Debug, Default)]
// Boxed: a `Vec` allocates room for four at first, and an `ActivityInfo`
// is ~300 bytes; boxes keep that room (and the shifts on removal) small.
#[allow(clippy::vec_box)]
pub(crate) struct PendingActivities(Vec<Box<ActivityInfo>>);

impl PendingActivities {
    /// The activity scheduled by event `scheduled_event_id`.
    #[inline]
    pub fn get(&self, scheduled_event_id: i64) -> Option<&ActivityInfo> {
        let index = self.position(scheduled_event_id).ok()?;
        Some(&self.0[index])
    }

    /// The activity scheduled by event `scheduled_event_id`, to change it.
    #[inline]
    pub fn get_mut(&mut self, scheduled_event_id: i64) -> Option<&mut ActivityInfo> {
        let index = self.position(scheduled_event_id).ok()?;
        Some(&mut self.0[index])
    }

    /// Adds an activity (its id is not pending yet).
    pub fn insert(&mut self, activity: Box<ActivityInfo>) {
        let index = self
            .position(activity.scheduled_event_id)
            .expect_err("an activity id is pending once");
        self.0.insert(index, activity);
    }

    /// Removes the activity scheduled by event `scheduled_event_id`.
    pub fn remove(&mut self, scheduled_event_id: i64) -> Option<Box<ActivityInfo>> {
        let index = self.position(scheduled_event_id).ok()?;
        Some(self.0.remove(index))
    }

    /// Every pending activity, in id order.
    pub fn values(&self) -> impl Iterator<Item = &ActivityInfo> {
        self.0.iter().map(|activity| &**activity)
    }

    /// Drops every pending activity and the room they took.
    pub fn clear(&mut self) {
        self.0 = Vec::new();
    }

    #[inline]
    fn position(&self, scheduled_event_id: i64) -> Result<usize, usize> {
        self.0
            .binary_search_by_key(&scheduled_event_id, |a| a.scheduled_event_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;
    use crate::service::mutable_state::AttemptState;

    fn activity(scheduled_event_id: i64) -> Box<ActivityInfo> {
        Box::new(ActivityInfo {
            scheduled_event_id,
            activity_id: ActivityId::new(scheduled_event_id.to_string()),
            activity_type: "type".into(),
            task_queue: "queue".into(),
            input: Payload::null(),
            schedule_to_close_timeout: None,
            schedule_to_start_timeout: None,
            start_to_close_timeout: Duration::from_secs(1),
            heartbeat_timeout: None,
            retry_policy: RetryPolicy::default(),
            scheduled_time: SimTime::START,
            attempt: 1,
            attempt_state: AttemptState::Queued {
                since: SimTime::START,
            },
            last_failure: None,
            heartbeat_details: None,
            cancel_requested_event_id: None,
        })
    }

    fn ids(pending: &PendingActivities) -> Vec<i64> {
        pending.values().map(|a| a.scheduled_event_id).collect()
    }

    #[test]
    fn activities_are_kept_and_found_in_id_order() {
        let mut pending = PendingActivities::default();
        for id in [5, 9, 7, 12] {
            pending.insert(activity(id));
        }
        assert_eq!(ids(&pending), [5, 7, 9, 12]);
        assert_eq!(pending.get(9).map(|a| a.activity_id.as_str()), Some("9"));
        assert!(pending.get(8).is_none());
        pending.get_mut(7).expect("pending").attempt = 2;
        assert_eq!(pending.get(7).map(|a| a.attempt), Some(2));
        assert_eq!(pending.remove(9).map(|a| a.scheduled_event_id), Some(9));
        assert!(pending.remove(9).is_none());
        assert_eq!(ids(&pending), [5, 7, 12]);
        pending.clear();
        assert!(ids(&pending).is_empty());
    }
}
