import Foundation
import WardenCore
import WardenSchema

/// `warden.escalate`: the built-in tool every agent sees, with which it ends its run *escalated* — a person is
/// notified with the reason and summary. It goes through the pipeline like any call (rate limit, argument
/// schema, ledger), but no policy can hide it: telling a person is always allowed.
enum EscalateTool {
    static let name = "warden.escalate"

    static let definition: JSONValue = [
        "name": "warden.escalate",
        "description": .string(
            "End this run escalated: a person is notified with your reason and summary. Use it when you cannot "
                + "deliver the task."),
        "inputSchema": [
            "type": "object",
            "properties": [
                "reason": ["type": "string", "minLength": 1, "maxLength": 1000],
                "summary": ["type": "string", "maxLength": 4000],
            ],
            "required": ["reason"],
            "additionalProperties": false,
        ],
    ]

    static let schema: ArgumentSchema? = try? ArgumentSchema.compile(inputSchema: definition["inputSchema"] ?? nil)
}

extension ToolCallPipeline {
    func escalate(_ call: ToolCall) async -> ToolCallOutcome {
        var record = DecisionRecord(call: call, tool: nil, policy: nil, refusal: nil, held: false)
        record.toolName = EscalateTool.name
        guard let runs else {
            return .refused(
                Refusal(rule: "run.not-tracked", message: "this cell does not track runs; nothing was escalated"),
                hidden: false)
        }
        guard let schema = EscalateTool.schema else { return .notRecorded(nothingDone: true) }
        do {
            try schema.validate(arguments: call.arguments)
        } catch {
            record.refusal = error.refusal
            guard await recordRefusal(record, rule: error.refusal.rule) else { return .notRecorded(nothingDone: true) }
            return .refused(error.refusal, hidden: false)
        }
        record.reasons = ["arguments", "builtin.escalate"]
        guard await recordOrFail(.toolDecision(record)) else { return .notRecorded(nothingDone: true) }
        do {
            try await runs.escalate(
                runID: call.run.id, by: "agent", reason: call.arguments["reason"]?.stringValue ?? "",
                summary: call.arguments["summary"]?.stringValue ?? "")
        } catch {
            let refusal = Refusal(rule: "run.escalate-failed", message: "the run could not be escalated; try again")
            record.refusal = refusal
            guard await recordOrFail(.toolExecuted(record, outcome: .notRun, resultDigest: nil)) else {
                return .notRecorded(nothingDone: false)
            }
            return .refused(refusal, hidden: false)
        }
        guard await recordOrFail(.toolExecuted(record, outcome: .ok, resultDigest: nil)) else {
            return .notRecorded(nothingDone: false)
        }
        return .escalated
    }
}
