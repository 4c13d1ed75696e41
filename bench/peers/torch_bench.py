#!/usr/bin/env python3
"""PyTorch peer of `./rnn4j bench`: times torch.nn.LSTM/GRU/RNN (or LSTMCell/GRUCell/RNNCell for one step) on
one configuration and prints the same `bench:` line as `./rnn4j bench`.

Normally started by `./rnn4j peer torch` (or `./rnn4j compare --peer torch`), which chooses the Python that has
torch and the environment of its best configuration (Debian's OpenBLAS with LD_LIBRARY_PATH, OPENBLAS_CORETYPE
on AVX-512 CPUs, thread counts); see docs/cli.md. It can also be run by hand:

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp OPENBLAS_CORETYPE=SkylakeX \
        /usr/bin/python3 bench/peers/torch_bench.py --cell lstm --mode fwdbwd --shape 100,64,512,512 --threads 1

Modes (as in ./rnn4j bench):
  fwd     inference forward of one unidirectional layer (torch.inference_mode), outputs, h_N and c_N
  fwdbwd  training forward, then backward through the inputs, the initial states and all weights with fixed
          random output and final-state gradients: torch.autograd.backward([y, h_N(, c_N)], [g_y, g_h(, g_c)]),
          the same gradient as loss = sum(y*g_y) + sum(h_N*g_h) (+ sum(c_N*g_c)) without the extra elementwise
          pass; the same gradients as rnn4j's backward with gradOutput, gradHN, gradCN
  step    one cell step: torch.nn.LSTMCell/GRUCell/RNNCell in inference mode
Flops: a forward is 2*T*N*(I+H)*G*H (G = 4 LSTM, 3 GRU, 1 RNN), fwdbwd 3x that, step the forward with T=1.
Cells: lstm, gru (PyTorch's GRU is the linear-before-reset form), rnn_tanh, rnn_relu. lstm_peephole and
gru_reset_before are not expressible in PyTorch: exit status 2 with a message.
Timing: the warm-up and statistics of ./rnn4j bench (rnn4j's Sampler): windows of >= 5 calls and >= 0.2 s;
settled when the last two window medians are no more than --settle % below the best earlier one; the warm-up
ends after --warmup calls and --warmup-time s once settled, or after --warmup-max s in any case.
"""

import argparse
import ctypes
import math
import os
import sys
import time

WINDOW_CALLS = 5
WINDOW_SECONDS = 0.2
CELLS = ("lstm", "lstm_peephole", "gru", "gru_reset_before", "rnn_tanh", "rnn_relu")
NOT_EXPRESSIBLE = {
    "lstm_peephole": "PyTorch has no peephole LSTM (torch.nn.LSTM and LSTMCell have no peephole weights): "
                     "lstm_peephole is not expressible in PyTorch",
    "gru_reset_before": "PyTorch's torch.nn.GRU/GRUCell is the linear-before-reset form (r multiplies "
                        "W_hn h + b_hn, as cuDNN): the reset-before form gru_reset_before is not expressible in "
                        "PyTorch; use --cell gru",
}
GATES = {"lstm": 4, "gru": 3, "rnn_tanh": 1, "rnn_relu": 1}


def fail(message, status=1):
    print("torch_bench: error: " + message, file=sys.stderr)
    sys.exit(status)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cell", required=True, choices=CELLS)
    p.add_argument("--mode", required=True, choices=("fwd", "fwdbwd", "step"))
    p.add_argument("--shape", required=True, help="T,N,I,H")
    p.add_argument("--dtype", default="f32", choices=("f32", "f64"))
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--warmup-time", type=float, default=3.0)
    p.add_argument("--warmup-max", type=float, default=60.0)
    p.add_argument("--settle", type=float, default=2.0)
    p.add_argument("--samples", type=int, default=20)
    p.add_argument("--flops", type=float, default=None, help="flops per call (default: the rnn4j convention)")
    a = p.parse_args(argv)
    try:
        shape = [int(v) for v in a.shape.replace("x", ",").split(",")]
    except ValueError:
        shape = []
    if len(shape) != 4 or min(shape) < 1:
        p.error("--shape: expected T,N,I,H (four positive integers) but was '%s'" % a.shape)
    a.T, a.N, a.I, a.H = shape
    if a.cell in NOT_EXPRESSIBLE:
        print("torch_bench: error: " + NOT_EXPRESSIBLE[a.cell], file=sys.stderr)
        sys.exit(2)
    if a.threads < 1:
        p.error("--threads: expected >= 1 but was %d" % a.threads)
    if a.samples < 5:
        p.error("--samples: expected at least 5 but was %d" % a.samples)
    if a.warmup < 1:
        p.error("--warmup: expected at least 1 but was %d" % a.warmup)
    if not (0 <= a.warmup_time <= a.warmup_max) or math.isinf(a.warmup_max):
        p.error("--warmup-time/--warmup-max: expected 0 <= warmup-time <= warmup-max")
    if not (0 < a.settle < 100):
        p.error("--settle: expected a percentage in (0, 100) but was %s" % a.settle)
    return a


