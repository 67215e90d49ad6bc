//! Every sentence a person reads, in French and in English: Mozilla's Fluent messages, one file
//! per language (`locales/fr.ftl`, `locales/en.ftl`, compiled into the program).
//!
//! Code never holds a finished sentence: it holds a [`Text`] (a message id and its arguments),
//! and the sentence is written in the reader's language when it is shown. A diagnostic found on
//! a worker thread can so be printed in French on the terminal and in English in a JSON line.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::borrow::Cow;
use std::sync::OnceLock;

/// A language of the program's messages and of published names and labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lang {
    /// French.
    Fr,
    /// English.
    En,
}

impl Lang {
    /// ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// Picks the French or English text.
    pub fn pick<'a>(self, fr: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
}

/// The French messages.
pub const FR_FTL: &str = include_str!("../locales/fr.ftl");
/// The English messages.
pub const EN_FTL: &str = include_str!("../locales/en.ftl");

/// Characters of a value quoted in a message; the rest is cut and counted.
const QUOTE_MAX: usize = 60;

/// A message to be written in the reader's language: a Fluent id and its arguments.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text {
    id: Cow<'static, str>,
    args: Vec<(&'static str, Arg)>,
}

/// One argument of a [`Text`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Arg {
    /// Text shown as it is (a file name, a column, a library's own message).
    Str(String),
    /// A count or number: picks the plural form and is written with the language's digit
    /// grouping (`139 980`, `139,980`).
    Int(i64),
    /// A value of the catalogue, shown in double quotes with invisible characters escaped, cut
    /// after 60 characters with its full length given (see [`quote`]).
    Quote {
        /// The first 60 characters.
        head: String,
        /// The value's length in characters, when it was cut.
        cut_from: Option<usize>,
    },
    /// Another message, written in the same language.
    Text(Box<Text>),
}

impl Text {
    /// The message `id` with no argument.
    pub fn new(id: &'static str) -> Self {
        Text {
            id: Cow::Borrowed(id),
            args: Vec::new(),
        }
    }

    /// A message whose id is built at run time (the help of each command-line argument).
    pub fn dynamic(id: String) -> Self {
        Text {
            id: Cow::Owned(id),
            args: Vec::new(),
        }
    }

    /// Text shown as it is: already written in the reader's language, or a library's own
    /// words that have no translation.
    pub fn plain(text: impl Into<String>) -> Self {
        Text::new("plain").arg("text", text.into())
    }

    /// Adds the argument `$name`.
    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    /// The message id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The sentence in `lang`. A message missing from the files (a test forbids it) shows its
    /// id and arguments rather than nothing.
    pub fn render(&self, lang: Lang) -> String {
        let bundle = bundle(lang);
        let Some(pattern) = bundle.get_message(&self.id).and_then(|m| m.value()) else {
            return format!("{} {:?}", self.id, self.args);
        };
        let mut args = FluentArgs::new();
        for (name, value) in &self.args {
            let value: FluentValue = match value {
                Arg::Str(s) => s.as_str().into(),
                Arg::Int(n) => (*n).into(),
                Arg::Quote { head, cut_from } => quote_in(lang, head, *cut_from).into(),
                Arg::Text(t) => t.render(lang).into(),
            };
            args.set(*name, value);
        }
        let mut errors = Vec::new();
        bundle
            .format_pattern(pattern, Some(&args), &mut errors)
            .into_owned()
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Str(s)
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Str(s.to_string())
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Self {
        Arg::Str(s.clone())
    }
}

impl From<Text> for Arg {
    fn from(t: Text) -> Self {
        Arg::Text(Box::new(t))
    }
}

impl From<std::path::Display<'_>> for Arg {
    fn from(p: std::path::Display<'_>) -> Self {
        Arg::Str(p.to_string())
    }
}

macro_rules! int_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Self {
                Arg::Int(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
    )*};
}
int_arg!(u16, u32, u64, usize, i32, i64);

/// A value of the catalogue as messages quote it (see [`Arg::Quote`]): a 50 MB mistake does
/// not make a 50 MB message.
pub fn quote(value: &str) -> Arg {
    match value.char_indices().nth(QUOTE_MAX) {
        None => Arg::Quote {
            head: value.to_string(),
            cut_from: None,
        },
        Some((cut, _)) => Arg::Quote {
            head: value[..cut].to_string(),
            cut_from: Some(value.chars().count()),
        },
    }
}

fn quote_in(lang: Lang, head: &str, cut_from: Option<usize>) -> String {
    match cut_from {
        None => format!("{head:?}"),
        Some(n) => Text::new("quote-cut")
            .arg("value", format!("{head:?}"))
            .arg("length", n)
            .render(lang),
    }
}

