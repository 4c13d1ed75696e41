package org.rnn4j.conform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.Layout;
import org.rnn4j.RnnConfig;
import org.rnn4j.util.MiniJson;

/**
 * What {@code cases.json} says about one case: the parsing of the index and of its case objects.
 *
 * @param lengths      the lengths given in cases.json, or null
 * @param listedArrays the {@code "arrays"} list of cases.json (each must be in the file), or null
 * @param file         the {@code .npz} file name, relative to the case directory
 */
record CaseSpec(String name, Cell cell, int seqLength, int batch, int inputSize, int hiddenSize, int layers,
                boolean bidirectional, Layout layout, int[] lengths, List<String> listedArrays, String file) {

    /** The case objects of {@code dir/cases.json}, in order. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> readIndex(Path dir) throws IOException {
        Path index = dir.resolve(Conformance.INDEX);
        String text;
        try {
            text = Files.readString(index, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IOException(index + ": no such file (a conformance directory holds " + Conformance.INDEX
                    + " and one .npz per case)", e);
        }
        Map<String, Object> root;
        try {
            root = MiniJson.parseObject(text);
        } catch (IllegalArgumentException e) {
            throw new IOException(index + ": " + e.getMessage(), e);
        }
        if (!(root.get("cases") instanceof List<?> list)) {
            throw new IOException(index + ": expected a top-level \"cases\" array but "
                    + (root.containsKey("cases") ? "it is not an array" : "there is none"));
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int k = 0; k < list.size(); k++) {
            if (!(list.get(k) instanceof Map<?, ?> m)) {
                throw new IOException(index + ": cases[" + k + "] is not an object");
            }
            out.add((Map<String, Object>) m);
        }
        return out;
    }

    /** The name of case object {@code k}: its {@code "name"}, or {@code case #k}. */
    static String nameOf(Map<String, Object> json, int k) {
        return json.get("name") instanceof String s && !s.isBlank() ? s : "case #" + k;
    }

    /** Parses one case object of the index. */
    static CaseSpec parse(Map<String, Object> j, String name) throws CaseFailure {
        Object cellName = j.get("cell");
        if (!(cellName instanceof String cs)) {
            throw new CaseFailure(null, "cases.json: \"cell\" missing or not a string");
        }
        Cell cell;
        try {
            cell = Cell.parse(cs);
        } catch (IllegalArgumentException e) {
            throw new CaseFailure(null, "unknown cell '" + cs + "' (expected one of lstm, lstm_peephole, gru, "
                    + "gru_reset_before, rnn_tanh, rnn_relu)");
        }
        int t = intField(j, "T", null), n = intField(j, "N", null);
        int in = intField(j, "I", null), h = intField(j, "H", null);
        int layers = intField(j, "layers", 1);
        Object bi = j.getOrDefault("bidirectional", Boolean.FALSE);
        if (!(bi instanceof Boolean bidirectional)) {
            throw new CaseFailure(null, "cases.json: \"bidirectional\" is not a boolean: " + bi);
        }
        Layout layout = parseLayout(j.get("layout"));
        int[] lengths = null;
        if (j.get("lengths") != null) {
            if (!(j.get("lengths") instanceof List<?> l)) {
                throw new CaseFailure("lengths", "cases.json: \"lengths\" is not an array");
            }
            lengths = new int[l.size()];
            for (int i = 0; i < l.size(); i++) {
                if (!(l.get(i) instanceof Long v) || v != v.intValue()) {
                    throw new CaseFailure("lengths", "cases.json: lengths[" + i + "] is not an integer: " + l.get(i));
                }
                lengths[i] = v.intValue();
            }
        }
        List<String> listed = null;
        if (j.get("arrays") instanceof List<?> l) {
            listed = new ArrayList<>();
            for (Object o : l) listed.add(String.valueOf(o));
        }
        Object file = j.getOrDefault("file", name + ".npz");
        if (!(file instanceof String f) || f.isBlank()) {
            throw new CaseFailure(null, "cases.json: \"file\" is not a file name: " + file);
        }
        if (j.get("dtype") instanceof String d && !d.equals("float64") && !d.equals("float32")) {
            throw new CaseFailure(null, "cases.json: dtype '" + d + "' is not float64 or float32");
        }
        return new CaseSpec(name, cell, t, n, in, h, layers, bidirectional, layout, lengths, listed, f);
    }

    /** The configuration of this case in {@code dtype}. */
    RnnConfig config(DType dtype) throws CaseFailure {
        try {
            return RnnConfig.builder(cell, inputSize, hiddenSize).layers(layers).bidirectional(bidirectional)
                    .dtype(dtype).layout(layout).build();
        } catch (IllegalArgumentException e) {
            throw new CaseFailure(null, "invalid configuration: " + e.getMessage());
        }
    }

    private static int intField(Map<String, Object> j, String key, Integer dflt) throws CaseFailure {
        Object v = j.get(key);
        if (v == null) {
            if (dflt != null) return dflt;
            throw new CaseFailure(null, "cases.json: \"" + key + "\" missing");
        }
        if (!(v instanceof Long l) || l < 1 || l > Integer.MAX_VALUE) {
            throw new CaseFailure(null, "cases.json: \"" + key + "\" expected a positive integer but was " + v);
        }
        return l.intValue();
    }

    private static Layout parseLayout(Object v) throws CaseFailure {
        if (v == null) return Layout.TIME_MAJOR;
        String s = String.valueOf(v).toLowerCase(Locale.ROOT).replace('_', '-');
        if (s.startsWith("time-major")) return Layout.TIME_MAJOR;
        if (s.startsWith("batch-first")) return Layout.BATCH_FIRST;
        throw new CaseFailure(null, "cases.json: layout '" + v + "' is neither time-major nor batch-first");
    }
}
