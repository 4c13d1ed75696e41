/**
 * A reusable gradient checker: points central finite differences at any {@link org.rnn4j.spi.RnnBackend}
 * through the public {@link org.rnn4j.Rnn} API and compares them with the backend's analytic backward, element
 * by element, for every input, initial state and parameter.
 *
 * <p>Why it looks the way it does:
 * <ul>
 *   <li><b>float64 only.</b> A central difference with step {@code eps = 1e-6} has truncation error
 *       O(eps²) and rounding error O(ulp(L)/eps); in float32 the rounding term alone (~1e-7/1e-6) would swamp
 *       any real bug, so float32 configurations are rejected. A backend's float32 path is checked against its
 *       own (gradient-checked) float64 path or the reference instead.</li>
 *   <li><b>The public API only.</b> Inputs, states and upstream gradients are plain segments and parameters
 *       are perturbed in place followed by {@link org.rnn4j.Rnn#weightsChanged()}, exactly as a framework
 *       would drive the library, so the checker also exercises the validation and weight-refresh paths and
 *       works for backends it knows nothing about.</li>
 *   <li><b>Off-heap memory.</b> Every tensor lives in an {@link java.lang.foreign.Arena}: that is the memory
 *       frameworks hand over (zero-copy), it is what the native backend must be able to read, and it keeps the
 *       heap-array convenience paths out of what is being checked.</li>
 *   <li><b>Outputs prefilled with NaN.</b> Gradient outputs are documented as overwritten (or accumulated on
 *       request); a NaN in a buffer that should have been overwritten survives into the comparison, so
 *       backends that read the old content ({@code beta·old + new} with {@code beta = 0}) or skip elements fail.</li>
 *   <li><b>Kinks.</b> The ReLU RNN is not differentiable where a pre-activation is 0. Where the probe interval
 *       [x−eps, x+eps] straddles such a kink the finite difference is meaningless; the checker detects this from
 *       the second difference of the loss (see {@link org.rnn4j.gradcheck.GradientChecker}), skips and counts
 *       those elements, and fails a tensor where more than a tenth of its elements had to be skipped.</li>
 * </ul>
 */
package org.rnn4j.gradcheck;
