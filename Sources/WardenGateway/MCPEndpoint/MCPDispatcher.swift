import Foundation
import Logging
import WardenCore
import WardenMCP
import WardenTracing

/// Answers MCP requests inside an established session: `ping`, `tools/list`, `tools/call`.
///
/// Every `tools/call` goes through the one call pipeline (`ToolCallPipeline`); this type only translates
/// between JSON-RPC and the pipeline's calls and outcomes.
public struct MCPDispatcher: Sendable {
    public let pipeline: ToolCallPipeline

    public init(pipeline: ToolCallPipeline) {
        self.pipeline = pipeline
    }

    public func handle(
        _ request: JSONRPCRequest, principal: Principal, session: MCPSession, runID: String? = nil
    ) async -> JSONRPCResponse {
        switch request.method {
        case MCPMethod.ping:
            return success(request, .object([:]))
        case MCPMethod.toolsList:
            return await listTools(request, principal: principal)
        case MCPMethod.toolsCall:
            return await callTool(request, principal: principal, session: session, runID: runID)
        case MCPMethod.initialize:
            return failure(request, .invalidRequest, "the session is already initialised")
        default:
            return failure(request, .methodNotFound, "method not offered by this server")
        }
    }

    func success(_ request: JSONRPCRequest, _ result: JSONValue) -> JSONRPCResponse {
        .success(JSONRPCSuccessResponse(id: request.id, result: result))
    }

    func failure(
        _ request: JSONRPCRequest,
        _ code: JSONRPCErrorCode,
        _ message: String,
        data: JSONValue? = nil
    ) -> JSONRPCResponse {
        .error(
            JSONRPCErrorResponse(id: request.id, error: JSONRPCErrorObject(code: code, message: message, data: data)))
    }

    func listTools(_ request: JSONRPCRequest, principal: Principal) async -> JSONRPCResponse {
        await pipeline.registry.refresh()
        let catalog = pipeline.registry.catalogNow
        let keeper = pipeline.gatekeeper.current
        var tools = keeper.visibleTools(principal: principal, catalog: catalog).map(\.advertisedDefinition)
        if pipeline.runs != nil { tools.append(EscalateTool.definition) }
        return success(request, .object(["tools": .array(tools)]))
    }

    func callTool(
        _ request: JSONRPCRequest, principal: Principal, session: MCPSession, runID: String?
    ) async -> JSONRPCResponse {
        switch toolCall(request, principal: principal, session: session, runID: runID) {
        case .call(let call): return response(to: request, outcome: await pipeline.call(call))
        case .malformed(let answer): return answer
        }
    }

    /// A `tools/call` request as the pipeline's call, or the JSON-RPC error for a malformed one.
    enum ParsedToolCall {
        case call(ToolCall)
        case malformed(JSONRPCResponse)
    }

    func toolCall(_ request: JSONRPCRequest, principal: Principal, session: MCPSession, runID: String?)
        -> ParsedToolCall
    {
        guard case .object(let params)? = request.params, case .string(let name)? = params["name"] else {
            return .malformed(failure(request, .invalidParams, "tools/call needs params.name (a string)"))
        }
        var arguments: [String: JSONValue] = [:]
        switch params["arguments"] {
        case nil, .null?: break
        case .object(let members)?: arguments = members
        default: return .malformed(failure(request, .invalidParams, "params.arguments must be an object"))
        }
        let meta = params["_meta"]?.objectValue ?? [:]
        return .call(
            ToolCall(
                principal: principal, tool: name, arguments: arguments, meta: meta, runName: runID ?? session.id,
                sessionID: session.id))
    }

    /// JSON-RPC code for a call refused by the per-agent rate limit (implementation-defined range).
    static let rateLimitedCode: Int64 = -32029

    /// Unknown tools and tools the caller may not even see get the same answer, so guessing names reveals
    /// nothing; other refusals name their rule in a tool error the agent can read.
    func response(to request: JSONRPCRequest, outcome: ToolCallOutcome) -> JSONRPCResponse {
        switch outcome {
        case .executed(let result, _):
            return success(request, result)
        case .escalated:
            return success(
                request,
                Self.toolText("The run is escalated: a person has been notified with your reason.", error: false))
        case .upstreamFailed:
            return success(request, Self.toolText("The upstream server failed to run this tool.", error: true))
        case .refused(let refusal, let hidden):
            if hidden {
                return failure(
                    request, .invalidParams, "unknown tool: no tool of that name is available to this caller",
                    data: .object(["rule": "tool.not-available"]))
            }
            return success(request, Self.refusalResult(refusal, held: false))
        case .held(let refusal):
            return success(request, Self.refusalResult(refusal, held: true))
        case .rateLimited(let retryAfter):
            let rule = "limits.agent-rate"
            return .error(
                JSONRPCErrorResponse(
                    id: request.id,
                    error: JSONRPCErrorObject(
                        code: JSONRPCErrorCode(rawValue: Self.rateLimitedCode),
                        message:
                            "rate limit: too many tool calls by this agent; retry in \(retryAfter) s (rule \(rule))",
                        data: .object(["rule": .string(rule), "retry_after_seconds": .integer(Int64(retryAfter))]))))
        case .runRefused(let error):
            return failure(
                request, .invalidParams, "\(error) (rule run.refused)", data: .object(["rule": "run.refused"]))
        case .notRecorded(let nothingDone):
            return failure(
                request, .internalError,
                nothingDone
                    ? "the audit ledger is unavailable; nothing was done"
                    : "the audit ledger is unavailable; the result is withheld")
        }
    }

    static func toolText(_ text: String, error: Bool) -> JSONValue {
        .object(["content": .array([.object(["type": "text", "text": .string(text)])]), "isError": .bool(error)])
    }

    static func refusalResult(_ refusal: Refusal, held: Bool) -> JSONValue {
        var meta: [String: JSONValue] = [
            "warden/refusal": .object(["rule": .string(refusal.rule), "message": .string(refusal.message)])
        ]
        if held { meta["warden/held"] = true }
        if let request = refusal.approvalRequest { meta["warden/approval"] = .string(request) }
        return .object([
            "content": .array([.object(["type": "text", "text": .string("Warden refused this call. \(refusal)")])]),
            "isError": true,
            "_meta": .object(meta),
        ])
    }
}

/// Holds the gatekeeper in force; a policy reload swaps it atomically.
public final class GatekeeperHolder: Sendable {
    private let held: Locked<Gatekeeper>

    public init(_ gatekeeper: Gatekeeper) {
        held = Locked(gatekeeper)
    }

    public var current: Gatekeeper { held.value }

    public func replace(_ gatekeeper: Gatekeeper) {
        held.withLock { $0 = gatekeeper }
    }
}
