import Testing

@testable import WardenPolicy

@Suite struct EvaluatorTests {
    let entities = Entities([
        Entity(uid: EntityUID("User", "alice"), attributes: ["level": .long(3)], parents: [EntityUID("Role", "dev")]),
        Entity(uid: EntityUID("Role", "dev"), parents: [EntityUID("Role", "staff")]),
        Entity(uid: EntityUID("Role", "staff")),
        Entity(uid: EntityUID("Doc", "d"), tags: ["owner": .string("alice")]),
    ])

    @Test func equalityAcrossTypesIsFalseNotAnError() throws {
        #expect(try evaluate(#"1 == "1""#) == .bool(false))
        #expect(try evaluate(#"[1, 2] == [2, 1]"#) == .bool(true))
        #expect(try evaluate(#"{a: 1} != {a: 1, b: 2}"#) == .bool(true))
    }

    @Test func arithmeticOverflowIsAnError() {
        #expect(throws: EvaluationFailure.self) { try evaluate("9223372036854775807 + 1") }
        #expect(throws: EvaluationFailure.self) { try evaluate("-9223372036854775808 * -1") }
        #expect(throws: EvaluationFailure.self) { try evaluate("-(-9223372036854775808)") }
    }

    @Test func inFollowsTheTransitiveAncestorClosure() throws {
        #expect(try evaluate(#"User::"alice" in Role::"staff""#, entities: entities) == .bool(true))
        #expect(try evaluate(#"User::"alice" in [Role::"x", Role::"dev"]"#, entities: entities) == .bool(true))
        #expect(try evaluate(#"Role::"staff" in User::"alice""#, entities: entities) == .bool(false))
    }

    @Test func inOnAMissingEntityIsFalseButReadingItsAttributeErrors() throws {
        #expect(try evaluate(#"User::"ghost" in Role::"staff""#, entities: entities) == .bool(false))
        #expect(try evaluate(#"User::"ghost" in User::"ghost""#, entities: entities) == .bool(true))
        #expect(try evaluate(#"User::"ghost" has level"#, entities: entities) == .bool(false))
        #expect(throws: EvaluationFailure.self) { try evaluate(#"User::"ghost".level"#, entities: entities) }
    }

    @Test func andOrShortCircuitButStillDemandBooleans() throws {
        #expect(try evaluate("false && (1 + \"a\" == 2)") == .bool(false))
        #expect(try evaluate("true || context.missing") == .bool(true))
        #expect(throws: EvaluationFailure.self) { try evaluate("true && 1") }
        #expect(throws: EvaluationFailure.self) { try evaluate("1 || true") }
    }

    @Test func setMethods() throws {
        #expect(try evaluate("[1, 2, 3].contains(2)") == .bool(true))
        #expect(try evaluate("[1, 2, 3].containsAll([1, 3])") == .bool(true))
        #expect(try evaluate("[1, 2].containsAny([5, 6])") == .bool(false))
        #expect(try evaluate("[].isEmpty()") == .bool(true))
        #expect(throws: EvaluationFailure.self) { try evaluate("1.contains(1)") }
    }

    @Test func entityTags() throws {
        #expect(try evaluate(#"Doc::"d".hasTag("owner")"#, entities: entities) == .bool(true))
        #expect(try evaluate(#"Doc::"d".getTag("owner")"#, entities: entities) == .string("alice"))
        #expect(try evaluate(#"Doc::"d".hasTag("nope")"#, entities: entities) == .bool(false))
        #expect(throws: EvaluationFailure.self) { try evaluate(#"Doc::"d".getTag("nope")"#, entities: entities) }
    }

