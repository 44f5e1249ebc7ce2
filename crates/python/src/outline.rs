//! A statement outline of a Python file, from tokens alone: which top-level
//! statements (and statements directly in top-level class bodies) there
//! are, what each writes, and what the file imports. It lets the scan parse
//! only the statements that can produce a finding.
//!
//! Why a subset parses to the same usages: every unit starts at a line
//! start at its block's indentation and ends where the next one starts, so
//! the parser sees the same statements, at the same offsets, as in the whole
//! file. A class keeps its header line. Every statement that binds a name
//! for the module (an import, an alias `amp = torch.cuda.amp`) is always
//! kept, so names resolve exactly as in the whole file; a function keeps its
//! own imports, since it is only ever kept whole.

use crate::lexer::{Lexer, Token, TokenKind};
use crate::strings::{is_cuda_arch_list, is_sized_model_id};
use rustc_hash::{FxHashMap, FxHashSet};
use std::ops::Range;

/// What decides whether a statement can produce a finding: the rule packs'
/// view of names, implemented by the scan.
pub trait Anchors {
    /// Whether `head.tail` are the last two segments of a name a rule
    /// matches.
    fn pair(&self, head: &str, tail: &str) -> bool;
    /// Whether a local name bound to `qualified` can make a usage match
    /// (`tc` for `import torch.cuda as tc`).
    fn binding(&self, local: &str, qualified: &str) -> bool;
    /// Whether importing `name` is a finding.
    fn import(&self, name: &str) -> bool;
}

/// Which parts of a file to parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    /// Nothing in it can produce a finding.
    Nothing,
    /// The outline could not follow the file: parse all of it.
    Whole,
    /// These byte ranges, in order, each a run of whole lines.
    Ranges(Vec<Range<usize>>),
}

/// A run of lines that parses on its own.
#[derive(Debug)]
struct Unit {
    start: usize,
    /// Whether it is a `def` or `async def` (with its decorators), whose
    /// names are its own.
    is_def: bool,
    /// The class whose header or member this is.
    class: Option<usize>,
    /// Whether it binds a module-level name (import or alias).
    binds: bool,
}

/// A top-level class split into header and members.
#[derive(Debug)]
struct Class {
    /// Index of its header unit; its members follow it.
    header: usize,
}

/// The statement outline of one Python source.
pub struct Outline<'s> {
    source: &'s str,
    tokens: Vec<Token>,
    units: Vec<Unit>,
    classes: Vec<Class>,
    /// Local name → the qualified names imports and aliases bind it to,
    /// in any scope.
    bindings: FxHashMap<String, Vec<String>>,
    /// Import usages (`torch.cuda`, `flash_attn.flash_attn_func`) per unit.
    imports: Vec<(usize, String)>,
}

impl<'s> Outline<'s> {
    /// Outlines `source`; `None` when the lexer cannot follow it or the
    /// text is broken in a way the parser repairs across statements.
    pub fn new(source: &'s str) -> Option<Self> {
        let mut lexer = Lexer::new(source);
        let tokens: Vec<Token> = lexer.by_ref().collect();
        if lexer.lost() || broken_statement(source, &tokens) {
            return None;
        }
        let mut outline = Outline {
            source,
            tokens,
            units: Vec::new(),
            classes: Vec::new(),
            bindings: FxHashMap::default(),
            imports: Vec::new(),
        };
        outline.split_units();
        outline.find_bindings();
        Some(outline)
    }

