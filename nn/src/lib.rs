//! Neural-network building blocks composed from [`autograd`] operations.
//!
//! Every layer, loss and regularizer in this crate is written with tape ops
//! only — there is no hand-written backward pass here — so each is checked by
//! the `gradcheck` crate for free. The layers themselves arrive with the
//! `nn` issue; this crate currently holds only its documentation.
