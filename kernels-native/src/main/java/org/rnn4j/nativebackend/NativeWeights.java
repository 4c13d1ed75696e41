package org.rnn4j.nativebackend;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import org.rnn4j.DType;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.spi.PreparedWeights;
import org.rnn4j.vector.CellKind;

/**
 * The native backend's prepared weights: one block of native memory, owned by this object and freed by
 * {@link #close()}, into which C++ packs every layer direction ({@code packed_weights.h}) from the caller's
 * parameters, here and again on {@link #refresh()}. Parameters are read gate block by gate block
 * ({@link RnnParameters#gateBlock}); blocks on the Java heap (or not aligned to their element size) are copied
 * to native memory first, since C++ needs stable addresses.
 */
final class NativeWeights implements PreparedWeights {
    private final RnnConfig config;
    private final RnnParameters source;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment packed;
    private final MemorySegment blocks;
    private final int elementBytes;
    private final int kind;
    private boolean closed;

    NativeWeights(RnnConfig config, RnnParameters source) {
        this.config = config;
        this.source = source;
        this.elementBytes = config.dtype() == DType.F32 ? 4 : 8;
        this.kind = CellKind.of(config.cell()).ordinal();
        long bytes = NativeBlasLibrary.weightsBytes(elementBytes, kind, config.inputSize(), config.hiddenSize(),
                config.layers(), config.directions());
        this.packed = arena.allocate(Math.max(bytes, 64), 64);
        this.blocks = arena.allocate(NativeCall.WG_COUNT * 8L, 8);
        refresh();
    }

    /** The address of the packed weights. */
    long address() {
        return packed.address();
    }

    @Override
    public RnnConfig config() {
        return config;
    }

    @Override
    public synchronized void refresh() {
        if (closed) throw new IllegalStateException("prepared weights: expected open but close() was called");
        Staging staging = null;
        try {
            for (int l = 0; l < config.layers(); l++) {
                for (int d = 0; d < config.directions(); d++) {
                    staging = NativeCall.blockTable(source, config, l, d, blocks, 0, elementBytes, false, staging);
                    NativeBlasLibrary.weightsPack(packed.address(), elementBytes, kind, config.inputSize(),
                            config.hiddenSize(), config.layers(), config.directions(), l * config.directions() + d,
                            blocks.address());
                }
            }
        } finally {
            if (staging != null) staging.close();
            Reference.reachabilityFence(source);
            Reference.reachabilityFence(packed);
            Reference.reachabilityFence(blocks);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        arena.close();
    }
}