/// True when the message files hold `id`.
pub fn has(id: &str) -> bool {
    bundle(Lang::En).has_message(id)
}

/// Builds a [`Text`]: `t!("bad-date", field = name, value = quote(v))`.
#[macro_export]
#[doc(hidden)]
macro_rules! t {
    ($id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::i18n::Text::new($id)$(.arg(stringify!($name), $value))*
    };
}

/// The bundle of `lang`, parsed once.
fn bundle(lang: Lang) -> &'static FluentBundle<FluentResource> {
    static FR: OnceLock<FluentBundle<FluentResource>> = OnceLock::new();
    static EN: OnceLock<FluentBundle<FluentResource>> = OnceLock::new();
    match lang {
        Lang::Fr => FR.get_or_init(|| make_bundle(Lang::Fr, FR_FTL)),
        Lang::En => EN.get_or_init(|| make_bundle(Lang::En, EN_FTL)),
    }
}

fn make_bundle(lang: Lang, source: &str) -> FluentBundle<FluentResource> {
    let id = lang.code().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Isolation marks (U+2068, U+2069) around arguments would reach terminals and logs.
    bundle.set_use_isolating(false);
    bundle.set_formatter(Some(match lang {
        Lang::Fr => format_fr,
        Lang::En => format_en,
    }));
    // The files are compiled in and a test parses them: an error here cannot ship.
    let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(r, _)| r);
    let _ = bundle.add_resource(resource);
    bundle
}

fn format_fr<M>(value: &FluentValue, _: &M) -> Option<String> {
    grouped(value, '\u{a0}')
}

fn format_en<M>(value: &FluentValue, _: &M) -> Option<String> {
    grouped(value, ',')
}

/// Whole numbers with their digits grouped by three: fluent-bundle writes numbers bare
/// (`FluentNumber::as_string`), and the one library that knows every locale's grouping (ICU4X)
/// would bring its data tables for two separators. French uses the no-break space of
/// Québec's usage (`139 980`), English the comma (`139,980`).
fn grouped(value: &FluentValue, sep: char) -> Option<String> {
    let FluentValue::Number(n) = value else {
        return None;
    };
    if n.value.fract() != 0.0 || n.value.abs() < 1000.0 {
        return None;
    }
    let digits = format!("{}", n.value.abs() as u64);
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n.value < 0.0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    Some(out)
}

/// The language of the reader: `--lang` when given, else the first of `LC_ALL`, `LC_MESSAGES`
/// and `LANG` that is set (`fr…` is French), else English.
pub fn lang_from_env(flag: Option<&str>) -> Lang {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let chosen: Option<Cow<str>> = flag.map(Cow::Borrowed).or_else(|| {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .find_map(var)
            .map(Cow::Owned)
    });
    match chosen {
        Some(v) if v.to_ascii_lowercase().starts_with("fr") => Lang::Fr,
        _ => Lang::En,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_as_each_language_writes_them() {
        let t = Text::new("more-diagnostics")
            .arg("count", 139_980usize)
            .arg("code", "completed-without-date")
            .arg("files", 40usize);
        assert!(
            t.render(Lang::En).contains("139,980"),
            "{}",
            t.render(Lang::En)
        );
        assert!(
            t.render(Lang::Fr).contains("139\u{a0}980"),
            "{}",
            t.render(Lang::Fr)
        );
        assert_eq!(grouped(&FluentValue::from(999), ','), None);
        assert_eq!(
            grouped(&FluentValue::from(-1234567), ','),
            Some("-1,234,567".into())
        );
    }

    #[test]
    fn long_values_are_cut_in_messages_and_invisible_characters_shown() {
        let shown = |v: &str| quote_arg(v, Lang::En);
        assert_eq!(shown("2023-13-01"), "\"2023-13-01\"");
        assert_eq!(shown("\u{feff}a\r\0"), "\"\\u{feff}a\\r\\0\"");
        let long = "é".repeat(5_000_000);
        assert_eq!(
            shown(&long),
            format!("{:?}… (5,000,000 characters)", "é".repeat(60))
        );
        assert!(quote_arg(&long, Lang::Fr).ends_with("… (5\u{a0}000\u{a0}000 caractères)"));
        let exactly = "x".repeat(60);
        assert_eq!(shown(&exactly), format!("{exactly:?}"));
    }

    fn quote_arg(v: &str, lang: Lang) -> String {
        match quote(v) {
            Arg::Quote { head, cut_from } => quote_in(lang, &head, cut_from),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_language_comes_from_the_flag_then_the_locale() {
        assert_eq!(lang_from_env(Some("fr")), Lang::Fr);
        assert_eq!(lang_from_env(Some("en")), Lang::En);
        assert_eq!(lang_from_env(Some("fr_CA.UTF-8")), Lang::Fr);
    }
}
