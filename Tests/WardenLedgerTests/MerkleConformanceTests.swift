import Foundation
import Testing

@testable import WardenLedger

/// Runs the transparency-dev/merkle RFC 6962 vectors: every inclusion and consistency vector must be accepted or
/// rejected exactly as its `wantErr` says.
@Suite("RFC 6962 conformance vectors (transparency-dev/merkle)")
struct MerkleConformanceTests {
    static let testdata = ProcessInfo.processInfo.environment["WARDEN_MERKLE_TESTDATA"]

    struct InclusionVector: Decodable {
        var leafIdx: UInt64
        var treeSize: UInt64
        var root: String
        var leafHash: String
        var proof: [String]?
        var desc: String
        var wantErr: Bool
    }

    struct ConsistencyVector: Decodable {
        var size1: UInt64
        var size2: UInt64
        var root1: String
        var root2: String
        var proof: [String]?
        var desc: String
        var wantErr: Bool
    }

    static func vectorFiles(_ kind: String) throws -> [URL] {
        let root = URL(fileURLWithPath: try #require(testdata)).appendingPathComponent(kind)
        let enumerator = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil))
        var files: [URL] = []
        for case let url as URL in enumerator where url.pathExtension == "json" {
            files.append(url)
        }
        return files.sorted { $0.path < $1.path }
    }

    static func bytes(_ base64: String) throws -> [UInt8] {
        [UInt8](try #require(Data(base64Encoded: base64), "vector holds invalid base64 \(base64)"))
    }

    @Test(
        "every inclusion vector is accepted or rejected as stated",
        .enabled(if: testdata != nil, "set WARDEN_MERKLE_TESTDATA to the transparency-dev testdata directory"))
    func inclusionVectors() throws {
        let files = try Self.vectorFiles("inclusion")
        #expect(files.count > 50)
        for file in files {
            let vector = try JSONDecoder().decode(InclusionVector.self, from: Data(contentsOf: file))
            var failure: (any Error)?
            do {
                try MerkleVerification.verifyInclusion(
                    leafHash: Self.bytes(vector.leafHash), index: vector.leafIdx, size: vector.treeSize,
                    proof: (vector.proof ?? []).map(Self.bytes), root: Self.bytes(vector.root))
            } catch {
                failure = error
            }
            #expect((failure != nil) == vector.wantErr, "\(file.path): \(vector.desc): \(String(describing: failure))")
        }
    }

    @Test(
        "every consistency vector is accepted or rejected as stated",
        .enabled(if: testdata != nil, "set WARDEN_MERKLE_TESTDATA to the transparency-dev testdata directory"))
    func consistencyVectors() throws {
        let files = try Self.vectorFiles("consistency")
        #expect(files.count > 50)
        for file in files {
            let vector = try JSONDecoder().decode(ConsistencyVector.self, from: Data(contentsOf: file))
            var failure: (any Error)?
            do {
                try MerkleVerification.verifyConsistency(
                    oldSize: vector.size1, newSize: vector.size2, oldRoot: Self.bytes(vector.root1),
                    newRoot: Self.bytes(vector.root2), proof: (vector.proof ?? []).map(Self.bytes))
            } catch {
                failure = error
            }
            #expect((failure != nil) == vector.wantErr, "\(file.path): \(vector.desc): \(String(describing: failure))")
        }
    }
}
