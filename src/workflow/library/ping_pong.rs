//! `ping_pong` and `pong`: two executions signalling each other.

use crate::model::Payload;
use crate::workflow::{WfContext, WfResult};

/// Input `{"rounds": n}` (default 3). Starts a `pong` child with id
/// `<own id>-pong`, then `n` times signals it `ping` with the round number
/// and waits for its `pong` signal back, summing the values returned. Must
/// complete with `{"pongs": n, "sum": n*(n-1)/2, "child": n}` whatever the
/// faults: every signal arrives exactly once and in order.
pub async fn ping_pong(ctx: WfContext, input: Payload) -> WfResult {
    let rounds = input
        .value()
        .get("rounds")
        .and_then(|v| v.as_i64())
        .unwrap_or(3);
    let own_id = ctx.workflow_info().workflow_id;
    let peer_id = format!("{own_id}-pong");
    let peer_input = serde_json::json!({"peer": own_id.as_str(), "rounds": rounds});
    let child = ctx
        .child_workflow("pong", &peer_id, Payload::new(peer_input))
        .start();
    child.started().await?;
    let pongs = ctx.signal_channel("pong");
    let mut sum = 0;
    for round in 0..rounds {
        ctx.signal_external(&peer_id, "ping", round).await?;
        sum += pongs.recv().await.as_i64().unwrap_or(0);
    }
    let child_rounds = child.result().await?;
    let result = serde_json::json!({"pongs": rounds, "sum": sum, "child": child_rounds.value()});
    Ok(Payload::new(result))
}

/// Input `{"peer": id, "rounds": n}`. For each of `n` `ping` signals,
/// signals `pong` with the same value back to `peer`; completes with `n`.
pub async fn pong(ctx: WfContext, input: Payload) -> WfResult {
    let peer = input
        .value()
        .get("peer")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_owned();
    let rounds = input
        .value()
        .get("rounds")
        .and_then(|v| v.as_i64())
        .unwrap_or(0);
    let pings = ctx.signal_channel("ping");
    for _ in 0..rounds {
        let value = pings.recv().await;
        ctx.signal_external(&peer, "pong", value).await?;
    }
    Ok(Payload::from(rounds))
}
