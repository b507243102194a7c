/// The extension functions and methods of `ipaddr`, `decimal`, `datetime` and `duration`.
enum ExtensionFunctions {
    typealias Failure = EvaluationFailure

    private static func argument(_ args: [Value], _ i: Int) throws(Failure) -> Value {
        guard i < args.count else { throw Failure("missing argument") }
        return args[i]
    }

    private static func string(_ v: Value, _ fn: String) throws(Failure) -> String {
        guard case .string(let s) = v else { throw Failure("type error: `\(fn)` expects a string, got \(v.typeName)") }
        return s
    }

    private static func decimal(_ v: Value) throws(Failure) -> CedarDecimal {
        guard case .ext(.decimal(let d)) = v else { throw Failure("type error: expected decimal, got \(v.typeName)") }
        return d
    }

    private static func ip(_ v: Value) throws(Failure) -> IPAddr {
        guard case .ext(.ipaddr(let a)) = v else { throw Failure("type error: expected ipaddr, got \(v.typeName)") }
        return a
    }

    private static func datetime(_ v: Value) throws(Failure) -> CedarDatetime {
        guard case .ext(.datetime(let d)) = v else { throw Failure("type error: expected datetime, got \(v.typeName)") }
        return d
    }

    private static func duration(_ v: Value) throws(Failure) -> CedarDuration {
        guard case .ext(.duration(let d)) = v else { throw Failure("type error: expected duration, got \(v.typeName)") }
        return d
    }

    /// Constructs an extension value from its constructor name and string argument (also used by the JSON formats).
    static func construct(_ name: String, _ text: String) -> ExtensionValue? {
        switch name {
        case "ip", "ipaddr": return IPAddr(parsing: text).map(ExtensionValue.ipaddr)
        case "decimal": return CedarDecimal(parsing: text).map(ExtensionValue.decimal)
        case "datetime": return CedarDatetime(parsing: text).map(ExtensionValue.datetime)
        case "duration": return CedarDuration(parsing: text).map(ExtensionValue.duration)
        default: return nil
        }
    }

    static func call(_ name: String, _ args: [Value]) throws(Failure) -> Value {
        let expected =
            Parser.extensionFunctions.contains(name) ? 1 : (Parser.extensionMethods[name].map { $0 + 1 } ?? -1)
        guard expected >= 0 else { throw Failure("unknown extension function `\(name)`") }
        guard args.count == expected else {
            throw Failure("`\(name)` takes \(expected) argument(s), got \(args.count)")
        }
        let a0 = try argument(args, 0)
        switch name {
        case "ip", "decimal", "datetime", "duration":
            let text = try string(a0, name)
            guard let v = construct(name, text) else {
                throw Failure("`\(name)`: cannot parse \(quoteCedarString(text))")
            }
            return .ext(v)
        case "lessThan": return .bool(try decimal(a0) < decimal(argument(args, 1)))
        case "lessThanOrEqual": return .bool(try decimal(a0) <= decimal(argument(args, 1)))
        case "greaterThan": return .bool(try decimal(a0) > decimal(argument(args, 1)))
        case "greaterThanOrEqual": return .bool(try decimal(a0) >= decimal(argument(args, 1)))
        case "isIpv4": return .bool(try ip(a0).isIPv4)
        case "isIpv6": return .bool(!(try ip(a0).isIPv4))
        case "isLoopback": return .bool(try ip(a0).isLoopback)
        case "isMulticast": return .bool(try ip(a0).isMulticast)
        case "isInRange": return .bool(try ip(a0).isInRange(ip(argument(args, 1))))
        case "offset":
            let d = try datetime(a0)
            guard let r = d.offset(by: try duration(argument(args, 1))) else { throw Failure("overflow in `offset`") }
            return .ext(.datetime(r))
        case "durationSince":
            let d = try datetime(a0)
            guard let r = d.duration(since: try datetime(argument(args, 1))) else {
                throw Failure("overflow in `durationSince`")
            }
            return .ext(.duration(r))
        case "toDate":
            guard let r = try datetime(a0).date() else { throw Failure("overflow in `toDate`") }
            return .ext(.datetime(r))
        case "toTime": return .ext(.duration(try datetime(a0).timeOfDay()))
        case "toMilliseconds": return .long(try duration(a0).milliseconds)
        case "toSeconds": return .long(try duration(a0).milliseconds / 1000)
        case "toMinutes": return .long(try duration(a0).milliseconds / 60_000)
        case "toHours": return .long(try duration(a0).milliseconds / 3_600_000)
        case "toDays": return .long(try duration(a0).milliseconds / 86_400_000)
        default: throw Failure("unknown extension function `\(name)`")
        }
    }
}
