import Domain
import Foundation
import Testing
@testable import Reporting

@Suite("Number, date, CSV and Markdown formatting")
struct FormattingTests {
    // Expected digits: what C printf("%.*f") / Python format() print for these doubles. 0.125,
    // 0.375 and 2.5 are exact binary ties (ties go to even); 2.675, 1.005 and 0.145 are stored
    // just below their decimal text (the classic Python FAQ examples), so they round down.
    @Test func fixedRoundsTheExactBinaryValue() {
        let cases: [(Double, Int, String)] = [
            (0.125, 2, "0.12"), (0.375, 2, "0.38"), (2.5, 0, "2"), (3.5, 0, "4"),
            (2.675, 2, "2.67"), (1.005, 2, "1.00"), (0.145, 2, "0.14"),
            (79.8, 1, "79.8"), (80.5, 2, "80.50"), (0, 3, "0.000"), (1e-7, 3, "0.000"),
            (123456.789, 1, "123456.8"), (0.1 + 0.2, 17, "0.300000000"), // decimals are capped at 9
            (-1.25, 1, "-1.2"), (-0.0004, 2, "0.00"), (-0.006, 2, "-0.01"),
            (4.022324736, 4, "4.0223"), (999_999_999.5, 0, "1000000000"),
            (.leastNonzeroMagnitude, 2, "0.00"), (.nan, 2, "nan"), (-.infinity, 1, "-inf"),
            // Small magnitudes exercise every branch of the exact division (2^-k with k < 64,
            // k = 64 for values in [2^-12, 2^-11), k > 64); digits as Python 3 prints them.
            (1e-6, 9, "0.000001000"), (0.0000015, 6, "0.000002"), (0.0003, 7, "0.0003000"),
            (0.0004882812499999999, 9, "0.000488281"), (0.000244140625, 9, "0.000244141"),
        ]
        for (x, d, expected) in cases {
            #expect(Fixed.string(x, d) == expected, "\(x) with \(d) decimals")
        }
        #expect(Fixed.signed(0, 2) == "+0.00")
        #expect(Fixed.signed(0.9, 1) == "+0.9")
        #expect(Fixed.signed(-0.9, 1) == "-0.9")
        #expect(Fixed.signed(-0.0001, 2) == "+0.00")
    }

    // Published test vectors: Newcombe (1998), Statistics in Medicine 17:857–872, Table I,
    // method 3 (Wilson score without continuity correction), 95%.
    @Test func wilsonMatchesNewcombe1998() {
        let cases: [(Int, Int, Double, Double)] = [
            (81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0000, 0.1611), (1, 29, 0.0061, 0.1718),
        ]
        for (x, n, lo, hi) in cases {
            let w = WilsonInterval(successes: x, trials: n)
            #expect(Fixed.string(w.lower, 4) == Fixed.string(lo, 4), "\(x)/\(n) lower")
            #expect(Fixed.string(w.upper, 4) == Fixed.string(hi, 4), "\(x)/\(n) upper")
        }
        #expect(WilsonInterval(successes: 0, trials: 0) == WilsonInterval(successes: 0, trials: 0))
        #expect(WilsonInterval(successes: 0, trials: 0).lower == 0 && WilsonInterval(successes: 0, trials: 0).upper == 1)
        #expect(WilsonInterval(successes: 81, trials: 263).percentText() == "[25.53, 36.62]")
    }

    @Test func utcDatesWithoutCalendar() {
        #expect(UTCDate.iso8601(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(UTCDate.iso8601(Date(timeIntervalSince1970: 1_714_564_800)) == "2024-05-01T12:00:00Z")
        #expect(UTCDate.iso8601(Date(timeIntervalSince1970: 951_782_399.9)) == "2000-02-28T23:59:59Z")
        #expect(UTCDate.iso8601(Date(timeIntervalSince1970: 951_868_800)) == "2000-03-01T00:00:00Z")  // 2000 is a leap year
        #expect(UTCDate.iso8601(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
    }

    @Test func csvQuotingAndComments() {
        var csv = CSVTable(comments: ["line one", "two\nlines"], columns: ["a", "b"])
        csv.append(["x,y", "say \"hi\""])
        csv.append(["#not a comment", "plain"])
        #expect(csv.render() == """
        # line one
        # two lines
        a,b
        "x,y","say ""hi\"\"\"
        "#not a comment",plain

        """)
    }

    @Test func markdownEscapesPipes() {
        var t = MarkdownTable(headers: ["A", "B"], alignments: [.left, .right])
        t.append(["x|y", "1\n2"])
        t.append(["short"])
        #expect(t.render() == """
        | A | B |
        | --- | ---: |
        | x\\|y | 1 2 |
        | short |  |

        """)
    }

    @Test func paperNumbersKeepTheirPrecision() {
        #expect(Cell.paper(79.8, .top1) == "79.8")
        #expect(Cell.paper(4.0, .gflops) == "4.0")
        #expect(Cell.paper(1.10, .gflops) == "1.1")
        #expect(Cell.paper(1.101957888, .gflops) == "1.102")
        #expect(Cell.paper(2601, .throughput) == "2601")
        #expect(Cell.paper(75.484, .top1) == "75.484")
    }

    @Test func niceTicks() {
        // Range 3.6 over ~6 intervals: raw step 0.6 → the next of 1, 2, 5 × 10^k is 1.
        let t = AxisTicks.nice(1.0, 4.6)
        #expect(t.step == 1 && t.lower == 1 && t.upper == 5 && t.decimals == 0)
        #expect(t.values.map(t.label) == ["1", "2", "3", "4", "5"])
        // Raw step 0.2 → 0.2, one decimal.
        let s = AxisTicks.nice(0.1, 1.25)
        #expect(s.values.map(s.label) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0", "1.2", "1.4"])
        let u = AxisTicks.nice(72.3, 81.9)
        #expect(u.step == 2 && u.lower == 72 && u.upper == 82 && u.decimals == 0)
        let flat = AxisTicks.nice(80, 80)
        #expect(flat.lower < 80 && flat.upper > 80)
    }
}
