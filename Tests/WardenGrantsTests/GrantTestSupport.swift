import Crypto
import Foundation
import WardenGrants

/// Fixed clock and fixtures shared by the grant tests.
enum Fixture {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let normalizer = RecipientNormalizer()

    static func key(_ id: String, seed: UInt8) -> GrantKey {
        GrantKey(keyID: id, key: SymmetricKey(data: [UInt8](repeating: seed, count: 32)))
    }

    static let acmeKey = key("acme-k1", seed: 1)
    static let acmeKeys = GrantKeySet(active: acmeKey)

    static func email(_ address: String) throws -> Recipient { try normalizer.email(address) }

    static func mint(
        keys: any GrantKeyProvider = acmeKeys, tenant: String = "acme", agent: String? = nil,
        tool: String = "mail.send", to recipients: [String] = ["alice@example.com"], digest: ContentDigest? = nil,
        notBefore: Date = now, lifetime: TimeInterval = 300
    ) throws -> MintedGrant {
        try GrantMinter(keys: keys).mint(
            tenant: tenant, mintedBy: GrantOrigin(.approval, id: "apr-1"), agent: agent, tool: tool,
            recipients: recipients.map(email), contentDigest: digest, notBefore: notBefore,
            expiresAt: notBefore.addingTimeInterval(lifetime))
    }

    static func facts(
        tenant: String = "acme", tool: String = "mail.send", to recipients: [String] = ["alice@example.com"],
        digest: ContentDigest? = nil, agent: String? = nil
    ) throws -> SendRequestFacts {
        SendRequestFacts(
            tenant: tenant, tool: tool, recipients: try recipients.map(email), contentDigest: digest, agent: agent)
    }
}

/// Test-side base64url, independent of the implementation under test.
enum TestBase64URL {
    static func decode(_ text: Substring) -> [UInt8]? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard).map { [UInt8]($0) }
    }

    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

/// The three dot-separated parts of a token.
struct TokenParts {
    var payload: [UInt8]
    var tag: [UInt8]

    init?(_ token: String) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "wg1", let payload = TestBase64URL.decode(parts[1]),
            let tag = TestBase64URL.decode(parts[2])
        else { return nil }
        self.payload = payload
        self.tag = tag
    }

    var token: String { "wg1." + TestBase64URL.encode(payload) + "." + TestBase64URL.encode(tag) }
}

/// A nonce store in memory, for verifier tests that are not about storage.
actor MemoryNonceStore: NonceStore {
    private var used: Set<GrantNonce> = []

    private var reserved: [GrantNonce: Date] = [:]

    func consume(nonce: GrantNonce, expiresAt: Date) async throws -> Bool {
        reserved[nonce] == nil && used.insert(nonce).inserted
    }

    func reserve(nonce: GrantNonce, expiresAt: Date, until: Date) async throws -> Bool {
        guard !used.contains(nonce), reserved[nonce].map({ $0 < Date() }) ?? true else { return false }
        reserved[nonce] = until
        return true
    }

    func commit(nonce: GrantNonce, until: Date) async throws -> Bool {
        guard reserved[nonce] == until else { return false }
        reserved[nonce] = nil
        return used.insert(nonce).inserted
    }

    func release(nonce: GrantNonce, until: Date) async throws {
        if reserved[nonce] == until { reserved[nonce] = nil }
    }

    func prune(before cutoff: Date) async throws -> Int { 0 }
}

struct TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("warden-grants-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func cleanUp() { try? FileManager.default.removeItem(atPath: path) }
}

/// Verifies and returns the refusal, or nil if the grant verified.
func refusal(_ verifier: GrantVerifier, _ token: String, _ facts: SendRequestFacts, _ now: Date) -> GrantRefusal? {
    do {
        _ = try verifier.verify(token, expected: facts, now: now)
        return nil
    } catch {
        return error
    }
}
