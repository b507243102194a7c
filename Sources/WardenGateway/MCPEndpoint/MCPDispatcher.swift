import Foundation
import Logging
import WardenCore
import WardenMCP
import WardenTracing

/// Answers MCP requests inside an established session: `ping`, `tools/list`, `tools/call`.
///
/// Every `tools/call` goes through the gatekeeper, and its decision is recorded before the call runs; the
/// executed call is recorded (digests only) before the result is returned.
public struct MCPDispatcher: Sendable {
    public let gatekeeper: GatekeeperHolder
    public let registry: UpstreamRegistry
    public let audit: any AuditSink
    public let logger: Logger
    public let upstreamTimeout: Duration
    public let metrics: GatewayMetrics
    /// Traces each `tools/call` when tracing is configured.
    public let tracer: Tracer?
    let rateLimiter: AgentRateLimiter
    let refusals: RefusalTally

    public init(
        gatekeeper: GatekeeperHolder,
        registry: UpstreamRegistry,
        audit: any AuditSink,
        logger: Logger,
        upstreamTimeout: Duration,
        metrics: GatewayMetrics = GatewayMetrics(),
        tracer: Tracer? = nil,
        toolCallsPerMinute: Int = 600
    ) {
        self.rateLimiter = AgentRateLimiter(callsPerMinute: toolCallsPerMinute)
        self.refusals = RefusalTally(audit: audit)
        self.metrics = metrics
        self.tracer = tracer
        self.gatekeeper = gatekeeper
        self.registry = registry
        self.audit = audit
        self.logger = logger
        self.upstreamTimeout = upstreamTimeout
    }

    public func handle(_ request: JSONRPCRequest, principal: Principal, session: MCPSession) async -> JSONRPCResponse {
        switch request.method {
        case MCPMethod.ping:
            return success(request, .object([:]))
        case MCPMethod.toolsList:
            return await listTools(request, principal: principal)
        case MCPMethod.toolsCall:
            if let retryAfter = await rateLimiter.take(principal.subject) {
                return await rateLimited(request, principal: principal, retryAfter: retryAfter)
            }
            let started = ContinuousClock.now
            var span = tracer?.startSpan("tools/call", kind: .server)
            let response = await callTool(request, principal: principal, session: session, span: &span)
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let outcome = Self.outcome(of: response)
            metrics.toolCall(outcome: outcome, seconds: seconds)
            span?.setAttribute("warden.outcome", .string(outcome))
            span?.setStatus(outcome == "error" ? .error(message: outcome) : .ok)
            span?.end()
            return response
        case MCPMethod.initialize:
            return failure(request, .invalidRequest, "the session is already initialised")
        default:
            return failure(request, .methodNotFound, "method not offered by this server")
        }
    }

