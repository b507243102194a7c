import Foundation
import GRDB

/// Decided requests, newest first, read from the cell's approvals database for the inbox's "Decided" page.
///
/// Read-only, and through the same sealer as the store, so an action shows only when it opens. (The store itself
/// lists only pending requests; a `decided(limit:)` there would let this file go.)
struct ApprovalHistory: Sendable {
    private let database: DatabaseQueue
    private let sealer: ApprovalSealer

    init(path: String, sealer: ApprovalSealer) throws {
        var configuration = Configuration()
        configuration.readonly = true
        self.database = try DatabaseQueue(path: path, configuration: configuration)
        self.sealer = sealer
    }

    func decided(limit: Int = 100) async throws -> [ApprovalRequest] {
        let sealer = self.sealer
        return try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM approval WHERE state IN ('approved', 'denied', 'used')
                    ORDER BY decided_at DESC, id LIMIT ?
                    """,
                arguments: [limit]
            ).map(sealer.request)
        }
    }
}
