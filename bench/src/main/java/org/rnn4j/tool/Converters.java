package org.rnn4j.tool;

import java.util.Locale;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Option converters whose errors say what is accepted. */
final class Converters {
    private Converters() {}

    /** {@code f32|f64} (also float32, float64). */
    static final class DTypes implements ITypeConverter<DType> {
        @Override
        public DType convert(String value) {
            try {
                return DType.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("expected f32 or f64 but was '" + value + "'");
            }
        }
    }

    /** A cell name: lstm, lstm_peephole, gru, gru_reset_before, rnn_tanh, rnn_relu. */
    static final class Cells implements ITypeConverter<Cell> {
        @Override
        public Cell convert(String value) {
            try {
                return Cell.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("expected one of lstm, lstm_peephole, gru, gru_reset_before, "
                        + "rnn_tanh, rnn_relu but was '" + value + "'");
            }
        }
    }

    /** {@code T,N,I,H}: four positive integers. */
    record Shape(int seqLength, int batch, int inputSize, int hiddenSize) {
        @Override
        public String toString() {
            return seqLength + "," + batch + "," + inputSize + "," + hiddenSize;
        }
    }

    static final class Shapes implements ITypeConverter<Shape> {
        @Override
        public Shape convert(String value) {
            String[] parts = value.trim().split("\\s*[,x]\\s*");
            if (parts.length != 4) {
                throw new TypeConversionException("expected T,N,I,H (four positive integers, e.g. 50,32,256,256) "
                        + "but was '" + value + "'");
            }
            int[] v = new int[4];
            String[] names = {"T", "N", "I", "H"};
            for (int i = 0; i < 4; i++) {
                try {
                    v[i] = Integer.parseInt(parts[i]);
                } catch (NumberFormatException e) {
                    v[i] = -1;
                }
                if (v[i] < 1) {
                    throw new TypeConversionException("expected T,N,I,H as positive integers but " + names[i]
                            + " was '" + parts[i] + "' in '" + value + "'");
                }
            }
            return new Shape(v[0], v[1], v[2], v[3]);
        }
    }

    /** The short dtype name used on the command line and in result lines: f32 or f64. */
    static String shortName(DType d) {
        return d.name().toLowerCase(Locale.ROOT);
    }
}
