import Testing
import WardenChannels

@Suite("Email addresses are plain addr-spec only")
struct EmailAddressTests {
    @Test func plainAddressIsAcceptedAndItsDomainLowerCased() throws {
        let parsed = try EmailAddress("First.Last+tag@Example.COM")
        #expect(parsed.localPart == "First.Last+tag")
        #expect(parsed.domain == "example.com")
        #expect(parsed.description == "First.Last+tag@example.com")
    }

    @Test(arguments: [
        ("Eve <eve@example.com>", "display name"),
        ("eve@example.com\r\nRCPT TO:<x@y.org>", "CRLF smuggling an SMTP command"),
        ("eve@example.com>,<x@y.org", "angle-bracket break-out"),
        ("a@b@example.com", "second @"),
        ("\"a@b\"@example.com", "quoted local part"),
        ("eve@[192.0.2.1]", "domain literal"),
        ("eve(comment)@example.com", "comment"),
        (".eve@example.com", "leading dot"),
        ("e..ve@example.com", "consecutive dots"),
        ("eve@exämple.com", "non-ASCII domain"),
        ("eve@-example.com", "label starts with hyphen"),
        ("eve@example..com", "empty label"),
        ("eve example@example.com", "space"),
        ("@example.com", "empty local part"),
        ("eve@", "empty domain"),
        ("", "empty"),
    ])
    func addressThatIsNotAPlainAddrSpecIsRefused(text: String, why: String) {
        #expect(throws: EmailAddressError.self, "\(why)") { try EmailAddress(text) }
    }

    @Test func localPartLongerThan64BytesIsRefused() {
        #expect(throws: EmailAddressError.self) { try EmailAddress(String(repeating: "a", count: 65) + "@example.com") }
    }
}
