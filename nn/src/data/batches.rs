//! [`Batches`]: mini-batches over a [`Dataset`], reshuffled every epoch
//! from a seed, written into buffers that are reused from batch to batch.
//!
//! All buffers (the index order, one full batch and, if the set does not
//! divide evenly, one short last batch) are made by [`Batches::new`], so
//! drawing batches allocates nothing, epoch after epoch. A batch is lent
//! (`&Array2`, `&[usize]`) until the next call, so the loop is
//! `while let Some(batch) = batches.next_batch() { … }`, once per epoch:
//! the call after the last batch returns `None` and the next one starts
//! a new epoch with a fresh shuffle.
//!
//! ```
//! use nn::data::{batches::Batches, digits};
//!
//! let ds = digits::load::<f32>();
//! let mut batches = Batches::new(&ds, 256, 7).unwrap();
//! for _epoch in 0..2 {
//!     let mut seen = 0;
//!     while let Some(batch) = batches.next_batch() {
//!         assert_eq!(batch.x.nrows(), batch.labels.len());
//!         seen += batch.labels.len();
//!     }
//!     assert_eq!(seen, 1797); // 7 batches of 256 and one of 5
//! }
//! let mut batches = Batches::new(&ds, 256, 7).unwrap().drop_last(true);
//! assert_eq!(batches.batches_per_epoch(), 7);
//! ```

use ndarray::{Array2, ArrayView1, Axis};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::data::dataset::{Dataset, Labels};
use crate::data::error::{DataError, Result};

/// One mini-batch, lent by [`Batches::next_batch`].
#[derive(Debug)]
pub struct Batch<'b, F> {
    /// The examples, one per row.
    pub x: &'b Array2<F>,
    /// Their class labels (empty for a set with attribute labels).
    pub labels: &'b [usize],
    /// Their attribute rows (`None` for a set with class labels).
    pub attributes: Option<&'b Array2<u8>>,
    /// Their indices in the data set.
    pub indices: &'b [usize],
}

/// The buffers one batch size is written into.
struct Buffer<F> {
    x: Array2<F>,
    labels: Vec<usize>,
    attributes: Option<Array2<u8>>,
}

impl<F: Clone + Default> Buffer<F> {
    fn new(rows: usize, data: &Dataset<F>) -> Self {
        let (labels, attributes) = match data.labels() {
            Labels::Classes(_) => (vec![0; rows], None),
            Labels::Attributes(a) => (Vec::new(), Some(Array2::zeros((rows, a.ncols())))),
        };
        Buffer {
            x: Array2::from_elem((rows, data.features().ncols()), F::default()),
            labels,
            attributes,
        }
    }
}

/// Seeded, shuffled mini-batches over a data set (see the module doc).
pub struct Batches<'d, F> {
    data: &'d Dataset<F>,
    size: usize,
    drop_last: bool,
    shuffle: bool,
    rng: StdRng,
    order: Vec<usize>,
    /// Start of the next batch in `order`; `None` between epochs.
    pos: Option<usize>,
    epoch: usize,
    full: Buffer<F>,
    tail: Buffer<F>,
}

impl<'d, F: Clone + Default> Batches<'d, F> {
    /// Batches of `batch_size` examples, shuffled each epoch by a
    /// generator seeded with `seed`; the last batch of an epoch may be
    /// short (see [`drop_last`](Batches::drop_last)).
    ///
    /// ```
    /// let ds = nn::data::digits::load::<f64>();
    /// let e = nn::data::batches::Batches::new(&ds, 0, 0).err().unwrap();
    /// assert_eq!(e.to_string(), "digits: batch size 0; a batch needs at least one example");
    /// ```
    ///
    /// # Errors
    /// [`DataError::Invalid`] for a batch size of 0.
    pub fn new(data: &'d Dataset<F>, batch_size: usize, seed: u64) -> Result<Self> {
        if batch_size == 0 {
            return Err(DataError::invalid(
                data.name(),
                "batch size 0; a batch needs at least one example",
            ));
        }
        let n = data.len();
        Ok(Batches {
            data,
            size: batch_size,
            drop_last: false,
            shuffle: true,
            rng: StdRng::seed_from_u64(seed),
            order: (0..n).collect(),
            pos: None,
            epoch: 0,
            full: Buffer::new(batch_size.min(n), data),
            tail: Buffer::new(if n > batch_size { n % batch_size } else { 0 }, data),
        })
    }

    /// Whether to skip an epoch's last batch when it is short (PyTorch's
    /// `drop_last`), so every batch has exactly `batch_size` rows.
    pub fn drop_last(mut self, drop_last: bool) -> Self {
        self.drop_last = drop_last;
        self
    }

    /// Whether to shuffle each epoch (default `true`); `false` gives the
    /// set's own order, for evaluation.
    pub fn shuffle(mut self, shuffle: bool) -> Self {
        self.shuffle = shuffle;
        self
    }

    /// Epochs started so far (1 during the first).
    pub fn epoch(&self) -> usize {
        self.epoch
    }

    /// Batches in one epoch.
    ///
    /// ```
    /// let ds = nn::data::digits::load::<f64>();
    /// let b = nn::data::batches::Batches::new(&ds, 100, 0).unwrap();
    /// assert_eq!(b.batches_per_epoch(), 18);
    /// assert_eq!(b.drop_last(true).batches_per_epoch(), 17);
    /// ```
    pub fn batches_per_epoch(&self) -> usize {
        let n = self.data.len();
        if self.drop_last {
            n / self.size
        } else {
            n.div_ceil(self.size)
        }
    }

    /// The next batch of the current epoch, or `None` once the epoch is
    /// over; the call after that starts the next epoch.
    pub fn next_batch(&mut self) -> Option<Batch<'_, F>> {
        let n = self.data.len();
        let start = match self.pos {
            Some(p) => p,
            None => {
                if self.shuffle {
                    self.order.shuffle(&mut self.rng);
                }
                self.epoch += 1;
                0
            }
        };
        let end = (start + self.size).min(n);
        if start >= n || (self.drop_last && end - start < self.size) {
            self.pos = None;
            return None;
        }
        self.pos = Some(end);
        let indices = &self.order[start..end];
        let buf = if end - start == self.full.x.nrows() {
            &mut self.full
        } else {
            &mut self.tail
        };
        let features = self.data.features();
        for (mut row, &i) in buf.x.rows_mut().into_iter().zip(indices) {
            row.assign(&features.row(i));
        }
        match self.data.labels() {
            Labels::Classes(c) => {
                for (slot, &i) in buf.labels.iter_mut().zip(indices) {
                    *slot = c[i];
                }
            }
            Labels::Attributes(a) => {
                if let Some(out) = buf.attributes.as_mut() {
                    for (mut row, &i) in out.axis_iter_mut(Axis(0)).zip(indices) {
                        let src: ArrayView1<u8> = a.row(i);
                        row.assign(&src);
                    }
                }
            }
        }
        Some(Batch {
            x: &buf.x,
            labels: &buf.labels,
            attributes: buf.attributes.as_ref(),
            indices,
        })
    }
}
