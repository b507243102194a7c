import Foundation
import WardenCore

/// How a held call waits for its person, for every kind of caller: an MCP client whose `tools/call` is kept open
/// (progress over SSE, `approvals.wait_seconds`) and Warden's own agents. The wait only watches the request the hold
/// raised; when a person has decided, the caller repeats the *identical* call through the pipeline, which checks
/// it again from the start (an approval is used once; a denial refuses with the approver's reason). Waiting never
/// decides anything.
public struct HeldCallWait: Sendable {
    let store: ApprovalStore
    let pollInterval: Duration

    public init(store: ApprovalStore, pollInterval: Duration = .milliseconds(500)) {
        self.store = store
        self.pollInterval = pollInterval
    }

    /// How a wait ended.
    public enum Ending: Sendable, Equatable {
        /// A person approved or denied it: repeat the identical call.
        case decided
        /// Still pending when the wait ran out (the caller answers "held", naming the request).
        case pending
        /// The request expired, is unknown, or the store could not be read: nothing to wait for.
        case gone
    }

    /// Waits for request `id` until `deadline`, calling `tick` (seconds waited so far) after each poll; the wait
    /// stops (`.pending`) when `tick` says the caller no longer waits (its run ended meanwhile).
    public func wait(
        for id: String, until deadline: ContinuousClock.Instant,
        tick: @Sendable (Double) async -> Bool = { _ in true }
    ) async -> Ending {
        let started = ContinuousClock.now
        while !Task.isCancelled {
            guard let request = try? await store.state(of: id) else { return .gone }
            if request.state != .pending { return .decided }
            if request.expiresAt <= Date() { return .gone }
            guard ContinuousClock.now + pollInterval < deadline else { return .pending }
            do { try await Task.sleep(for: pollInterval) } catch { return .pending }
            let waited = ContinuousClock.now - started
            guard await tick(Double(waited.components.seconds) + Double(waited.components.attoseconds) / 1e18) else {
                return .pending
            }
        }
        return .pending
    }
}
