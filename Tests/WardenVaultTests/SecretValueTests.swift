import Testing
import WardenVault

@Suite("SecretValue never prints its value")
struct SecretValueTests {
    let value = SecretValue("correct horse battery staple")

    @Test("description, debugDescription and interpolation are redacted")
    func redactedInStrings() {
        for text in [value.description, value.debugDescription, "\(value)", String(reflecting: value)] {
            #expect(!text.contains("horse"))
            #expect(text.contains("redacted"))
        }
    }

    @Test("dump shows no children")
    func redactedInDump() {
        var output = ""
        dump(value, to: &output)
        #expect(!output.contains("horse"))
        #expect(Mirror(reflecting: value).children.isEmpty)
    }

    @Test("the value is available through the explicit reveal accessors")
    func revealAccessors() {
        #expect(value.utf8String == "correct horse battery staple")
        #expect(value.bytes == Array("correct horse battery staple".utf8))
        #expect(value.count == 28)
    }

    @Test("equality compares contents")
    func equality() {
        #expect(value == SecretValue("correct horse battery staple"))
        #expect(value != SecretValue("correct horse battery stapl3"))
        #expect(value != SecretValue("short"))
    }
}
