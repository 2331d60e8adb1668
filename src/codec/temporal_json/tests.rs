//! Unit tests of the Temporal JSON codec on small hand-written documents.

use super::*;
use crate::check::fixtures::one_activity_run;
use crate::model::{EventAttributes, EventType, Payload, WorkflowTaskFailedCause};
use serde_json::json;

fn event_json(
    id: &str,
    event_type: &str,
    attributes_key: &str,
    attributes: serde_json::Value,
) -> serde_json::Value {
    json!({ "eventId": id, "eventTime": "2026-01-01T00:00:00Z", "eventType": event_type, attributes_key: attributes })
}

#[test]
fn export_writes_temporals_current_spelling() {
    let exported = export_history(&one_activity_run());
    let events = exported["events"].as_array().unwrap();
    assert_eq!(events[0]["eventId"], "1");
    assert_eq!(events[0]["eventTime"], "2026-01-01T00:00:00Z");
    assert_eq!(
        events[0]["eventType"],
        "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED"
    );
    let started = &events[0]["workflowExecutionStartedEventAttributes"];
    assert_eq!(started["workflowTaskTimeout"], "10s");
    assert_eq!(
        started["taskQueue"],
        json!({"name": "tq", "kind": "TASK_QUEUE_KIND_NORMAL"})
    );
    assert_eq!(started["attempt"], 1);
    assert_eq!(
        events[6]["activityTaskCompletedEventAttributes"],
        json!({
            "result": {"payloads": [{"metadata": {"encoding": "anNvbi9wbGFpbg=="}, "data": "ImhpIg=="}]},
            "scheduledEventId": "5",
            "startedEventId": "6",
        })
    );
}

#[test]
fn export_then_import_gives_the_same_history() {
    let history = one_activity_run();
    let imported = import_history(&export_history(&history).to_string()).unwrap();
    assert_eq!(imported.events, history);
    assert_eq!(imported.unmodelled, vec![]);
}

#[test]
fn older_spelling_reads_like_the_current_one() {
    let legacy = json!({"events": [
        {"eventId": 9, "eventTime": "2026-01-01T00:00:01Z", "eventType": "WorkflowTaskScheduled",
         "workflowTaskScheduledEventAttributes": {"taskQueue": {"name": "tq", "kind": "Normal"}, "startToCloseTimeout": "10s", "attempt": "2"}},
        {"eventId": 10, "eventTime": "2026-01-01T00:00:02Z", "eventType": "WorkflowTaskFailed",
         "workflowTaskFailedEventAttributes": {"scheduledEventId": 9, "startedEventId": "9", "cause": "UnhandledCommand"}},
    ]});
    let imported = import_history(&legacy.to_string()).unwrap();
    assert_eq!(imported.unmodelled, vec![]);
    assert_eq!(imported.events[0].event_id, 9);
    assert!(matches!(
        imported.events[0].attributes,
        EventAttributes::WorkflowTaskScheduled { attempt: 2, .. }
    ));
    assert!(matches!(
        &imported.events[1].attributes,
        EventAttributes::WorkflowTaskFailed {
            cause: WorkflowTaskFailedCause::UnhandledCommand,
            scheduled_event_id: 9,
            ..
        }
    ));
}

#[test]
fn unmodelled_event_types_and_fields_are_reported_and_exported_back() {
    let update = json!({
        "eventId": "2", "eventTime": "2026-01-01T00:00:00Z", "eventType": "EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED",
        "taskId": "77", "workflowExecutionUpdateAcceptedEventAttributes": {"protocolInstanceId": "p1"},
    });
    let signal = event_json(
        "3",
        "EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED",
        "workflowExecutionSignaledEventAttributes",
        json!({"signalName": "go", "header": {"fields": {"k": {}}}}),
    );
    let imported =
        import_history(&json!({"events": [update.clone(), signal]}).to_string()).unwrap();
    assert_eq!(imported.events[0].event_type(), EventType::Unmodelled);
    let fields: Vec<&str> = imported
        .unmodelled
        .iter()
        .map(|u| u.field.as_str())
        .collect();
    assert_eq!(
        fields,
        [
            "eventType",
            "workflowExecutionSignaledEventAttributes.header"
        ]
    );
    assert_eq!(
        imported.unmodelled[0].value,
        "EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED"
    );
    assert_eq!(export_history(&imported.events)["events"][0], update);
}

#[test]
fn payloads_that_are_not_plain_json_are_kept_byte_for_byte() {
    let binary = json!({"metadata": {"encoding": "YmluYXJ5L251bGw="}});
    let first = json!({"metadata": {"encoding": "anNvbi9wbGFpbg=="}, "data": "MQ=="});
    let result = json!({"payloads": [first, binary]});
    let completed = event_json(
        "7",
        "EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED",
        "workflowExecutionCompletedEventAttributes",
        json!({"result": result}),
    );
    let imported = import_history(&json!({"events": [completed]}).to_string()).unwrap();
    let EventAttributes::WorkflowExecutionCompleted {
        result: payload, ..
    } = &imported.events[0].attributes
    else {
        panic!("not a completion")
    };
    let expected_raw = json!({"$encoding": "binary/null", "$payload": binary});
    assert_eq!(
        payload,
        &Payload::new(json!({"$payloads": [1, expected_raw]}))
    );
    assert_eq!(
        imported.unmodelled.len(),
        1,
        "the binary payload is reported"
    );
    let exported = export_history(&imported.events);
    assert_eq!(
        exported["events"][0]["workflowExecutionCompletedEventAttributes"]["result"],
        result
    );
}

