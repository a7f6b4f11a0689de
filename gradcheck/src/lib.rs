//! Gradient checking for [`autograd`]: centered finite differences against
//! tape gradients, with kink tracking. Filled in by the gradcheck issue.
