//! Alpha-5 catalog numbers (Space Force, 2020): five characters that carry
//! catalog numbers up to 339,999 in the five TLE columns.
//!
//! Numbers below 100,000 are written as five digits (zero padded). From 100,000
//! the first character is a letter standing for the ten-thousands: `A` = 10,
//! `B` = 11, …, `H` = 17, `J` = 18, …, `N` = 22, `P` = 23, …, `Z` = 33 (the
//! letters `I` and `O` are skipped, they look like digits), followed by four
//! digits: `A0001` = 100,001, `Z9999` = 339,999.

/// Why a catalog number cannot be decoded from or encoded to Alpha-5.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Alpha5Error {
    /// The text is not five characters of Alpha-5.
    #[error("expected 5 characters: 5 digits or a letter (not I or O) and 4 digits, found {0:?}")]
    Invalid(String),
    /// The number is larger than 339,999 (`Z9999`).
    #[error("catalog number {0} is larger than 339999, the largest Alpha-5 number")]
    TooLarge(u32),
}

/// Ten-thousands value of an Alpha-5 leading letter (`A` = 10 … `Z` = 33), `None` for I, O or non-letters.
fn letter_value(c: u8) -> Option<u32> {
    match c {
        b'A'..=b'H' => Some(u32::from(c - b'A') + 10),
        b'J'..=b'N' => Some(u32::from(c - b'J') + 18),
        b'P'..=b'Z' => Some(u32::from(c - b'P') + 23),
        _ => None,
    }
}

/// Alpha-5 leading letter for ten-thousands 10–33.
fn value_letter(v: u32) -> Option<char> {
    let c = match v {
        10..=17 => b'A' + (v - 10) as u8,
        18..=22 => b'J' + (v - 18) as u8,
        23..=33 => b'P' + (v - 23) as u8,
        _ => return None,
    };
    Some(char::from(c))
}

/// Decodes a 5-character Alpha-5 (or plain 5-digit) catalog number.
pub fn decode_alpha5(text: &str) -> Result<u32, Alpha5Error> {
    let invalid = || Alpha5Error::Invalid(text.to_string());
    let bytes = text.as_bytes();
    let [first, rest @ ..] = bytes else {
        return Err(invalid());
    };
    if bytes.len() != 5 || !rest.iter().all(u8::is_ascii_digit) {
        return Err(invalid());
    }
    let low = rest
        .iter()
        .fold(0u32, |acc, &b| acc * 10 + u32::from(b - b'0'));
    let high = if first.is_ascii_digit() {
        u32::from(first - b'0')
    } else {
        letter_value(*first).ok_or_else(invalid)?
    };
    Ok(high * 10_000 + low)
}

/// Encodes a catalog number 0–339,999 as 5 Alpha-5 characters (zero-padded digits below 100,000).
pub fn encode_alpha5(number: u32) -> Result<String, Alpha5Error> {
    if number < 100_000 {
        return Ok(format!("{number:05}"));
    }
    let letter = value_letter(number / 10_000).ok_or(Alpha5Error::TooLarge(number))?;
    Ok(format!("{letter}{:04}", number % 10_000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert_eq!(decode_alpha5("A0001"), Ok(100_001));
        assert_eq!(decode_alpha5("Z9999"), Ok(339_999));
        assert_eq!(decode_alpha5("H9999"), Ok(179_999));
        assert_eq!(decode_alpha5("J0000"), Ok(180_000));
        assert_eq!(decode_alpha5("N9999"), Ok(229_999));
        assert_eq!(decode_alpha5("P0000"), Ok(230_000));
        assert_eq!(decode_alpha5("00005"), Ok(5));
        assert_eq!(decode_alpha5("99999"), Ok(99_999));
        assert_eq!(encode_alpha5(5).as_deref(), Ok("00005"));
        assert_eq!(encode_alpha5(100_001).as_deref(), Ok("A0001"));
        assert_eq!(encode_alpha5(339_999).as_deref(), Ok("Z9999"));
        assert_eq!(encode_alpha5(340_000), Err(Alpha5Error::TooLarge(340_000)));
    }

    #[test]
    fn rejects_bad_text() {
        for bad in [
            "", "I0000", "O0000", "a0001", "A001", "A00010", "A000x", " 1234", "é000", "12-45",
        ] {
            assert!(decode_alpha5(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn round_trip_every_number() {
        for n in 0..=339_999 {
            let s = encode_alpha5(n).unwrap_or_default();
            assert_eq!(s.len(), 5);
            assert_eq!(decode_alpha5(&s), Ok(n));
        }
    }
}
