//! The workload: the executions a scenario starts and the client operations
//! (start, signal, cancel, terminate) it sends, in time order.

use crate::model::*;
use crate::scenario::Scenario;
use std::rc::Rc;

/// One execution the scenario starts.
pub struct PlannedExecution {
    /// The scenario group it belongs to.
    pub group: usize,
    /// Its workflow id.
    pub workflow_id: WorkflowId,
    /// The run id the Service acknowledged for the start, once it did.
    pub run_id: Option<RunId>,
}

/// What a client operation does.
#[derive(Clone, Debug)]
pub enum OpKind {
    /// Start execution `execution`.
    Start,
    /// Signal it.
    Signal {
        /// Signal name.
        name: Rc<str>,
        /// Signal input.
        input: Payload,
    },
    /// Ask it to cancel.
    Cancel,
    /// Terminate it.
    Terminate,
}

/// Where an operation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpState {
    /// Not yet answered successfully.
    Pending,
    /// The Service acknowledged it.
    Acknowledged,
    /// The Service refused it for good (e.g. the execution had closed).
    Refused,
}

/// One client operation.
pub struct Op {
    /// When it is first sent.
    pub at: SimTime,
    /// The execution it targets (index into the workload's executions).
    pub execution: u32,
    /// What it does.
    pub kind: OpKind,
    /// Sends so far (retries reuse the request id).
    pub attempts: u32,
    /// Where it stands.
    pub state: OpState,
}

impl Op {
    /// The request id every send of op `index` carries: `req-index`.
    pub fn request_id(index: usize) -> Rc<str> {
        numbered_text("req-", index as u64)
    }
}

/// Executions and operations, ops sorted by time.
pub struct Workload {
    /// Every execution, in scenario order.
    pub executions: Vec<PlannedExecution>,
    /// Every operation, sorted by `at` (stable).
    pub ops: Vec<Op>,
}

impl Workload {
    /// The workload of a scenario.
    pub fn new(scenario: &Scenario) -> Workload {
        let mut executions = Vec::with_capacity(scenario.execution_count() as usize);
        let mut ops = Vec::with_capacity(scenario.execution_count() as usize);
        for (gi, g) in scenario.workflows.iter().enumerate() {
            let prefix = g.id_prefix.as_deref().unwrap_or(&g.workflow_type);
            let signal_names: Vec<Rc<str>> = g
                .signals
                .iter()
                .map(|s| Rc::from(s.name.as_str()))
                .collect();
            let signal_inputs: Vec<Payload> = g
                .signals
                .iter()
                .map(|s| Payload::new(s.input.clone()))
                .collect();
            for n in 0..g.count {
                let execution = executions.len() as u32;
                executions.push(PlannedExecution {
                    group: gi,
                    workflow_id: numbered_id(prefix, n + 1),
                    run_id: None,
                });
                let start = SimTime::START + g.start_at + spread(g.start_spread, n, g.count);
                let mut push = |at: SimTime, kind: OpKind| {
                    ops.push(Op {
                        at,
                        execution,
                        kind,
                        attempts: 0,
                        state: OpState::Pending,
                    })
                };
                push(start, OpKind::Start);
                for (si, s) in g.signals.iter().enumerate() {
                    for k in 0..s.count {
                        let at = start + s.after + spread(s.spread, k, s.count);
                        push(
                            at,
                            OpKind::Signal {
                                name: signal_names[si].clone(),
                                input: signal_inputs[si].clone(),
                            },
                        );
                    }
                }
                if let Some(d) = g.cancel_after {
                    push(start + d, OpKind::Cancel);
                }
                if let Some(d) = g.terminate_after {
                    push(start + d, OpKind::Terminate);
                }
            }
        }
        ops.sort_by_key(|o| o.at);
        Workload { executions, ops }
    }

    /// When the last operation is first sent.
    pub fn last_op_time(&self) -> SimTime {
        self.ops.last().map_or(SimTime::START, |o| o.at)
    }
}

/// `prefix-number`, written without the formatting machinery (a world of
/// a million executions makes a million of them).
fn numbered_id(prefix: &str, number: u32) -> WorkflowId {
    let mut digits = [0; 20];
    let number = decimal_text(number.into(), &mut digits);
    WorkflowId(joined_text(&[prefix, "-", number]))
}

fn spread(window: Duration, k: u32, count: u32) -> Duration {
    if count <= 1 {
        Duration::ZERO
    } else {
        window.mul_f64(k as f64 / count as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ops_are_planned_in_time_order_with_ids_from_one() {
        let s = crate::scenario::parse(
            r#"{"name": "x", "workflows": [{"type": "signal_counter", "count": 2, "start_spread": "10s",
                "signals": [{"name": "increment", "input": 1, "count": 3, "after": "1s", "spread": "3s"}]}]}"#,
        )
        .unwrap();
        let w = Workload::new(&s);
        assert_eq!(w.executions.len(), 2);
        assert_eq!(w.executions[1].workflow_id.as_str(), "signal_counter-2");
        assert_eq!(w.ops.len(), 8);
        assert!(w.ops.windows(2).all(|p| p[0].at <= p[1].at));
        assert!(matches!(w.ops[0].kind, OpKind::Start));
        assert_eq!(&*Op::request_id(0), "req-0");
        assert_eq!(&*Op::request_id(4711), "req-4711");
        // The second start is at 5s (half the spread), its last signal 1s + 2s later.
        assert_eq!(
            w.last_op_time(),
            SimTime::START + secs(5) + secs(1) + secs(2)
        );
    }
}
