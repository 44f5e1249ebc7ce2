//! `#if` expressions: parsed into [`Expr`], evaluated three-valued.

use std::collections::BTreeSet;

/// What a condition is for one target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Truth {
    /// The target's compiler takes the branch.
    True,
    /// The target's compiler skips the branch.
    False,
    /// Not decided by the macros the environment knows.
    Unknown,
}

impl Truth {
    fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }
}

/// The macros a target's compiler is known to define or leave undefined.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MacroEnv {
    /// Defined, value unknown (`__HIP_PLATFORM_AMD__`).
    pub defined: BTreeSet<String>,
    /// Not defined (`__CUDA_ARCH__` under HIP-Clang); reads as 0 in `#if`.
    pub undefined: BTreeSet<String>,
}

impl MacroEnv {
    fn defined(&self, name: &str) -> Truth {
        if self.defined.contains(name) {
            Truth::True
        } else if self.undefined.contains(name) {
            Truth::False
        } else {
            Truth::Unknown
        }
    }
}

/// A parsed `#if` expression; what the parser cannot place is `Opaque`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    /// `defined(X)`, `defined X`, `#ifdef X`.
    Defined(String),
    /// A bare macro name, read for its value.
    Name(String),
    /// An integer literal.
    Number(i64),
    /// `!e`.
    Not(Box<Expr>),
    /// `a && b`, `a || b`, `a >= b`, ...
    Binary(Box<Expr>, &'static str, Box<Expr>),
    /// Anything else (function-like macros, arithmetic, casts).
    Opaque,
}

/// Operators by precedence, loosest first.
const LEVELS: &[&[&str]] = &[&["||"], &["&&"], &["==", "!="], &["<=", ">=", "<", ">"]];

impl Expr {
    /// Parses the text after `#if` / `#elif`.
    pub fn parse(text: &str) -> Expr {
        let tokens = tokens(text);
        let mut parser = Parser {
            tokens,
            at: 0,
            depth: 0,
        };
        let expr = parser.level(0);
        if parser.at == parser.tokens.len() {
            expr
        } else {
            Expr::Opaque
        }
    }

    /// The condition's truth under `env`.
    pub fn truth(&self, env: &MacroEnv) -> Truth {
        match self {
            Expr::Defined(name) => env.defined(name),
            Expr::Not(e) => e.truth(env).not(),
            Expr::Binary(a, "&&", b) => match (a.truth(env), b.truth(env)) {
                (Truth::False, _) | (_, Truth::False) => Truth::False,
                (Truth::True, Truth::True) => Truth::True,
                _ => Truth::Unknown,
            },
            Expr::Binary(a, "||", b) => match (a.truth(env), b.truth(env)) {
                (Truth::True, _) | (_, Truth::True) => Truth::True,
                (Truth::False, Truth::False) => Truth::False,
                _ => Truth::Unknown,
            },
            _ => match self.value(env) {
                Some(0) => Truth::False,
                Some(_) => Truth::True,
                None => Truth::Unknown,
            },
        }
    }

    /// The integer value, where the environment decides it: an undefined
    /// macro reads as 0, as the C preprocessor has it.
    fn value(&self, env: &MacroEnv) -> Option<i64> {
        match self {
            Expr::Number(n) => Some(*n),
            Expr::Name(name) => (env.defined(name) == Truth::False).then_some(0),
            Expr::Binary(a, op, b) => {
                let (a, b) = (a.value(env)?, b.value(env)?);
                let holds = match *op {
                    "==" => a == b,
                    "!=" => a != b,
                    "<=" => a <= b,
                    ">=" => a >= b,
                    "<" => a < b,
                    ">" => a > b,
                    _ => return None,
                };
                Some(i64::from(holds))
            }
            Expr::Defined(_) | Expr::Not(_) => match self.truth(env) {
                Truth::True => Some(1),
                Truth::False => Some(0),
                Truth::Unknown => None,
            },
            Expr::Opaque => None,
        }
    }
}

/// Identifiers, numbers and operators; anything else becomes `?`, which
/// no rule of the parser accepts.
fn tokens(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'/' && bytes.get(i + 1) == Some(&b'/') {
            break;
        } else if c == b'/' && bytes.get(i + 1) == Some(&b'*') {
            i = text[i + 2..].find("*/").map_or(bytes.len(), |e| i + 4 + e);
        } else if c.is_ascii_alphanumeric() || c == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            out.push(text[start..i].to_string());
        } else {
            let two = text.get(i..i + 2).unwrap_or("");
            let op = ["&&", "||", "==", "!=", "<=", ">="]
                .into_iter()
                .find(|o| *o == two);
            let token = match op {
                Some(op) => op.to_string(),
                None if b"()!<>".contains(&c) => (c as char).to_string(),
                None => "?".to_string(),
            };
            i += token.len().max(1);
            out.push(token);
        }
    }
    out
}

