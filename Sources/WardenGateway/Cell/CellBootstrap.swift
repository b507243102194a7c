import Foundation
import Logging
import WardenCore
import WardenGrants
import WardenLedger
import WardenMCP
import WardenOAuth
import WardenRedaction
import WardenTracing
import WardenVault

/// Builds a runnable cell from its configuration: the one place each control is constructed.
public enum CellBootstrap {
    /// Constructs the configured upstreams, resolving their secret references now.
    public static func makeUpstreams(
        configuration: CellConfiguration,
        secrets: any SecretResolver = EnvironmentSecretResolver(),
        logger: Logger
    ) async throws -> [any ToolUpstream] {
        var upstreams: [any ToolUpstream] = []
        let timeout = Duration.seconds(configuration.limits.upstreamTimeoutSeconds)
        for upstream in configuration.upstreams {
            var upstreamLogger = logger
            upstreamLogger[metadataKey: "upstream"] = "\(upstream.name)"
            do {
                upstreams.append(
                    try await makeUpstream(
                        upstream, configuration: configuration, secrets: secrets, timeout: timeout,
                        logger: upstreamLogger))
            } catch {
                // Only this upstream is out of service (its tools are unknown); the cell and its other upstreams run.
                upstreamLogger.error(
                    "upstream not started: a secret or setting it needs is missing",
                    metadata: ["rule": "upstream.not-started", "error": "\(LogSafe.describe(error))"])
                upstreams.append(UnavailableUpstream(name: upstream.name))
            }
        }
        return upstreams
    }

    static func makeUpstream(
        _ upstream: UpstreamConfiguration, configuration: CellConfiguration, secrets: any SecretResolver,
        timeout: Duration, logger upstreamLogger: Logger
    ) async throws -> any ToolUpstream {
        switch upstream.transport {
        case .channels:
            return try await ChannelUpstream(settings: configuration.channels, secrets: secrets)
        case .builtinDemo:
            return BuiltinDemoUpstream(name: upstream.name, outboxPath: configuration.layout.demoOutbox)
        case .stdio(let command, let environment, let workingDirectory):
            var injected: [String: String] = [:]
            for (key, template) in environment { injected[key] = try await template.resolve(with: secrets) }
            let stdio = StdioUpstreamConfiguration(
                command: command[0],
                arguments: Array(command.dropFirst()),
                workingDirectory: workingDirectory,
                injectedEnvironment: injected
            )
            let client = try UpstreamClient.stdio(stdio, requestTimeout: timeout, logger: upstreamLogger)
            return MCPToolUpstream(name: upstream.name, client: client)
        case .http(let url, let headers):
            var resolved: [String: String] = [:]
            for (key, template) in headers { resolved[key] = try await template.resolve(with: secrets) }
            let http = HTTPUpstreamConfiguration(endpoint: url, headers: resolved)
            let client = try UpstreamClient.http(http, requestTimeout: timeout, logger: upstreamLogger)
            return MCPToolUpstream(name: upstream.name, client: client)
        }
    }
}

/// A cell ready to run, and the development issuer when it has one.
public struct BuiltCell: Sendable {
    public var cell: Cell
    public var developmentIssuer: DevelopmentIssuer?
    public var keys: CellKeys
}

