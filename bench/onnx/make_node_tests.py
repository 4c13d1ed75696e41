#!/usr/bin/python3
"""rnn4j's own ONNX node tests for LSTM, GRU and RNN, in ONNX's backend-test format.

ONNX's official node tests (Debian's libonnx-testdata) mostly use one constant weight value and a single
time step, so they cannot tell one gate from another: a converter that put the gate blocks in the wrong order
would still pass them. These tests use distinct random weights, biases and peepholes per gate (each gate block
also gets its own scale and offset), several time steps, initial states, sequence_lens, both layouts and every
direction (forward, reverse, bidirectional), in float64 so that a float64 run can be compared at 1e-10.

Each test is a directory like ONNX's own (onnx/backend/test/data/node/test_*):

    test_rnn4j_<...>/model.onnx                  one LSTM/GRU/RNN node (opset 14); graph inputs and outputs
                                                 are the node's present inputs and outputs, in order
    test_rnn4j_<...>/test_data_set_0/input_K.pb  TensorProto of the K-th graph input (X, W, R, B, ...)
    test_rnn4j_<...>/test_data_set_0/output_K.pb TensorProto of the K-th graph output (Y, Y_h, Y_c)

The expected outputs come from onnx_rnn() below, a NumPy implementation written from the ONNX operator
specification (https://onnx.ai/onnx/operators/onnx__LSTM.html, onnx__GRU.html, onnx__RNN.html), in ONNX's
layouts and gate orders only -- nothing here knows rnn4j's. Where ONNX's own NumPy helpers of its backend
tests apply (onnx.backend.test.case.node.{lstm,gru,rnn}: one forward direction, no sequence_lens, layout 0,
default activations), every test is also computed with them and must agree within 1e-12, so the gate orders
of onnx_rnn() are those of ONNX's own reference. The helpers do not cover reverse and bidirectional
directions or sequence_lens; there onnx_rnn() follows the specification (the reverse direction of sample n
reads x[seq_lens[n]-1] .. x[0]; Y is 0 at t >= seq_lens[n]; Y_h, Y_c are the states after the last step
processed), which is also what ONNX Runtime computes.

All input values are float32-representable (rounded through float32), so a float32 run of the converted cases
sees exactly the same inputs. Three tests use what rnn4j cannot express (clip, a HardSigmoid gate, LeakyRelu
with activation_alpha): the converter must skip them, saying why.

Run from the repository root (Debian bookworm: apt-get install -y python3-onnx python3-numpy):

    /usr/bin/python3 bench/onnx/make_node_tests.py            # writes bench/onnx/node_tests/

then convert them with the official ones: bench/onnx/convert_onnx_node_tests.py. The output is deterministic
(seeded NumPy generators); the committed directories were made with python3-onnx 1.12.0-2+b4 and
python3-numpy 1:1.24.2-1+deb12u1.
"""
import argparse
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

OPSET = 14
GATES = {"LSTM": 4, "GRU": 3, "RNN": 1}
DEFAULT_ACTIVATIONS = {"LSTM": ["Sigmoid", "Tanh", "Tanh"], "GRU": ["Sigmoid", "Tanh"], "RNN": ["Tanh"]}


# ------------------------------------------------------------------------------------------------------------
# The ONNX operators, from the specification
# ------------------------------------------------------------------------------------------------------------

def _act(name, alpha=None, beta=None):
    return {
        "sigmoid": lambda v: 1.0 / (1.0 + np.exp(-v)),
        "tanh": np.tanh,
        "relu": lambda v: np.maximum(v, 0.0),
        "hardsigmoid": lambda v: np.clip((0.2 if alpha is None else alpha) * v + (0.5 if beta is None else beta),
                                         0.0, 1.0),
        "leakyrelu": lambda v: np.where(v >= 0, v, (0.01 if alpha is None else alpha) * v),
    }[name.lower()]


