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

/// One tenant cell, as `CellBootstrap` (the composition root) assembled it: its call path, listeners, periodic
/// work and ledger. The cell constructs no control; it runs them.
///
/// A cell knows only its own tenant (from configuration); nothing in a request can select another.
public struct Cell: Sendable {
    public static let version = "0.1.0"

    public let configuration: CellConfiguration
    public let authenticator: any AgentAuthenticator
    public let audit: any AuditSink
    /// The upstreams (started), policy, gates, pipeline and MCP endpoint.
    public let callPath: CallPath
    public let protectedResourceMetadata: JSONValue
    /// Periodic work beside serving (nonce pruning, witness submission), started with the listeners.
    public let backgroundWork: [CellBackgroundWork]
    /// Gauges controls report on `/metrics` (witness state, ...).
    public let gaugeSources: [@Sendable () async -> [MetricGauge]]
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

    init(
        configuration: CellConfiguration,
        authenticator: any AgentAuthenticator,
        audit: any AuditSink,
        callPath: CallPath,
        protectedResourceMetadata: JSONValue,
        backgroundWork: [CellBackgroundWork] = [],
        gaugeSources: [@Sendable () async -> [MetricGauge]] = [],
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
        self.audit = audit
        self.callPath = callPath
        self.protectedResourceMetadata = protectedResourceMetadata
        self.backgroundWork = backgroundWork
        self.gaugeSources = gaugeSources
        self.logger = logger
    }

    /// Runs until cancelled (SIGINT/SIGTERM through the service group). `onListening` receives each
    /// listener's name and bound port once it accepts connections.
    public func run(onListening: @escaping @Sendable (String, Int) -> Void = { _, _ in }) async throws {
        do {
            try await serve(onListening: onListening)
        } catch {
            // Upstream clients and the ledger must be closed on every path, or their resources leak.
            for item in backgroundWork { await item.stop() }
            await callPath.registry.shutdownAll()
            try? await audit.close()
            throw error
        }
        for item in backgroundWork { await item.stop() }
        await callPath.registry.shutdownAll()
        try await audit.close()
    }

    func serve(onListening: @escaping @Sendable (String, Int) -> Void) async throws {
        let (registry, pipeline, sessions, metrics) = (
            callPath.registry, callPath.pipeline, callPath.sessions, callPath.metrics
        )
        let authRefusals = callPath.authRefusals
        var watchers: [Task<Void, Never>] = []
        if let policyWatcher = callPath.policyWatcher, let text = callPath.policyText {
            watchers.append(Task { await policyWatcher.watch(initialText: text) })
        }
        let (pinWatcher, policyWatcher) = (callPath.pinWatcher, callPath.policyWatcher)
        watchers.append(Task { await pinWatcher.watch() })
        let hangup = SignalTrigger(signal: SIGHUP) {
            Task {
                await pinWatcher.check(force: true)
                await policyWatcher?.check(force: true)
            }
        }
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
        let router = Router()
        callPath.endpoint.register(on: router)
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