extension CellBootstrap {
    /// Creates the cell's data folder (mode 0700) if needed and opens its keys.
    public static func openKeys(configuration: CellConfiguration) async throws -> CellKeys {
        try FileManager.default.createDirectory(
            atPath: configuration.dataDirectory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        return try await CellKeys.open(dataDirectory: configuration.dataDirectory, tenant: configuration.tenant)
    }

    /// Builds the cell. `keys` are the ones `openKeys` returned, when the caller needed them first (e.g. to
    /// key the log redactor); otherwise they are opened here.
    public static func make(
        configuration: CellConfiguration,
        keys openedKeys: CellKeys? = nil,
        audit: (any AuditSink)? = nil,
        logger: Logger
    ) async throws -> BuiltCell {
        let keys: CellKeys
        if let openedKeys {
            keys = openedKeys
        } else {
            keys = try await openKeys(configuration: configuration)
        }
        let redactor = Redactor.cell(mode: configuration.redactionMode, keyring: keys.keyring)
        let secrets = VaultThenEnvironmentResolver(vault: keys.vault)
        let metadataURL = Cell.protectedResourceMetadataURL(publicURL: configuration.trimmedPublicURL, path: "/mcp")
        let issuer: String
        let fetcher: any JWKSFetching
        var developmentIssuer: DevelopmentIssuer?
        var resourceConfiguration: ResourceServerConfiguration
        if let auth = configuration.auth {
            issuer = auth.issuer
            let policy = FetchPolicy(allowsLoopbackHTTP: auth.allowLoopbackHTTP)
            let source: HTTPJWKSFetcher.Source =
                auth.jwksURI.map { .jwksURI($0) } ?? .issuerDiscovery(issuer: auth.issuer)
            fetcher = HTTPJWKSFetcher(source: source, policy: policy, logger: logger)
            var algorithms: Set<JWSAlgorithm> = []
            for name in auth.algorithms {
                guard let algorithm = JWSAlgorithm(rawValue: name) else {
                    throw ResourceServerConfigurationError("algorithm \(name) is not supported")
                }
                algorithms.insert(algorithm)
            }
            var roleClaims = auth.roleClaims.map { RoleClaimSource(path: ClaimPath(dotted: $0), format: .list) }
            if let scopeClaim = auth.scopeClaim {
                roleClaims.append(RoleClaimSource(path: ClaimPath(dotted: scopeClaim), format: .spaceSeparated))
            }
            resourceConfiguration = ResourceServerConfiguration(
                issuer: issuer,
                resource: configuration.resourceURI,
                additionalAudiences: auth.additionalAudiences,
                allowedAlgorithms: algorithms,
                clockSkew: .seconds(auth.clockSkewSeconds),
                requiredScopes: Set(auth.requiredScopes),
                roleClaims: roleClaims,
                tenantClaim: ClaimPath(dotted: auth.tenantClaim ?? "tid"),
                expectedTenant: auth.tenantID,
                subjectClaim: ClaimPath(dotted: auth.subjectClaim),
                requireAccessTokenType: auth.requireAccessTokenType
            )
        } else {
            let dev = try await DevelopmentIssuerStore.load(configuration: configuration)
            developmentIssuer = dev
            issuer = dev.issuer
            fetcher = dev.jwksFetcher
            resourceConfiguration = ResourceServerConfiguration(issuer: issuer, resource: configuration.resourceURI)
        }
        let jwks = JWKSCache(fetcher: fetcher, logger: logger)
        let verifier = try AccessTokenVerifier(configuration: resourceConfiguration, keys: jwks)
        let authenticator = OAuthAgentAuthenticator(
            verifier: verifier,
            tenant: configuration.tenant,
            resourceMetadataURL: metadataURL,
            scopes: configuration.auth?.requiredScopes ?? []
        )
        let metadata = ProtectedResourceMetadata(
            configuration: resourceConfiguration, resourceName: "Warden (\(configuration.tenant))")
        let metadataJSON = try StrictJSONParser().parse(metadata.jsonBytes())
        let sink: any AuditSink
        if let audit {
            sink = audit
        } else {
            let pinned = try LedgerWitnessing.pinnedCheckpoint(
                dataDirectory: configuration.dataDirectory, settings: configuration.witnesses)
            do {
                sink = try await LedgerAuditSink.open(
                    dataDirectory: configuration.dataDirectory,
                    tenant: configuration.tenant,
                    keys: keys,
                    knownCheckpoint: pinned,
                    redactor: redactor
                )
            } catch let error as LedgerStorageError {
                guard let pinned else { throw error }
                throw CellStartupError(
                    "the ledger does not contain the checkpoint of size \(pinned.checkpoint.size) a witness cosigned "
                        + "(rolled back or replaced?): \(error)")
            }
        }
        let upstreams = try await makeUpstreams(configuration: configuration, secrets: secrets, logger: logger)
        let grantDatabase = try SQLiteNonceStore(path: configuration.layout.grants)
        let approvals = try ApprovalStore(
            dataDirectory: configuration.dataDirectory, keys: keys,
            lifetime: TimeInterval(configuration.approvals.requestSeconds),
            queuesNotices: configuration.approvals.notify != nil)
        let approvalLedger = ApprovalLedger(store: approvals, audit: sink)
        let runStore = try SQLiteRunStore(path: configuration.layout.runs)
        // Approvers are told of each new request on the configured channel (with a link into the inbox).
        let approvalNotifier = configuration.approvals.notify.flatMap { target in
            upstreams.first(where: { $0 is ChannelUpstream }).map { channels in
                ApprovalNotifier(
                    store: approvals, audit: sink, inboxURL: configuration.inbox?.publicURL,
                    maxAttempts: configuration.approvals.notifyAttempts,
                    remindBefore: TimeInterval(configuration.approvals.remindBeforeSeconds), logger: logger,
                    send: ApprovalNotifier.channelSend(channels: channels, target: target))
            }
        }
        // Escalation notices go out on Warden's own channels; a quick-start cell without them uses the built-in demo
        // upstream's `send_email` (its outbox file), so `warden demo` can show the notice.
        let noticeChannels =
            upstreams.first(where: { $0 is ChannelUpstream }) ?? upstreams.first(where: { $0 is BuiltinDemoUpstream })
        let escalationChannel = configuration.delivery.escalateTo.flatMap { target in
            noticeChannels.map { ChannelEscalation(channels: $0, target: target) }
        }
        // Warden's own agents may name their own escalation target.
        var agentChannels: [String: any EscalationChannel] = [:]
        if let channels = noticeChannels {
            for agent in configuration.agents {
                if let target = agent.escalateTo {
                    agentChannels[agent.subject] = ChannelEscalation(channels: channels, target: target)
                }
            }
        }
        let runs = RunTracker(
            store: runStore, audit: sink, settings: configuration.delivery, channel: escalationChannel,
            agentChannels: agentChannels, tenant: configuration.tenant, logger: logger)
        let agents =
            configuration.agents.isEmpty
            ? nil
            : AgentRuntime(
                agents: configuration.agents, store: try AgentScheduleStore(path: configuration.layout.agents),
                tenant: configuration.tenant, secrets: secrets, approvals: approvals, attached: grantDatabase,
                logger: logger)
        // Last, once nothing after them can fail: the witness submitter and the trace exporter own HTTP clients
        // that must be shut down by the cell's stop hooks.
        var backgroundWork: [CellBackgroundWork] = []
        var gaugeSources: [@Sendable () async -> [MetricGauge]] = []
        if !configuration.witnesses.isEmpty, let ledger = sink as? LedgerAuditSink {
            let witnessing = try LedgerWitnessing(
                settings: configuration.witnesses, dataDirectory: configuration.dataDirectory, writer: ledger.writer,
                audit: sink, logger: logger)
            backgroundWork.append(witnessing.backgroundWork)
            gaugeSources.append { await witnessing.gauges() }
        }
        var tracer: Tracer?
        if let tracing = configuration.tracing {
            var headers: [(name: String, value: String)] = []
            for (name, template) in tracing.headers.sorted(by: { $0.key < $1.key }) {
                headers.append((name: name, value: try await template.resolve(with: secrets)))
            }
            let tracing = try ToolCallTracing(
                settings: tracing, headers: headers, tenant: configuration.tenant, redactor: redactor, logger: logger)
            tracer = tracing.tracer
            backgroundWork.append(tracing.start())
            gaugeSources.append { tracing.gauges() }
        }
        gaugeSources.append { await runs.gauges() }
        if approvalNotifier != nil {
            gaugeSources.append {
                let undelivered = (try? await approvals.undeliveredNoticeCount()).map(Double.init) ?? -1
                return [
                    MetricGauge(
                        name: "warden_approval_notices_undelivered",
                        help: "Notices to approvers not delivered yet (-1: the approval store could not be read).",
                        value: undelivered)
                ]
            }
        }
        gaugeSources.append {
            let pending = (try? await approvals.pendingCount(now: Date())).map(Double.init) ?? -1
            return [
                MetricGauge(
                    name: "warden_approvals_pending",
                    help: "Held actions waiting for a human decision (-1: the approval store could not be read).",
                    value: pending)
            ]
        }
        // One approval service for every front end in the cell (admin API, inbox), as the CLI uses.
        let approvalService = ApprovalService(
            store: approvals, tenant: configuration.tenant, keys: keys, attached: grantDatabase)
        let inbox = try configuration.inbox.map { settings in
            try Inbox.make(
                settings: settings, service: approvalService, runs: runStore, secrets: secrets,
                ledger: try RunLedgerEntries(
                    dataDirectory: configuration.dataDirectory, keys: keys, tenant: configuration.tenant),
                logger: logger)
        }
        let gates: [any ToolCallGate] = [
            SendGrantGate(
                tenant: configuration.tenant,
                redeemer: GrantRedeemer(verifier: GrantVerifier(keys: keys.grantKeys), nonces: grantDatabase),
                normalizer: RecipientNormalizer(
                    allowInsecureWebhooks: configuration.channels.webhook?.allowPlaintextLoopback ?? false
                ),
                attached: grantDatabase,
                autoGrants: configuration.autoGrants,
                minter: GrantMinter(keys: keys.grantKeys),
                approvals: approvals,
                approvalLedger: approvalLedger
            ),
            // Budgets before the approval gate: a spend over budget is held there.
            SpendBudgetGate(store: approvals, settings: configuration.approvals),
            ApprovalGate(
                store: approvals, ledger: approvalLedger,
                effects: configuration.approvals.spend == .always ? [.spend] : []),
        ]
        let callPath: CallPath
        do {
            callPath = try await assembleCallPath(
                configuration: configuration, upstreams: upstreams, audit: sink,
                startupFacts: startupFacts(configuration: configuration, keys: keys), gates: gates,
                authenticator: authenticator, runs: runs, approvals: approvals, tracer: tracer, logger: logger)
        } catch {
            // The witness submitter and the trace exporter own HTTP clients: shut them down too.
            for item in backgroundWork { await item.stop() }
            throw error
        }
        let cell = Cell(
            configuration: configuration,
            authenticator: authenticator,
            audit: sink,
            callPath: callPath,
            protectedResourceMetadata: metadataJSON,
            backgroundWork: backgroundWork + [
                // Used nonces of expired grants are forgotten with an hour's margin (see NonceStore.prune).
                CellBackgroundWork(name: "grant-nonce-pruning", interval: .seconds(600)) {
                    _ = try? await grantDatabase.prune(before: Date().addingTimeInterval(-3600))
                },
                CellBackgroundWork(name: "approval-notices", interval: .seconds(1)) {
                    await approvalNotifier?.deliverDue()
                    await approvalNotifier?.remindDue()
                },
                // Decisions people take outside the cell (CLI, inbox) reach the ledger within a second.
                CellBackgroundWork(name: "approval-decisions", interval: .seconds(1)) {
                    do {
                        try await approvalLedger.recordDecisions()
                    } catch {
                        logger.error("approval decisions not recorded yet", metadata: ["rule": "approval.ledger"])
                    }
                },
            ],
            gaugeSources: gaugeSources,
            runs: runs,
            approvals: approvalService,
            inbox: inbox,
            agents: agents,
            logger: logger
        )
        return BuiltCell(cell: cell, developmentIssuer: developmentIssuer, keys: keys)
    }
}

extension CellBootstrap {
    /// Starts the upstreams and assembles the call path on them: `cell.started` and `policy.loaded` are the first
    /// ledger entries of this start, then the gatekeeper (containment first among the gates), the pipeline and the
    /// MCP endpoint. On failure the started upstreams are shut down and the ledger closed.
    static func assembleCallPath(
        configuration: CellConfiguration, upstreams: [any ToolUpstream], audit: any AuditSink,
        startupFacts: CellStartedRecord, gates: [any ToolCallGate], authenticator: any AgentAuthenticator,
        runs: RunTracker, approvals: ApprovalStore, tracer: Tracer?, logger: Logger
    ) async throws -> CallPath {
        let pins: ToolPins
        do {
            pins = try ToolPins.load(dataDirectory: configuration.dataDirectory)
        } catch {
            for upstream in upstreams { await upstream.shutdown() }
            try? await audit.close()
            throw error
        }
        let registry = UpstreamRegistry(configuration: configuration, upstreams: upstreams, pins: pins, logger: logger)
        await registry.startAll()
        do {
            return try await assembleCallPath(
                configuration: configuration, registry: registry, audit: audit, startupFacts: startupFacts,
                gates: gates, authenticator: authenticator, runs: runs, approvals: approvals, tracer: tracer,
                logger: logger)
        } catch {
            await registry.shutdownAll()
            try? await audit.close()
            throw error
        }
    }

