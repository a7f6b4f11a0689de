#!/usr/bin/env bash
# The tape against XLA (JAX jit) on W1 and W2, one CPU, alternating the two
# processes ROUNDS times per configuration; prints each round's pair and
# the median of the per-round ratios tape/XLA. Needs JAX in $JAX_PYTHON
# (see xla_w1_w2.py) and the w1_profile and w2_profile examples built in
# release (cargo build --release -p benches --examples).
set -euo pipefail
cd "$(dirname "$0")/../.."
py=${JAX_PYTHON:-/tmp/jaxenv/bin/python}
rounds=${ROUNDS:-7}
number() { sed -E 's/.*: ([0-9.]+) (ms|us).*/\1/'; }
# CONFIGS="w1 f64,w2-784 f32" runs only those.
IFS=, read -r -a configs <<< "${CONFIGS:-w1 f64,w1 f32,w2-784 f32,w2-784 f64,w2-3072 f32,w2-3072 f64}"
for cfg in "${configs[@]}"; do
  set -- $cfg
  ratios=()
  for _ in $(seq "$rounds"); do
    x=$(taskset -c 0 "$py" benches/reference/xla_w1_w2.py "$1" "$2" 2>/dev/null | number)
    if [ "$1" = w1 ]; then
      # The tape's sweep for a caller who wants the leaves' gradients.
      t=$(W1_TIME=1 taskset -c 0 target/release/examples/w1_profile leaves "$2" 2000 | number)
    else
      t=$(W2_TIME=1 taskset -c 0 target/release/examples/w2_profile "${1#w2-}" "$2" 130 | number)
    fi
    ratios+=("$(python3 -c "print(f'{$t/$x:.3f}')")")
    echo "$1 $2: tape $t, XLA $x"
  done
  printf '%s\n' "${ratios[@]}" | sort -n | awk -v c="$1 $2" '{a[NR]=$1} END {printf "%s tape/XLA median %s (min %s, max %s, %d rounds)\n", c, a[int((NR+1)/2)], a[1], a[NR], NR}'
done