def flops(a):
    g = GATES[a.cell]
    fwd = 2.0 * a.T * a.N * (a.I + a.H) * g * a.H
    return {"fwd": fwd, "fwdbwd": 3 * fwd, "step": fwd / a.T}[a.mode]


# ------------------------------------------------------------------------------------------------- statistics

def quantile(s, p):
    h = (len(s) - 1) * p
    lo = int(math.floor(h))
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (h - lo) * (s[hi] - s[lo])


def is_settled(medians, pct):
    def flat(j):
        return medians[j] >= min(medians[:j]) * (1 - pct / 100.0)
    n = len(medians)
    return n >= 3 and flat(n - 1) and flat(n - 2)


def measure(a, call):
    start = time.perf_counter_ns()
    window_start = start
    window = []
    medians = []
    calls = 0
    settled = False
    now = start
    while True:
        t0 = time.perf_counter_ns()
        call()
        now = time.perf_counter_ns()
        calls += 1
        window.append((now - t0) / 1e6)
        if len(window) >= WINDOW_CALLS and (now - window_start) / 1e9 >= WINDOW_SECONDS:
            medians.append(quantile(sorted(window), 0.5))
            window = []
            window_start = now
            settled = is_settled(medians, a.settle)
        elapsed = (now - start) / 1e9
        if calls >= a.warmup and ((settled and elapsed >= a.warmup_time) or elapsed >= a.warmup_max):
            break
    warmup_s = (now - start) / 1e9
    samples = []
    for _ in range(a.samples):
        t0 = time.perf_counter_ns()
        call()
        samples.append((time.perf_counter_ns() - t0) / 1e6)
    return samples, calls, warmup_s, settled, medians


# ------------------------------------------------------------------------------------------------- environment

def loaded_libraries():
    """Paths of the BLAS/LAPACK/OpenMP libraries mapped into this process."""
    out = []
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 6:
                    path = parts[5]
                    base = os.path.basename(path)
                    if any(k in base for k in ("blas", "lapack", "mkl", "gomp", "omp.so", "dnnl")) and path not in out:
                        out.append(path)
    except OSError:
        pass
    return out


def openblas_report(libs):
    """(core, threads, config) from the OpenBLAS mapped into this process, or None."""
    for path in libs:
        if "openblas" not in os.path.basename(path) and "openblas" not in path:
            continue
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            return (lib.openblas_get_corename().decode(), lib.openblas_get_num_threads(),
                    lib.openblas_get_config().decode(), path)
        except (OSError, AttributeError):
            continue
    return None


# ------------------------------------------------------------------------------------------------- the runs

def build(a, torch):
    dtype = torch.float64 if a.dtype == "f64" else torch.float32
    gen = torch.Generator().manual_seed(a.seed)

    def rand(*shape, requires_grad=False):
        t = (torch.rand(*shape, generator=gen, dtype=dtype) * 2 - 1)
        return t.requires_grad_(requires_grad)

    T, N, I, H = a.T, a.N, a.I, a.H
    lstm = a.cell == "lstm"
    if a.mode == "step":
        if lstm:
            m = torch.nn.LSTMCell(I, H)
        elif a.cell == "gru":
            m = torch.nn.GRUCell(I, H)
        else:
            m = torch.nn.RNNCell(I, H, nonlinearity="tanh" if a.cell == "rnn_tanh" else "relu")
    else:
        if lstm:
            m = torch.nn.LSTM(I, H)
        elif a.cell == "gru":
            m = torch.nn.GRU(I, H)
        else:
            m = torch.nn.RNN(I, H, nonlinearity="tanh" if a.cell == "rnn_tanh" else "relu")
    m = m.to(dtype)
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(rand(*p.shape) / math.sqrt(H))

    if a.mode == "step":
        x, h, c = rand(N, I), rand(N, H), rand(N, H)
        if lstm:
            def call():
                with torch.inference_mode():
                    m(x, (h, c))
        else:
            def call():
                with torch.inference_mode():
                    m(x, h)
        return m, call

    training = a.mode == "fwdbwd"
    x = rand(T, N, I, requires_grad=training)
    h0 = rand(1, N, H, requires_grad=training)
    c0 = rand(1, N, H, requires_grad=training)
    if not training:
        def call():
            with torch.inference_mode():
                m(x, (h0, c0)) if lstm else m(x, h0)
        return m, call

    gy, gh, gc = rand(T, N, H), rand(1, N, H), rand(1, N, H)
    params = list(m.parameters())
    leaves = params + [x, h0, c0]

    def call():
        for t in leaves:
            t.grad = None
        if lstm:
            y, (hn, cn) = m(x, (h0, c0))
            torch.autograd.backward([y, hn, cn], [gy, gh, gc])
        else:
            y, hn = m(x, h0)
            torch.autograd.backward([y, hn], [gy, gh])
    return m, call


