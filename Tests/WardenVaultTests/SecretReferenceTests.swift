import Testing
import WardenVault

@Suite("secret:// references")
struct SecretReferenceTests {
    @Test("a well-formed reference parses to its name and prints back identically")
    func parsesValidReference() throws {
        let reference = try SecretReference(parsing: "secret://smtp.password-2_b")
        #expect(reference.name == "smtp.password-2_b")
        #expect(reference.description == "secret://smtp.password-2_b")
    }

    @Test(
        "malformed references are refused with the rule they break",
        arguments: [
            ("smtp.password", SecretReferenceError.missingScheme),
            ("SECRET://x", .missingScheme),
            ("secret:/x", .missingScheme),
            ("secret://", .emptyName),
            ("secret://a b", .invalidCharacter(offset: 1)),
            ("secret://a/b", .invalidCharacter(offset: 1)),
            ("secret://../etc", .invalidCharacter(offset: 2)),
            ("secret://.hidden", .mustStartWithLetterOrDigit),
            ("secret://-flag", .mustStartWithLetterOrDigit),
            ("secret://pässword", .invalidCharacter(offset: 1)),
            ("secret://a?b=c", .invalidCharacter(offset: 1)),
            ("secret://a\n", .invalidCharacter(offset: 1)),
        ])
    func refusesMalformed(input: String, expected: SecretReferenceError) {
        #expect(throws: expected) { try SecretReference(parsing: input) }
    }

    @Test("names longer than the bound are refused; the bound itself is accepted")
    func enforcesLengthBound() throws {
        let longest = String(repeating: "a", count: SecretReference.maximumNameLength)
        #expect(try SecretReference(name: longest).name == longest)
        #expect(throws: SecretReferenceError.nameTooLong(maximum: SecretReference.maximumNameLength)) {
            try SecretReference(name: longest + "a")
        }
    }

    @Test("error messages name the rule and never echo the offending text")
    func errorsDoNotEchoInput() {
        do {
            _ = try SecretReference(parsing: "secret://hunter2 hunter2")
            Issue.record("expected a refusal")
        } catch {
            #expect(!error.description.contains("hunter2"))
            #expect(error.description.contains("A-Z, a-z, 0-9"))
        }
    }
}