    fn text(&self, token: Token) -> &'s str {
        &self.source[token.start..token.end]
    }

    fn name_at(&self, i: usize) -> Option<&'s str> {
        let token = *self.tokens.get(i)?;
        (token.kind == TokenKind::Name).then(|| self.text(token))
    }

    /// Offset of the start of the line `offset` is on; the first line
    /// starts after a byte-order mark, which is no indentation.
    fn line_start(&self, offset: usize) -> usize {
        let first = if self.source.starts_with('\u{feff}') {
            3
        } else {
            0
        };
        self.source.as_bytes()[..offset]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(first, |i| i + 1)
    }

    /// Splits the file into units at the logical lines that start a
    /// top-level statement or a member of a top-level class.
    fn split_units(&mut self) {
        let mut line_first = true;
        // The indentation of the open class's members once seen, whether
        // its body can be split, and whether the previous logical line at
        // each level was a decorator (its `def` continues the unit).
        let mut member_indent: Option<usize> = None;
        let mut splittable = true;
        let mut decorated_top = false;
        let mut decorated_member = false;
        for i in 0..self.tokens.len() {
            let token = self.tokens[i];
            if token.kind == TokenKind::Newline {
                line_first = true;
                continue;
            }
            if !line_first {
                continue;
            }
            line_first = false;
            let line_start = self.line_start(token.start);
            let indent = token.start - line_start;
            if self.units.is_empty() && indent > 0 {
                // An indented first statement (a pasted snippet): Python
                // rejects it, the parser recovers; it opens the first unit.
                self.units.push(Unit {
                    start: line_start,
                    is_def: false,
                    class: None,
                    binds: false,
                });
            }
            let word = self.name_at(i).unwrap_or_default();
            let decorator = token.kind == TokenKind::Op(b'@');
            let clause = matches!(word, "else" | "elif" | "except" | "finally");
            let continues = if indent == 0 {
                let continues = clause || decorated_top;
                if !continues {
                    self.close_class(splittable);
                    member_indent = None;
                    splittable = true;
                    decorated_member = false;
                }
                decorated_top = decorator;
                continues
            } else {
                let open = self.open_class().is_some();
                let level = *member_indent.get_or_insert(indent);
                if !open || !splittable || indent > level || clause {
                    continue;
                }
                if indent < level {
                    splittable = false;
                    continue;
                }
                let continues = decorated_member;
                decorated_member = decorator;
                continues
            };
            if !continues {
                let class = if indent == 0 { None } else { self.open_class() };
                self.units.push(Unit {
                    start: line_start,
                    is_def: false,
                    class,
                    binds: false,
                });
            }
            if !decorator {
                self.begin_kind(word, i, indent == 0);
            }
        }
        self.close_class(splittable);
        if let Some(first) = self.units.first_mut() {
            first.start = 0;
        }
    }

    /// The class whose header or member the newest unit is.
    fn open_class(&self) -> Option<usize> {
        self.units.last().and_then(|u| u.class)
    }

    /// Ends the open class, turning it back into one unit when its body
    /// could not be split (odd indentation) or has no members.
    fn close_class(&mut self, splittable: bool) {
        let Some(class) = self.open_class() else {
            return;
        };
        let header = self.classes[class].header;
        if !splittable || self.units.len() == header + 1 {
            self.merge_class();
        }
    }

    /// Marks the newest unit by the first keyword of its statement (after
    /// decorators): `def` or `async def`, or a top-level `class` to split.
    fn begin_kind(&mut self, word: &str, token: usize, top_level: bool) {
        let is_def = word == "def" || (word == "async" && self.name_at(token + 1) == Some("def"));
        let header = self.units.len().saturating_sub(1);
        let classes = self.classes.len();
        let Some(unit) = self.units.last_mut() else {
            return;
        };
        if is_def {
            unit.is_def = true;
        } else if word == "class" && top_level {
            unit.class = Some(classes);
            self.classes.push(Class { header });
        }
    }

    /// Turns the newest class back into one unit: its body could not be
    /// split (odd indentation, or no members).
    fn merge_class(&mut self) {
        let Some(class) = self.classes.pop() else {
            return;
        };
        self.units.truncate(class.header + 1);
        self.units[class.header].class = None;
    }

    /// The unit the byte at `offset` belongs to.
    fn unit_at(&self, offset: usize) -> usize {
        self.units
            .partition_point(|u| u.start <= offset)
            .saturating_sub(1)
    }

    /// Collects imports and aliases, marking the units that bind names.
    fn find_bindings(&mut self) {
        for i in 0..self.tokens.len() {
            match self.name_at(i) {
                Some("import") => self.import_statement(i),
                Some(_) if self.starts_statement(i) => self.alias_statement(i),
                _ => {}
            }
        }
    }

    /// Whether token `i` is the first of a simple statement.
    fn starts_statement(&self, i: usize) -> bool {
        i == 0
            || matches!(
                self.tokens[i - 1].kind,
                TokenKind::Newline | TokenKind::Op(b';') | TokenKind::Op(b':')
            )
    }

    /// A dotted name starting at token `i`: its text and the index after it.
    fn dotted(&self, mut i: usize) -> Option<(String, usize)> {
        // Numbers lex as names; they start no dotted name.
        let first = self
            .name_at(i)
            .filter(|n| !n.starts_with(|c: char| c.is_ascii_digit()))?;
        let mut name = first.to_string();
        i += 1;
        while self.tokens.get(i).map(|t| t.kind) == Some(TokenKind::Op(b'.')) {
            name.push('.');
            name.push_str(self.name_at(i + 1)?);
            i += 2;
        }
        Some((name, i))
    }

    /// `import a.b as c, d` or `from m import (x as y, z)` around the
    /// `import` keyword at token `at`.
    fn import_statement(&mut self, at: usize) {
        let unit = self.unit_at(self.tokens[at].start);
        // Walk back over the module of a `from` import.
        let mut j = at;
        while j > 0
            && matches!(
                self.tokens[j - 1].kind,
                TokenKind::Name | TokenKind::Op(b'.')
            )
            // Never back past another import's keyword: glued statements
            // would make every walk start over from the same place.
            && !matches!(self.name_at(j - 1), Some("from" | "import"))
        {
            j -= 1;
        }
        let module = if j > 0 && self.name_at(j - 1) == Some("from") {
            let relative = self.tokens[j].kind == TokenKind::Op(b'.');
            match self.dotted(j) {
                Some((module, end)) if !relative && end == at => Some(Some(module)),
                _ => Some(None),
            }
        } else {
            None
        };
        self.units[unit].binds = true;
        let mut i = at + 1;
        let mut any = false;
        loop {
            // Names follow the keyword or a comma (and a `(` may open the
            // list); anything else ends the statement, so a line of glued
            // statements is not read as one endless import list.
            let list_goes_on =
                i == at + 1 || self.tokens.get(i).map(|t| t.kind) == Some(TokenKind::Op(b','));
            if !list_goes_on {
                break;
            }
            while matches!(
                self.tokens.get(i).map(|t| t.kind),
                Some(TokenKind::Op(b'(' | b','))
            ) {
                i += 1;
            }
            let Some((target, end)) = self.dotted(i) else {
                break;
            };
            let alias = (self.name_at(end) == Some("as"))
                .then(|| self.name_at(end + 1))
                .flatten();
            i = if alias.is_some() { end + 2 } else { end };
            match &module {
                // Relative imports name the project's own modules.
                Some(None) => {}
                Some(Some(module)) => {
                    let qualified = format!("{module}.{target}");
                    let local = alias.unwrap_or(&target).to_string();
                    self.imports.push((unit, qualified.clone()));
                    self.bind(local, qualified);
                    any = true;
                }
                None => {
                    self.imports.push((unit, target.clone()));
                    match alias {
                        Some(alias) => self.bind(alias.to_string(), target),
                        None => {
                            let root = target.split('.').next().unwrap_or_default().to_string();
                            self.bind(root.clone(), root);
                        }
                    }
                }
            }
        }
        if let (Some(Some(module)), false) = (&module, any) {
            // `from torch.cuda import *`
            self.imports.push((unit, module.clone()));
        }
    }

    fn bind(&mut self, local: String, qualified: String) {
        let bound = self.bindings.entry(local).or_default();
        if !bound.contains(&qualified) {
            bound.push(qualified);
        }
    }

    /// `name = a.b.c` (optionally annotated) as a whole simple statement:
    /// an alias when `a` is bound.
    fn alias_statement(&mut self, at: usize) {
        let kind = |i: usize| self.tokens.get(i).map(|t| t.kind);
        let mut i = at + 1;
        if kind(i) == Some(TokenKind::Op(b':')) {
            // An annotation: skip to its `=`, within the statement. Another
            // `:` ends the search (`a: b: c: ...` is no annotated alias, and
            // each of its names would scan to the end of the line again).
            i += 1;
            while !matches!(
                kind(i),
                None | Some(TokenKind::Newline | TokenKind::Op(b'=' | b';' | b':'))
            ) {
                i += 1;
            }
        }
        if kind(i) != Some(TokenKind::Op(b'=')) {
            return;
        }
        let Some((chain, end)) = self.dotted(i + 1) else {
            return;
        };
        if !matches!(
            kind(end),
            None | Some(TokenKind::Newline | TokenKind::Op(b';'))
        ) {
            return;
        }
        let unit = self.unit_at(self.tokens[at].start);
        self.units[unit].binds = true;
        let local = self.text(self.tokens[at]).to_string();
        let (root, rest) = chain.split_once('.').unwrap_or((&chain, ""));
        let bound: Vec<String> = self
            .bindings
            .get(root)
            .into_iter()
            .flatten()
            .map(|qualified| match rest {
                "" => qualified.clone(),
                rest => format!("{qualified}.{rest}"),
            })
            .collect();
        for qualified in bound {
            self.bind(local.clone(), qualified);
        }
    }

    /// Which parts of the file to parse so that every usage `anchors` can
    /// make a finding of, and every sized model id, is extracted. `hits`
    /// are byte offsets where the scan found a text anchor (a device,
    /// backend or environment string, a precision name).
    pub fn select(&self, anchors: &dyn Anchors, hits: impl Iterator<Item = usize>) -> Selection {
        // No statements, no usages (a file of comments).
        if self.units.is_empty() {
            return Selection::Nothing;
        }
        let mut needed = vec![false; self.units.len()];
        for (i, unit) in self.units.iter().enumerate() {
            needed[i] = unit.binds && !unit.is_def;
        }
        for hit in hits {
            needed[self.unit_at(hit)] = true;
        }
        for (unit, name) in &self.imports {
            if !needed[*unit] && anchors.import(name) {
                needed[*unit] = true;
            }
        }
        let locals: FxHashSet<&str> = self
            .bindings
            .iter()
            .filter(|(local, bound)| bound.iter().any(|q| anchors.binding(local, q)))
            .map(|(local, _)| local.as_str())
            .collect();
        let mut unit = 0;
        for (i, &token) in self.tokens.iter().enumerate() {
            while unit + 1 < self.units.len() && self.units[unit + 1].start <= token.start {
                unit += 1;
            }
            if needed[unit] {
                continue;
            }
            let hit = match token.kind {
                TokenKind::Name => {
                    let name = self.text(token);
                    locals.contains(name)
                        || (i >= 2
                            && self.tokens[i - 1].kind == TokenKind::Op(b'.')
                            && self
                                .name_at(i - 2)
                                .is_some_and(|head| anchors.pair(head, name)))
                }
                TokenKind::String => {
                    self.holds_value(token)
                        || self.interpolates(token, &|head, name| {
                            locals.contains(name) || head.is_some_and(|h| anchors.pair(h, name))
                        })
                }
                _ => false,
            };
            needed[unit] = hit;
        }
        self.ranges(&needed)
    }

    /// Whether an f-string's text has a name (with the name before its dot,
    /// if any) that `hit` accepts. The literal parts are searched too: it
    /// only errs towards parsing.
    fn interpolates(&self, token: Token, hit: &dyn Fn(Option<&str>, &str) -> bool) -> bool {
        let text = self.text(token);
        let prefix = &text[..text.find(['\'', '"']).unwrap_or(0)];
        if !prefix
            .bytes()
            .any(|b| matches!(b.to_ascii_lowercase(), b'f' | b't'))
        {
            return false;
        }
        let mut head: Option<&str> = None;
        let mut rest = text;
        while let Some(start) = rest.find(|c: char| c.is_ascii_alphabetic() || c == '_') {
            let dotted = rest[..start].ends_with('.');
            let tail = &rest[start..];
            let end = tail
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(tail.len());
            let name = &tail[..end];
            if hit(head.filter(|_| dotted), name) {
                return true;
            }
            head = Some(name);
            rest = &tail[end..];
        }
        false
    }

    /// Whether a string token is a plain literal whose value makes a
    /// finding of its own: a sized hub model, a list of compute
    /// capabilities. Neither has a fixed spelling for the text scan to find.
    fn holds_value(&self, token: Token) -> bool {
        let text = self.text(token);
        if !text.contains(['/', ';', '+']) {
            return false;
        }
        let body = text.trim_start_matches(|c: char| c.is_ascii_alphabetic());
        let quote = if body.starts_with("'''") || body.starts_with("\"\"\"") {
            3
        } else {
            1
        };
        body.get(quote..body.len().saturating_sub(quote))
            .is_some_and(|value| is_sized_model_id(value) || is_cuda_arch_list(value))
    }

    /// The byte ranges of the needed units: a class member brings its
    /// class's header; a needed header alone brings the whole class.
    fn ranges(&self, needed: &[bool]) -> Selection {
        let end_of = |i: usize| self.units.get(i + 1).map_or(self.source.len(), |u| u.start);
        let mut keep = needed.to_vec();
        for class in &self.classes {
            let members = (class.header + 1..self.units.len())
                .take_while(|&m| self.units[m].class == self.units[class.header].class);
            let any_member = members.clone().any(|m| needed[m]);
            if any_member {
                keep[class.header] = true;
            } else if needed[class.header] {
                members.for_each(|m| keep[m] = true);
            }
        }
        if keep.iter().all(|&k| k) {
            return Selection::Whole;
        }
        let mut ranges: Vec<Range<usize>> = Vec::new();
        for (i, _) in keep.iter().enumerate().filter(|(_, &k)| k) {
            let range = self.units[i].start..end_of(i);
            match ranges.last_mut() {
                Some(last) if last.end == range.start => last.end = range.end,
                _ => ranges.push(range),
            }
        }
        if ranges.is_empty() {
            Selection::Nothing
        } else {
            Selection::Ranges(ranges)
        }
    }
}

