import Foundation
import Logging
import WardenCore
import WardenPolicy

/// Loads the cell's Cedar policy file and keeps it current: the file is re-read when it changes or on SIGHUP;
/// a new version that fails to parse or validate is refused, logged and recorded, and the previous one stays.
public actor PolicyFileWatcher {
    let path: String
    let classifications: [String: [String: EffectClass]]
    let registry: UpstreamRegistry
    let gatekeeper: GatekeeperHolder
    let audit: any AuditSink
    let logger: Logger

    public init(
        path: String,
        classifications: [String: [String: EffectClass]],
        registry: UpstreamRegistry,
        gatekeeper: GatekeeperHolder,
        audit: any AuditSink,
        logger: Logger
    ) {
        self.path = path
        self.classifications = classifications
        self.registry = registry
        self.gatekeeper = gatekeeper
        self.audit = audit
        self.logger = logger
    }

    var currentDigest = ""

    /// Reads, parses and validates the file against the schema generated from the current catalog.
    public static func load(
        path: String,
        classifications: [String: [String: EffectClass]],
        catalog: ToolCatalog
    ) throws -> (CedarToolPolicy, String) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PolicyLoadError(rule: "policy.unreadable", details: ["\(path): cannot read the file"])
        }
        return (try compile(text: text, fileName: path, classifications: classifications, catalog: catalog), text)
    }

    /// Parses and validates policy text against the schema generated from `catalog`.
    public static func compile(
        text: String,
        fileName: String,
        classifications: [String: [String: EffectClass]],
        catalog: ToolCatalog
    ) throws -> CedarToolPolicy {
        let schemaText = CedarSchemaBuilder.schemaText(classifications: classifications, catalog: catalog)
        let schema: Schema
        do {
            schema = try Schema(cedarSchema: schemaText, fileName: "generated.cedarschema")
        } catch {
            throw PolicyLoadError(rule: "policy.schema-error", details: ["the generated schema is invalid: \(error)"])
        }
        return try CedarToolPolicy(text: text, fileName: fileName, schema: schema)
    }

    /// Polls the file every `interval` until cancelled.
    public func watch(initialText: String, interval: Duration = .seconds(2)) async {
        currentDigest = Digest.sha256Hex(Array(initialText.utf8))
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            await check(force: false)
        }
    }

    /// Re-reads the file; loads it when it changed (or always, when forced, e.g. by SIGHUP: the catalog and so
    /// the schema may have changed too). Only a version that parses and validates replaces the one in force.
    public func check(force: Bool) async {
        guard let data = FileManager.default.contents(atPath: path) else {
            if force {
                logger.error(
                    "policy file unreadable; the previous policy stays in force",
                    metadata: ["rule": "policy.unreadable"])
            }
            return
        }
        let digest = Digest.sha256Hex(Array(data))
        guard force || digest != currentDigest else { return }
        currentDigest = digest
        do {
            // Compile the bytes that were digested: one read, so the recorded digest is of the policy in force.
            guard let text = String(validating: Array(data), as: UTF8.self) else {
                throw PolicyLoadError(rule: "policy.unreadable", details: ["\(path): not UTF-8 text"])
            }
            let policy = try Self.compile(
                text: text,
                fileName: path,
                classifications: classifications,
                catalog: await registry.currentCatalog()
            )
            let previous = gatekeeper.current
            gatekeeper.replace(Gatekeeper(policy: policy, gates: previous.gates, containment: previous.containment))
            try? await audit.record(
                LedgerEvent.policyLoaded(policy: policy.identity, file: path)
            )
            logger.notice("policy reloaded", metadata: ["policy": "\(policy.identity)"])
        } catch {
            let rule = (error as? PolicyLoadError)?.rule ?? "policy.load-error"
            logger.error(
                "policy refused; the previous policy stays in force",
                metadata: ["rule": "\(rule)", "error": "\(LogSafe.describe(error))"]
            )
            try? await audit.record(
                LedgerEvent.policyRefused(rule: rule, sha256: digest, file: path)
            )
        }
    }
}
