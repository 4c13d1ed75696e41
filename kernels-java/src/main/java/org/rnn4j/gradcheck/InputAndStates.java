package org.rnn4j.gradcheck;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The input and initial states a check differentiates the loss with respect to, copied off-heap from the check's
 * data (an absent initial state is zero), and NaN-filled buffers for their gradients. The cell state and its
 * gradient are null for cells without one.
 */
final class InputAndStates {
    final MemorySegment x, h, c;
    final MemorySegment dx, dh, dc;
    private final long inputElements, stateElements;

    InputAndStates(Arena arena, double[] input, double[] h0, double[] c0, long stateElements, boolean cellState) {
        this.inputElements = input.length;
        this.stateElements = stateElements;
        x = F64.of(arena, input, inputElements);
        h = F64.of(arena, h0, stateElements);
        c = cellState ? F64.of(arena, c0, stateElements) : null;
        dx = F64.nans(arena, inputElements);
        dh = F64.nans(arena, stateElements);
        dc = cellState ? F64.nans(arena, stateElements) : null;
    }

    /**
     * {input, hidden state named {@code hName}, cell state named {@code cName} (null without one)} as operands,
     * with the analytic gradients now in the buffers.
     */
    Operand[] read(String hName, String cName) {
        return new Operand[] {Operand.read("input", x, dx, inputElements), Operand.read(hName, h, dh, stateElements),
                Operand.read(cName, c, dc, stateElements)};
    }
}
