//! No import circle among autograd's modules (see `support/imports.rs` for
//! what counts as an edge).

#[path = "support/imports.rs"]
mod imports;

use std::path::Path;

#[test]
fn autograd_has_no_import_circle() {
    imports::assert_no_import_cycle(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
}

/// The checker itself finds the circles issue 9 named, on a crate built for
/// the purpose: a registry importing every op, whose op files import the
/// registry's types.
#[test]
fn the_checker_sees_a_circle_through_a_module_alias() {
    let dir = std::env::temp_dir().join(format!("imports-{}", std::process::id()));
    let ops = dir.join("ops");
    std::fs::create_dir_all(&ops).unwrap();
    std::fs::write(dir.join("lib.rs"), "mod ops;\nmod registry;\n").unwrap();
    std::fs::write(
        dir.join("registry.rs"),
        "use crate::ops;\npub struct OpSpec;\nfn all() { ops::relu::SPECS; }\n",
    )
    .unwrap();
    std::fs::write(ops.join("mod.rs"), "pub mod relu;\n").unwrap();
    std::fs::write(
        ops.join("relu.rs"),
        "use crate::registry::{OpSpec};\npub const SPECS: () = ();\n",
    )
    .unwrap();
    let graph = imports::import_graph(&dir);
    let cycle = imports::find_cycle(&graph).expect("registry ⇄ ops::relu is a circle");
    assert!(cycle.contains(&"registry".to_string()) && cycle.contains(&"ops::relu".to_string()));
    // Test modules and comments are not imports.
    std::fs::write(
        ops.join("relu.rs"),
        "// use crate::registry::OpSpec;\npub const SPECS: () = ();\n\
         #[cfg(test)]\nmod tests {\n use crate::registry::OpSpec;\n}\n",
    )
    .unwrap();
    assert_eq!(imports::find_cycle(&imports::import_graph(&dir)), None);
    std::fs::remove_dir_all(&dir).unwrap();
}
