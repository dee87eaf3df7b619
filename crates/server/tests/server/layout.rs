//! The crate's layout holds: shared infrastructure never uses an area or the composition, no
//! area uses the composition, and no two top-level modules use each other, directly or around
//! a loop.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const INFRASTRUCTURE: [&str; 16] = [
    "actor",
    "blobs",
    "changes",
    "clock",
    "command_log",
    "events",
    "extract",
    "http_error",
    "lang",
    "password",
    "public_page",
    "session_cache",
    "spreadsheet",
    "state",
    "storage",
    "uploads",
];
const AREAS: [&str; 13] = [
    "auth",
    "cases",
    "config",
    "delivery",
    "documents",
    "permits",
    "portal",
    "printing",
    "queue",
    "ratings",
    "review",
    "stats",
    "sync",
];
const COMPOSITION: [&str; 5] = ["app", "commands", "openapi", "seed", "serve"];

/// Source text without comments and without the unit tests at the end of a file.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules each top-level module names with `crate::`.
fn uses() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut pending = vec![src.clone()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            if path.extension().is_none_or(|ext| ext != "rs") {
                continue;
            }
            let relative = path.strip_prefix(&src).unwrap();
            let top = relative
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_owned();
            let code = code_of(&std::fs::read_to_string(&path).unwrap());
            let named = uses.entry(top.clone()).or_default();
            for (at, _) in code.match_indices("crate::") {
                let rest = &code[at + "crate::".len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != top {
                    named.insert(name);
                }
            }
        }
    }
    uses
}

#[test]
fn infrastructure_uses_no_area_and_areas_use_no_composition() {
    let uses = uses();
    for module in INFRASTRUCTURE {
        let used = &uses[module];
        let wrong: Vec<_> = used
            .iter()
            .filter(|name| !INFRASTRUCTURE.contains(&name.as_str()))
            .collect();
        assert!(wrong.is_empty(), "{module} uses {wrong:?}");
    }
    for area in AREAS {
        let wrong: Vec<_> = uses[area]
            .iter()
            .filter(|name| COMPOSITION.contains(&name.as_str()))
            .collect();
        assert!(wrong.is_empty(), "{area} uses {wrong:?}");
    }
    // Every top-level module is named in one of the lists.
    for module in uses.keys() {
        let known = INFRASTRUCTURE
            .iter()
            .chain(&AREAS)
            .chain(&COMPOSITION)
            .chain(&["lib", "main"])
            .any(|name| name == module);
        assert!(known, "{module} is in no list of this test");
    }
}

#[test]
fn no_two_modules_use_each_other_around_a_loop() {
    let uses = uses();
    // Depth-first search from every module; a module met again on the path is a loop.
    fn visit(
        module: &str,
        uses: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if let Some(at) = path.iter().position(|m| m == module) {
            panic!("modules use each other: {:?}", &path[at..]);
        }
        if done.contains(module) {
            return;
        }
        path.push(module.to_owned());
        for next in uses.get(module).into_iter().flatten() {
            visit(next, uses, path, done);
        }
        path.pop();
        done.insert(module.to_owned());
    }
    let mut done = BTreeSet::new();
    for module in uses.keys() {
        visit(module, &uses, &mut Vec::new(), &mut done);
    }
}