    private static func assembleCallPath(
        configuration: CellConfiguration, registry: UpstreamRegistry, audit: any AuditSink,
        startupFacts: CellStartedRecord, gates: [any ToolCallGate], authenticator: any AgentAuthenticator,
        runs: RunTracker, approvals: ApprovalStore, tracer: Tracer?, logger: Logger
    ) async throws -> CallPath {
        let classifications = registry.classifications
        try await audit.record(.cellStarted(startupFacts))
        let policyInForce: any ToolPolicy
        var policyText: String?
        if let policyFile = configuration.policyFile {
            let (cedar, text) = try PolicyFileWatcher.load(
                path: policyFile, classifications: classifications, catalog: await registry.currentCatalog())
            policyInForce = cedar
            policyText = text
            try await audit.record(.policyLoaded(policy: cedar.identity, file: policyFile))
        } else {
            // The `roles:` table is sugar for Cedar: it is compiled to permit policies and decided by the same
            // engine, schema and strict mode as a policy file.
            let cedar = try PolicyFileWatcher.compile(
                text: RoleTablePolicy.cedarText(configuration.roles), fileName: "roles (configuration)",
                classifications: classifications, catalog: await registry.currentCatalog())
            policyInForce = cedar
            try await audit.record(.policyLoaded(policy: cedar.identity, file: "roles"))
        }
        // Containment first among the gates (unless the tenant overrode it: recorded in `cell.started`).
        let containment = ContainmentRules(
            trustedValues: configuration.containment.trustedValues,
            builtinRules: configuration.containment.builtinRules,
            holdInstructedRuns: configuration.containment.holdInstructedRuns,
            holdDirectedValues: configuration.containment.holdDirectedValues,
            holdUnaskedActions: configuration.containment.holdUnaskedActions,
            holdOutsideTask: configuration.containment.holdOutsideTask,
            holdTaskLimits: configuration.containment.holdTaskLimits)
        let gatekeeper = GatekeeperHolder(
            Gatekeeper(
                policy: policyInForce,
                gates: (containment.builtinRules
                    ? [ContainmentGate(containment)] : []) + gates,
                containment: containment))
        // Pins and policy take effect in the running cell: file watches, and SIGHUP re-reads both. A change of
        // pins re-validates the policy in force against the newly approved definitions.
        let policyWatcher = configuration.policyFile.map { path in
            PolicyFileWatcher(
                path: path, classifications: classifications, registry: registry, gatekeeper: gatekeeper,
                audit: audit, logger: logger)
        }
        let pinWatcher = ToolPinWatcher(
            dataDirectory: configuration.dataDirectory, initial: await registry.pins, registry: registry, audit: audit,
            logger: logger
        ) { [policyWatcher] in await policyWatcher?.check(force: true) }
        let metrics = GatewayMetrics()
        // The one call path: every tools/call, from the MCP endpoint or Warden's own agents, passes through it.
        let pipeline = ToolCallPipeline(
            gatekeeper: gatekeeper, registry: registry, audit: audit,
            upstreamTimeout: .seconds(configuration.limits.upstreamTimeoutSeconds), metrics: metrics, tracer: tracer,
            runs: runs, toolCallsPerMinute: configuration.limits.toolCallsPerMinute, logger: logger)
        let sessions = MCPSessionStore(
            idleSeconds: configuration.mcp.sessionIdleSeconds,
            maxSessions: configuration.mcp.maxSessions,
            maxPerSubject: configuration.mcp.maxSessionsPerSubject
        )
        var endpoint = MCPHTTPEndpoint(
            path: "/mcp",
            resourceMetadataURL: Cell.protectedResourceMetadataURL(
                publicURL: configuration.trimmedPublicURL, path: "/mcp"),
            allowedOrigins: configuration.mcp.allowedOrigins,
            maxBodyBytes: configuration.limits.maxBodyBytes,
            authenticator: authenticator,
            sessions: sessions,
            dispatcher: MCPDispatcher(pipeline: pipeline),
            serverVersion: Cell.version,
            logger: logger,
            metrics: metrics
        )
        endpoint.serverTiming = configuration.mcp.serverTiming
        // A held call may wait for its person on an open SSE stream (`approvals.wait_seconds`).
        if configuration.approvals.waitSeconds > 0 {
            endpoint.heldCallWait = (HeldCallWait(store: approvals), configuration.approvals.waitSeconds)
        }
        return CallPath(
            registry: registry, gatekeeper: gatekeeper, pipeline: pipeline, endpoint: endpoint, sessions: sessions,
            metrics: metrics, authRefusals: AuthRefusalRecorder(metrics: metrics, audit: audit),
            policyWatcher: policyWatcher, policyText: policyText, pinWatcher: pinWatcher)
    }
}

/// The development issuer's signing key, kept in the cell's data folder so `warden token` and
/// `warden serve` agree. Development only: a configured `auth:` section disables it entirely.
public enum DevelopmentIssuerStore {
    public static func issuerURL(for configuration: CellConfiguration) -> String {
        configuration.trimmedPublicURL + "/dev-issuer"
    }