    @Test func ipaddrMethods() throws {
        #expect(try evaluate(#"ip("10.1.2.3").isInRange(ip("10.0.0.0/8"))"#) == .bool(true))
        #expect(try evaluate(#"ip("10.0.0.0/7").isInRange(ip("10.0.0.0/8"))"#) == .bool(false))
        #expect(try evaluate(#"ip("127.0.0.2").isLoopback() && ip("::1").isLoopback()"#) == .bool(true))
        #expect(try evaluate(#"ip("224.1.1.1").isMulticast() && ip("ff02::1").isIpv6()"#) == .bool(true))
        #expect(try evaluate(#"ip("::1").isInRange(ip("127.0.0.0/8"))"#) == .bool(false))
        #expect(throws: EvaluationFailure.self) { try evaluate(#"ip("::ffff:1.2.3.4")"#) }
        #expect(throws: EvaluationFailure.self) { try evaluate(#"ip("10.0.0.1/33")"#) }
        #expect(throws: EvaluationFailure.self) { try evaluate(#"ip("010.0.0.1")"#) }
    }

    @Test func decimalMethods() throws {
        #expect(try evaluate(#"decimal("1.5").lessThan(decimal("1.5001"))"#) == .bool(true))
        #expect(try evaluate(#"decimal("-1.5").lessThan(decimal("1.2345"))"#) == .bool(true))
        #expect(try evaluate(#"decimal("1.0") == decimal("1.0000")"#) == .bool(true))
        #expect(throws: EvaluationFailure.self) { try evaluate(#"decimal("1.23456")"#) }
        #expect(throws: EvaluationFailure.self) { try evaluate(#"decimal("922337203685478.0")"#) }
        #expect(throws: EvaluationFailure.self) { try evaluate(#"decimal("1.0") < decimal("2.0")"#) }
    }

    @Test func datetimeAndDuration() throws {
        #expect(
            try evaluate(#"datetime("2024-10-15T11:35:00Z") < datetime("2024-10-15T11:35:00.001Z")"#) == .bool(true))
        #expect(
            try evaluate(#"datetime("2024-10-15T11:35:00+0100") == datetime("2024-10-15T10:35:00Z")"#) == .bool(true))
        #expect(
            try evaluate(#"datetime("2024-10-15").offset(duration("1d2h")) == datetime("2024-10-16T02:00:00Z")"#)
                == .bool(true))
        #expect(try evaluate(#"duration("-1d2h3m4s5ms").toMilliseconds()"#) == .long(-93_784_005))
        #expect(try evaluate(#"duration("90m").toHours()"#) == .long(1))
        #expect(try evaluate(#"datetime("1969-12-31T23:00:00Z").toTime() == duration("23h")"#) == .bool(true))
        #expect(try evaluate(#"datetime("1969-12-31T23:00:00Z").toDate() == datetime("1969-12-31")"#) == .bool(true))
        #expect(
            try evaluate(#"datetime("2024-01-02").durationSince(datetime("2024-01-01")) == duration("24h")"#)
                == .bool(true))
        #expect(throws: EvaluationFailure.self) { try evaluate(#"datetime("2025-02-29")"#) }
        #expect(throws: EvaluationFailure.self) { try evaluate(#"duration("1h1d")"#) }
        #expect(throws: EvaluationFailure.self) { try evaluate(#"datetime("2024-01-01T00:00:00")"#) }
    }

    @Test func extensionArityIsCheckedWhenEvaluating() throws {
        _ = try parseExpression(#"ip("1.2.3.4", "x")"#)
        #expect(throws: EvaluationFailure.self) { try evaluate(#"ip("1.2.3.4", "x")"#) }
    }

    @Test func likeMatchesUnicodeScalarsExactly() throws {
        #expect(try evaluate("\"caf\u{E9}\" like \"caf*\"") == .bool(true))
        #expect(try evaluate("\"cafe\u{301}\" == \"caf\u{E9}\"") == .bool(false))
    }
}

@Suite struct ValueLiteralTests {
    @Test func swiftLiteralsBuildCedarValues() throws {
        let context: [String: Value] = [
            "tainted": false, "amount": 5, "to": "a@b", "tags": ["x", "x"], "args": ["n": 1],
        ]
        #expect(context["tags"] == .set([.string("x")]))
        #expect(
            try evaluate("context.amount + context.args.n == 6 && !context.tainted", context: context) == .bool(true))
    }
}
