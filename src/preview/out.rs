//! Pages and pictures are written piece by piece into one growing `String`: literal markup as
//! is, record text escaped on the way in, numbers written by hand where a page writes many.
//! Each writer gives exactly the text its standard counterpart gives (`escape`, the template
//! engine's escaping, `{}`, `{:.1}`); the tests below compare them over many inputs.

use std::fmt::{Display, Write as _};

/// What [`Push::esc`] replaces: the characters of [`super::escape`].
const PAGE_SET: &[u8] = b"&<>\"'";

/// The entity [`Push::esc`] writes for a byte of [`PAGE_SET`].
fn page_entity(b: u8) -> &'static str {
    match b {
        b'&' => "&amp;",
        b'<' => "&lt;",
        b'>' => "&gt;",
        b'"' => "&quot;",
        b'\'' => "&#39;",
        _ => unreachable!("{b:#04x} is not in PAGE_SET"),
    }
}

/// Appends `s` to `out` with each byte of `set` replaced by its `entity`: the text between them
/// is copied in runs. Only ASCII bytes are replaced, so every run starts and ends on a
/// character boundary.
fn push_replaced(out: &mut String, s: &str, set: &'static [u8], entity: fn(u8) -> &'static str) {
    let mut rest = s;
    loop {
        let plain = rest
            .bytes()
            .position(|b| set.contains(&b))
            .unwrap_or(rest.len());
        out.push_str(&rest[..plain]);
        let Some(&b) = rest.as_bytes().get(plain) else {
            break;
        };
        out.push_str(entity(b));
        rest = &rest[plain + 1..];
    }
}

/// Appending to a page being written. Every method returns the buffer, so that a piece of markup
/// reads as one chain.
pub(crate) trait Push {
    /// Markup as is.
    fn raw(&mut self, s: &str) -> &mut Self;
    /// Text escaped as [`super::escape`] escapes it.
    fn esc(&mut self, s: &str) -> &mut Self;
    /// An unsigned integer, as `{}` writes it.
    fn uint(&mut self, n: u64) -> &mut Self;
    /// One decimal digit, `0` to `9`.
    fn digit(&mut self, d: u64) -> &mut Self;
    /// A number with one decimal, as `{:.1}` writes it.
    fn d1(&mut self, x: f64) -> &mut Self;
    /// Anything else, through its `Display`: for pieces written a few times a page.
    fn display(&mut self, v: impl Display) -> &mut Self;
}

impl Push for String {
    fn raw(&mut self, s: &str) -> &mut Self {
        self.push_str(s);
        self
    }

    fn esc(&mut self, s: &str) -> &mut Self {
        push_replaced(self, s, PAGE_SET, page_entity);
        self
    }

    fn uint(&mut self, n: u64) -> &mut Self {
        if n < 10 {
            return self.digit(n);
        }
        self.push_str(&n.to_string());
        self
    }

    fn digit(&mut self, d: u64) -> &mut Self {
        debug_assert!(d < 10, "{d} is not a digit");
        self.push(char::from(b'0' + (d % 10) as u8));
        self
    }

    fn d1(&mut self, x: f64) -> &mut Self {
        // Below 1e15 tenths, truncating gives the whole part exactly and leaves the fraction
        // exact too. Away from a tie, rounding the product gives the digit `{:.1}` gives: the
        // product's own rounding error is far below the margin. Exact ties are the quarters
        // (`x * 4` an odd integer): the product is then exact as well, and `{:.1}` rounds them
        // half to even. Other near-ties, negatives and huge values take the standard path;
        // positive zero is written directly.
        let tenths = x * 10.0;
        if x > 0.0 && tenths < 1e15 {
            let whole = tenths as u64;
            let frac = tenths - whole as f64;
            let n = if (frac - 0.5).abs() > 1e-6 {
                Some(whole + u64::from(frac > 0.5))
            } else {
                let quarters = x * 4.0;
                let q = quarters as u64;
                (q as f64 == quarters && q % 2 == 1).then_some(whole + whole % 2)
            };
            if let Some(n) = n {
                return self.uint(n / 10).raw(".").digit(n % 10);
            }
        } else if x.to_bits() == 0 {
            return self.raw("0.0");
        }
        self.display(format_args!("{x:.1}"))
    }

    fn display(&mut self, v: impl Display) -> &mut Self {
        write!(self, "{v}").expect("a String takes any text");
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text with every character either escaper treats, in many mixes and lengths.
    fn texts() -> Vec<String> {
        let alphabet: Vec<char> = "&<>\"'/ aé—…\u{1F600}\n;|x0".chars().collect();
        let mut rng = fastrand::Rng::with_seed(11);
        let mut cases: Vec<String> = ["", "&", "plain", "</script>", "l'été & <b>"]
            .map(String::from)
            .to_vec();
        for _ in 0..20_000 {
            let len = rng.usize(0..120);
            cases.push(
                (0..len)
                    .map(|_| alphabet[rng.usize(..alphabet.len())])
                    .collect(),
            );
        }
        cases
    }

    /// The escaping the pages used before [`Push::esc`]: one character at a time.
    fn escape_per_char(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                c => out.push(c),
            }
        }
        out
    }

    #[test]
    fn page_escaping_is_escape() {
        for t in texts() {
            let mut out = String::from("prefix");
            out.esc(&t);
            assert_eq!(out, format!("prefix{}", escape_per_char(&t)), "{t:?}");
        }
    }

    #[test]
    fn integers_are_written_as_the_standard_formatter_writes_them() {
        let mut rng = fastrand::Rng::with_seed(5);
        let cases = (0..10_000u64)
            .chain([u64::MAX, u64::MAX / 10, 1 << 32, 10u64.pow(19)])
            .chain((0..10_000).map(|_| rng.u64(..)));
        for n in cases {
            let mut out = String::new();
            out.uint(n);
            assert_eq!(out, n.to_string());
        }
    }

    #[test]
    fn one_decimal_coordinates_are_written_as_the_standard_formatter_writes_them() {
        // Ties (0.25, 0.35 in binary), chart-like sums, negatives, zeros and huge values.
        let mut cases = vec![
            0.0, -0.0, 0.05, 0.25, 0.35, 2.45, -3.25, 1e16, 123456.75, 0.04999, -7.0, -0.04,
        ];
        for i in 0..20_000u32 {
            let f = f64::from(i);
            // Exact ties and their neighbours.
            let quarter = f / 4.0 + 0.25;
            cases.extend([
                quarter,
                quarter.next_up(),
                quarter.next_down(),
                quarter * 1e6,
            ]);
            cases.extend([
                f / 7.0,
                80.0 + 640.0 * f / 13.0 * 0.5,
                f * 0.1,
                f * 0.05,
                -f / 3.0,
            ]);
        }
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..200_000 {
            cases.push(rng.f64() * 1e9 - 1e6);
            cases.push(f64::from_bits(rng.u64(..)));
        }
        for x in cases {
            let mut out = String::new();
            out.d1(x);
            assert_eq!(out, format!("{x:.1}"), "{x:e}");
        }
    }
}