    public static func load(configuration: CellConfiguration) async throws -> DevelopmentIssuer {
        let path = configuration.layout.developmentIssuerKey
        let issuer = issuerURL(for: configuration)
        if let pem = try? String(contentsOfFile: path, encoding: .utf8) {
            return try await DevelopmentIssuer(
                issuer: issuer, keyID: "warden-dev-1", algorithm: .eddsa, privateKeyPEM: pem)
        }
        let fresh = try await DevelopmentIssuer(issuer: issuer)
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        guard
            FileManager.default.createFile(
                atPath: path, contents: Data(fresh.privateKeyPEM.utf8), attributes: [.posixPermissions: 0o600])
        else { throw CocoaError(.fileWriteUnknown) }
        return fresh
    }
}

extension CellBootstrap {
    /// Facts of the `cell.started` ledger entry: which build ran which configuration with which keys, so a
    /// changed configuration or a rotated key shows in the ledger at the next start. Key ids only, never keys.
    static func startupFacts(configuration: CellConfiguration, keys: CellKeys) -> CellStartedRecord {
        var keyIDs: [String: String] = [:]
        for purpose in KeyPurpose.allCases { keyIDs[purpose.rawValue] = keys.keyring.activeKey(purpose).keyID }
        return CellStartedRecord(
            version: Cell.version, upstreams: configuration.upstreams.map(\.name).sorted(),
            witnesses: configuration.witnesses.count, autoGrantRules: configuration.autoGrants.map(\.id),
            configurationDigest: configuration.sourceDigest, activeKeyIDs: keyIDs,
            containmentOverride: configuration.containment.builtinRules
                ? nil : (configuration.containment.overrideReason ?? "(no reason given)"),
            containmentAllowed: [
                ("instructed_runs", configuration.containment.holdInstructedRuns),
                ("directed_values", configuration.containment.holdDirectedValues),
                ("unasked_actions", configuration.containment.holdUnaskedActions),
                ("outside_task", configuration.containment.holdOutsideTask),
                ("task_limits", configuration.containment.holdTaskLimits),
            ].filter { !$0.1 }.map(\.0))
    }
}

/// Why a cell refused to start, in words an operator can act on.
public struct CellStartupError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
