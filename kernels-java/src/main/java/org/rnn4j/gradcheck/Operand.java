package org.rnn4j.gradcheck;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.rnn4j.ParamId;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;

/**
 * A tensor the loss is differentiated with respect to: its name in the report, its values (perturbed in place by
 * the finite differences), its element count and the analytic gradient the backend returned for it (read when
 * the operand is made, so later calls writing the gradient buffer again do not change it).
 */
record Operand(String name, MemorySegment value, long elements, double[] analytic) {

    /** {@code value} with the analytic gradient now in {@code grad}; null for a null value (a state the cell lacks). */
    static Operand read(String name, MemorySegment value, MemorySegment grad, long elements) {
        return value == null ? null : new Operand(name, value, elements, F64.read(grad, elements));
    }

    /** The parameters {@code ids} of {@code weights}, each with the analytic gradient now in {@code grads}. */
    static List<Operand> params(RnnParameters weights, RnnParameters grads, List<ParamId> ids, RnnConfig cfg) {
        List<Operand> params = new ArrayList<>();
        for (ParamId id : ids) params.add(read(id.name(), weights.get(id), grads.get(id), cfg.parameterSize(id)));
        return params;
    }

    /** The analytic gradients of {@code operands}, in order. */
    static List<double[]> analytic(List<Operand> operands) {
        return operands.stream().map(Operand::analytic).toList();
    }
}