/// Whether a statement is broken in a way tree-sitter repairs across
/// lines, which no outline of whole statements can foresee: a dotted name
/// cut at a line end (`from vllm.` joins the next line into `vllm.from.b`),
/// a `from` without `import`, a `def` without its parameters. Such a file
/// gets a whole parse, so the prefilter never changes its findings.
/// (`1.` and `...` are whole.)
fn broken_statement(source: &str, tokens: &[Token]) -> bool {
    let name = |i: usize| {
        tokens
            .get(i)
            .filter(|t| t.kind == TokenKind::Name)
            .map(|t| &source[t.start..t.end])
    };
    let kind = |i: usize| tokens.get(i).map(|t| t.kind);
    let mut statement_start = true;
    for (i, token) in tokens.iter().enumerate() {
        let starts = statement_start;
        statement_start = matches!(token.kind, TokenKind::Newline | TokenKind::Op(b';'));
        let dangling_dot = token.kind == TokenKind::Op(b'.')
            && kind(i + 1) == Some(TokenKind::Newline)
            && name(i.wrapping_sub(1))
                .is_some_and(|n| !n.starts_with(|c: char| c.is_ascii_digit()));
        if dangling_dot {
            return true;
        }
        let broken = match name(i).filter(|_| starts) {
            Some("from") => !tokens[i + 1..]
                .iter()
                .take_while(|t| !matches!(t.kind, TokenKind::Newline | TokenKind::Op(b';')))
                .any(|t| &source[t.start..t.end] == "import"),
            Some("def") => {
                name(i + 1).is_none() || !matches!(kind(i + 2), Some(TokenKind::Op(b'(' | b'[')))
            }
            _ => false,
        };
        if broken {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Anchors of a tiny pack: `torch.cuda.synchronize`, the `flash_attn`
    /// package, and importing anything from `torch.cuda`.
    struct Pack;

    impl Anchors for Pack {
        fn pair(&self, head: &str, tail: &str) -> bool {
            (head, tail) == ("cuda", "synchronize")
        }
        fn binding(&self, local: &str, qualified: &str) -> bool {
            (qualified == "torch.cuda" && local != "cuda") || qualified.starts_with("flash_attn")
        }
        fn import(&self, name: &str) -> bool {
            name.starts_with("torch.cuda") || name.starts_with("flash_attn")
        }
    }

    /// The selected text of `source`, with no text anchors.
    fn selected(source: &str) -> Selection {
        Outline::new(source).map_or(Selection::Whole, |o| o.select(&Pack, std::iter::empty()))
    }

    fn texts(source: &str) -> Vec<&str> {
        match selected(source) {
            Selection::Ranges(ranges) => ranges.into_iter().map(|r| &source[r]).collect(),
            other => panic!("expected ranges, got {other:?}"),
        }
    }

    #[test]
    fn keeps_module_bindings_and_the_statements_that_use_an_anchor() {
        let src = "\
import torch
import torch.cuda as tc

def plain(x):
    return x + 1

def sync():
    tc.synchronize()

def spelled():
    torch.cuda.synchronize()
";
        assert_eq!(
            texts(src),
            [
                "import torch\nimport torch.cuda as tc\n\n",
                "def sync():\n    tc.synchronize()\n\ndef spelled():\n    torch.cuda.synchronize()\n",
            ]
        );
    }

    #[test]
    fn a_class_keeps_its_header_and_only_the_members_that_matter() {
        let src = "\
import torch

@decorator
class Model(Base):
    \"\"\"Docs.\"\"\"
    size = 3

    @property
    def name(self):
        return 'm'

    def sync(self):
        if x:
            torch.cuda.synchronize()
        else:
            pass
";
        assert_eq!(
            texts(src),
            [
                "import torch\n\n@decorator\nclass Model(Base):\n",
                "    def sync(self):\n        if x:\n            torch.cuda.synchronize()\n        else:\n            pass\n",
            ]
        );
    }

    #[test]
    fn names_inside_f_strings_count() {
        let src = "\
import flash_attn
VERSION = flash_attn.__version__

def name():
    return f\"fa@{VERSION}\"

def other():
    return 'fa'
";
        let kept = texts(src).concat();
        assert!(kept.contains("def name()"), "{kept}");
        assert!(!kept.contains("def other()"), "{kept}");
    }

    #[test]
    fn imports_inside_functions_are_judged_by_what_they_import() {
        let src = "\
def lazy():
    from torch.cuda import amp
    return amp

def unrelated():
    import json
    return json
";
        assert_eq!(
            texts(src),
            ["def lazy():\n    from torch.cuda import amp\n    return amp\n\n"]
        );
    }

    #[test]
    fn byte_order_marks_and_crlf_line_ends_change_nothing() {
        let src = "\u{feff}import torch.cuda as tc\r\n\r\ndef plain():\r\n    pass\r\n\r\ndef sync():\r\n    tc.synchronize()\r\n";
        let kept = texts(src).concat();
        assert!(
            kept.starts_with("\u{feff}import torch.cuda as tc"),
            "{kept:?}"
        );
        assert!(
            kept.contains("def sync()") && !kept.contains("def plain()"),
            "{kept:?}"
        );
    }

    #[test]
    fn files_without_anchors_need_no_parse_and_odd_files_a_whole_one() {
        assert_eq!(selected("def f():\n    return 1\n"), Selection::Nothing);
        assert_eq!(selected("# only a comment\n"), Selection::Nothing);
        assert_eq!(selected("x = '''never closed\n"), Selection::Whole);
        assert_eq!(selected("import torch.cuda\n"), Selection::Whole);
        assert_eq!(selected("from vllm.\nfrom.b import _\n"), Selection::Whole);
        assert_eq!(selected("x = 1.\ny = ...\n"), Selection::Nothing);
        assert_eq!(
            selected("from  #\nr\nfrom torch.cuda import(x)\n"),
            Selection::Whole
        );
        assert_eq!(
            selected("def f is None:\n    import torch\n"),
            Selection::Whole
        );
    }

    #[test]
    fn text_anchor_hits_select_their_statement() {
        let src = "def a():\n    pass\n\ndef b():\n    return 'cuda'\n";
        let hit = src.find("'cuda'").unwrap_or_default();
        let selection = Outline::new(src).map(|o| o.select(&Pack, std::iter::once(hit)));
        assert_eq!(
            selection,
            Some(Selection::Ranges(
                std::iter::once(src.find("def b").unwrap_or_default()..src.len()).collect()
            ))
        );
    }
}