#[test]
fn import_error_names_the_event_and_field_in_one_line() {
    let timer = event_json(
        "1",
        "EVENT_TYPE_TIMER_STARTED",
        "timerStartedEventAttributes",
        json!({"timerId": "t", "startToFireTimeout": "soon"}),
    );
    let error = import_history(&json!({"events": [timer]}).to_string()).unwrap_err();
    assert_eq!(
        error.to_string(),
        r#"events[0].timerStartedEventAttributes.startToFireTimeout: "soon" is not a duration like "10s" or "0.5s""#
    );
    let not_json = import_history("{\"events\": [").unwrap_err();
    assert_eq!(not_json.event_index, None);
    assert!(not_json.to_string().starts_with("not valid JSON"));
}

/// One event of every child-outcome kind (each written with its child, its
/// initiated and started events, and its own field).
fn child_outcomes() -> Vec<crate::model::Event> {
    use crate::check::fixtures::event;
    use crate::model::{
        Failure, Namespace, RetryState, RunId, WorkflowExecution, WorkflowId, WorkflowType,
    };
    let child = WorkflowExecution {
        workflow_id: WorkflowId::new("kid"),
        run_id: RunId::new("r1"),
    };
    let (namespace, workflow_type) = (Namespace::default(), WorkflowType::new("w"));
    let (initiated_event_id, started_event_id) = (5, 6);
    let kinds = [
        EventAttributes::ChildWorkflowExecutionCompleted {
            result: Payload::from("done"),
            namespace: namespace.clone(),
            workflow_execution: child.clone(),
            workflow_type: workflow_type.clone(),
            initiated_event_id,
            started_event_id,
        },
        EventAttributes::ChildWorkflowExecutionFailed {
            failure: Failure::application("Boom", "it broke"),
            namespace: namespace.clone(),
            workflow_execution: child.clone(),
            workflow_type: workflow_type.clone(),
            initiated_event_id,
            started_event_id,
            retry_state: RetryState::MaximumAttemptsReached,
        },
        EventAttributes::ChildWorkflowExecutionCanceled {
            details: Some(Payload::from("why")),
            namespace: namespace.clone(),
            workflow_execution: child.clone(),
            workflow_type: workflow_type.clone(),
            initiated_event_id,
            started_event_id,
        },
        EventAttributes::ChildWorkflowExecutionTimedOut {
            namespace: namespace.clone(),
            workflow_execution: child.clone(),
            workflow_type: workflow_type.clone(),
            initiated_event_id,
            started_event_id,
            retry_state: RetryState::Timeout,
        },
        EventAttributes::ChildWorkflowExecutionTerminated {
            namespace,
            workflow_execution: child,
            workflow_type,
            initiated_event_id,
            started_event_id,
        },
    ];
    kinds
        .into_iter()
        .enumerate()
        .map(|(i, attributes)| event(i as i64 + 1, 1, attributes))
        .collect()
}

#[test]
fn every_child_outcome_kind_round_trips_and_reads_in_text() {
    let events = child_outcomes();
    let exported = export_history(&events);
    for (i, kind) in ["Completed", "Failed", "Canceled", "TimedOut", "Terminated"]
        .iter()
        .enumerate()
    {
        let snake = match *kind {
            "TimedOut" => "TIMED_OUT".to_string(),
            k => k.to_uppercase(),
        };
        let event = &exported["events"][i];
        assert_eq!(
            event["eventType"],
            format!("EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_{snake}")
        );
        let attributes = &event[format!("childWorkflowExecution{kind}EventAttributes")];
        assert_eq!(attributes["initiatedEventId"], "5", "{kind}");
        assert_eq!(attributes["startedEventId"], "6", "{kind}");
        assert_eq!(attributes["workflowType"], json!({"name": "w"}), "{kind}");
        assert_eq!(
            attributes["workflowExecution"],
            json!({"workflowId": "kid", "runId": "r1"}),
            "{kind}"
        );
    }
    let imported = import_history(&exported.to_string()).unwrap();
    assert_eq!(imported.events, events);
    let text = crate::codec::history_to_text(&events);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "{text}");
    for line in &lines {
        assert!(
            line.contains("child=kid/r1 initiated=5 started=6"),
            "{line}"
        );
    }
    assert!(lines[0].ends_with("result=\"done\""), "{}", lines[0]);
    assert!(
        lines[1].contains("failure=") && lines[1].contains("retry_state="),
        "{}",
        lines[1]
    );
    assert!(lines[2].ends_with("details=\"why\""), "{}", lines[2]);
    assert!(lines[3].contains("retry_state="), "{}", lines[3]);
    assert!(lines[4].ends_with("started=6"), "{}", lines[4]);
}
