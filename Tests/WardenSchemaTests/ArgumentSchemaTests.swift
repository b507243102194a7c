import Testing
import WardenCore

@testable import WardenSchema

/// The argument control: a call's arguments must satisfy the tool's pinned schema before policy runs, and a
/// schema Warden cannot enforce refuses the tool.
struct ArgumentSchemaTests {
    func schema(_ text: String) throws -> ArgumentSchema {
        try ArgumentSchema.compile(inputSchema: try StrictJSONParser().parse(text))
    }

    func rule(_ schema: ArgumentSchema, _ arguments: String) throws -> String? {
        guard case .object(let members) = try StrictJSONParser().parse(arguments) else { return "not-an-object" }
        do {
            try schema.validate(arguments: members)
            return nil
        } catch {
            return error.rule
        }
    }

    let limit = #"{"type":"object","properties":{"limit":{"type":"integer"}}}"#
    let amount = #"{"type":"object","properties":{"amount":{"type":"number","maximum":1000000}}}"#

    @Test func integersMustBeIntegerLiteralsWithin64Bits() throws {
        let s = try schema(limit)
        #expect(try rule(s, #"{"limit": 5000000}"#) == nil)
        #expect(try rule(s, #"{"limit": 5000000.0}"#) == "arguments.type")
        #expect(try rule(s, #"{"limit": 5e6}"#) == "arguments.type")
        #expect(try rule(s, #"{"limit": 100000000000000000000}"#) == "arguments.type")
        #expect(try rule(s, #"{"limit": "5"}"#) == "arguments.type")
        // Every 64-bit integer is an integer (Cedar's Long), bounds or not.
        #expect(try rule(s, #"{"limit": 9223372036854775807}"#) == nil)
        let bounded = try schema(#"{"type":"object","properties":{"limit":{"type":"integer","maximum":1000}}}"#)
        #expect(try rule(bounded, #"{"limit": 9223372036854775807}"#) == "arguments.range")
    }

    @Test func numbersFollowTheDecimalModel() throws {
        let s = try schema(amount)
        #expect(try rule(s, #"{"amount": 12.5}"#) == nil)
        #expect(try rule(s, #"{"amount": 12}"#) == nil)
        #expect(try rule(s, #"{"amount": 0.0001}"#) == nil)
        #expect(try rule(s, #"{"amount": 0.00001}"#) == "arguments.number")
        #expect(try rule(s, #"{"amount": 1e300}"#) == "arguments.number")
        #expect(try rule(s, #"{"amount": 5000000.0}"#) == "arguments.range")
        #expect(try rule(s, #"{"amount": "12.5"}"#) == "arguments.type")
    }

    @Test func theDecimalIsReadFromTheForwardedSpelling() {
        #expect(ScaledDecimal(json: .double(5e6))?.scaled == 50_000_000_000)
        #expect(ScaledDecimal(json: .double(12.5))?.scaled == 125_000)
        #expect(ScaledDecimal(json: .double(-0.25))?.scaled == -2_500)
        #expect(ScaledDecimal(json: .double(1e-7)) == nil)
        #expect(ScaledDecimal(json: .double(1e21)) == nil)
        #expect(ScaledDecimal(json: .integer(Int64.max)) == nil)
    }

    @Test func argumentsTheSchemaDoesNotNameAreRefusedWhateverAdditionalPropertiesSays() throws {
        for additional in ["", #","additionalProperties":true"#, #","additionalProperties":false"#] {
            let s = try schema(#"{"type":"object","properties":{"to":{"type":"string"}}"# + additional + "}")
            #expect(try rule(s, #"{"to":"a@b.example","bcc":"x@evil.example"}"#) == "arguments.undeclared")
        }
    }

    @Test func nestedObjectsAreCheckedToo() throws {
        let s = try schema(
            #"{"type":"object","properties":{"payee":{"type":"object","properties":{"iban":{"type":"string"}},"required":["iban"]}}}"#
        )
        #expect(try rule(s, #"{"payee":{"iban":"DE89"}}"#) == nil)
        #expect(try rule(s, #"{"payee":{"iban":"DE89","bic":"X"}}"#) == "arguments.undeclared")
        #expect(try rule(s, #"{"payee":{}}"#) == "arguments.required")
    }

    @Test func requiredEnumsFormatsLengthsAndPatterns() throws {
        let s = try schema(
            #"{"type":"object","required":["status"],"properties":{"status":{"type":"string","enum":["open","paid"]},"#
                + #""to":{"type":"string","format":"email"},"code":{"type":"string","pattern":"^[A-Z]{3}$","maxLength":3}}}"#
        )
        #expect(try rule(s, #"{}"#) == "arguments.required")
        #expect(try rule(s, #"{"status":"void"}"#) == "arguments.enum")
        #expect(try rule(s, #"{"status":"open","to":"not an address"}"#) == "arguments.format")
        #expect(try rule(s, #"{"status":"open","code":"eur"}"#) == "arguments.pattern")
        #expect(try rule(s, #"{"status":"open","code":"EURO"}"#) == "arguments.length")
        #expect(try rule(s, #"{"status":"open","to":"a@b.example","code":"EUR"}"#) == nil)
    }

    @Test func pydanticOptionalsAndAddressListsCompile() throws {
        let s = try schema(
            #"{"type":"object","title":"send_emailArguments","required":["to"],"properties":{"#
                + #""to":{"title":"To","type":"string"},"#
                + #""cc":{"anyOf":[{"type":"array","items":{"type":"string"}},{"type":"null"}],"default":null},"#
                + #""bcc":{"oneOf":[{"type":"string"},{"type":"array","items":{"type":"string"},"maxItems":2}]}}}"#
        )
        #expect(try rule(s, #"{"to":"a@b.example","cc":null}"#) == nil)
        #expect(try rule(s, #"{"to":"a@b.example","cc":["c@d.example"],"bcc":"e@f.example"}"#) == nil)
        #expect(try rule(s, #"{"to":"a@b.example","bcc":["1","2","3"]}"#) == "arguments.items")
        #expect(try rule(s, #"{"to":null}"#) == "arguments.type")
    }

    @Test func schemasWardenCannotEnforceAreCompileErrors() {
        let unenforceable = [
            #"{"type":"object","properties":{"x":{"type":"string","contentEncoding":"base64"}}}"#,
            #"{"type":"object","properties":{"x":{}}}"#,
            #"{"type":"object","properties":{"x":{"type":"array"}}}"#,
            #"{"type":"object","properties":{"x":{"type":"string","format":"credit-card"}}}"#,
            #"{"type":"object","properties":{"x":{"anyOf":[{"type":"string"},{"type":"integer"}]}}}"#,
            #"{"type":"object","properties":{"x":{"$ref":"https://evil.example/s.json"}}}"#,
            #"{"type":"object","properties":{"x":{"type":"object","additionalProperties":{"type":"string"}}}}"#,
            #"{"type":"string"}"#,
        ]
        for text in unenforceable {
            #expect(throws: SchemaCompileError.self, "\(text)") { try schema(text) }
        }
    }

    @Test func localReferencesResolve() throws {
        let s = try schema(
            #"{"type":"object","$defs":{"Payee":{"type":"object","properties":{"iban":{"type":"string"}}}},"#
                + ##""properties":{"payee":{"$ref":"#/$defs/Payee"}}}"##
        )
        #expect(try rule(s, #"{"payee":{"iban":"DE89"}}"#) == nil)
        #expect(try rule(s, #"{"payee":{"bic":"X"}}"#) == "arguments.undeclared")
    }

    @Test func formats() {
        #expect(FormatChecker.matches(.uuid, "123e4567-e89b-12d3-a456-426614174000"))
        #expect(!FormatChecker.matches(.uuid, "123e4567-e89b-12d3-a456"))
        #expect(FormatChecker.matches(.dateTime, "2026-12-05T10:00:00Z"))
        #expect(FormatChecker.matches(.dateTime, "2026-12-05T10:00:00.5+01:00"))
        #expect(!FormatChecker.matches(.dateTime, "2026-12-05 10:00"))
        #expect(FormatChecker.matches(.uri, "https://hooks.example/x"))
        #expect(!FormatChecker.matches(.uri, "not a uri"))
        #expect(FormatChecker.matches(.ipv4, "10.0.0.1"))
        #expect(!FormatChecker.matches(.ipv4, "10.0.0.256"))
    }

    @Test func argumentNamesMatchByteForByteNotByUnicodeEquivalence() throws {
        let s = try schema(#"{"type":"object","required":["Kind"],"properties":{"Kind":{"type":"string"}}}"#)
        #expect(try rule(s, #"{"Kind":"safe"}"#) == nil)
        // U+212A KELVIN SIGN is canonically equivalent to K: Swift's == says equal, the upstream's bytes do not.
        #expect(try rule(s, "{\"\u{212A}ind\":\"safe\"}") == "arguments.undeclared")
    }

    @Test func constraintsBesideEachOtherAllApply() throws {
        let bounded = try schema(
            #"{"type":"object","properties":{"n":{"type":"number","exclusiveMinimum":0,"minimum":-1000,"maximum":10,"exclusiveMaximum":100}}}"#
        )
        #expect(try rule(bounded, #"{"n":0}"#) == "arguments.range")
        #expect(try rule(bounded, #"{"n":-5}"#) == "arguments.range")
        #expect(try rule(bounded, #"{"n":11}"#) == "arguments.range")
        #expect(try rule(bounded, #"{"n":10}"#) == nil)
        let both = try schema(#"{"type":"object","properties":{"x":{"type":"string","const":"a","enum":["a","b"]}}}"#)
        #expect(try rule(both, #"{"x":"b"}"#) == "arguments.enum")
        let nullable = try schema(
            #"{"type":"object","properties":{"n":{"anyOf":[{"type":"integer","maximum":5},{"type":"null"}],"maximum":100}}}"#
        )
        #expect(try rule(nullable, #"{"n":50}"#) == "arguments.range")
    }

    @Test func addressListsCheckEveryStringWithTheStatedConstraints() throws {
        let s = try schema(
            #"{"type":"object","properties":{"to":{"oneOf":[{"type":"string"},{"type":"array","items":{"type":"string","format":"email"}}]},"#
                + #""tier":{"anyOf":[{"type":"string","enum":["a"]},{"type":"array","items":{"type":"string","enum":["a"]}}]}}}"#
        )
        #expect(try rule(s, #"{"to":"not an address"}"#) == "arguments.format")
        #expect(try rule(s, #"{"to":["a@b.example","nope"]}"#) == "arguments.format")
        #expect(try rule(s, #"{"tier":"b"}"#) == "arguments.enum")
        #expect(try rule(s, #"{"tier":["a","b"]}"#) == "arguments.enum")
    }
}
