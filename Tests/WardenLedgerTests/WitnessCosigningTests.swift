import Foundation
import Testing

@testable import WardenLedger

@Suite("tlog-witness decisions (witness side)")
struct WitnessCosigningTests {
    struct Fixture {
        let log: Ed25519NoteSigner
        let witness: WitnessCosigning
        let tree: InMemoryMerkleTree

        init() throws {
            log = try Ed25519NoteSigner.generate(name: "warden.example/log")
            witness = WitnessCosigning(
                cosigner: try Ed25519Cosigner.generate(name: "witness.example/w1"),
                logs: ["warden.example/log": [log.verifier]])
            tree = InMemoryMerkleTree(entries: (0..<40).map { Data("e\($0)".utf8) })
        }

        func checkpoint(_ size: UInt64, signer: Ed25519NoteSigner? = nil) throws -> SignedCheckpoint {
            try SignedCheckpoint.sign(
                Checkpoint(origin: "warden.example/log", size: size, rootHash: try tree.rootHash(size: size)),
                signer: signer ?? log)
        }

        func request(old: UInt64, new: UInt64, signer: Ed25519NoteSigner? = nil) throws -> Data {
            let proof = old == 0 ? [] : try MerkleProofs.consistencyProof(oldSize: old, newSize: new, source: tree)
            return try WitnessProtocol.addCheckpointRequest(
                oldSize: old, consistencyProof: proof, checkpoint: try checkpoint(new, signer: signer))
        }
    }

    static func status(_ outcome: AddCheckpointOutcome) -> Int {
        if case .refused(let status, _, _) = outcome { return status }
        return 200
    }

    @Test("a first checkpoint and a consistent successor are cosigned; the client verifies the response")
    func cosignsConsistentCheckpoints() throws {
        let fixture = try Fixture()
        let first = fixture.witness.addCheckpoint(try fixture.request(old: 0, new: 13)) { _ in nil }
        guard case .cosigned(let seen, _) = first else {
            Issue.record("first checkpoint refused: \(first)")
            return
        }
        let second = fixture.witness.addCheckpoint(try fixture.request(old: 13, new: 40)) { _ in seen }
        #expect(Self.status(second) == 200)
        let body = try #require(second.responseBody)
        let cosignatures = try WitnessProtocol.cosignatures(
            fromResponse: body, for: try fixture.checkpoint(40), witnesses: [fixture.witness.cosigner.verifier])
        #expect(cosignatures.count == 1)
    }

    @Test("the witness refuses with the status codes the spec assigns")
    func refusals() throws {
        let fixture = try Fixture()
        let seen = try fixture.checkpoint(13).checkpoint
        // 409 with the latest size when the client's old size is stale.
        let stale = fixture.witness.addCheckpoint(try fixture.request(old: 5, new: 40)) { _ in seen }
        #expect(
            stale == .refused(status: 409, reason: "old size does not match the latest cosigned size", sizeBody: "13\n")
        )
        // 403 when no trusted log key signed it.
        let forger = try Ed25519NoteSigner.generate(name: "warden.example/log")
        #expect(
            Self.status(
                fixture.witness.addCheckpoint(try fixture.request(old: 13, new: 40, signer: forger)) { _ in seen })
                == 403)
        // 404 for an unknown origin.
        let other = try Ed25519NoteSigner.generate(name: "other.example/log")
        let unknown = try WitnessProtocol.addCheckpointRequest(
            oldSize: 0, consistencyProof: [],
            checkpoint: try SignedCheckpoint.sign(
                Checkpoint(origin: "other.example/log", size: 1, rootHash: RFC6962.emptyRoot), signer: other))
        #expect(Self.status(fixture.witness.addCheckpoint(unknown) { _ in nil }) == 404)
        // 422 when the consistency proof does not verify (a fork).
        var forked = fixture.tree
        forked.append(leafHash: RFC6962.leafHash(Data("fork".utf8)))
        let badProof = try WitnessProtocol.addCheckpointRequest(
            oldSize: 13, consistencyProof: try MerkleProofs.consistencyProof(oldSize: 13, newSize: 41, source: forked),
            checkpoint: try SignedCheckpoint.sign(
                Checkpoint(origin: "warden.example/log", size: 41, rootHash: try forked.rootHash(size: 41)),
                signer: fixture.log))
        let forkSeen = Checkpoint(origin: "warden.example/log", size: 13, rootHash: RFC6962.leafHash(Data("x".utf8)))
        #expect(Self.status(fixture.witness.addCheckpoint(badProof) { _ in forkSeen }) == 422)
        // 409 for the same size with another root; 400 for garbage.
        let sameSize = try fixture.request(old: 13, new: 13)
        #expect(Self.status(fixture.witness.addCheckpoint(sameSize) { _ in forkSeen }) == 409)
        #expect(Self.status(fixture.witness.addCheckpoint(Data("hello".utf8)) { _ in nil }) == 400)
    }

    @Test("same size: the same root is cosigned again, a proof is malformed, and size 0 must be the empty tree")
    func sameSizeAndEmptyTree() throws {
        let fixture = try Fixture()
        let seen = try fixture.checkpoint(13).checkpoint
        #expect(Self.status(fixture.witness.addCheckpoint(try fixture.request(old: 13, new: 13)) { _ in seen }) == 200)
        let withProof = try WitnessProtocol.addCheckpointRequest(
            oldSize: 13, consistencyProof: [RFC6962.emptyRoot], checkpoint: try fixture.checkpoint(13))
        #expect(Self.status(fixture.witness.addCheckpoint(withProof) { _ in seen }) == 400)
        let bogusEmpty = try WitnessProtocol.addCheckpointRequest(
            oldSize: 0, consistencyProof: [],
            checkpoint: try SignedCheckpoint.sign(
                Checkpoint(origin: "warden.example/log", size: 0, rootHash: RFC6962.leafHash(Data("x".utf8))),
                signer: fixture.log))
        #expect(Self.status(fixture.witness.addCheckpoint(bogusEmpty) { _ in nil }) == 400)
        let empty = try WitnessProtocol.addCheckpointRequest(
            oldSize: 0, consistencyProof: [],
            checkpoint: try SignedCheckpoint.sign(
                Checkpoint(origin: "warden.example/log", size: 0, rootHash: RFC6962.emptyRoot), signer: fixture.log))
        #expect(Self.status(fixture.witness.addCheckpoint(empty) { _ in nil }) == 200)
    }
}
