import Testing

@testable import WardenGateway

@Suite("Ingress allowlist: default deny, exact CIDR matching")
struct IngressAllowlistTests {
    func address(_ text: String) -> [UInt8]? { CIDRBlock.parseAddress(text) }

    @Test("an empty allowlist admits nobody")
    func emptyAdmitsNobody() {
        #expect(!IngressAllowlist([]).admits(address("127.0.0.1")))
        #expect(!IngressAllowlist([]).admits(address("::1")))
    }

    @Test("a missing peer address is refused")
    func missingAddressRefused() throws {
        let all = IngressAllowlist([try #require(CIDRBlock("0.0.0.0/0"))])
        #expect(!all.admits(nil))
    }

    @Test("matches IPv4 prefixes exactly")
    func ipv4() throws {
        let list = IngressAllowlist([try #require(CIDRBlock("127.0.0.1/32")), try #require(CIDRBlock("10.20.0.0/16"))])
        #expect(list.admits(address("127.0.0.1")))
        #expect(!list.admits(address("127.0.0.2")))
        #expect(list.admits(address("10.20.255.1")))
        #expect(!list.admits(address("10.21.0.1")))
    }

    @Test("IPv4-mapped IPv6 peers are judged as IPv4")
    func mapped() throws {
        let list = IngressAllowlist([try #require(CIDRBlock("127.0.0.1/32"))])
        #expect(list.admits(address("::ffff:127.0.0.1")))
        #expect(!list.admits(address("::ffff:127.0.0.2")))
    }

    @Test("matches IPv6 prefixes")
    func ipv6() throws {
        let list = IngressAllowlist([try #require(CIDRBlock("fd00:1234::/32")), try #require(CIDRBlock("::1/128"))])
        #expect(list.admits(address("fd00:1234:ffff::1")))
        #expect(!list.admits(address("fd00:1235::1")))
        #expect(list.admits(address("::1")))
        #expect(!list.admits(address("::2")))
    }

    @Test(
        "refuses malformed or ambiguous blocks",
        arguments: [
            "10.0.0.0", "10.0.0.0/33", "10.0.0.1/8", "010.0.0.0/8", "10.0.0/8", "10.0.0.0/08", "::1/129",
            "fe80::1%eth0/128",
            "1.2.3.4/-1", "a.b.c.d/8", "10.0.0.0/ 8", "::/0/0", "1:2:3:4:5:6:7:8:9/128",
        ]
    )
    func refusesMalformed(_ text: String) {
        #expect(CIDRBlock(text) == nil)
    }
}
