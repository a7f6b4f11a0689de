//! No import circle among nn's modules (see
//! `autograd/tests/support/imports.rs` for what counts as an edge).

#[path = "../../autograd/tests/support/imports.rs"]
mod imports;

use std::path::Path;

#[test]
fn nn_has_no_import_circle() {
    imports::assert_no_import_cycle(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
}
