import Common
import Foundation
import Testing

/// JSONValue through Foundation's JSONDecoder / JSONEncoder (how suite files are read); the
/// strict safetensors parser that also produces it is checked in CheckpointTests.
struct JSONValueTests {
    func decode(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    @Test func everyKindDecodes() throws {
        let v = try decode(#"{"b": [1, 2.5, -3e2, true, null, "x"], "a": {"k": false}, "c": "1"}"#)
        // Members in key order: a decoder does not say in which order they were written.
        #expect(v == .object([
            (key: "a", value: .object([(key: "k", value: .bool(false))])),
            (key: "b", value: .array([.int(1), .double(2.5), .int(-300), .bool(true), .null, .string("x")])),
            (key: "c", value: .string("1")),
        ]))
    }

    /// The numbers suites hold: integers stay exact, fractions are doubles, and a boolean is
    /// never read as a number (nor a number as a boolean).
    @Test func numbersAndBooleans() throws {
        #expect(try decode("0.4") == .double(0.4))
        #expect(try decode("5") == .int(5))
        #expect(try decode("1.0") == .int(1))
        #expect(try decode("9007199254740993") == .int(9_007_199_254_740_993))
        #expect(try decode("1e300") == .double(1e300))
        #expect(try decode("true") == .bool(true))
        #expect(try decode("0") == .int(0))
    }

    @Test func encodingRoundTrips() throws {
        let v: JSONValue = .object([(key: "alpha", value: .double(0.4)), (key: "m", value: .int(5)),
                                    (key: "s", value: .string("random")), (key: "on", value: .bool(false)),
                                    (key: "list", value: .array([.null, .int(-1)]))])
        let enc = JSONEncoder()
        enc.outputFormatting = .sortedKeys
        let text = String(decoding: try enc.encode(v), as: UTF8.self)
        #expect(text == #"{"alpha":0.4,"list":[null,-1],"m":5,"on":false,"s":"random"}"#)
        // Decoded back in key order: equal to the sorted members.
        guard case let .object(members) = v else { return }
        #expect(try decode(text) == .object(members.sorted { $0.key < $1.key }))
    }

    /// Objects compare (and hash) member by member, in order: a header's entry order is data.
    @Test func objectOrderMatters() {
        let ab: JSONValue = .object([(key: "a", value: .int(1)), (key: "b", value: .int(2))])
        let ba: JSONValue = .object([(key: "b", value: .int(2)), (key: "a", value: .int(1))])
        #expect(ab != ba)
        #expect(JSONValue.int(1) != .double(1))
        #expect(Set([ab, ab, ba, .null, .null]).count == 3)
        #expect(ab.typeName == "an object" && JSONValue.double(1).typeName == "a number")
    }
}
