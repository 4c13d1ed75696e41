package org.rnn4j.nativebackend;

import org.rnn4j.DType;
import org.rnn4j.Layout;
import org.rnn4j.Mode;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnPlan;
import org.rnn4j.spi.ExecutionPlan;
import org.rnn4j.vector.CellKind;

/**
 * The native backend's plan of one workspace. The layout itself is computed in C++ ({@code plan.h}), the one
 * place it is defined: this class asks for the byte size and the two header offsets it writes at (the lengths
 * and the weight-gradient address table), and keeps the configuration words every call writes into the
 * workspace header. The workspace holds everything a call uses (saved state and scratch), so a plan owns no
 * memory and a workspace's close frees all of it.
 */
final class NativePlan implements ExecutionPlan {
    final RnnPlan capacity;
    final Mode mode;
    final boolean step;
    final RnnConfig config;
    final int elementBytes;
    final int kind;
    final long bytes;
    final long lengthsOffset;
    final long weightGradsOffset;

    NativePlan(RnnPlan capacity, Mode mode, boolean step, boolean openblas) {
        this.capacity = capacity;
        this.mode = mode;
        this.step = step;
        this.config = capacity.config();
        this.elementBytes = config.dtype() == DType.F32 ? 4 : 8;
        this.kind = CellKind.of(config.cell()).ordinal();
        int flags = (mode == Mode.TRAINING ? 1 : 0) | (step ? 2 : 0) | (openblas ? 4 : 0);
        int I = config.inputSize(), H = config.hiddenSize(), L = config.layers(), D = config.directions();
        int capT = capacity.seqLength(), capN = capacity.batch();
        this.bytes = NativeBlasLibrary.workspaceBytes(elementBytes, kind, I, H, L, D, capT, capN, flags);
        this.lengthsOffset = NativeBlasLibrary.workspaceLengthsOffset(elementBytes, kind, I, H, L, D, capT, capN,
                flags);
        this.weightGradsOffset = NativeBlasLibrary.workspaceWeightGradsOffset(elementBytes, kind, I, H, L, D, capT,
                capN, flags);
    }

    @Override
    public RnnPlan capacity() {
        return capacity;
    }

    @Override
    public Mode mode() {
        return mode;
    }

    @Override
    public long workspaceBytes() {
        return bytes;
    }

    boolean batchFirst() {
        return config.layout() == Layout.BATCH_FIRST;
    }
}
