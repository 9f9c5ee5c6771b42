import Foundation

/// Fixed-point number formatting that depends on nothing but the value: no locale, no
/// `String(format:)`, no platform printf. Every report number goes through here, so that
/// regenerating a document from the same data gives the same bytes on every machine.
public enum Fixed {
    /// `x` with exactly `decimals` digits after the point, rounded from the exact binary value
    /// of `x`, ties to even — the digits C's `printf("%.*f")` and Python's `f"{x:.{d}f}"` give
    /// (so 0.125 → "0.12", 2.675 → "2.67": 2.675 is stored as 2.67499999…). One deviation: a
    /// value that rounds to zero never carries a minus sign ("-0.00" reads as a regression).
    /// NaN and infinities print as "nan", "inf", "-inf". Magnitudes ≥ 1e9 fall back to Swift's
    /// shortest representation (no report number is that large).
    public static func string(_ x: Double, _ decimals: Int) -> String {
        let d = min(max(decimals, 0), 9)
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        let magnitude = abs(x)
        if magnitude >= 1e9 { return "\(x)" }
        let scaled = roundedScaled(magnitude, decimals: d)
        var digits = String(scaled)
        if d > 0 {
            if digits.count <= d {
                digits = String(repeating: "0", count: d + 1 - digits.count) + digits
            }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -d))
        }
        return (x < 0 && scaled != 0) ? "-" + digits : digits
    }

    /// Like `string`, with an explicit "+" on positive values and on zero ("+0.00"), the form
    /// of the paper's Δ columns.
    public static func signed(_ x: Double, _ decimals: Int) -> String {
        let s = string(x, decimals)
        return s.hasPrefix("-") || s == "nan" ? s : "+" + s
    }

    /// round_half_even(a · 10^d) for 0 ≤ a < 1e9, d ≤ 9, computed exactly: a = m · 2^e with an
    /// integer m < 2^53, so a · 10^d = m · 10^d / 2^-e and the quotient and remainder of that
    /// division decide the rounding without any floating-point step.
    private static func roundedScaled(_ a: Double, decimals d: Int) -> UInt64 {
        if a == 0 { return 0 }
        var p10: UInt64 = 1
        for _ in 0..<d { p10 *= 10 }
        let m: UInt64
        let e: Int
        if a.exponentBitPattern == 0 {
            m = a.significandBitPattern
            e = -1074
        } else {
            m = a.significandBitPattern | (1 << 52)
            e = Int(a.exponentBitPattern) - 1075
        }
        if e >= 0 {
            // a ≥ 2^52 cannot happen below 1e9; kept for completeness.
            return (m << UInt64(e)) * p10
        }
        let k = -e
        // P = m · 10^d < 2^53 · 2^30 = 2^83, as (hi, lo).
        let (hi, lo) = m.multipliedFullWidth(by: p10)
        let q: UInt64
        let remainderVsHalf: Int  // sign of (remainder − 2^(k−1))
        if k >= 128 {
            return 0  // P < 2^83 < 2^(k−1): below one half.
        } else if k > 64 {
            let s = k - 64
            q = hi >> UInt64(s)
            let rHi = hi & ((1 << UInt64(s)) - 1)
            let halfHi: UInt64 = 1 << UInt64(s - 1)
            remainderVsHalf = rHi > halfHi ? 1 : (rHi < halfHi ? -1 : (lo > 0 ? 1 : 0))
        } else if k == 64 {
            q = hi
            let half: UInt64 = 1 << 63
            remainderVsHalf = lo > half ? 1 : (lo < half ? -1 : 0)
        } else {
            // hi >> k is zero here: a · 10^d < 1e18 < 2^60, so the quotient fits in the low word.
            q = (hi << UInt64(64 - k)) | (lo >> UInt64(k))
            let r = lo & ((1 << UInt64(k)) - 1)
            let half: UInt64 = 1 << UInt64(k - 1)
            remainderVsHalf = r > half ? 1 : (r < half ? -1 : 0)
        }
        if remainderVsHalf > 0 || (remainderVsHalf == 0 && q & 1 == 1) { return q + 1 }
        return q
    }

    /// A percentage (0…100) of `part` over `whole`; 0 when `whole` is 0.
    public static func percent(_ part: Int, of whole: Int) -> Double {
        whole > 0 ? 100 * Double(part) / Double(whole) : 0
    }
}

/// UTC timestamps as ISO 8601 text ("2024-05-01T12:00:00Z"), computed from the seconds since
/// 1970 with the civil-from-days algorithm (H. Hinnant, "chrono-Compatible Low-Level Date
/// Algorithms"), so no calendar, locale or time zone setting of the machine is involved.
public enum UTCDate {
    public static func iso8601(_ date: Date) -> String {
        let t = Int64(date.timeIntervalSince1970.rounded(.down))
        var days = t / 86_400
        var seconds = t % 86_400
        if seconds < 0 { seconds += 86_400; days -= 1 }
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
            + pad(seconds / 3600, 2) + ":" + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2) + "Z"
    }

    private static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
