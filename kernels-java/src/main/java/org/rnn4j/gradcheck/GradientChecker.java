package org.rnn4j.gradcheck;

import java.util.ArrayList;
import java.util.List;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.RnnConfig;
import org.rnn4j.spi.RnnBackend;

/**
 * Checks a backend's analytic gradients against central finite differences in float64, with
 * {@code torch.autograd.gradcheck}'s defaults and pass rule: an element passes when
 * {@code |analytic − numeric| ≤ atol + rtol·|numeric|}.
 *
 * <p>The data of a check is either the caller's own ({@link GradcheckData} for the sequence API,
 * {@link GradcheckStepData} for single steps) or drawn from the seed of a {@link GradcheckCase}: inputs and
 * initial states uniform in [−1, 1), weights uniform in ±1/sqrt(H) (PyTorch's initialisation) and upstream
 * gradients uniform in [−1, 1). The loss is L = Σ output·gradOutput + Σ hN·gradHN [+ Σ cN·gradCN] (the terms
 * whose upstream gradient is given), whose gradient is exactly what backward returns for those upstream
 * gradients. Every element of every input, initial state and parameter is perturbed by ±eps, in the checker's
 * own off-heap copies (parameters in place, followed by {@link org.rnn4j.Rnn#weightsChanged()}, then
 * restored): the caller's memory is never written.
 *
 * <p>Each report has one row per tensor (its worst element) and property rows:
 * <ul>
 *   <li>{@code weightGrads(accumulate)}: a second backward with {@code accumulate=true} must leave twice the
 *       first gradients (same tolerance; worst index counts through the parameters in {@code state_dict} order);</li>
 *   <li>{@code input(past length)} (cases with lengths): inputs past a sample's length must get exactly 0;</li>
 *   <li>{@code weightGrads(other layers untouched)} (step checks): the other layers' gradient buffers must keep
 *       their contents bit for bit.</li>
 * </ul>
 * Gradient buffers start filled with NaN, so an element a backend fails to overwrite shows up as NaN.
 *
 * <p>ReLU cells: elements whose probe interval straddles a kink are skipped and counted (see
 * {@link TensorCheck#skipped()}); a tensor fails when more than max(1, a tenth) of its elements were skipped.
 *
 * <p>Instances are immutable and may be shared; a check allocates its own memory and closes it.
 */
public final class GradientChecker {
    /** Defaults of {@code torch.autograd.gradcheck}. */
    public static final double DEFAULT_EPS = 1e-6, DEFAULT_ATOL = 1e-5, DEFAULT_RTOL = 1e-3;

    private final double eps;
    private final double atol;
    private final double rtol;

    /**
     * A checker with finite-difference step {@code eps} and pass rule {@code |a − n| ≤ atol + rtol·|n|}.
     *
     * @throws IllegalArgumentException naming the argument unless each is finite and &gt; 0
     */
    public GradientChecker(double eps, double atol, double rtol) {
        this.eps = positive("eps", eps);
        this.atol = positive("atol", atol);
        this.rtol = positive("rtol", rtol);
    }

    /** eps 1e-6, atol 1e-5, rtol 1e-3. */
    public static GradientChecker defaults() {
        return new GradientChecker(DEFAULT_EPS, DEFAULT_ATOL, DEFAULT_RTOL);
    }

    public double eps() {
        return eps;
    }

    public double atol() {
        return atol;
    }

    public double rtol() {
        return rtol;
    }

    /**
     * The sequence API on the data {@code c} draws from its seed: a training forward and backward of the whole
     * stack, gradients w.r.t. {@code input}, {@code h0}, {@code c0} (LSTM) and every parameter. The same as
     * {@code check(backend, c.data())}.
     */
    public GradcheckReport check(RnnBackend backend, GradcheckCase c) {
        requireBackend(backend);
        if (c == null) throw new IllegalArgumentException("case: expected a GradcheckCase but was null");
        return check(backend, c.data());
    }

