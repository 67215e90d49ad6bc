//! Pages and pictures are written piece by piece into one growing `String`: literal markup as
//! is, record text escaped on the way in, numbers through `Display`, coordinates rounded to
//! whole picture units.

use std::fmt::{Display, Write as _};

/// Appending to a picture being written. Every method returns the buffer, so that a piece of
/// markup reads as one chain.
pub(crate) trait Push {
    /// Markup as is.
    fn raw(&mut self, s: &str) -> &mut Self;
    /// Text escaped for HTML: `&`, `<`, `>`, `"` and `'` become entities.
    fn esc(&mut self, s: &str) -> &mut Self;
    /// A coordinate or a length, rounded to a whole number of picture units.
    fn int(&mut self, x: f64) -> &mut Self;
    /// Anything else, through its `Display`.
    fn display(&mut self, v: impl Display) -> &mut Self;
}

impl Push for String {
    fn raw(&mut self, s: &str) -> &mut Self {
        self.push_str(s);
        self
    }

    fn esc(&mut self, s: &str) -> &mut Self {
        for c in s.chars() {
            match c {
                '&' => self.push_str("&amp;"),
                '<' => self.push_str("&lt;"),
                '>' => self.push_str("&gt;"),
                '"' => self.push_str("&quot;"),
                '\'' => self.push_str("&#39;"),
                c => self.push(c),
            }
        }
        self
    }

    fn int(&mut self, x: f64) -> &mut Self {
        // `as` saturates; the pictures' coordinates are a few thousand at most.
        self.display(x.round() as i64)
    }

    fn display(&mut self, v: impl Display) -> &mut Self {
        write!(self, "{v}").expect("a String takes any text");
        self
    }
}
