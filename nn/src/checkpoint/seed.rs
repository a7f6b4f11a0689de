//! [`epoch_rng`]: the random-number generator of an epoch, derived from the
//! run's seed and the epoch number, so a checkpoint needs no RNG state.
//!
//! `rand`'s `StdRng` does not expose its state, so a checkpoint cannot
//! save it. Instead a trainer that wants a resumed run to continue bit for
//! bit **must** draw everything random in epoch `e` (the shuffle, dropout
//! masks) from `epoch_rng(seed, e)`, made afresh at the start of the epoch,
//! and checkpoint at epoch boundaries. Resuming after epoch `k` then only
//! needs `seed` and `k`, which the checkpoint stores.

use rand::SeedableRng;
use rand::rngs::StdRng;

/// SplitMix64's output function: a bijection on `u64` that mixes every
/// input bit into every output bit.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of epoch `epoch` of a run seeded with `seed`: distinct epochs
/// of one run get distinct seeds (SplitMix64 is a bijection), and nearby
/// run seeds give unrelated sequences.
///
/// ```
/// use nn::checkpoint::epoch_seed;
/// assert_eq!(epoch_seed(7, 3), epoch_seed(7, 3));
/// assert_ne!(epoch_seed(7, 3), epoch_seed(7, 4));
/// assert_ne!(epoch_seed(7, 3), epoch_seed(8, 3));
/// ```
pub fn epoch_seed(seed: u64, epoch: u64) -> u64 {
    splitmix64(seed ^ splitmix64(epoch))
}

/// The generator for everything random in epoch `epoch` (shuffling,
/// dropout): `StdRng` seeded with [`epoch_seed`]. The same `(seed, epoch)`
/// always gives the same stream, in this process or a resumed one.
///
/// ```
/// use nn::checkpoint::epoch_rng;
/// use rand::RngExt;
/// let a: u64 = epoch_rng(42, 5).random();
/// let b: u64 = epoch_rng(42, 5).random();
/// assert_eq!(a, b);
/// assert_ne!(a, epoch_rng(42, 6).random::<u64>());
/// ```
pub fn epoch_rng(seed: u64, epoch: u64) -> StdRng {
    StdRng::seed_from_u64(epoch_seed(seed, epoch))
}
