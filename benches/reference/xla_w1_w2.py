"""W1 and W2 under JAX's jit (XLA on the CPU, one thread): the compiled,
fused graph the tape is measured against (README, "Against XLA").

Same workloads as benches/src/chain.rs and benches/src/mlp.rs: the same
shapes, value scales, learning rate and L2 strength, one whole step
(forward, backward and, for W2, the SGD update) compiled into one XLA
executable, parameters donated so the update is in place. The values are
drawn with numpy, not the benches' SplitMix, so they are not the same
numbers: this script is for timing only.

Not part of the build or of CI (it needs Python and JAX):

    python3 -m venv /tmp/jaxenv && /tmp/jaxenv/bin/pip install "jax[cpu]"
    taskset -c 0 /tmp/jaxenv/bin/python benches/reference/xla_w1_w2.py all f64

Prints the median time per call over 31 rounds and its interquartile range.
Note that XLA flushes subnormals to zero on the CPU, which the tape (IEEE
arithmetic throughout) does not: W1's f32 gradient underflows.
"""
import os, sys, time, statistics
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
import jax, jax.numpy as jnp, numpy as np

which = sys.argv[1] if len(sys.argv) > 1 else "all"
dtype = sys.argv[2] if len(sys.argv) > 2 else "f64"
if dtype == "f64":
    jax.config.update("jax_enable_x64", True)
dt = jnp.float64 if dtype == "f64" else jnp.float32
rng = np.random.default_rng(42)

def timeit(f, reps, rounds=31):
    f()
    ts = []
    for _ in range(rounds):
        t = time.perf_counter()
        for _ in range(reps):
            f()
        ts.append((time.perf_counter() - t) / reps)
    return statistics.median(ts), np.percentile(ts, 25), np.percentile(ts, 75)

def w1():
    n = 1000
    u = lambda s: jnp.asarray(rng.uniform(-s, s, (4, 4)), dtype=dt)
    x, w, b = u(1.0), u(1.0), u(0.5)
    def loss(w, b):
        h = x
        for i in range(n):
            k = i % 3
            h = h * w if k == 0 else (h + b if k == 1 else jnp.tanh(h))
        return h.sum()
    g = jax.jit(jax.grad(loss, argnums=(0, 1)))
    run = lambda: jax.block_until_ready(g(w, b))
    m, q1, q3 = timeit(run, 40)
    print(f"XLA W1 chain of {n} 4x4 nodes/{dtype}: {m*1e6:.1f} us (IQR {q1*1e6:.1f}-{q3*1e6:.1f})")

def w2(sizes, batch):
    lr, reg = 1e-3, 1e-4
    ws = [jnp.asarray(rng.uniform(-1, 1, (a, c)) * np.sqrt(6 / a), dtype=dt) for a, c in zip(sizes, sizes[1:])]
    bs = [jnp.asarray(rng.uniform(-0.01, 0.01, (1, c)), dtype=dt) for c in sizes[1:]]
    x = jnp.asarray(rng.uniform(-1, 1, (batch, sizes[0])), dtype=dt)
    y = jnp.asarray(rng.integers(0, sizes[-1], batch))
    def loss(params):
        ws, bs = params
        h = x
        for i, (w, b) in enumerate(zip(ws, bs)):
            h = h @ w + b
            if i + 1 < len(ws):
                h = jax.nn.relu(h)
        lp = jax.nn.log_softmax(h)
        data = -jnp.take_along_axis(lp, y[:, None], axis=1).mean()
        return data + 0.5 * reg * sum((w * w).sum() for w in ws)
    @jax.jit
    def step(params):
        l, g = jax.value_and_grad(loss)(params)
        return jax.tree_util.tree_map(lambda p, d: p - lr * d, params, g), l
    step = jax.jit(step, donate_argnums=0)
    state = [(ws, bs)]
    def run():
        p, l = step(state[0])
        jax.block_until_ready(l)
        state[0] = p
    m, q1, q3 = timeit(run, 4)
    name = "-".join(map(str, sizes))
    print(f"XLA W2 {name} batch {batch}/{dtype}: {m*1e3:.3f} ms (IQR {q1*1e3:.3f}-{q3*1e3:.3f})")

if which in ("all", "w1"):
    w1()
if which in ("all", "w2", "w2-3072"):
    w2([3072, 100, 10], 256)
if which in ("all", "w2", "w2-784"):
    w2([784, 512, 512, 10], 128)
