import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import WardenCore
import WardenMCP
import WardenOAuth

/// The Streamable HTTP transport of MCP (2025-06-18 and 2025-11-25) on the agent listener.
///
/// Order of checks for every request: Origin (403), authentication (401/403/400), protocol version header
/// (400), media types (415/406), body size (413), JSON-RPC shape (400), session (400/404).
public struct MCPHTTPEndpoint: Sendable {
    public let path: String
    public let resourceMetadataURL: String
    public let allowedOrigins: Set<String>
    public let maxBodyBytes: Int
    public let authenticator: any AgentAuthenticator
    public let sessions: MCPSessionStore
    public let dispatcher: MCPDispatcher
    public let serverVersion: String
    public let logger: Logger
    public let metrics: GatewayMetrics
    /// A held `tools/call` from a client that accepts SSE is kept open this long, with progress, while a person
    /// decides (`approvals.wait_seconds`; 0: answered at once). See `HeldCallStream`.
    public var heldCallWait: (wait: HeldCallWait, seconds: Int)?
    /// `mcp.server_timing`: answers carry `Server-Timing` (see `CallTiming`).
    public var serverTiming = false
    /// Held calls each agent keeps open now.
    let heldWaits = HeldWaitSlots()

    static let sessionHeader = headerName("Mcp-Session-Id")
    static let versionHeader = headerName("MCP-Protocol-Version")
    /// An explicit run id the agent carries across sessions (stateless clients, agents using several sessions).
    static let runHeader = headerName("Warden-Run-Id")

    /// Header names spelled as literals here; an invalid literal is a programming error caught at start-up.
    static func headerName(_ literal: StaticString) -> HTTPField.Name {
        guard let name = HTTPField.Name("\(literal)") else { fatalError("invalid header name literal \(literal)") }
        return name
    }

    public init(
        path: String,
        resourceMetadataURL: String,
        allowedOrigins: Set<String>,
        maxBodyBytes: Int,
        authenticator: any AgentAuthenticator,
        sessions: MCPSessionStore,
        dispatcher: MCPDispatcher,
        serverVersion: String,
        logger: Logger,
        metrics: GatewayMetrics = GatewayMetrics()
    ) {
        self.metrics = metrics
        self.path = path
        self.resourceMetadataURL = resourceMetadataURL
        self.allowedOrigins = allowedOrigins
        self.maxBodyBytes = maxBodyBytes
        self.authenticator = authenticator
        self.sessions = sessions
        self.dispatcher = dispatcher
        self.serverVersion = serverVersion
        self.logger = logger
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.post(RouterPath(path)) { request, _ in await self.post(request) }
        router.delete(RouterPath(path)) { request, _ in await self.delete(request) }
        router.get(RouterPath(path)) { request, _ in await self.get(request) }
    }

    // MARK: Preconditions shared by every method

    enum Precheck {
        case success(Principal)
        case failure(Response)
    }

    func precheck(_ request: Request) async -> Precheck {
        if let origin = request.headers[.origin], !allowedOrigins.contains(origin) {
            return .failure(plain(.forbidden, "Origin not allowed (rule ingress.origin-not-allowed)"))
        }
        let authorization = request.headers[values: .authorization]
        let tokenInQuery = AccessTokenQueryCheck.containsAccessToken(query: request.uri.query)
        switch await authenticator.authenticate(authorization: authorization, tokenInQuery: tokenInQuery) {
        case .failure(let failure):
            logger.notice("authentication refused", metadata: ["rule": "\(failure.rule)"])
            metrics.authenticationFailure(rule: failure.rule)
            var response = plain(HTTPResponse.Status(code: failure.status), "\(failure.message) (rule \(failure.rule))")
            response.headers[.wwwAuthenticate] = failure.challenge
            return .failure(response)
        case .success(let principal):
            if let version = request.headers[Self.versionHeader], !MCPProtocolVersion.isSupported(version) {
                return .failure(
                    plain(
                        .badRequest,
                        "unsupported MCP-Protocol-Version; supported: "
                            + MCPProtocolVersion.supported.joined(separator: ", ")
                    )
                )
            }
            return .success(principal)
        }
    }

    // MARK: POST: one JSON-RPC message

    func post(_ request: Request) async -> Response {
        guard serverTiming else { return await answer(request) }
        let timing = CallTiming()
        let started = ContinuousClock.now
        var response = await CallTiming.$current.withValue(timing) { await answer(request) }
        if timing.isAuthenticated, let name = HTTPField.Name("Server-Timing") {
            response.headers[name] = timing.header(total: .now - started)
        }
        return response
    }

