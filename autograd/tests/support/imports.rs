//! The module import graph of one crate, and a check that it has no
//! circle (issue 9: "leave the crate with no import circle").
//!
//! An edge `a → b` means a file of module `a` names module `b` by an
//! explicit path: `use crate::b::Item;`, `crate::b::item(..)` in code, or
//! `b::sub::Item` after `use crate::b;`. Names re-exported at the crate root
//! (`use crate::{Tape, Var}`) are deliberately not edges: the root is the
//! crate's public face, and types that refer to each other (a `Var` borrows
//! its `Tape`, a `Tape` hands out `Var`s) meet there. What this catches is
//! a file reaching into another module that reaches back into it — the
//! circles that make a reader bounce between files. Test modules
//! (`#[cfg(test)] mod tests`) and comments are ignored.
//!
//! Include with `#[path = ".../autograd/tests/support/imports.rs"] mod imports;`.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Module path (`"ops::relu"`, `""` for the root) → the set of modules it names.
pub type Graph = BTreeMap<String, BTreeSet<String>>;

/// Reads every `.rs` file under `src` and builds the import graph.
pub fn import_graph(src: &Path) -> Graph {
    let mut sources = BTreeMap::new();
    collect(src, src, &mut sources);
    let modules: BTreeSet<String> = sources.keys().cloned().collect();
    let mut graph = Graph::new();
    for (module, text) in &sources {
        let code = strip(text);
        let mut deps = BTreeSet::new();
        let mut aliases = Vec::new();
        for path in use_paths(&code) {
            let Some(target) = resolve(&path, &modules) else {
                continue;
            };
            if path.len() == target.split("::").count() {
                // `use crate::ops;` or `use crate::ties::{self, ..}`: the
                // last segment is a module name usable as a path prefix.
                aliases.push((path.last().cloned().unwrap_or_default(), target.clone()));
            }
            deps.insert(target);
        }
        for path in crate_paths(&code) {
            if let Some(target) = resolve(&path, &modules) {
                deps.insert(target);
            }
        }
        for (alias, target) in aliases {
            for rest in prefixed_paths(&code, &alias) {
                let mut full: Vec<String> = target.split("::").map(str::to_string).collect();
                full.extend(rest);
                if let Some(t) = resolve(&full, &modules) {
                    deps.insert(t);
                }
            }
        }
        deps.remove(module);
        deps.remove("");
        graph.insert(module.clone(), deps);
    }
    graph
}

/// The first circle found, as `a → b → … → a`, or `None`.
pub fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    fn visit(
        node: &str,
        graph: &Graph,
        marks: &mut BTreeMap<String, Mark>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        marks.insert(node.to_string(), Mark::Open);
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            match marks.get(next.as_str()).copied().unwrap_or(Mark::New) {
                Mark::Open => {
                    let start = stack.iter().position(|s| s == next).unwrap_or(0);
                    let mut cycle = stack[start..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                Mark::New => {
                    if let Some(c) = visit(next, graph, marks, stack) {
                        return Some(c);
                    }
                }
                Mark::Done => {}
            }
        }
        stack.pop();
        marks.insert(node.to_string(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for node in graph.keys() {
        if marks.get(node.as_str()).copied().unwrap_or(Mark::New) == Mark::New {
            let mut stack = Vec::new();
            if let Some(c) = visit(node, graph, &mut marks, &mut stack) {
                return Some(c);
            }
        }
    }
    None
}

/// Panics with every module's edges on the circle if `src` has one.
pub fn assert_no_import_cycle(src: &Path) {
    let graph = import_graph(src);
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "import circle in {}: {}\n(an edge is an explicit `crate::module` path; \
             move the shared item to a module both can import)",
            src.display(),
            cycle.join(" → ")
        );
    }
}

fn collect(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(root).unwrap_or(&path).with_extension("");
            let mut parts: Vec<String> = rel
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if matches!(
                parts.last().map(String::as_str),
                Some("lib" | "mod" | "main")
            ) {
                parts.pop();
            }
            out.insert(
                parts.join("::"),
                fs::read_to_string(&path).unwrap_or_default(),
            );
        }
    }
}

/// The source without line comments and without a trailing test module.
fn strip(text: &str) -> String {
    let mut code = String::new();
    for line in text.lines() {
        let line = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        code.push_str(line);
        code.push('\n');
    }
    if let Some(i) = code.find("#[cfg(test)]\nmod tests") {
        code.truncate(i);
    }
    code
}

/// Every path a `use crate::…;` statement imports, brace groups expanded.
fn use_paths(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("use crate::") {
        let after = &rest[i + "use crate::".len()..];
        let end = after.find(';').unwrap_or(after.len());
        let tree: String = after[..end]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        expand(&[], &tree, &mut out);
        rest = &after[end..];
    }
    out
}

fn expand(prefix: &[String], tree: &str, out: &mut Vec<Vec<String>>) {
    if let Some(inner) = tree.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        let (mut depth, mut start) = (0, 0);
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(prefix, &inner[start..i], out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        expand(prefix, &inner[start..], out);
        return;
    }
    if tree.is_empty() {
        return;
    }
    if let Some(i) = tree.find("::{") {
        let mut p = prefix.to_vec();
        p.extend(tree[..i].split("::").map(str::to_string));
        expand(&p, &tree[i + 2..], out);
        return;
    }
    let name = tree.split(" as ").next().unwrap_or(tree);
    let mut p = prefix.to_vec();
    p.extend(
        name.split("::")
            .filter(|s| *s != "self")
            .map(str::to_string),
    );
    out.push(p);
}

/// Paths written `crate::a::b` outside `use` statements.
fn crate_paths(code: &str) -> Vec<Vec<String>> {
    prefixed_paths(code, "crate")
}

/// The segments after `prefix::` wherever `prefix` starts a path.
fn prefixed_paths(code: &str, prefix: &str) -> Vec<Vec<String>> {
    let needle = format!("{prefix}::");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = code[from..].find(&needle) {
        let at = from + i;
        from = at + needle.len();
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let segs: Vec<String> = code[from..]
            .split("::")
            .map(|s| {
                s.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect::<String>()
            })
            .take_while(|s| !s.is_empty())
            .collect();
        if !segs.is_empty() {
            out.push(segs);
        }
    }
    out
}

/// The longest prefix of `path` that is a module of the crate.
fn resolve(path: &[String], modules: &BTreeSet<String>) -> Option<String> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].join("::"))
        .find(|candidate| modules.contains(candidate))
}