    /**
     * The sequence API on the caller's data: a training forward and backward of the whole stack, gradients
     * w.r.t. {@code input}, {@code h0}, {@code c0} (LSTM; zero states when absent) and every parameter, for the
     * linear loss of {@code data}'s upstream gradients. The report is named after {@code data.name()}.
     */
    public GradcheckReport check(RnnBackend backend, GradcheckData data) {
        requireBackend(backend);
        if (data == null) throw new IllegalArgumentException("data: expected a GradcheckData but was null");
        return new GradcheckReport(data.name(), backend.name(), SequenceCheck.run(this, backend, data));
    }

    /**
     * The single-step API for layer {@code layer}, direction {@code direction} on the data {@code c} draws from
     * its seed: stepForward with a training step workspace and stepBackward on {@code c.batch()} samples (T and
     * lengths are ignored); gradients w.r.t. {@code input}, {@code hPrev}, {@code cPrev} (LSTM) and that layer
     * direction's parameters. The same as {@code checkStep(backend, c.stepData(layer, direction))}.
     */
    public GradcheckReport checkStep(RnnBackend backend, GradcheckCase c, int layer, int direction) {
        requireBackend(backend);
        if (c == null) throw new IllegalArgumentException("case: expected a GradcheckCase but was null");
        return checkStep(backend, c.stepData(layer, direction));
    }

    /**
     * The single-step API on the caller's data: stepForward with a training step workspace, then stepBackward of
     * {@code data}'s layer and direction; gradients w.r.t. {@code input}, {@code hPrev}, {@code cPrev} (LSTM) and
     * that layer direction's parameters, plus the rows of every step check. The report is named
     * {@code data.name() + " step(layer=l, direction=d)"}.
     */
    public GradcheckReport checkStep(RnnBackend backend, GradcheckStepData data) {
        requireBackend(backend);
        if (data == null) throw new IllegalArgumentException("data: expected a GradcheckStepData but was null");
        String name = data.name() + " step(layer=" + data.layer() + ", direction=" + data.direction() + ")";
        return new GradcheckReport(name, backend.name(), StepCheck.run(this, backend, data));
    }

    /**
     * One row per operand, each analytic gradient against central differences of {@code loss}: first the states
     * (the input and initial states; null ones, such as the cell state of a cell without one, are left out), then
     * the parameters, which are perturbed in place followed by {@code weightsChanged} after every write.
     */
    List<TensorCheck> compareAll(FiniteDifferences.Loss loss, List<Operand> params, Runnable weightsChanged,
                                 RnnConfig cfg, Operand... states) {
        double loss0 = loss.eval();
        List<TensorCheck> rows = new ArrayList<>();
        for (Operand s : states) {
            if (s != null) rows.add(compare(s, loss, null, loss0, cfg));
        }
        for (Operand p : params) rows.add(compare(p, loss, weightsChanged, loss0, cfg));
        return rows;
    }

    /** Numeric gradient of {@code o} compared with its analytic one: one row. */
    private TensorCheck compare(Operand o, FiniteDifferences.Loss loss, Runnable changed, double loss0,
                                RnnConfig cfg) {
        boolean kinks = cfg.cell() instanceof Cell.Rnn s && s.activation() == Activation.RELU;
        FiniteDifferences.Result r = FiniteDifferences.central(o.value(), Math.toIntExact(o.elements()), loss,
                changed, eps, atol, rtol, loss0, kinks);
        return Comparisons.close(o.name(), o.analytic(), r.values(), kinks ? r.skipped() : null, atol, rtol);
    }

    /** {@code got} against an exact expectation, with this checker's tolerance. */
    TensorCheck close(String name, double[] got, double[] want) {
        return Comparisons.close(name, got, want, null, atol, rtol);
    }

    private static void requireBackend(RnnBackend backend) {
        if (backend == null) throw new IllegalArgumentException("backend: expected an RnnBackend but was null");
    }

    private static double positive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + ": expected a finite value > 0 but was " + v);
        }
        return v;
    }

    @Override
    public String toString() {
        return "GradientChecker(eps=" + eps + ", atol=" + atol + ", rtol=" + rtol + ")";
    }
}
