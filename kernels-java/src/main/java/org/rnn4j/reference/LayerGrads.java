package org.rnn4j.reference;

/** float64 gradient accumulators of one layer direction. */
final class LayerGrads {
    final double[] wih;
    final double[] whh;
    final double[] bih;
    final double[] bhh;
    final double[] peep;

    LayerGrads(int wihLen, int whhLen, int biasLen, int peepLen) {
        wih = new double[wihLen];
        whh = new double[whhLen];
        bih = new double[biasLen];
        bhh = new double[biasLen];
        peep = new double[peepLen];
    }
}
