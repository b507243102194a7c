import WardenCore

/// What one check of the call pipeline says about a call. Checks decide; they never commit: what they need to
/// use up (a grant nonce, an approval) they only *reserve*, and the pipeline commits the reservations once the
/// decision is durable in the ledger, or releases them. A ledger failure therefore leaves nothing consumed.
public enum CheckVerdict: Sendable {
    /// The check does not concern this call (e.g. the grant check of a read tool).
    case notApplicable
    /// The call passes this check; `evidence` is recorded in the decision's trail. `byHuman`: a person approved
    /// this exact action (an approval, or a grant a person minted), which satisfies what containment asked for.
    case pass(evidence: [String], reservations: [Reservation] = [], byHuman: Bool = false)
    /// The call may run only with a person's confirmation (containment): a later gate that can ask a person
    /// (approval, or the send grant's hold) holds it; where no person can be asked, the call is refused.
    /// What it reserved (a budget's share) is committed if the call then runs with a person's confirmation.
    case needsHuman(Refusal, reservations: [Reservation] = [])
    /// The call must not run.
    case refuse(Refusal)
    /// The call waits for a person (an approval request names itself in the refusal).
    case hold(Refusal)
}

/// Something a check set aside for one call: committed by the pipeline after the decision is recorded,
/// released when the call does not go ahead. A reservation lapses by itself if neither happens (a crash).
public struct Reservation: Sendable {
    public var name: String
    let commitAction: @Sendable () async throws -> Bool
    let releaseAction: @Sendable () async -> Void

    public init(
        name: String, commit: @escaping @Sendable () async throws -> Bool,
        release: @escaping @Sendable () async -> Void
    ) {
        self.name = name
        self.commitAction = commit
        self.releaseAction = release
    }

    /// Uses the reservation; false when it lapsed and someone else holds it now (the call must not run).
    public func commit() async -> Bool {
        (try? await commitAction()) ?? false
    }

    public func release() async {
        await releaseAction()
    }
}

extension Array where Element == Reservation {
    func releaseAll() async {
        for reservation in self { await reservation.release() }
    }
}
