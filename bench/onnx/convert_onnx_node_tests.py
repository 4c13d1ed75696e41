#!/usr/bin/python3
"""Converts ONNX's LSTM, GRU and RNN node tests into rnn4j conformance cases (cases.json + one .npz per case).

Inputs: directories in ONNX's backend-test format (model.onnx with one node, test_data_set_N/input_K.pb and
output_K.pb). By default both

  * ONNX's official node tests as Debian ships them: /usr/share/libonnx-testdata/data/node/test_* (package
    libonnx-testdata), every test whose model is a single LSTM, GRU or RNN node; and
  * rnn4j's own node tests with distinct per-gate weights, bench/onnx/node_tests/test_rnn4j_* (made by
    bench/onnx/make_node_tests.py in the same format: ONNX's layouts and gate orders);

output: kernels-java/src/test/resources/fixtures/onnx/ (recreated), which the test kit's OnnxNodeSuite runs on
every backend. The ONNX models and data are read with python3-onnx; nothing here needs rnn4j.

Exact command, from the repository root, on Debian bookworm:

    apt-get install -y libonnx-testdata python3-onnx        # 1.12.0-2 and 1.12.0-2+b4 (numpy 1:1.24.2-1+deb12u1)
    /usr/bin/python3 bench/onnx/make_node_tests.py          # only to regenerate bench/onnx/node_tests/
    /usr/bin/python3 bench/onnx/convert_onnx_node_tests.py

(/usr/bin/python3 because that is the Python Debian's python3-onnx is installed for.) The output is
deterministic: re-running it on the same inputs rewrites identical files. The package versions used are
recorded in the generated cases.json.

The mapping (docs/usage.md, "ONNX's operator tests"):

  * one rnn4j layer; direction "bidirectional" is rnn4j's bidirectional (the reverse direction's tensors get
    the suffix _reverse, its output the channels H..2H-1); "forward" is a unidirectional layer; "reverse" has
    no rnn4j equivalent and is mapped onto a forward layer over time-reversed data: sample n's steps
    0..len-1 of X are reversed (the padding stays 0), and Y is reversed back the same way, so the case checks
    exactly ONNX's numbers;
  * W [D, G*H, I] -> weight_ih_l0[_reverse], R [D, G*H, H] -> weight_hh_l0[_reverse], B [D, 2*G*H] split into
    Wb -> bias_ih_l0 and Rb -> bias_hh_l0 (zero when B is absent), with the gate blocks permuted from ONNX's
    orders to rnn4j's (PyTorch's): LSTM i,o,f,c -> i,f,g,o; GRU z,r,h -> r,z,n; P [D, 3*H] (rows i,o,f) ->
    weight_peephole_l0 [3, H] (rows i,f,o);
  * LSTM with P -> lstm_peephole, without -> lstm; GRU linear_before_reset=0 (the default) ->
    gru_reset_before, 1 -> gru; RNN activations Tanh (the default) -> rnn_tanh, Relu -> rnn_relu;
  * layout 0 -> time-major, X [T, N, I], Y [T, D, N, H] -> output [T, N, D*H]; layout 1 -> batch-first,
    X [N, T, I], Y [N, T, D, H] -> output [N, T, D*H]; Y_h, Y_c, initial_h, initial_c ([D, N, H], or
    [N, D, H] in layout 1) -> h_n, c_n, h0, c0 [D, N, H]; sequence_lens -> lengths;
  * only the outputs the test holds are compared (ONNX's tests are forward only: any of output, h_n, c_n).

Not expressible, and skipped with the reason printed and listed under "skipped" in cases.json: clip;
activations other than the defaults (LSTM Sigmoid/Tanh/Tanh, GRU Sigmoid/Tanh; RNN Tanh or Relu, the same for
both directions); activation_alpha/activation_beta; input_forget=1; a hidden_size attribute that disagrees with
R; sequence_lens with a length of 0 (rnn4j needs 1..T); float16 data; any attribute this script does not know;
models that are not a single LSTM/GRU/RNN node.
"""
import argparse
import glob
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile

