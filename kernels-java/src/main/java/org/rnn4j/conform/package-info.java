/**
 * Conformance against reference data computed elsewhere (the bundled PyTorch float64 fixtures, ONNX's operator
 * tests converted to this format, or a framework's own golden files): {@link org.rnn4j.conform.Conformance#run}
 * runs every case of a directory in the {@code cases.json} format through the public {@link org.rnn4j.Rnn} API
 * on any backend and compares every expected result the case holds: a training forward and (when the case
 * expects a gradient) its backward, and (when it expects a forward result) an inference forward (the path fast
 * backends specialise) whose {@code output}, {@code h_n} and {@code c_n} are compared with the same expectations
 * and reported as {@code output(inference)}, {@code h_n(inference)}, {@code c_n(inference)}. Every result
 * buffer starts as NaN, so an element a backend does not write fails the case.
 *
 * <h2>The directory format</h2>
 * {@code cases.json} is an object whose {@code "cases"} array holds one object per case:
 * <pre>{@code
 * {"name": "lstm_T5_N3_I4_H6_L1_D1_seed1", "cell": "lstm", "T": 5, "N": 3, "I": 4, "H": 6,
 *  "layers": 1, "bidirectional": false, "layout": "time-major [T, N, C]",
 *  "lengths": [5, 2, 3],                      (optional)
 *  "arrays": ["input", "output", ...],        (optional: each must be in the file)
 *  "file": "lstm_T5_N3_I4_H6_L1_D1_seed1.npz"} (optional: default name + ".npz")
 * }</pre>
 * {@code cell} is one of {@link org.rnn4j.Cell#id()}; {@code layers} defaults to 1, {@code bidirectional}
 * to false and {@code layout} to time-major ({@code "batch-first"} is accepted too). Each {@code .npz}
 * (float64 or float32 arrays) holds, with PyTorch's shapes:
 * <ul>
 *   <li>inputs: {@code input} [T, N, I]; every parameter under its {@code state_dict} name; optionally
 *       {@code h0}, {@code c0} [L·D, N, H] (zero when absent) and {@code lengths} [N] (integers; must agree
 *       with cases.json when both give them);</li>
 *   <li>upstream gradients, optional (zero when absent): {@code grad_output}, {@code grad_h_n},
 *       {@code grad_c_n} — the gradients of the loss {@code sum(output·grad_output) + sum(h_n·grad_h_n)
 *       [+ sum(c_n·grad_c_n)]};</li>
 *   <li>expected results, whichever the reference gives, each compared when present: {@code output}
 *       [T, N, D·H], {@code h_n}, {@code c_n} (LSTM), {@code grad_input}, {@code grad_h0}, {@code grad_c0}
 *       (LSTM), {@code grad_<name>} for any parameters. A case holding none fails ("nothing to compare"): a
 *       case that compares nothing is not a pass.</li>
 * </ul>
 * Any other array name is an error: a result the runner would silently not compare is worse than a failure.
 * List the arrays in {@code "arrays"} to make a lost array an error too.
 *
 * <h2>Errors and thresholds</h2>
 * The error of an array is {@code max|got − want| / max(1, max|want|)}; a case's error is the largest over its
 * arrays. A case passes at {@link org.rnn4j.conform.Conformance#F64_THRESHOLD} in float64 and
 * {@link org.rnn4j.conform.Conformance#F32_THRESHOLD} in float32, where inputs, states, weights and upstream
 * gradients are rounded to float and results are compared with the float64 expectations; expectations stored
 * as float32 carry float32 accuracy only and are compared at the float32 threshold in float64 too. Errors are
 * printed with three significant digits ({@code 1.04e-10}), so an error just above a threshold never prints as
 * it.
 */
package org.rnn4j.conform;
