/// Literal syntax for building contexts and attributes in Swift: `["tainted": false, "amount": 5, "to": "a@b"]`.
extension Value: ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .long(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: Value...) { self = .set(Set(elements)) }

    /// Duplicate keys keep the last value.
    public init(dictionaryLiteral elements: (String, Value)...) {
        self = .record(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
