//! Where a panic is reported, for tests of ARCHITECTURE invariant 7: a
//! panicking public function must name the caller's line, not a line inside
//! the library.
//!
//! Include it with `#[path = ".../autograd/tests/support/caller.rs"] mod caller;`
//! and write `assert_panics_here!(x.item(), "not 1×1");`: the expression must
//! panic, the message must contain the fragment, and the location the panic
//! reports must be the test's own file, at the macro's line or just below it
//! (rustfmt may wrap a long expression).
//!
//! The panic hook is installed once per test binary. It records the location
//! only on a thread that is capturing; every other panic goes to the hook
//! that was there before, so a failing test still prints its message.

#![allow(dead_code)]

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe, PanicHookInfo};
use std::sync::Once;

/// Where a captured panic happened and what it said.
#[derive(Debug, Clone)]
pub struct PanicSite {
    /// The file `Location::file` reports.
    pub file: String,
    /// The line `Location::line` reports.
    pub line: u32,
    /// The panic message.
    pub message: String,
}

thread_local! {
    static CAPTURING: RefCell<Option<Option<PanicSite>>> = const { RefCell::new(None) };
}

fn message_of(info: &PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "<non-string panic payload>".to_string()
    }
}

fn install_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let captured = CAPTURING.with_borrow_mut(|slot| match slot {
                Some(site) => {
                    *site = Some(PanicSite {
                        file: info
                            .location()
                            .map(|l| l.file().to_string())
                            .unwrap_or_default(),
                        line: info.location().map(|l| l.line()).unwrap_or(0),
                        message: message_of(info),
                    });
                    true
                }
                None => false,
            });
            if !captured {
                previous(info);
            }
        }));
    });
}

/// Runs `f`, which must panic, and returns where the panic was reported.
/// Returns `None` if `f` did not panic.
pub fn panic_site<R>(f: impl FnOnce() -> R) -> Option<PanicSite> {
    install_hook();
    CAPTURING.with_borrow_mut(|slot| *slot = Some(None));
    let outcome = panic::catch_unwind(AssertUnwindSafe(f));
    let site = CAPTURING.with_borrow_mut(|slot| slot.take()).flatten();
    match outcome {
        Ok(_) => None,
        Err(_) => site,
    }
}

/// Asserts that `$e` panics with a message containing `$fragment`, and that
/// the panic names this file at the macro's line (or up to 8 lines below,
/// for an expression rustfmt wrapped).
#[macro_export]
macro_rules! assert_panics_here {
    ($e:expr, $fragment:expr $(,)?) => {{
        let here = line!();
        let site = $crate::caller::panic_site(|| $e)
            .unwrap_or_else(|| panic!("`{}` did not panic", stringify!($e)));
        assert!(
            site.message.contains($fragment),
            "`{}` panicked with {:?}, which does not contain {:?}",
            stringify!($e),
            site.message,
            $fragment
        );
        assert!(
            site.file == file!() && (here..=here + 8).contains(&site.line),
            "`{}` reported its panic at {}:{}, not at the caller ({}:{})",
            stringify!($e),
            site.file,
            site.line,
            file!(),
            here
        );
    }};
}
