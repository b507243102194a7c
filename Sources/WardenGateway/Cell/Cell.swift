import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import WardenCore
import WardenTracing

/// Work a cell does beside serving: `work` every `interval` (the first time one interval after start, so nothing
/// is added to start-up), and `stop` once when the cell stops. A nil interval is a stop hook only.
public struct CellBackgroundWork: Sendable {
    public var name: String
    public var interval: Duration?
    public var work: @Sendable () async -> Void
    /// Called once when the cell stops (release connections, flush).
    public var stop: @Sendable () async -> Void

    public init(
        name: String, interval: Duration?, work: @escaping @Sendable () async -> Void = {},
        stop: @escaping @Sendable () async -> Void = {}
    ) {
        self.name = name
        self.interval = interval
        self.work = work
        self.stop = stop
    }

    /// Starts the periodic loop (nil when there is nothing periodic); cancel the task to end it.
    func start() -> Task<Void, Never>? {
        guard let interval else { return nil }
        let work = self.work
        return Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if Task.isCancelled { return }
                await work()
            }
        }
    }
}

/// One value on `/metrics` that a control reports about itself (no labels, so no PII).
public struct MetricGauge: Sendable {
    public var name: String
    public var help: String
    public var value: Double

    public init(name: String, help: String, value: Double) {
        self.name = name
        self.help = help
        self.value = value
    }
}

/// One tenant cell: its listeners, upstreams, catalog, gatekeeper, sessions and ledger.
///
/// A cell knows only its own tenant (from configuration); nothing in a request can select another. The cell
/// is the composition root: each control is constructed here once and plugged in at its one place.
public struct Cell: Sendable {
    public static let version = "0.1.0"

    public let configuration: CellConfiguration
    public let authenticator: any AgentAuthenticator
    public let upstreams: [any ToolUpstream]
    public let audit: any AuditSink
    /// Extra gates after the tool policy (send grants, approvals, containment), in order.
    public let gates: [any ToolCallGate]
    public let protectedResourceMetadata: JSONValue
    /// Periodic work beside serving (nonce pruning, witness submission), started with the listeners.
    public let backgroundWork: [CellBackgroundWork]
    /// Gauges controls report on `/metrics` (witness state, ...).
    public let gaugeSources: [@Sendable () async -> [MetricGauge]]
    /// Traces of tool calls (OpenTelemetry), when configured.
    public let tracer: Tracer?
    /// What the first ledger entry of a run records (`cell.started`): version, configuration digest, key ids.
    public let startupFacts: CellStartedRecord?
    /// Runs and the delivery contract.
    public let runs: RunTracker?
    /// The one approval service (admin API `/approvals`, and the inbox's decisions).
    public let approvals: ApprovalService?
    /// The approvers' web inbox on its own listener, when configured.
    public let inbox: Inbox?
    /// Warden's own agents (`agents:`), started on the cell's call pipeline; replaceable (`warden demo` scripts
    /// their model).
    public var agents: AgentRuntime?
    public let logger: Logger

    public init(
        configuration: CellConfiguration,
        authenticator: any AgentAuthenticator,
        upstreams: [any ToolUpstream],
        audit: any AuditSink,
        gates: [any ToolCallGate],
        protectedResourceMetadata: JSONValue,
        backgroundWork: [CellBackgroundWork] = [],
        gaugeSources: [@Sendable () async -> [MetricGauge]] = [],
        tracer: Tracer? = nil,
        startupFacts: CellStartedRecord? = nil,
        runs: RunTracker? = nil,
        approvals: ApprovalService? = nil,
        inbox: Inbox? = nil,
        agents: AgentRuntime? = nil,
        logger: Logger
    ) {
        self.agents = agents
        self.runs = runs
        self.approvals = approvals
        self.inbox = inbox
        self.configuration = configuration
        self.authenticator = authenticator
        self.upstreams = upstreams
        self.audit = audit
        self.gates = gates
        self.protectedResourceMetadata = protectedResourceMetadata
        self.backgroundWork = backgroundWork
        self.gaugeSources = gaugeSources
        self.tracer = tracer
        self.startupFacts = startupFacts
        self.logger = logger
    }

    /// Runs until cancelled (SIGINT/SIGTERM through the service group). `onListening` receives each
    /// listener's name and bound port once it accepts connections.
    public func run(onListening: @escaping @Sendable (String, Int) -> Void = { _, _ in }) async throws {
        let pins: ToolPins
        do {
            pins = try ToolPins.load(dataDirectory: configuration.dataDirectory)
        } catch {
            for upstream in upstreams { await upstream.shutdown() }
            try? await audit.close()
            throw error
        }
        let registry = UpstreamRegistry(
            configuration: configuration, upstreams: upstreams, pins: pins, logger: logger)
        let classifications = registry.classifications
        await registry.startAll()
        do {
            try await serve(registry: registry, classifications: classifications, onListening: onListening)
        } catch {
            // Upstream clients and the ledger must be closed on every path, or their resources leak.
            for item in backgroundWork { await item.stop() }
            await registry.shutdownAll()
            try? await audit.close()
            throw error
        }
        for item in backgroundWork { await item.stop() }
        await registry.shutdownAll()
        try await audit.close()
    }