def onnx_rnn(op, X, W, R, B=None, sequence_lens=None, initial_h=None, initial_c=None, P=None,
             direction="forward", layout=0, activations=None, linear_before_reset=0, clip=None,
             activation_alpha=None, activation_beta=None):
    """Y, Y_h, Y_c (Y_c None unless LSTM) of ONNX operator op in float64, in ONNX's layouts.

    X: [T, N, I] (layout 0) or [N, T, I] (layout 1); W: [D, G*H, I]; R: [D, G*H, H]; B: [D, 2*G*H];
    sequence_lens: [N]; initial_h/initial_c: [D, N, H] (layout 0) or [N, D, H] (layout 1); P: [D, 3*H].
    Gate orders (ONNX): LSTM i, o, f, c; GRU z, r, h; peepholes i, o, f. clip bounds every activation's
    input to [-clip, clip]; activation_alpha/beta are given per activation function, in order (this script
    only uses them with a single activation).
    """
    G = GATES[op]
    X = np.asarray(X, np.float64)
    if layout == 1:
        X = np.swapaxes(X, 0, 1)
        initial_h = None if initial_h is None else np.swapaxes(initial_h, 0, 1)
        initial_c = None if initial_c is None else np.swapaxes(initial_c, 0, 1)
    T, N, _ = X.shape
    D, GH, _ = W.shape
    H = GH // G
    assert D == (2 if direction == "bidirectional" else 1)
    B = np.zeros((D, 2 * G * H)) if B is None else B
    lens = np.full(N, T) if sequence_lens is None else np.asarray(sequence_lens)
    h0 = np.zeros((D, N, H)) if initial_h is None else initial_h
    c0 = np.zeros((D, N, H)) if initial_c is None else initial_c
    P = np.zeros((D, 3 * H)) if P is None else P
    per_dir = len(DEFAULT_ACTIVATIONS[op])
    acts = activations or DEFAULT_ACTIVATIONS[op] * D

    Y = np.zeros((T, D, N, H))
    Y_h = np.zeros((D, N, H))
    Y_c = np.zeros((D, N, H))
    for d in range(D):
        reverse = direction == "reverse" or d == 1
        mine = list(range(d * per_dir, (d + 1) * per_dir))
        alpha = [activation_alpha[k] if activation_alpha else None for k in mine]
        beta = [activation_beta[k] if activation_beta else None for k in mine]
        fns = [_act(acts[k], alpha[j], beta[j]) for j, k in enumerate(mine)]
        if clip is not None:
            fns = [(lambda fn: (lambda v: fn(np.clip(v, -clip, clip))))(fn) for fn in fns]
        f_, g_, h_ = (fns + [None] * 3)[:3]
        Wd, Rd = W[d], R[d]
        Wb, Rb = B[d, :G * H], B[d, G * H:]
        for n in range(N):
            L = int(lens[n])
            h = h0[d, n].copy()
            c = c0[d, n].copy()
            for t in (range(L - 1, -1, -1) if reverse else range(L)):
                x = X[t, n]
                if op == "LSTM":
                    a = Wd @ x + Rd @ h + Wb + Rb
                    ai, ao, af, ac = np.split(a, 4)
                    pi, po, pf = np.split(P[d], 3)
                    i = f_(ai + pi * c)
                    f = f_(af + pf * c)
                    cc = g_(ac)
                    c = f * c + i * cc
                    o = f_(ao + po * c)
                    h = o * h_(c)
                elif op == "GRU":
                    Wz, Wr, Wh = np.split(Wd, 3)
                    Rz, Rr, Rh = np.split(Rd, 3)
                    Wbz, Wbr, Wbh = np.split(Wb, 3)
                    Rbz, Rbr, Rbh = np.split(Rb, 3)
                    z = f_(Wz @ x + Rz @ h + Wbz + Rbz)
                    r = f_(Wr @ x + Rr @ h + Wbr + Rbr)
                    if linear_before_reset:
                        hh = g_(Wh @ x + r * (Rh @ h + Rbh) + Wbh)
                    else:
                        hh = g_(Wh @ x + Rh @ (r * h) + Rbh + Wbh)
                    h = (1 - z) * hh + z * h
                else:
                    h = f_(Wd @ x + Rd @ h + Wb + Rb)
                Y[t, d, n] = h
            Y_h[d, n] = h
            Y_c[d, n] = c
    if layout == 1:
        Y = np.transpose(Y, (2, 0, 1, 3))
        Y_h = np.swapaxes(Y_h, 0, 1)
        Y_c = np.swapaxes(Y_c, 0, 1)
    return Y, Y_h, (Y_c if op == "LSTM" else None)