import numpy as np
import onnx
from onnx import helper, numpy_helper

DEBIAN_NODE_TESTS = "/usr/share/libonnx-testdata/data/node"
GATES = {"LSTM": 4, "GRU": 3, "RNN": 1}
# rnn4j gate block k is ONNX gate block PERM[k].
PERM = {"LSTM": [0, 2, 3, 1],   # rnn4j i, f, g, o  <-  ONNX i, o, f, c
        "GRU": [1, 0, 2],       # rnn4j r, z, n     <-  ONNX z, r, h
        "RNN": [0]}
PEEPHOLE_PERM = [0, 2, 1]       # rnn4j i, f, o     <-  ONNX i, o, f
DEFAULT_ACTIVATIONS = {"LSTM": ["sigmoid", "tanh", "tanh"], "GRU": ["sigmoid", "tanh"], "RNN": ["tanh"]}
KNOWN_ATTRIBUTES = {"activation_alpha", "activation_beta", "activations", "clip", "direction", "hidden_size",
                    "input_forget", "layout", "linear_before_reset"}
INPUTS = {"LSTM": ["X", "W", "R", "B", "sequence_lens", "initial_h", "initial_c", "P"],
          "GRU": ["X", "W", "R", "B", "sequence_lens", "initial_h"],
          "RNN": ["X", "W", "R", "B", "sequence_lens", "initial_h"]}
OUTPUTS = {"LSTM": ["Y", "Y_h", "Y_c"], "GRU": ["Y", "Y_h"], "RNN": ["Y", "Y_h"]}


class Skip(Exception):
    """The test cannot be expressed in rnn4j; the message says why."""


# ------------------------------------------------------------------------------------------------------------
# Reading a test
# ------------------------------------------------------------------------------------------------------------