    func serve(
        registry: UpstreamRegistry,
        classifications: [String: [String: EffectClass]],
        onListening: @escaping @Sendable (String, Int) -> Void
    ) async throws {

        try await audit.record(
            .cellStarted(
                startupFacts
                    ?? CellStartedRecord(
                        version: Self.version, upstreams: configuration.upstreams.map(\.name).sorted(), witnesses: 0,
                        autoGrantRules: [], configurationDigest: nil, activeKeyIDs: [:])))
        let policyInForce: any ToolPolicy
        var policyText: String?
        if let policyFile = configuration.policyFile {
            let (cedar, text) = try PolicyFileWatcher.load(
                path: policyFile,
                classifications: classifications,
                catalog: await registry.currentCatalog()
            )
            policyInForce = cedar
            policyText = text
            try await audit.record(.policyLoaded(policy: cedar.identity, file: policyFile))
        } else {
            // The `roles:` table is sugar for Cedar: it is compiled to permit policies and decided by the same
            // engine, schema and strict mode as a policy file.
            let text = RoleTablePolicy.cedarText(configuration.roles)
            let cedar = try PolicyFileWatcher.compile(
                text: text,
                fileName: "roles (configuration)",
                classifications: classifications,
                catalog: await registry.currentCatalog()
            )
            policyInForce = cedar
            try await audit.record(.policyLoaded(policy: cedar.identity, file: "roles"))
        }
        // Containment first among the gates (unless the tenant overrode it: recorded in `cell.started`).
        let containment = ContainmentRules(
            trustedValues: configuration.containment.trustedValues,
            builtinRules: configuration.containment.builtinRules,
            holdInstructedRuns: configuration.containment.holdInstructedRuns)
        let gatekeeper = GatekeeperHolder(
            Gatekeeper(
                policy: policyInForce,
                gates: (containment.builtinRules
                    ? [ContainmentGate(holdInstructedRuns: containment.holdInstructedRuns)] : []) + gates,
                containment: containment))
        // Pins and policy take effect in the running cell: file watches, and SIGHUP re-reads both. A change of
        // pins re-validates the policy in force against the newly approved definitions.
        var policyWatcher: PolicyFileWatcher?
        var watchers: [Task<Void, Never>] = []
        if let policyFile = configuration.policyFile, let policyText {
            let fileWatcher = PolicyFileWatcher(
                path: policyFile,
                classifications: classifications,
                registry: registry,
                gatekeeper: gatekeeper,
                audit: audit,
                logger: logger
            )
            policyWatcher = fileWatcher
            watchers.append(Task { await fileWatcher.watch(initialText: policyText) })
        }
        let pinWatcher = ToolPinWatcher(
            dataDirectory: configuration.dataDirectory, initial: await registry.pins, registry: registry, audit: audit,
            logger: logger
        ) { [policyWatcher] in await policyWatcher?.check(force: true) }
        watchers.append(Task { await pinWatcher.watch() })
        let hangup = SignalTrigger(signal: SIGHUP) { [policyWatcher] in
            Task {
                await pinWatcher.check(force: true)
                await policyWatcher?.check(force: true)
            }
        }
        let metrics = GatewayMetrics()
        let authRefusals = AuthRefusalRecorder(metrics: metrics, audit: audit)
        // The one call path: every tools/call, from the MCP endpoint or Warden's own agents, passes through it.
        let pipeline = ToolCallPipeline(
            gatekeeper: gatekeeper, registry: registry, audit: audit,
            upstreamTimeout: .seconds(configuration.limits.upstreamTimeoutSeconds), metrics: metrics, tracer: tracer,
            runs: runs, toolCallsPerMinute: configuration.limits.toolCallsPerMinute, logger: logger)
        let dispatcher = MCPDispatcher(pipeline: pipeline)
        let periodic =
            backgroundWork + [
                CellBackgroundWork(name: "auth-refusal-tally", interval: .seconds(5)) { await authRefusals.flush() },
                CellBackgroundWork(name: "tool-refusal-tally", interval: .seconds(5)) {
                    await pipeline.flushTallies()
                },
                // Runs past their deadline or idle limit end (escalated when they must deliver); notices are sent.
                CellBackgroundWork(name: "run-sweep", interval: .seconds(1)) { await runs?.sweep() },
                // Upstream definitions are re-read periodically, not only when an agent lists tools: a changed
                // definition (a rug pull) is refused at the next call even if no agent lists in between.
                CellBackgroundWork(
                    name: "catalog-refresh", interval: .seconds(configuration.mcp.catalogRefreshSeconds)
                ) { await registry.refresh(force: true) },
            ]
        var background = periodic.compactMap { $0.start() }
        // Warden's own agents: on the same pipeline as every external agent, under their own principals.
        if let agents { background.append(Task { await agents.serve(pipeline: pipeline) }) }
        defer {
            for task in watchers { task.cancel() }
            hangup.cancel()
            for task in background { task.cancel() }
        }
        let sessions = MCPSessionStore(
            idleSeconds: configuration.mcp.sessionIdleSeconds,
            maxSessions: configuration.mcp.maxSessions,
            maxPerSubject: configuration.mcp.maxSessionsPerSubject
        )
        let metadataURL = Self.protectedResourceMetadataURL(publicURL: configuration.trimmedPublicURL, path: "/mcp")
        var endpoint = MCPHTTPEndpoint(
            path: "/mcp",
            resourceMetadataURL: metadataURL,
            allowedOrigins: configuration.mcp.allowedOrigins,
            maxBodyBytes: configuration.limits.maxBodyBytes,
            authenticator: authenticator,
            sessions: sessions,
            dispatcher: dispatcher,
            serverVersion: Self.version,
            logger: logger,
            metrics: metrics
        )
        // A held call may wait for its person on an open SSE stream (`approvals.wait_seconds`).
        if let approvals, configuration.approvals.waitSeconds > 0 {
            endpoint.heldCallWait = (HeldCallWait(store: approvals.store), configuration.approvals.waitSeconds)
        }

        let router = Router()
        endpoint.register(on: router)
        let metadata = protectedResourceMetadata
        for path in ["/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"] {
            router.get(RouterPath(path)) { _, _ in
                Response(
                    status: .ok,
                    headers: [.contentType: "application/json", .cacheControl: "max-age=300"],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: CanonicalJSON.encode(metadata)))
                )
            }
        }

        let refusalLogger = logger
        let onRefused: @Sendable (String) -> Void = { listener in
            refusalLogger.debug("ingress refusal counted", metadata: ["listener": "\(listener)"])
            metrics.ingressRefused(listener: listener)
        }
        var services: [any Service] = []
        let agentListener = configuration.agentListener
        services.append(
            Application(
                router: router,
                server: try ListenerServer.builder(
                    listener: agentListener,
                    name: "agents",
                    limits: configuration.limits,
                    onRefused: onRefused
                ),
                configuration: ListenerServer.configuration(
                    agentListener, limits: configuration.limits, logger: logger),
                onServerRunning: { channel in onListening("agents", channel.localAddress?.port ?? agentListener.port) },
                logger: logger
            )
        )
        if let adminListener = configuration.adminListener {
            let adminRouter = Router()
            adminRouter.get("/healthz") { _, _ in "ok\n" }
            let auditSink = audit
            let gaugeSources = self.gaugeSources
            adminRouter.get("/metrics") { _, _ in
                var gauges: [(name: String, help: String, value: Double)] = [
                    ("warden_sessions_open", "Open MCP sessions.", Double(await sessions.count))
                ]
                if let ledger = auditSink as? LedgerAuditSink {
                    gauges.append(
                        ("warden_ledger_entries", "Entries in the cell's ledger.", Double(await ledger.writer.size)))
                }
                for source in gaugeSources {
                    gauges.append(contentsOf: await source().map { ($0.name, $0.help, $0.value) })
                }
                return Response(
                    status: .ok,
                    headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.render(gauges: gauges)))
                )
            }
            LedgerReadEndpoint(
                directory: LedgerAuditSink.directory(dataDirectory: configuration.dataDirectory),
                authenticator: authenticator,
                logger: logger
            ).register(on: adminRouter)
            if let runs { RunsEndpoint(store: runs.store, authenticator: authenticator).register(on: adminRouter) }
            if let approvals {
                ApprovalsEndpoint(service: approvals, authenticator: authenticator).register(on: adminRouter)
            }
            services.append(
                Application(
                    router: adminRouter,
                    server: try ListenerServer.builder(
                        listener: adminListener,
                        name: "admin",
                        limits: configuration.limits,
                        onRefused: onRefused
                    ),
                    configuration: ListenerServer.configuration(
                        adminListener, limits: configuration.limits, logger: logger),
                    onServerRunning: { channel in onListening("admin", channel.localAddress?.port ?? adminListener.port)
                    },
                    logger: logger
                )
            )
        }
        if let inbox {
            let inboxListener = inbox.listener
            services.append(
                Application(
                    router: inbox.router(),
                    server: try ListenerServer.builder(
                        listener: inboxListener, name: "inbox", limits: configuration.limits, onRefused: onRefused),
                    configuration: ListenerServer.configuration(
                        inboxListener, limits: configuration.limits, logger: logger),
                    onServerRunning: { channel in onListening("inbox", channel.localAddress?.port ?? inboxListener.port)
                    },
                    logger: logger
                )
            )
        }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await group.run()
        await authRefusals.flush()
        await pipeline.flushTallies()
        await runs?.flush()
    }

    /// RFC 9728 metadata URL for a resource: the well-known suffix is inserted before the resource's path.
    public static func protectedResourceMetadataURL(publicURL: String, path: String) -> String {
        publicURL + "/.well-known/oauth-protected-resource" + path
    }
}
