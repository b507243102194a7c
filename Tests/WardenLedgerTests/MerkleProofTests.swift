import Foundation
import Testing

@testable import WardenLedger

@Suite("RFC 6962 hashing and proofs")
struct MerkleProofTests {
    static func entries(_ count: Int) -> [Data] {
        (0..<count).map { Data("entry-\($0)".utf8) }
    }

    /// The recursive MTH definition, written independently of CompactRange and the node sources.
    static func referenceRoot(_ leaves: ArraySlice<TreeHash>) -> TreeHash {
        if leaves.isEmpty { return RFC6962.emptyRoot }
        if leaves.count == 1 { return leaves[leaves.startIndex] }
        var split = 1
        while split * 2 < leaves.count { split *= 2 }
        let middle = leaves.startIndex + split
        return RFC6962.nodeHash(referenceRoot(leaves[..<middle]), referenceRoot(leaves[middle...]))
    }

    @Test("empty tree root is SHA-256 of the empty string")
    func emptyRoot() {
        #expect(RFC6962.emptyRoot.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(CompactRange().rootHash == RFC6962.emptyRoot)
    }

    @Test("leaf and node hashes use the 0x00 and 0x01 domain prefixes")
    func domainSeparation() {
        // SHA-256(0x00) and SHA-256(0x01 || leaf || leaf) for the empty entry, computed with sha256sum.
        let leaf = RFC6962.leafHash(Data())
        #expect(leaf.hex == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
        #expect(RFC6962.nodeHash(leaf, leaf) != RFC6962.leafHash(leaf.data + leaf.data))
    }

    @Test("compact range root equals the recursive definition for every size up to 300")
    func compactRangeMatchesDefinition() {
        let leaves = Self.entries(300).map { RFC6962.leafHash($0) }
        var range = CompactRange()
        for size in 1...leaves.count {
            range.append(leaves[size - 1])
            #expect(range.rootHash == Self.referenceRoot(leaves[..<size]), "size \(size)")
        }
    }

    @Test("every inclusion proof in trees up to 40 leaves verifies, and fails for a neighbouring index")
    func inclusionProofsRoundTrip() throws {
        let data = Self.entries(40)
        for size in 1...data.count {
            let tree = InMemoryMerkleTree(entries: Array(data[..<size]))
            let root = try tree.rootHash(size: UInt64(size))
            for index in 0..<size {
                let proof = try MerkleProofs.inclusionProof(index: UInt64(index), size: UInt64(size), source: tree)
                let leaf = RFC6962.leafHash(data[index])
                try MerkleVerification.verifyInclusion(
                    leafHash: leaf, index: UInt64(index), size: UInt64(size), proof: proof, root: root)
                if size > 1 {
                    let other = UInt64((index + 1) % size)
                    #expect(throws: MerkleProofError.self) {
                        try MerkleVerification.verifyInclusion(
                            leafHash: leaf, index: other, size: UInt64(size), proof: proof, root: root)
                    }
                }
            }
        }
    }

    @Test("every consistency proof between sizes up to 40 verifies, and fails against a forked old root")
    func consistencyProofsRoundTrip() throws {
        let data = Self.entries(40)
        let tree = InMemoryMerkleTree(entries: data)
        var forked = data
        forked[0] = Data("forged".utf8)
        let fork = InMemoryMerkleTree(entries: forked)
        for newSize in UInt64(1)...40 {
            let newRoot = try tree.rootHash(size: newSize)
            for oldSize in UInt64(1)...newSize {
                let proof = try MerkleProofs.consistencyProof(oldSize: oldSize, newSize: newSize, source: tree)
                try MerkleVerification.verifyConsistency(
                    oldSize: oldSize, newSize: newSize, oldRoot: try tree.rootHash(size: oldSize), newRoot: newRoot,
                    proof: proof)
                #expect(throws: MerkleProofError.self) {
                    try MerkleVerification.verifyConsistency(
                        oldSize: oldSize, newSize: newSize, oldRoot: try fork.rootHash(size: oldSize),
                        newRoot: newRoot, proof: proof)
                }
            }
        }
    }

    @Test("proofs for the 7-leaf example tree of the C2SP merkle-tree spec have the listed shape")
    func specExample() throws {
        let data = Self.entries(7)
        let tree = InMemoryMerkleTree(entries: data)
        let leaf = data.map { RFC6962.leafHash($0) }
        let h = RFC6962.nodeHash(leaf[0], leaf[1])
        let i = RFC6962.nodeHash(leaf[2], leaf[3])
        let j = RFC6962.nodeHash(leaf[4], leaf[5])
        let k = RFC6962.nodeHash(h, i)
        let l = RFC6962.nodeHash(j, leaf[6])
        #expect(try MerkleProofs.inclusionProof(index: 0, size: 7, source: tree) == [leaf[1], i, l])
        #expect(try MerkleProofs.inclusionProof(index: 3, size: 7, source: tree) == [leaf[2], h, l])
        #expect(try MerkleProofs.inclusionProof(index: 4, size: 7, source: tree) == [leaf[5], leaf[6], k])
        #expect(try MerkleProofs.inclusionProof(index: 6, size: 7, source: tree) == [j, k])
        #expect(try MerkleProofs.consistencyProof(oldSize: 3, newSize: 7, source: tree) == [leaf[2], leaf[3], h, l])
        #expect(try MerkleProofs.consistencyProof(oldSize: 4, newSize: 7, source: tree) == [l])
        #expect(try MerkleProofs.consistencyProof(oldSize: 6, newSize: 7, source: tree) == [j, leaf[6], k])
        #expect(try tree.rootHash(size: 7) == RFC6962.nodeHash(k, l))
    }

    @Test("hashes of the wrong length are refused, never padded")
    func malformedHashesRefused() {
        #expect(TreeHash([UInt8](repeating: 0, count: 31)) == nil)
        #expect(TreeHash([UInt8](repeating: 0, count: 33)) == nil)
        #expect(throws: MerkleProofError.malformedHash(what: "leaf hash", length: 31)) {
            try MerkleVerification.verifyInclusion(
                leafHash: [UInt8](repeating: 0, count: 31), index: 0, size: 1, proof: [],
                root: [UInt8](repeating: 0, count: 32))
        }
    }
}