def read_tensor(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return numpy_helper.to_array(t)


def read_test(test_dir):
    """(node, {node input role: array}, [data sets: {node output role: array}]) of an ONNX node test."""
    model = onnx.load(os.path.join(test_dir, "model.onnx"))
    g = model.graph
    if len(g.node) != 1 or g.node[0].op_type not in GATES or g.node[0].domain not in ("", "ai.onnx"):
        raise Skip("not a single LSTM, GRU or RNN node: " + ", ".join(n.op_type for n in g.node))
    node = g.node[0]
    op = node.op_type
    initializers = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    graph_inputs = [i.name for i in g.input if i.name not in initializers]
    graph_outputs = [o.name for o in g.output]
    sets = []
    for ds in sorted(glob.glob(os.path.join(test_dir, "test_data_set_*"))):
        values = dict(initializers)
        for k, name in enumerate(graph_inputs):
            values[name] = read_tensor(os.path.join(ds, "input_%d.pb" % k))
        outs = {}
        for k, name in enumerate(graph_outputs):
            outs[name] = read_tensor(os.path.join(ds, "output_%d.pb" % k))
        roles_in = {role: values[name] for role, name in zip(INPUTS[op], node.input) if name}
        roles_out = {role: outs[name] for role, name in zip(OUTPUTS[op], node.output) if name and name in outs}
        sets.append((roles_in, roles_out))
    if not sets:
        raise Skip("no test_data_set_* directory")
    return node, sets


def attributes(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def text(v):
    return v.decode() if isinstance(v, bytes) else v


# ------------------------------------------------------------------------------------------------------------
# What rnn4j can express
# ------------------------------------------------------------------------------------------------------------

def check_expressible(op, attrs, inputs):
    """The rnn4j cell id; raises Skip with the reason when the test is not expressible."""
    unknown = sorted(set(attrs) - KNOWN_ATTRIBUTES)
    if unknown:
        raise Skip("attribute(s) %s unknown to this converter" % ", ".join(unknown))
    if "clip" in attrs:
        raise Skip("clip=%g: rnn4j does not clip the gate pre-activations" % attrs["clip"])
    if "activation_alpha" in attrs or "activation_beta" in attrs:
        raise Skip("activation_alpha/activation_beta: parameters of activations rnn4j does not have")
    if attrs.get("input_forget", 0):
        raise Skip("input_forget=1 (coupled input and forget gates): not an rnn4j cell")
    direction = text(attrs.get("direction", "forward"))
    if direction not in ("forward", "reverse", "bidirectional"):
        raise Skip("direction '%s' is not an ONNX direction" % direction)
    D = 2 if direction == "bidirectional" else 1
    W, R = inputs["W"], inputs["R"]
    if W.dtype not in (np.float32, np.float64):
        raise Skip("data type %s: rnn4j has float32 and float64" % W.dtype)
    H = R.shape[-1]
    if "hidden_size" in attrs and attrs["hidden_size"] != H:
        raise Skip("hidden_size=%d disagrees with R's shape %s" % (attrs["hidden_size"], list(R.shape)))
    if W.shape[0] != D or W.shape[1] != GATES[op] * H:
        raise Skip("W has shape %s but direction '%s' and hidden size %d need [%d, %d, I]"
                   % (list(W.shape), direction, H, D, GATES[op] * H))
    acts = [text(a).lower() for a in attrs.get("activations", [])]
    per_dir = len(DEFAULT_ACTIVATIONS[op])
    if acts and len(acts) != per_dir * D:
        raise Skip("activations %s: expected %d names" % (acts, per_dir * D))
    if op == "RNN":
        kinds = set(acts) or {"tanh"}
        if kinds == {"tanh"}:
            cell = "rnn_tanh"
        elif kinds == {"relu"}:
            cell = "rnn_relu"
        else:
            raise Skip("activations %s: rnn4j's RNN is Tanh or Relu, the same in both directions" % acts)
    else:
        if acts and acts != DEFAULT_ACTIVATIONS[op] * D:
            raise Skip("activations %s: rnn4j's %s uses %s only" % (acts, op, DEFAULT_ACTIVATIONS[op]))
        if op == "LSTM":
            cell = "lstm_peephole" if "P" in inputs else "lstm"
        else:
            lbr = attrs.get("linear_before_reset", 0)
            cell = "gru" if lbr else "gru_reset_before"
    if "sequence_lens" in inputs:
        lens = inputs["sequence_lens"]
        T = inputs["X"].shape[1 if attrs.get("layout", 0) else 0]
        if np.any(lens < 1) or np.any(lens > T):
            raise Skip("sequence_lens %s: rnn4j needs lengths in 1..T=%d" % (lens.tolist(), T))
    return cell


# ------------------------------------------------------------------------------------------------------------
# Conversion
# ------------------------------------------------------------------------------------------------------------

def permute_blocks(a, perm):
    """Gate blocks (along axis 0, len(perm) equal blocks) reordered: block k of the result is block perm[k]."""
    blocks = np.split(a, len(perm), axis=0)
    return np.concatenate([blocks[p] for p in perm], axis=0)


def reverse_in_time(a, lens, time_axis):
    """Each sample's steps 0..len-1 reversed along time_axis (the sample axis is the other of the first two);
    steps past len are left as they are."""
    out = a.copy()
    for n, L in enumerate(lens):
        if time_axis == 0:
            out[:L, n] = a[:L, n][::-1]
        else:
            out[n, :L] = a[n, :L][::-1]
    return out


def convert(op, attrs, inputs, outputs):
    """(case fields, {npz name: array}, notes) for one data set."""
    cell = check_expressible(op, attrs, inputs)
    direction = text(attrs.get("direction", "forward"))
    layout = attrs.get("layout", 0)
    X = inputs["X"]
    dtype = X.dtype
    W, R = inputs["W"], inputs["R"]
    D, GH, I = W.shape
    G = GATES[op]
    H = GH // G
    T, N = (X.shape[0], X.shape[1]) if layout == 0 else (X.shape[1], X.shape[0])
    t_axis = 0 if layout == 0 else 1
    lens = inputs["sequence_lens"].astype(np.int64) if "sequence_lens" in inputs else None
    reverse = direction == "reverse"
    notes = []

    arrays = {}
    x = X
    if reverse:
        x = reverse_in_time(X, lens if lens is not None else [T] * N, t_axis)
        notes.append("direction 'reverse' mapped onto a forward layer: each sample's steps 0..len-1 of input "
                     "and output are time-reversed")
    arrays["input"] = x
    B = inputs.get("B", np.zeros((D, 2 * G * H), dtype))
    for d in range(D):
        suffix = "_reverse" if d == 1 else ""
        arrays["weight_ih_l0" + suffix] = permute_blocks(W[d], PERM[op])
        arrays["weight_hh_l0" + suffix] = permute_blocks(R[d], PERM[op])
        arrays["bias_ih_l0" + suffix] = permute_blocks(B[d, :G * H], PERM[op])
        arrays["bias_hh_l0" + suffix] = permute_blocks(B[d, G * H:], PERM[op])
        if "P" in inputs:
            arrays["weight_peephole_l0" + suffix] = permute_blocks(inputs["P"][d], PEEPHOLE_PERM).reshape(3, H)
    for role, name in (("initial_h", "h0"), ("initial_c", "c0")):
        if role in inputs:
            s = inputs[role]
            arrays[name] = s if layout == 0 else np.ascontiguousarray(np.swapaxes(s, 0, 1))
    if lens is not None:
        arrays["lengths"] = lens

    if "Y" in outputs:
        Y = outputs["Y"]
        if layout == 0:   # [T, D, N, H] -> [T, N, D*H]
            y = np.transpose(Y, (0, 2, 1, 3)).reshape(T, N, D * H)
        else:             # [N, T, D, H] -> [N, T, D*H]
            y = Y.reshape(N, T, D * H)
        if reverse:
            y = reverse_in_time(y, lens if lens is not None else [T] * N, t_axis)
        arrays["output"] = np.ascontiguousarray(y)
    for role, name in (("Y_h", "h_n"), ("Y_c", "c_n")):
        if role in outputs:
            s = outputs[role]
            arrays[name] = np.ascontiguousarray(s if layout == 0 else np.swapaxes(s, 0, 1))

    for k, a in arrays.items():
        if a.dtype.kind == "f" and a.dtype != dtype:
            raise Skip("array %s has dtype %s but X has %s" % (k, a.dtype, dtype))
    fields = {"cell": cell, "T": int(T), "N": int(N), "I": int(I), "H": int(H), "layers": 1,
              "bidirectional": D == 2,
              "layout": "time-major [T, N, C]" if layout == 0 else "batch-first [N, T, C]",
              "dtype": str(dtype)}
    if lens is not None:
        fields["lengths"] = [int(v) for v in lens]
    return fields, arrays, notes


def npz_bytes(arrays):
    """An uncompressed .npz (numpy.savez's format) with fixed entry times, so that re-runs are identical."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name in sorted(arrays):
            a = np.ascontiguousarray(arrays[name])
            a = a.astype(a.dtype.newbyteorder("<"))
            entry = io.BytesIO()
            np.lib.format.write_array(entry, a, version=(1, 0), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            z.writestr(info, entry.getvalue())
    return buf.getvalue()


def json_attr(v):
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, (list, tuple)):
        return [json_attr(x) for x in v]
    if isinstance(v, float):
        return float(np.float32(v))
    return v


# ------------------------------------------------------------------------------------------------------------
# Self-check of the rules, run every time
# ------------------------------------------------------------------------------------------------------------

def self_check():
    """The expressibility rules on synthetic nodes, and the gate permutations on labelled blocks."""
    H, I = 2, 3
    def inputs(op, D=1, P=False):
        d = {"X": np.zeros((2, 1, I), np.float32), "W": np.zeros((D, GATES[op] * H, I), np.float32),
             "R": np.zeros((D, GATES[op] * H, H), np.float32)}
        if P:
            d["P"] = np.zeros((D, 3 * H), np.float32)
        return d
    expect = [
        ("LSTM", {}, {}, "lstm"), ("LSTM", {}, {"P": True}, "lstm_peephole"),
        ("GRU", {}, {}, "gru_reset_before"), ("GRU", {"linear_before_reset": 1}, {}, "gru"),
        ("RNN", {}, {}, "rnn_tanh"), ("RNN", {"activations": [b"Relu"]}, {}, "rnn_relu"),
        ("RNN", {"activations": [b"Relu", b"Relu"], "direction": b"bidirectional"}, {"D": 2}, "rnn_relu"),
        ("LSTM", {"activations": [b"Sigmoid", b"Tanh", b"Tanh"]}, {}, "lstm"),
        ("LSTM", {"clip": 3.0}, {}, "clip"), ("LSTM", {"input_forget": 1}, {}, "input_forget"),
        ("LSTM", {"activations": [b"HardSigmoid", b"Tanh", b"Tanh"]}, {}, "activations"),
        ("GRU", {"activations": [b"Sigmoid", b"Relu"]}, {}, "activations"),
        ("RNN", {"activations": [b"Tanh", b"Relu"], "direction": b"bidirectional"}, {"D": 2}, "activations"),
        ("RNN", {"activations": [b"LeakyRelu"], "activation_alpha": [0.1]}, {}, "activation_alpha"),
        ("RNN", {"hidden_size": 5}, {}, "hidden_size"), ("GRU", {"foo": 1}, {}, "unknown"),
    ]
    for op, attrs, kw, want in expect:
        try:
            got = check_expressible(op, attrs, inputs(op, **kw))
        except Skip as e:
            got = str(e)
        assert got == want or (not want.startswith(("lstm", "gru", "rnn")) and want in got), (op, attrs, got)
    # Labelled gate blocks: ONNX LSTM rows i,o,f,c -> rnn4j i,f,g(=c),o; GRU z,r,h -> r,z,n; P i,o,f -> i,f,o.
    lab = lambda names: np.repeat(np.array([ord(c) for c in names], np.float32), H)
    assert (permute_blocks(lab("iofc"), PERM["LSTM"]) == lab("ifco")).all()
    assert (permute_blocks(lab("zrh"), PERM["GRU"]) == lab("rzh")).all()
    assert (permute_blocks(lab("iof"), PEEPHOLE_PERM) == lab("ifo")).all()


# ------------------------------------------------------------------------------------------------------------
# Main
# ------------------------------------------------------------------------------------------------------------

def package_version(name):
    try:
        return subprocess.run(["dpkg-query", "-W", "-f=${Version}", name], capture_output=True, text=True,
                              check=True).stdout.strip() or None
    except (OSError, subprocess.CalledProcessError):
        return None


def rel(path, root):
    return os.path.relpath(path, root) if path.startswith(root) else path


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, "..", ".."))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--onnx-node-tests", default=DEBIAN_NODE_TESTS,
                   help="ONNX's node tests (default: %(default)s, Debian's libonnx-testdata)")
    p.add_argument("--own-node-tests", default=os.path.join(here, "node_tests"),
                   help="rnn4j's own node tests (default: %(default)s)")
    p.add_argument("--out", default=os.path.join(root, "kernels-java/src/test/resources/fixtures/onnx"),
                   help="case directory to recreate (default: %(default)s)")
    args = p.parse_args()
    self_check()
    if not os.path.isdir(args.onnx_node_tests):
        sys.exit("%s: no such directory (apt-get install -y libonnx-testdata)" % args.onnx_node_tests)

    tests = []
    for pattern, origin in ((os.path.join(args.onnx_node_tests, "test_*"), "onnx"),
                            (os.path.join(args.own_node_tests, "test_rnn4j_*"), "rnn4j")):
        for d in sorted(glob.glob(pattern)):
            if os.path.isfile(os.path.join(d, "model.onnx")):
                tests.append((d, origin))

    if os.path.isdir(args.out):
        shutil.rmtree(args.out)
    os.makedirs(args.out)
    cases, skipped = [], []
    considered = 0
    for d, origin in tests:
        name = os.path.basename(d)
        try:
            node, sets = read_test(d)
        except Skip:
            continue   # other operators' tests: not ours to list
        considered += 1
        op, attrs = node.op_type, attributes(node)
        try:
            converted = [convert(op, attrs, i, o) for i, o in sets]
        except Skip as e:
            skipped.append({"test": name, "op": op, "reason": str(e)})
            print("  skip     %-58s %s" % (name, e))
            continue
        for k, (fields, arrays, notes) in enumerate(converted):
            case_name = name if len(converted) == 1 else "%s_set%d" % (name, k)
            if not any(a in arrays for a in ("output", "h_n", "c_n")):
                skipped.append({"test": name, "op": op, "reason": "no output to compare"})
                continue
            file = case_name + ".npz"
            with open(os.path.join(args.out, file), "wb") as f:
                f.write(npz_bytes(arrays))
            case = {"name": case_name}
            case.update(fields)
            case["arrays"] = sorted(arrays)
            case["file"] = file
            case["onnx"] = {"op": op, "origin": origin, "test": rel(d, root),
                            "attributes": {k2: json_attr(v) for k2, v in sorted(attrs.items())}}
            if notes:
                case["onnx"]["notes"] = notes
            cases.append(case)
            print("  convert  %-58s %-16s %s" % (case_name, fields["cell"],
                                                 ", ".join(a for a in ("output", "h_n", "c_n") if a in arrays)))

    index = {
        "generator": "bench/onnx/convert_onnx_node_tests.py",
        "command": "/usr/bin/python3 bench/onnx/convert_onnx_node_tests.py",
        "packages": {"libonnx-testdata": package_version("libonnx-testdata"),
                     "python3-onnx": package_version("python3-onnx"),
                     "python3-numpy": package_version("python3-numpy"),
                     "onnx": onnx.__version__, "numpy": np.__version__},
        "sources": {"onnx": args.onnx_node_tests if args.onnx_node_tests == DEBIAN_NODE_TESTS
                    else rel(os.path.abspath(args.onnx_node_tests), root),
                    "rnn4j": rel(os.path.abspath(args.own_node_tests), root)},
        "conventions": {
            "mapping": "one layer; ONNX gate blocks permuted to rnn4j's (PyTorch's) orders: LSTM i,o,f,c -> "
                       "i,f,g,o; GRU z,r,h -> r,z,n; peepholes P i,o,f -> weight_peephole_l0 rows i,f,o; "
                       "B split into Wb -> bias_ih_l0, Rb -> bias_hh_l0 (zero without B); the second direction "
                       "of a bidirectional node -> the _reverse tensors",
            "cells": "LSTM -> lstm (lstm_peephole with P); GRU linear_before_reset=0 -> gru_reset_before, "
                     "1 -> gru; RNN Tanh -> rnn_tanh, Relu -> rnn_relu",
            "layout": "layout 0 -> time-major: output [T, N, D*H] from Y [T, D, N, H]; layout 1 -> "
                      "batch-first: output [N, T, D*H] from Y [N, T, D, H]; h0, c0, h_n, c_n [D, N, H]",
            "reverse": "direction 'reverse' -> a forward layer over each sample's steps 0..len-1 "
                       "time-reversed, input and output",
            "compared": "only the outputs the ONNX test holds (Y -> output, Y_h -> h_n, Y_c -> c_n); ONNX's "
                        "tests are forward only",
            "precision": "arrays keep the test's dtype: ONNX's official tests are float32 (their expectations "
                         "carry float32 accuracy, so a float64 run compares them at the float32 threshold); "
                         "rnn4j's own tests are float64 with float32-representable inputs",
        },
        "cases": cases,
        "skipped": skipped,
    }
    with open(os.path.join(args.out, "cases.json"), "w") as f:
        json.dump(index, f, indent=1)
        f.write("\n")
    print("convert_onnx_node_tests: %d LSTM/GRU/RNN node tests, %d converted, %d skipped -> %s"
          % (considered, len(cases), len(skipped), rel(os.path.abspath(args.out), root)))


if __name__ == "__main__":
    main()
