import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import WardenCore
import WardenMCP

/// How an MCP client waits for a person (protocol 2025-06-18 / 2025-11-25): a `tools/call` that is held, from a
/// client that accepts `text/event-stream`, is answered as an SSE stream kept open up to `approvals.wait_seconds`.
/// While the person decides, the stream carries `notifications/progress` (when the request has a
/// `_meta.progressToken`) or an SSE comment every two seconds. When the person decides, the identical call runs
/// through the pipeline again — checked from the start, so an approval is used once and a denial refuses with the
/// approver's reason — and its answer is the stream's last event. When the wait runs out first, the last event is
/// the held result naming the request (`_meta["warden/approval"]`), and the client's identical call completes it
/// later. (The 2026-07-28 revision's `input_required` results will carry the same wait: the request id is the
/// handle either way.)
extension MCPHTTPEndpoint {
    static let progressInterval: Duration = .seconds(2)
    /// Held calls one agent may keep open at once; more are answered at once (each open one holds a connection and
    /// polls the approval store).
    static let maximumWaitsPerAgent = 4

    func callWaitingForAPerson(
        _ rpc: JSONRPCRequest, principal: Principal, session: MCPSession, runID: String?, wait: HeldCallWait,
        seconds: Int
    ) async -> Response {
        let call: ToolCall
        switch dispatcher.toolCall(rpc, principal: principal, session: session, runID: runID) {
        case .malformed(let answer): return jsonRPC(answer, status: .ok)
        case .call(let parsed): call = parsed
        }
        let first = await dispatcher.pipeline.call(call)
        guard case .held(let refusal) = first, let request = refusal.approvalRequest else {
            return jsonRPC(dispatcher.response(to: rpc, outcome: first), status: .ok)
        }
        let dispatcher = self.dispatcher
        let token = rpc.params?["_meta"]?["progressToken"]
        let deadline = ContinuousClock.now + .seconds(seconds)
        let waits = heldWaits
        let subject = principal.subject
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache, no-store"],
            body: ResponseBody { writer in
                // The slot is taken where it is released: a body that never runs holds none.
                let waiting = waits.take(subject, limit: Self.maximumWaitsPerAgent)
                defer { if waiting { waits.release(subject) } }
                var step = 0
                var ending = HeldCallWait.Ending.pending
                while waiting && ContinuousClock.now < deadline {
                    ending = await wait.wait(for: request, until: min(deadline, .now + Self.progressInterval))
                    guard ending == .pending, ContinuousClock.now < deadline else { break }
                    step += 1
                    if let token {
                        let progress: JSONValue = [
                            "jsonrpc": "2.0", "method": "notifications/progress",
                            "params": [
                                "progressToken": token, "progress": .integer(Int64(step)),
                                "message": .string("waiting for a person to decide \(request)"),
                            ],
                        ]
                        try await writer.write(Self.event(progress))
                    } else {
                        try await writer.write(ByteBuffer(string: ": waiting for a person to decide \(request)\n\n"))
                    }
                }
                let outcome = ending == .decided ? await dispatcher.pipeline.call(call) : first
                let answer = dispatcher.response(to: rpc, outcome: outcome)
                try await writer.write(Self.event(JSONRPCMessage.response(answer).json))
                try await writer.finish(nil)
            })
    }

    /// One SSE `message` event carrying a JSON-RPC message.
    static func event(_ message: JSONValue) -> ByteBuffer {
        ByteBuffer(string: "event: message\ndata: " + CanonicalJSON.string(message) + "\n\n")
    }
}

/// Held calls each agent keeps open (`MCPHTTPEndpoint.maximumWaitsPerAgent`).
public final class HeldWaitSlots: Sendable {
    private let open = Locked<[String: Int]>([:])

    public init() {}

    /// Takes a slot for `subject`; false when it already holds `limit`.
    func take(_ subject: String, limit: Int) -> Bool {
        open.withLock { open in
            let current = open[subject, default: 0]
            guard current < limit else { return false }
            open[subject] = current + 1
            return true
        }
    }

    func release(_ subject: String) {
        open.withLock { open in
            let remaining = open[subject, default: 1] - 1
            open[subject] = remaining > 0 ? remaining : nil
        }
    }
}
