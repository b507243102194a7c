import Logging
import WardenCore

/// The cell's upstreams and the catalog built from their listings, configuration and pins.
public actor UpstreamRegistry {
    let upstreams: [String: any ToolUpstream]
    let classifications: [String: [String: EffectClass]]
    let recipientFields: [String: [String: [String: RecipientKind]]]
    let nonRecipientFields: [String: [String: Set<String>]]
    let containment: [String: [String: ToolContainment]]
    var pins: ToolPins
    var catalog = ToolCatalog() {
        didSet { snapshot.withLock { $0 = catalog } }
    }
    /// The catalog for the call path, read without a hop to the registry's executor.
    nonisolated let snapshot = Locked(ToolCatalog())
    var listings: [String: [UpstreamToolDefinition]] = [:]
    var lastRefresh: ContinuousClock.Instant?
    let minimumRefreshInterval: Duration
    let logger: Logger

    public init(
        upstreams: [any ToolUpstream],
        classifications: [String: [String: EffectClass]],
        recipientFields: [String: [String: [String: RecipientKind]]] = [:],
        nonRecipientFields: [String: [String: Set<String>]] = [:],
        containment: [String: [String: ToolContainment]] = [:],
        pins: ToolPins,
        minimumRefreshInterval: Duration = .seconds(1),
        logger: Logger
    ) {
        self.upstreams = Dictionary(uniqueKeysWithValues: upstreams.map { ($0.name, $0) })
        self.classifications = classifications
        self.recipientFields = recipientFields
        self.nonRecipientFields = nonRecipientFields
        self.containment = containment
        self.pins = pins
        self.minimumRefreshInterval = minimumRefreshInterval
        self.logger = logger
    }

    /// The registry of a cell's configured upstreams: classification and recipient declarations from `configuration`.
    public init(
        configuration: CellConfiguration, upstreams: [any ToolUpstream], pins: ToolPins, logger: Logger
    ) {
        var classifications: [String: [String: EffectClass]] = [:]
        var recipientFields: [String: [String: [String: RecipientKind]]] = [:]
        var nonRecipientFields: [String: [String: Set<String>]] = [:]
        var containment: [String: [String: ToolContainment]] = [:]
        for upstream in configuration.upstreams {
            containment[upstream.name] = upstream.containment
            classifications[upstream.name] = upstream.tools
            recipientFields[upstream.name] = upstream.recipientFields
            nonRecipientFields[upstream.name] = upstream.nonRecipientFields
        }
        self.init(
            upstreams: upstreams, classifications: classifications, recipientFields: recipientFields,
            nonRecipientFields: nonRecipientFields, containment: containment, pins: pins, logger: logger)
    }

    public func startAll() async {
        for (name, upstream) in upstreams.sorted(by: { $0.key < $1.key }) {
            do {
                try await upstream.start()
            } catch {
                logger.error(
                    "upstream failed to start",
                    metadata: ["upstream": "\(name)", "error": "\(LogSafe.describe(error))"])
            }
        }
        await refresh(force: true)
    }

    public func shutdownAll() async {
        for upstream in upstreams.values { await upstream.shutdown() }
    }

    /// Re-lists every upstream's tools (at most once per interval unless forced). An upstream that fails to
    /// list keeps none of its tools in the catalog: its tools are unknown until it answers again.
    public func refresh(force: Bool = false) async {
        if !force, let lastRefresh, ContinuousClock.now - lastRefresh < minimumRefreshInterval { return }
        lastRefresh = .now
        var fresh: [String: [UpstreamToolDefinition]] = [:]
        for (name, upstream) in upstreams {
            do {
                fresh[name] = try await upstream.listTools()
            } catch {
                logger.warning(
                    "upstream failed to list tools",
                    metadata: ["upstream": "\(name)", "error": "\(LogSafe.describe(error))"])
            }
        }
        listings = fresh
        catalog = ToolCatalog(
            listings: fresh,
            classifications: classifications,
            recipientFields: recipientFields,
            nonRecipientFields: nonRecipientFields,
            containment: containment,
            pins: pins
        )
    }

    public func currentCatalog() -> ToolCatalog { catalog }

    /// The current catalog, read under a lock (no actor hop).
    public nonisolated var catalogNow: ToolCatalog { snapshot.value }

    public func updatePins(_ pins: ToolPins) {
        self.pins = pins
        catalog = ToolCatalog(
            listings: listings,
            classifications: classifications,
            recipientFields: recipientFields,
            nonRecipientFields: nonRecipientFields,
            containment: containment,
            pins: pins
        )
    }

    /// Calls an approved catalog entry on its upstream.
    public nonisolated func call(_ entry: CatalogEntry, arguments: [String: JSONValue]) async throws -> JSONValue {
        guard let upstream = upstreams[entry.name.server] else {
            throw UpstreamFailure(upstream: entry.name.server, reason: "not configured")
        }
        return try await upstream.callTool(entry.name.tool, arguments: arguments)
    }
}
