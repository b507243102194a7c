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
                // The slot is taken where it is released: a body that never runs holds none. One stream waits per
                // request: a second identical call (the agent retried) gets the hold at once, so a decision
                // re-runs the call once.
                let waiting = waits.take(subject, request: request, limit: Self.maximumWaitsPerAgent)
                defer { if waiting { waits.release(subject, request: request) } }
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
        // Some SSE clients split lines at U+0085, U+2028 and U+2029 too: inside JSON strings they are escaped.
        let json = CanonicalJSON.string(message).replacingOccurrences(of: "\u{85}", with: "\\u0085")
            .replacingOccurrences(of: "\u{2028}", with: "\\u2028").replacingOccurrences(of: "\u{2029}", with: "\\u2029")
        return ByteBuffer(string: "event: message\ndata: " + json + "\n\n")
    }
}

/// Held calls each agent keeps open (`MCPHTTPEndpoint.maximumWaitsPerAgent`).
public final class HeldWaitSlots: Sendable {
    private let open = Locked<(bySubject: [String: Int], requests: Set<String>)>(([:], []))

    public init() {}

    /// Takes a slot for `subject` waiting on `request`; false when the subject already holds `limit` or another
    /// stream already waits on that request.
    func take(_ subject: String, request: String, limit: Int) -> Bool {
        open.withLock { open in
            let current = open.bySubject[subject, default: 0]
            guard current < limit, !open.requests.contains(request) else { return false }
            open.bySubject[subject] = current + 1
            open.requests.insert(request)
            return true
        }
    }

    func release(_ subject: String, request: String) {
        open.withLock { open in
            let remaining = open.bySubject[subject, default: 1] - 1
            open.bySubject[subject] = remaining > 0 ? remaining : nil
            open.requests.remove(request)
        }
    }
}
