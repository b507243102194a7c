import Foundation
import Logging
import WardenCore

/// Keeps the running cell's tool pins equal to `tool-pins.json`: `warden tools approve` and `warden tools
/// revoke` take effect within one poll interval (or at once on SIGHUP), without a restart, and each change is
/// a ledger entry naming the tools approved, re-approved and revoked.
///
/// A pins file that cannot be read or parsed pins nothing: every tool is refused until it is fixed (a broken
/// revocation must not leave tools callable).
public actor ToolPinWatcher {
    let dataDirectory: String
    let registry: UpstreamRegistry
    let audit: any AuditSink
    let logger: Logger
    var pins: ToolPins
    var fileDigest: String
    /// Runs after each change (the policy in force is re-validated against the newly approved definitions).
    let afterChange: @Sendable () async -> Void

    public init(
        dataDirectory: String, initial: ToolPins, registry: UpstreamRegistry, audit: any AuditSink, logger: Logger,
        afterChange: @escaping @Sendable () async -> Void = {}
    ) {
        self.afterChange = afterChange
        self.dataDirectory = dataDirectory
        self.registry = registry
        self.audit = audit
        self.logger = logger
        self.pins = initial
        // Unknown until the first check: a change made between the cell's load and the watcher's start (a
        // revocation during start-up) is compared against the pins in force, never assumed seen.
        self.fileDigest = ""
    }

    var checking = false
    var checkAgain = false
    var forceAgain = false

    static func digestOfFile(dataDirectory: String) -> String {
        let path = ToolPins.fileURL(dataDirectory: dataDirectory).path
        guard let data = FileManager.default.contents(atPath: path) else { return "absent" }
        return Digest.sha256Hex(Array(data))
    }

    /// Polls the file every `interval` until cancelled.
    public func watch(interval: Duration = .milliseconds(500)) async {
        await check(force: false)
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            await check(force: false)
        }
    }

    /// Re-reads the pins when the file changed (or always, when forced by SIGHUP). Checks never overlap (the
    /// actor is re-entered at every await): a check requested meanwhile runs right after, so the newest file wins.
    public func check(force: Bool) async {
        guard !checking else {
            checkAgain = true
            forceAgain = forceAgain || force
            return
        }
        checking = true
        var force = force
        repeat {
            checkAgain = false
            await reload(force: force)
            force = forceAgain
            forceAgain = false
        } while checkAgain
        checking = false
    }

    func reload(force: Bool) async {
        let digest = Self.digestOfFile(dataDirectory: dataDirectory)
        guard force || digest != fileDigest else { return }
        fileDigest = digest
        let fresh: ToolPins
        var malformed = false
        do {
            fresh = try ToolPins.load(dataDirectory: dataDirectory)
        } catch {
            fresh = ToolPins()
            malformed = true
            logger.error(
                "tool pins unreadable; no tool is callable until the file is fixed",
                metadata: ["rule": "catalog.pins-malformed"])
        }
        let changes = Self.changes(from: pins, to: fresh)
        guard force || !changes.isEmpty || malformed else { return }
        pins = fresh
        await registry.updatePins(fresh)
        do {
            try await audit.record(
                .pinsChanged(LedgerEvent.PinsChange(fileDigest: digest, changes: changes, malformed: malformed)))
        } catch {
            logger.error("audit record failed", metadata: ["kind": "catalog.pins-changed"])
        }
        logger.notice("tool pins reloaded", metadata: ["pins": "\(fresh.digests.count)"])
        await afterChange()
    }

    /// Tools newly approved, re-approved (digest changed) and revoked, each sorted; empty lists left out.
    static func changes(from old: ToolPins, to new: ToolPins) -> [String: [String]] {
        var result: [String: [String]] = [:]
        let approved = new.digests.keys.filter { old.digests[$0] == nil }.sorted()
        let reapproved = new.digests.keys.filter { old.digests[$0] != nil && old.digests[$0] != new.digests[$0] }
        let revoked = old.digests.keys.filter { new.digests[$0] == nil }.sorted()
        if !approved.isEmpty { result["approved"] = approved }
        if !reapproved.isEmpty { result["reapproved"] = reapproved.sorted() }
        if !revoked.isEmpty { result["revoked"] = revoked }
        return result
    }
}