def cross_check_with_onnx_helpers(op, inputs, attrs, Y, Y_h, Y_c):
    """Recomputes every direction of every sample with ONNX's own NumPy helpers (the reference of its backend
    tests, which handle one forward direction without sequence_lens in layout 0): direction d of sample n is
    the helper run on x[0 .. len-1] of that sample, time-reversed for a reverse direction, with W[d], R[d],
    B[d], P[d] and the sample's initial states. Returns the helper's name, or None for activations the
    helpers do not have (they hard-code ONNX's defaults: sigmoid and tanh; RNN tanh)."""
    D = inputs["W"].shape[0]
    if attrs.get("activations", DEFAULT_ACTIVATIONS[op] * D) != DEFAULT_ACTIVATIONS[op] * D or "clip" in attrs:
        return None
    from onnx.backend.test.case.node import gru, lstm, rnn
    layout = attrs.get("layout", 0)
    X = inputs["X"] if layout == 0 else np.swapaxes(inputs["X"], 0, 1)
    states = {k: (inputs[k] if layout == 0 else np.swapaxes(inputs[k], 0, 1))
              for k in ("initial_h", "initial_c") if k in inputs}
    if layout == 1:
        Y, Y_h, Y_c = np.transpose(Y, (1, 2, 0, 3)), np.swapaxes(Y_h, 0, 1), \
            (None if Y_c is None else np.swapaxes(Y_c, 0, 1))
    T, N, _ = X.shape
    lens = inputs.get("sequence_lens", np.full(N, T))
    err = 0.0
    for d in range(D):
        reverse = attrs.get("direction") == "reverse" or d == 1
        for n in range(N):
            L = int(lens[n])
            x = X[:L, n:n + 1]
            if reverse:
                x = x[::-1]
            kw = {"X": x.copy(), "W": inputs["W"][d:d + 1].copy(), "R": inputs["R"][d:d + 1].copy()}
            if "B" in inputs:
                kw["B"] = inputs["B"][d:d + 1].copy()
            for k, v in states.items():
                kw[k] = v[d:d + 1, n:n + 1].copy()
            if op == "LSTM":
                if "P" in inputs:
                    kw["P"] = inputs["P"][d:d + 1].copy()
                ref = lstm.LSTM_Helper(**kw)
            elif op == "GRU":
                kw["linear_before_reset"] = np.array([attrs.get("linear_before_reset", 0)])
                ref = gru.GRU_Helper(**kw)
            else:
                ref = rnn.RNN_Helper(**kw)
            rY, rY_h = ref.step()
            ys = rY[:, 0, 0, :]
            if reverse:
                ys = ys[::-1]
            err = max(err, np.max(np.abs(ys - Y[:L, d, n])), np.max(np.abs(rY_h[0, 0] - Y_h[d, n])),
                      np.max(np.abs(Y[L:, d, n]), initial=0.0))
    if not err <= 1e-12:
        sys.exit("%s: onnx_rnn disagrees with ONNX's %s by %g" % (op, type(ref).__name__, err))
    return type(ref).__name__


# ------------------------------------------------------------------------------------------------------------
# The tests
# ------------------------------------------------------------------------------------------------------------

def f32(a):
    """Float32-representable float64 values."""
    return np.asarray(np.asarray(a, np.float32), np.float64)


def gate_blocks(rng, D, G, H, cols, scales, offsets):
    """[D, G*H, cols]: gate block k drawn uniform in [-1, 1) times scales[k], plus offsets[k]."""
    a = rng.uniform(-1, 1, size=(D, G, H, cols)) * np.asarray(scales)[None, :, None, None] \
        + np.asarray(offsets)[None, :, None, None]
    return f32(a.reshape(D, G * H, cols))


# Per-gate scales and offsets: every gate block looks different (ONNX order).
SCALES = {"LSTM": [0.45, 0.6, 0.35, 0.8], "GRU": [0.5, 0.7, 0.9], "RNN": [0.6]}
OFFSETS = {"LSTM": [0.1, -0.25, 0.3, -0.05], "GRU": [-0.2, 0.15, 0.05], "RNN": [0.05]}


class Spec:
    def __init__(self, name, op, T, N, I, H, seed, direction="forward", layout=0, bias=True, lens=None,
                 initial_h=False, initial_c=False, peepholes=False, outputs=("Y", "Y_h", "Y_c"),
                 activations=None, linear_before_reset=None, explicit_activations=False, extra=None):
        self.__dict__.update(locals())
        del self.__dict__["self"]