/// Nesting beyond this is opaque: hostile input must not exhaust the stack
/// of the recursive parser (real conditions nest a few levels).
const MAX_DEPTH: usize = 32;

struct Parser {
    tokens: Vec<String>,
    at: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.at).map(String::as_str)
    }

    fn next(&mut self) -> Option<String> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    /// Binary operators of `LEVELS[level]` and tighter, left-associative.
    fn level(&mut self, level: usize) -> Expr {
        let Some(ops) = LEVELS.get(level) else {
            return self.unary();
        };
        let mut left = self.level(level + 1);
        while let Some(op) = self.peek().and_then(|t| ops.iter().find(|o| **o == t)) {
            self.at += 1;
            let right = self.level(level + 1);
            left = Expr::Binary(Box::new(left), op, Box::new(right));
        }
        left
    }

    fn unary(&mut self) -> Expr {
        if self.depth > MAX_DEPTH {
            self.at = self.tokens.len() + 1;
            return Expr::Opaque;
        }
        match self.next().as_deref() {
            Some("!") => {
                self.depth += 1;
                let inner = self.unary();
                self.depth -= 1;
                Expr::Not(Box::new(inner))
            }
            Some("(") => {
                self.depth += 1;
                let inner = self.level(0);
                self.depth -= 1;
                if self.next().as_deref() == Some(")") {
                    inner
                } else {
                    Expr::Opaque
                }
            }
            Some("defined") => {
                let parenthesized = self.peek() == Some("(");
                if parenthesized {
                    self.at += 1;
                }
                let name = self.next().unwrap_or_default();
                if parenthesized && self.next().as_deref() != Some(")") {
                    return Expr::Opaque;
                }
                Expr::Defined(name)
            }
            Some(token) if token.bytes().all(|b| b.is_ascii_digit()) => {
                token.parse().map_or(Expr::Opaque, Expr::Number)
            }
            Some(token) if token.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') => {
                // `FOO(x)`: a function-like macro.
                if self.peek() == Some("(") {
                    self.skip_parenthesized();
                    return Expr::Opaque;
                }
                Expr::Name(token.to_string())
            }
            _ => Expr::Opaque,
        }
    }

    fn skip_parenthesized(&mut self) {
        let mut depth = 0;
        while let Some(token) = self.next() {
            match token.as_str() {
                "(" => depth += 1,
                ")" => {
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hip() -> MacroEnv {
        MacroEnv {
            defined: ["__HIP_PLATFORM_AMD__", "USE_ROCM"]
                .map(String::from)
                .into(),
            undefined: ["__CUDA_ARCH__", "__NVCC__"].map(String::from).into(),
        }
    }

    fn truth(text: &str) -> Truth {
        Expr::parse(text).truth(&hip())
    }

    #[test]
    fn known_macros_decide_and_the_rest_stays_unknown() {
        assert_eq!(truth("defined(__HIP_PLATFORM_AMD__)"), Truth::True);
        assert_eq!(truth("!defined USE_ROCM"), Truth::False);
        assert_eq!(truth("__CUDA_ARCH__ >= 800"), Truth::False);
        assert_eq!(
            truth("defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800"),
            Truth::False
        );
        assert_eq!(truth("defined(__NVCC__) || defined(USE_ROCM)"), Truth::True);
        assert_eq!(
            truth("defined(MY_FLAG) || defined(__NVCC__)"),
            Truth::Unknown
        );
        assert_eq!(truth("CUDA_VERSION >= 11000"), Truth::Unknown);
        assert_eq!(truth("HAS_FEATURE(x) && defined(USE_ROCM)"), Truth::Unknown);
        assert_eq!(truth("(__CUDA_ARCH__ >= 800) // Ampere"), Truth::False);
        assert_eq!(truth("1 + 2"), Truth::Unknown);
    }

    #[test]
    fn deep_nesting_is_opaque_not_a_stack_overflow() {
        let deep = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
        assert_eq!(Expr::parse(&deep), Expr::Opaque);
        assert_eq!(Expr::parse(&"!".repeat(100_000)), Expr::Opaque);
    }
}
