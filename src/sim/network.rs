//! The network between nodes: latency from a distribution, faults decided
//! by the [`FaultSource`](super::FaultSource), and partitions that cut one
//! node off from every other for a while.

use super::rng::{Purpose, Rng};
use crate::model::{decimal_text, Duration, SimTime};

/// Index of a node: the Service is 0, the client 1, worker `i` is `2 + i`.
pub type NodeId = u32;
/// The Service's node id.
pub const SERVICE: NodeId = 0;
/// The client's node id.
pub const CLIENT: NodeId = 1;

/// The name of a node, as used in traces and fault schedules.
pub fn node_name(node: NodeId) -> String {
    match node {
        SERVICE => "service".into(),
        CLIENT => "client".into(),
        w => {
            let mut name = String::with_capacity(12);
            name.push_str("worker-");
            name.push_str(decimal_text((w - 2).into(), &mut [0; 20]));
            name
        }
    }
}

/// The node id of a name made by [`node_name`].
pub fn node_by_name(name: &str, workers: u32) -> Option<NodeId> {
    match name {
        "service" => Some(SERVICE),
        "client" => Some(CLIENT),
        _ => {
            let i: u32 = name.strip_prefix("worker-")?.parse().ok()?;
            (i < workers).then_some(2 + i)
        }
    }
}

/// Latencies and partitions.
pub struct Network {
    latency: Rng,
    min_latency_us: u64,
    max_latency_us: u64,
    nodes: u32,
    /// Per node, until when it is cut off; empty until the first
    /// partition (most runs have none).
    cut_until: Vec<SimTime>,
    sent: u64,
}

impl Network {
    /// A network of `nodes` nodes with latencies uniform in 0.5–5 ms.
    pub fn new(seed: u64, nodes: u32) -> Network {
        Network {
            latency: Rng::new(seed, Purpose::Network),
            min_latency_us: 500,
            max_latency_us: 5_000,
            nodes,
            cut_until: Vec::new(),
            sent: 0,
        }
    }

    /// Counts a message sent and returns its number (from 1).
    pub fn next_message_number(&mut self) -> u64 {
        self.sent += 1;
        self.sent
    }

    /// Messages sent so far.
    pub fn messages_sent(&self) -> u64 {
        self.sent
    }

    /// One draw from the latency distribution.
    pub fn latency(&mut self) -> Duration {
        Duration::from_micros(self.latency.range(self.min_latency_us, self.max_latency_us))
    }

    /// Cuts `node` off from every other node until `until`.
    pub fn partition(&mut self, node: NodeId, until: SimTime) {
        if self.cut_until.is_empty() {
            self.cut_until = vec![SimTime::ZERO; self.nodes as usize];
        }
        let slot = &mut self.cut_until[node as usize];
        *slot = (*slot).max(until);
    }

    /// Ends every partition (healing).
    pub fn heal(&mut self) {
        self.cut_until.iter_mut().for_each(|t| *t = SimTime::ZERO);
    }

    /// Whether a message between `a` and `b` can pass at `now`.
    pub fn connected(&self, now: SimTime, a: NodeId, b: NodeId) -> bool {
        self.cut_until.is_empty()
            || (self.cut_until[a as usize] <= now && self.cut_until[b as usize] <= now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_cut_both_directions_until_they_end() {
        let mut n = Network::new(1, 4);
        let t = SimTime::START;
        n.partition(2, t + Duration::from_secs(5));
        assert!(!n.connected(t, SERVICE, 2));
        assert!(!n.connected(t, 2, SERVICE));
        assert!(n.connected(t, SERVICE, 3));
        assert!(n.connected(t + Duration::from_secs(5), SERVICE, 2));
    }

    #[test]
    fn node_names_round_trip() {
        for id in [SERVICE, CLIENT, 2, 5] {
            assert_eq!(node_by_name(&node_name(id), 4), Some(id));
        }
        assert_eq!(node_by_name("worker-9", 4), None);
    }
}