SPECS = [
    Spec("test_rnn4j_lstm_forward", "LSTM", T=5, N=3, I=4, H=3, seed=1, initial_h=True, initial_c=True,
         explicit_activations=True),
    Spec("test_rnn4j_lstm_peepholes_forward_yh_yc", "LSTM", T=4, N=2, I=3, H=4, seed=2, initial_h=True,
         initial_c=True, peepholes=True, outputs=("Y_h", "Y_c")),
    Spec("test_rnn4j_lstm_peepholes_bidirectional_seq_lens", "LSTM", T=4, N=3, I=3, H=2, seed=3,
         direction="bidirectional", lens=[4, 1, 3], initial_h=True, initial_c=True, peepholes=True),
    Spec("test_rnn4j_lstm_reverse_batchwise_seq_lens", "LSTM", T=5, N=3, I=2, H=3, seed=4, direction="reverse",
         layout=1, lens=[2, 5, 3], initial_h=True, initial_c=True, outputs=("Y", "Y_h")),
    Spec("test_rnn4j_lstm_bidirectional_batchwise_no_bias", "LSTM", T=3, N=2, I=3, H=3, seed=5,
         direction="bidirectional", layout=1, bias=False, outputs=("Y", "Y_c")),
    Spec("test_rnn4j_gru_forward", "GRU", T=4, N=2, I=3, H=4, seed=6, initial_h=True, outputs=("Y", "Y_h"),
         explicit_activations=True),
    Spec("test_rnn4j_gru_linear_before_reset_forward", "GRU", T=4, N=3, I=2, H=3, seed=7, initial_h=True,
         linear_before_reset=1, outputs=("Y", "Y_h")),
    Spec("test_rnn4j_gru_linear_before_reset_bidirectional_seq_lens", "GRU", T=5, N=3, I=3, H=2, seed=8,
         direction="bidirectional", lens=[5, 2, 1], initial_h=True, linear_before_reset=1, outputs=("Y", "Y_h")),
    Spec("test_rnn4j_gru_reverse_batchwise", "GRU", T=4, N=2, I=2, H=3, seed=9, direction="reverse", layout=1,
         initial_h=True, outputs=("Y",)),
    Spec("test_rnn4j_gru_bidirectional_seq_lens_yh", "GRU", T=3, N=3, I=4, H=3, seed=10,
         direction="bidirectional", lens=[1, 3, 2], linear_before_reset=0, outputs=("Y_h",)),
    Spec("test_rnn4j_rnn_tanh_bidirectional_batchwise_seq_lens", "RNN", T=4, N=3, I=3, H=4, seed=11,
         direction="bidirectional", layout=1, lens=[3, 4, 1], initial_h=True, outputs=("Y", "Y_h"),
         explicit_activations=True),
    Spec("test_rnn4j_rnn_relu_forward", "RNN", T=5, N=2, I=3, H=3, seed=12, initial_h=True,
         activations=["Relu"], outputs=("Y", "Y_h")),
    Spec("test_rnn4j_rnn_relu_reverse_seq_lens", "RNN", T=4, N=3, I=2, H=3, seed=13, direction="reverse",
         lens=[4, 2, 3], initial_h=True, activations=["Relu"], outputs=("Y", "Y_h")),
    Spec("test_rnn4j_rnn_relu_bidirectional", "RNN", T=3, N=2, I=2, H=2, seed=14, direction="bidirectional",
         activations=["Relu", "Relu"], outputs=("Y", "Y_h")),
    # Not expressible in rnn4j: the converter must skip these, saying why.
    Spec("test_rnn4j_unexpressible_lstm_clip", "LSTM", T=3, N=2, I=2, H=3, seed=15, extra={"clip": 0.5}),
    Spec("test_rnn4j_unexpressible_gru_hardsigmoid", "GRU", T=3, N=2, I=2, H=3, seed=16,
         activations=["HardSigmoid", "Tanh"], outputs=("Y", "Y_h")),
    Spec("test_rnn4j_unexpressible_rnn_leakyrelu_alpha", "RNN", T=3, N=2, I=2, H=3, seed=17,
         activations=["LeakyRelu"], extra={"activation_alpha": [0.1]}, outputs=("Y", "Y_h")),
]


