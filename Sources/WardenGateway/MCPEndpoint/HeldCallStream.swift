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
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache, no-store"],
            body: ResponseBody { writer in
                var step = 0
                var ending = HeldCallWait.Ending.pending
                while ContinuousClock.now < deadline {
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