    static func outcome(of response: JSONRPCResponse) -> String {
        switch response {
        case .error: return "error"
        case .success(let success): return (success.result["isError"]?.boolValue ?? false) ? "tool-error" : "ok"
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
        await registry.refresh()
        let catalog = await registry.currentCatalog()
        let keeper = await gatekeeper.current
        let visible = keeper.visibleTools(principal: principal, catalog: catalog)
        return success(request, .object(["tools": .array(visible.map(\.advertisedDefinition))]))
    }

    func callTool(
        _ request: JSONRPCRequest, principal: Principal, session: MCPSession, span: inout ActiveSpan?
    ) async -> JSONRPCResponse {
        guard case .object(let params)? = request.params, case .string(let name)? = params["name"] else {
            return failure(request, .invalidParams, "tools/call needs params.name (a string)")
        }
        var arguments: [String: JSONValue] = [:]
        switch params["arguments"] {
        case nil, .null?: break
        case .object(let members)?: arguments = members
        default: return failure(request, .invalidParams, "params.arguments must be an object")
        }
        let meta = params["_meta"]?.objectValue ?? [:]
        let catalog = await registry.currentCatalog()
        let keeper = await gatekeeper.current
        let verdict = await keeper.authorize(
            principal: principal,
            requestedTool: name,
            arguments: arguments,
            meta: meta,
            run: session.run,
            catalog: catalog
        )
        let argumentsDigest = CanonicalJSON.sha256Hex(.object(arguments))
        var facts: [String: JSONValue] = [
            "agent": .string(principal.subject),
            "session": .string(Digest.sha256Hex(Array(session.id.utf8))),
            "tool": .string(verdict.entry?.name.description ?? "unknown"),
            "arguments_sha256": .string(argumentsDigest),
            "policy": .string(keeper.policy.identity),
        ]
        span?.setAttribute("warden.tool", .string(verdict.entry?.name.description ?? "unknown"))
        if let effect = verdict.entry?.effect { span?.setAttribute("warden.effect", .string(effect.rawValue)) }
        switch verdict.decision {
        case .deny(let refusal):
            span?.setAttribute("warden.decision", "deny")
            span?.setAttribute("warden.rule", .string(refusal.rule))
            metrics.decision(outcome: "deny", rule: refusal.rule)
            facts["decision"] = "deny"
            facts["rule"] = .string(refusal.rule)
            if verdict.entry == nil { facts["requested_tool_sha256"] = .string(Digest.sha256Hex(Array(name.utf8))) }
            // Repeats of one agent's refusal under one rule are tallied, not each recorded (RefusalTally).
            if await refusals.admit(agent: principal.subject, rule: refusal.rule) {
                guard await recordOrFail(AuditEvent(kind: "tool.decision", facts: facts)) else {
                    return failure(request, .internalError, "the audit ledger is unavailable; nothing was done")
                }
            }
            logger.info("tool call refused", metadata: ["rule": "\(refusal.rule)", "tool": "\(facts["tool"] ?? "")"])
            return refusalResponse(
                request, refusal: refusal, entry: verdict.entry, principal: principal, keeper: keeper)
        case .allow(let reasons):
            span?.setAttribute("warden.decision", "allow")
            metrics.decision(outcome: "allow", rule: "allowed")
            facts["decision"] = "allow"
            facts["reasons"] = .array(reasons.map { .string($0) })
        }
        guard let entry = verdict.entry,
            await recordOrFail(AuditEvent(kind: "tool.decision", facts: facts))
        else {
            return failure(request, .internalError, "the audit ledger is unavailable; nothing was done")
        }
        let result: JSONValue
        let callArguments = arguments
        var upstreamSpan = tracer?.startSpan("upstream \(entry.name.server)", kind: .client, parent: span?.context)
        defer { upstreamSpan?.end() }
        do {
            result = try await withTimeout(upstreamTimeout) {
                try await registry.call(entry, arguments: callArguments)
            }
        } catch {
            upstreamSpan?.setStatus(.error(message: "upstream-error"))
            logger.warning(
                "upstream call failed", metadata: ["tool": "\(entry.name)", "error": "\(LogSafe.describe(error))"])
            facts["outcome"] = "upstream-error"
            guard await recordOrFail(AuditEvent(kind: "tool.executed", facts: facts)) else {
                return failure(request, .internalError, "the audit ledger is unavailable; the outcome is withheld")
            }
            return success(
                request,
                .object([
                    "content": .array([
                        .object(["type": "text", "text": "The upstream server failed to run this tool."])
                    ]),
                    "isError": true,
                ])
            )
        }
        facts["outcome"] = (result["isError"]?.boolValue ?? false) ? "tool-error" : "ok"
        facts["result_sha256"] = .string(CanonicalJSON.sha256Hex(result))
        guard await recordOrFail(AuditEvent(kind: "tool.executed", facts: facts)) else {
            return failure(request, .internalError, "the audit ledger is unavailable; the result is withheld")
        }
        return success(request, result)
    }

    /// JSON-RPC error code for a call refused by the per-agent rate limit (implementation-defined range).
    static let rateLimitedCode: Int64 = -32029

    func rateLimited(_ request: JSONRPCRequest, principal: Principal, retryAfter: Int) async -> JSONRPCResponse {
        let rule = "limits.agent-rate"
        metrics.decision(outcome: "deny", rule: rule)
        if await refusals.admit(agent: principal.subject, rule: rule) {
            let event = AuditEvent(
                kind: "tool.decision",
                facts: ["agent": .string(principal.subject), "decision": "deny", "rule": .string(rule)])
            guard await recordOrFail(event) else {
                return failure(request, .internalError, "the audit ledger is unavailable; nothing was done")
            }
        }
        return .error(
            JSONRPCErrorResponse(
                id: request.id,
                error: JSONRPCErrorObject(
                    code: JSONRPCErrorCode(rawValue: Self.rateLimitedCode),
                    message: "rate limit: too many tool calls by this agent; retry in \(retryAfter) s (rule \(rule))",
                    data: .object(["rule": .string(rule), "retry_after_seconds": .integer(Int64(retryAfter))]))))
    }

    /// Periodic work: record the refusal tallies and forget refilled rate buckets.
    public func flushTallies() async {
        await refusals.flush()
        await rateLimiter.prune()
    }

    /// Unknown tools and tools the caller may not even see get the same answer, so guessing names
    /// reveals nothing; other refusals name their rule in a tool error the agent can read.
    func refusalResponse(
        _ request: JSONRPCRequest,
        refusal: Refusal,
        entry: CatalogEntry?,
        principal: Principal,
        keeper: Gatekeeper
    ) -> JSONRPCResponse {
        let hidden = entry.map { !keeper.policy.mayList(principal: principal, entry: $0) } ?? true
        if hidden || refusal.rule.hasPrefix("catalog.unknown") {
            return failure(
                request,
                .invalidParams,
                "unknown tool: no tool of that name is available to this caller",
                data: .object(["rule": "tool.not-available"])
            )
        }
        return success(
            request,
            .object([
                "content": .array([.object(["type": "text", "text": .string("Warden refused this call. \(refusal)")])]),
                "isError": true,
                "_meta": .object([
                    "warden/refusal": .object(["rule": .string(refusal.rule), "message": .string(refusal.message)])
                ]),
            ])
        )
    }

    func recordOrFail(_ event: AuditEvent) async -> Bool {
        do {
            try await audit.record(event)
            return true
        } catch {
            logger.error(
                "audit record failed", metadata: ["kind": "\(event.kind)", "error": "\(LogSafe.describe(error))"])
            return false
        }
    }
}

/// Holds the gatekeeper in force; a policy reload swaps it atomically.
public actor GatekeeperHolder {
    public private(set) var current: Gatekeeper

    public init(_ gatekeeper: Gatekeeper) {
        self.current = gatekeeper
    }

    public func replace(_ gatekeeper: Gatekeeper) {
        current = gatekeeper
    }
}

struct TimeoutError: Error, CustomStringConvertible {
    var description: String { "timed out" }
}

func withTimeout<T: Sendable>(
    _ limit: Duration,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TimeoutError()
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw TimeoutError() }
        return first
    }
}