def main(argv):
    a = parse_args(argv)
    try:
        import torch
    except ImportError as e:
        fail("PyTorch is not importable by %s (%s): install Debian's build with "
             "'apt-get install -y python3-torch libopenblas0-openmp' (for /usr/bin/python3)" % (sys.executable, e))
    torch.set_num_threads(a.threads)
    # A tiny product first, so that the BLAS library is loaded and initialised before it is reported.
    torch.ones(8, 8) @ torch.ones(8, 8)
    f = a.flops if a.flops is not None else flops(a)
    libs = loaded_libraries()
    ob = openblas_report(libs)
    print("benchmark: torch %s %s on PyTorch %s (%s), mode %s, %s, T=%d N=%d I=%d H=%d, threads=%d" % (
        a.cell, "cell step" if a.mode == "step" else "layer", torch.__version__, os.path.dirname(torch.__file__),
        a.mode, "float64" if a.dtype == "f64" else "float32", a.T, a.N, a.I, a.H, a.threads))
    print("  flops per call: %.4g (%s)" % (f, {"fwd": "forward", "fwdbwd": "3x forward",
                                               "step": "forward with T=1"}[a.mode]))
    print("  python: %s; torch threads: %d (interop %d)" % (sys.executable, torch.get_num_threads(),
                                                             torch.get_num_interop_threads()))
    print("  libraries: %s" % (", ".join(libs) if libs else "(none found in /proc/self/maps)"))
    if ob is not None:
        print("  OpenBLAS: core %s, %d threads, config %s (%s)" % ob)
    if any(os.path.basename(p).startswith("libblas.so") and "/blas/" in p for p in libs):
        print("  WARNING: the reference BLAS (netlib) is loaded: PyTorch's RNNs run ~24x slower; run with "
              "LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp (apt-get install -y libopenblas0-openmp)")
    print("  environment: " + " ".join("%s=%s" % (k, os.environ.get(k, "(unset)")) for k in (
        "LD_LIBRARY_PATH", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")))
    print("  timing: warm-up >= %d calls and >= %g s until settled (last two windows within %g%% of the best "
          "earlier one; at most %g s), then %d timed calls" % (a.warmup, a.warmup_time, a.settle, a.warmup_max,
                                                               a.samples))
    sys.stdout.flush()

    _, call = build(a, torch)
    samples, calls, warmup_s, settled, medians = measure(a, call)

    s = sorted(samples)
    mn, q1, med, q3, mx = s[0], quantile(s, 0.25), quantile(s, 0.5), quantile(s, 0.75), s[-1]
    gf = f / (med * 1e6)
    print("  warm-up: %d calls in %.1f s, %s" % (calls, warmup_s, "timings settled" if settled else
          "timings had NOT settled when the warm-up time limit was reached (--warmup-max); the samples may still "
          "include warm-up"))
    if medians:
        tail = medians[-6:]
        print("  warm-up window medians (ms):" + (" ..." if len(medians) > 6 else "") +
              "".join(" %.4f" % v for v in tail))
    print("  samples (ms):" + "".join(" %.4f" % v for v in samples))
    print("  median %.4f ms (%.3f GFLOP/s); min %.4f, quartiles %.4f .. %.4f (IQR %.1f%% of the median), max %.4f "
          "ms; best %.3f GFLOP/s" % (med, gf, mn, q1, q3, 100 * (q3 - q1) / med, mx, f / (mn * 1e6)))
    if a.mode == "fwd" and a.T > 1:
        print("  per step: %.4f ms (median / T)" % (med / a.T))
    print("bench: backend=torch cell=%s mode=%s dtype=%s T=%d N=%d I=%d H=%d threads=%d median_ms=%.4f gflops=%.3f "
          "min_ms=%.4f q1_ms=%.4f q3_ms=%.4f max_ms=%.4f samples=%d warmup_calls=%d warmup_s=%.1f settled=%s" % (
              a.cell, a.mode, a.dtype, a.T, a.N, a.I, a.H, a.threads, med, gf, mn, q1, q3, mx, len(samples), calls,
              warmup_s, "yes" if settled else "no"))
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