def make(spec):
    """(node, [(input name, array)], [(output name, array)], what it was cross-checked with)."""
    op, T, N, I, H = spec.op, spec.T, spec.N, spec.I, spec.H
    G = GATES[op]
    D = 2 if spec.direction == "bidirectional" else 1
    rng = np.random.default_rng(1000 + spec.seed)
    X = f32(rng.uniform(-1, 1, size=(T, N, I) if spec.layout == 0 else (N, T, I)))
    W = gate_blocks(rng, D, G, H, I, SCALES[op], OFFSETS[op])
    R = gate_blocks(rng, D, G, H, H, SCALES[op], OFFSETS[op])
    inputs = {"X": X, "W": W, "R": R}
    if spec.bias:
        inputs["B"] = gate_blocks(rng, D, 2 * G, H, 1, SCALES[op] * 2, OFFSETS[op] * 2).reshape(D, 2 * G * H)
    if spec.lens is not None:
        inputs["sequence_lens"] = np.asarray(spec.lens, np.int32)
    state = (D, N, H) if spec.layout == 0 else (N, D, H)
    if spec.initial_h:
        inputs["initial_h"] = f32(rng.uniform(-1, 1, size=state))
    if spec.initial_c:
        inputs["initial_c"] = f32(rng.uniform(-1, 1, size=state))
    if spec.peepholes:
        # Rows i, o, f (ONNX's order), each its own scale and sign.
        inputs["P"] = f32(rng.uniform(-1, 1, size=(D, 3, H)) * np.array([0.3, -0.7, 0.5])[None, :, None]
                          + np.array([0.2, -0.1, 0.4])[None, :, None]).reshape(D, 3 * H)

    attrs = {"hidden_size": H}
    if spec.direction != "forward":
        attrs["direction"] = spec.direction
    if spec.layout:
        attrs["layout"] = spec.layout
    if spec.linear_before_reset is not None:
        attrs["linear_before_reset"] = spec.linear_before_reset
    if spec.activations is not None:
        attrs["activations"] = spec.activations
    elif spec.explicit_activations:
        attrs["activations"] = DEFAULT_ACTIVATIONS[op] * D
    attrs.update(spec.extra or {})

    Y, Y_h, Y_c = onnx_rnn(op, X, W, R, B=inputs.get("B"), sequence_lens=inputs.get("sequence_lens"),
                           initial_h=inputs.get("initial_h"), initial_c=inputs.get("initial_c"), P=inputs.get("P"),
                           direction=spec.direction, layout=spec.layout, activations=attrs.get("activations"),
                           linear_before_reset=attrs.get("linear_before_reset", 0), clip=attrs.get("clip"),
                           activation_alpha=attrs.get("activation_alpha"),
                           activation_beta=attrs.get("activation_beta"))
    checked = cross_check_with_onnx_helpers(op, inputs, attrs, Y, Y_h, Y_c)

    order = ["X", "W", "R", "B", "sequence_lens", "initial_h"] + (["initial_c", "P"] if op == "LSTM" else [])
    node_inputs = [k if k in inputs else "" for k in order]
    while node_inputs and node_inputs[-1] == "":
        node_inputs.pop()
    results = {"Y": Y, "Y_h": Y_h, "Y_c": Y_c}
    node_outputs = [k if k in spec.outputs else "" for k in (["Y", "Y_h", "Y_c"] if op == "LSTM" else ["Y", "Y_h"])]
    while node_outputs and node_outputs[-1] == "":
        node_outputs.pop()
    node = helper.make_node(op, inputs=node_inputs, outputs=node_outputs, **attrs)
    ins = [(k, inputs[k]) for k in node_inputs if k]
    outs = [(k, results[k]) for k in node_outputs if k]
    return node, ins, outs, checked


def write(spec, out_dir):
    node, ins, outs, checked = make(spec)

    def info(name, a):
        t = TensorProto.INT32 if a.dtype == np.int32 else TensorProto.DOUBLE
        return helper.make_tensor_value_info(name, t, list(a.shape))

    graph = helper.make_graph([node], spec.name, [info(k, a) for k, a in ins], [info(k, a) for k, a in outs])
    model = helper.make_model(graph, producer_name="rnn4j make_node_tests.py",
                              opset_imports=[helper.make_operatorsetid("", OPSET)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    d = os.path.join(out_dir, spec.name)
    os.makedirs(os.path.join(d, "test_data_set_0"))
    onnx.save(model, os.path.join(d, "model.onnx"))
    for kind, items in (("input", ins), ("output", outs)):
        for k, (name, a) in enumerate(items):
            a = a if a.dtype == np.int32 else np.asarray(a, np.float64)
            with open(os.path.join(d, "test_data_set_0", "%s_%d.pb" % (kind, k)), "wb") as f:
                f.write(numpy_helper.from_array(a, name).SerializeToString())
    return checked


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", default=os.path.join(here, "node_tests"),
                   help="directory to (re)create (default: %(default)s)")
    args = p.parse_args()
    if os.path.isdir(args.out):
        for entry in os.listdir(args.out):
            if entry.startswith("test_rnn4j_"):
                shutil.rmtree(os.path.join(args.out, entry))
    os.makedirs(args.out, exist_ok=True)
    for spec in SPECS:
        checked = write(spec, args.out)
        print("%-58s %s" % (spec.name, "also computed by ONNX's " + checked if checked else "spec only"))
    print("make_node_tests: %d tests in %s (onnx %s, numpy %s)" % (len(SPECS), args.out, onnx.__version__,
                                                                   np.__version__))


if __name__ == "__main__":
    main()