    func answer(_ request: Request) async -> Response {
        let principal: Principal
        switch await precheck(request) {
        case .failure(let response): return response
        case .success(let p): principal = p
        }
        CallTiming.current?.markAuthenticated()
        guard let contentType = request.headers[.contentType], MediaType.essence(of: contentType) == "application/json"
        else {
            return plain(.unsupportedMediaType, "Content-Type must be application/json")
        }
        if let accept = request.headers[.accept]?.lowercased(),
            !(accept.contains("application/json") || accept.contains("*/*"))
        {
            return plain(.notAcceptable, "Accept must include application/json")
        }
        var body: ByteBuffer
        let receiving = ContinuousClock.now
        do {
            body = try await request.body.collect(upTo: maxBodyBytes)
        } catch {
            return plain(.contentTooLarge, "request body exceeds \(maxBodyBytes) bytes")
        }
        CallTiming.current?.addClient(.now - receiving)
        let bytes = body.readBytes(length: body.readableBytes) ?? []
        let message: JSONRPCMessage
        do {
            message = try JSONRPCDecoder(maxMessageBytes: maxBodyBytes).decode(bytes: bytes)
        } catch {
            return jsonRPC(.error(error.response), status: .badRequest)
        }
        if case .request(let rpc) = message, rpc.method == MCPMethod.initialize {
            // Starting a session starts a run: it costs from the agent's rate budget like a call.
            if let retryAfter = dispatcher.pipeline.admit(principal.subject) {
                return tooManyRequests(retryAfter)
            }
            let explicitRun = request.headers[Self.runHeader]
            if let explicitRun, !RunRecord.isValidName(explicitRun) {
                return plain(.badRequest, "\(RunError.invalidID) (rule run.refused)")
            }
            return await initialize(rpc, principal: principal, explicitRun: explicitRun != nil)
        }
        guard let sessionID = request.headers[Self.sessionHeader] else {
            return plain(.badRequest, "missing Mcp-Session-Id: send initialize first")
        }
        guard let session = await sessions.use(id: sessionID, owner: principal.subject) else {
            return plain(.notFound, "unknown or expired session; initialize a new one")
        }
        switch message {
        case .notification, .response:
            return Response(status: .accepted)
        case .request(let rpc):
            let runID = request.headers[Self.runHeader]
            if rpc.method == MCPMethod.toolsCall, let held = heldCallWait, held.seconds > 0,
                request.headers[.accept]?.lowercased().contains("text/event-stream") == true
            {
                return await callWaitingForAPerson(
                    rpc, principal: principal, session: session, runID: runID, wait: held.wait, seconds: held.seconds)
            }
            let response = await dispatcher.handle(rpc, principal: principal, session: session, runID: runID)
            return jsonRPC(response, status: .ok)
        }
    }

    func initialize(_ rpc: JSONRPCRequest, principal: Principal, explicitRun: Bool) async -> Response {
        guard case .object(let params)? = rpc.params, case .string(let requested)? = params["protocolVersion"] else {
            let error = JSONRPCErrorObject(code: .invalidParams, message: "initialize needs params.protocolVersion")
            return jsonRPC(.error(JSONRPCErrorResponse(id: rpc.id, error: error)), status: .ok)
        }
        let version = MCPProtocolVersion.isSupported(requested) ? requested : MCPProtocolVersion.latest
        let session = await sessions.create(owner: principal.subject, protocolVersion: version)
        // A session closed to make room ends its run (by "evicted", not later as idle).
        if let runs = dispatcher.pipeline.runs {
            for gone in await sessions.takeEvicted() {
                await runs.end(runID: runs.key(name: gone.id, subject: gone.owner), by: "evicted")
            }
        }
        // The session's run starts now, so a session closed with nothing done is held to the delivery contract.
        if !explicitRun, let runs = dispatcher.pipeline.runs {
            do {
                _ = try await runs.context(name: session.id, sessionID: session.id, principal: principal)
            } catch {
                await sessions.end(id: session.id, owner: principal.subject)
                let error = JSONRPCErrorObject(code: .internalError, message: "the run could not be started")
                return jsonRPC(.error(JSONRPCErrorResponse(id: rpc.id, error: error)), status: .ok)
            }
        }
        let result: JSONValue = .object([
            "protocolVersion": .string(version),
            "capabilities": .object(["tools": .object(["listChanged": false])]),
            "serverInfo": .object(["name": "warden", "version": .string(serverVersion)]),
            "instructions": .string(
                "Tools are provided through Warden. Calls are authorised per call; refusals name the rule."
            ),
        ])
        var response = jsonRPC(.success(JSONRPCSuccessResponse(id: rpc.id, result: result)), status: .ok)
        response.headers[Self.sessionHeader] = session.id
        return response
    }

    // MARK: DELETE ends a session; GET (server-initiated stream) is not offered

    func delete(_ request: Request) async -> Response {
        let principal: Principal
        switch await precheck(request) {
        case .failure(let response): return response
        case .success(let p): principal = p
        }
        if let retryAfter = dispatcher.pipeline.admit(principal.subject) { return tooManyRequests(retryAfter) }
        guard let sessionID = request.headers[Self.sessionHeader] else {
            return plain(.badRequest, "missing Mcp-Session-Id")
        }
        guard await sessions.end(id: sessionID, owner: principal.subject) else {
            return plain(.notFound, "unknown or expired session")
        }
        // Closing the session ends the session's own run, if it has one (a run with an explicit id ends by
        // escalation, deadline or idleness).
        if let runs = dispatcher.pipeline.runs {
            await runs.end(runID: runs.key(name: sessionID, subject: principal.subject), by: "closed")
        }
        return Response(status: .noContent)
    }

    func get(_ request: Request) async -> Response {
        if case .failure(let response) = await precheck(request) { return response }
        var response = plain(.methodNotAllowed, "this server does not open server-initiated streams")
        response.headers[.allow] = "POST, DELETE"
        return response
    }

    // MARK: Responses

    func tooManyRequests(_ retryAfter: Int) -> Response {
        var response = plain(
            .tooManyRequests,
            "rate limit: too many requests by this agent; retry in \(retryAfter) s (rule limits.agent-rate)")
        response.headers[.retryAfter] = String(retryAfter)
        return response
    }

    func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text + "\n"))
        )
    }

    func jsonRPC(_ response: JSONRPCResponse, status: HTTPResponse.Status) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(
                byteBuffer: ByteBuffer(bytes: CanonicalJSON.encode(JSONRPCMessage.response(response).json)))
        )
    }
}
