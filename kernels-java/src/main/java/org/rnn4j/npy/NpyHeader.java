package org.rnn4j.npy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dictionary text of an {@code .npy} header ({@code {'descr': '<f4', 'fortran_order': False,
 * 'shape': (2, 3), }}) parsed to a dtype and shape, and formatted back exactly as NumPy writes it.
 *
 * <p>The header is a Python literal; this parses just the literal subset NumPy emits (strings,
 * booleans, None, integers, tuples, lists) and validates keys and values as strictly as
 * {@code numpy.lib.format} does, so malformed files fail here with the header quoted.
 */
record NpyHeader(NpyDType dtype, int[] shape) {
    /** NumPy leaves room so the first axis can grow in place; mirrored for byte-identical files. */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");

    /** Parses and validates header text. */
    static NpyHeader parse(String text) throws IOException {
        Object parsed = new LiteralParser(text).parseAll();
        if (!(parsed instanceof Map<?, ?> dict)) {
            throw new IOException("npy header is not a dictionary: " + quote(text));
        }
        if (!dict.keySet().equals(KEYS)) {
            throw new IOException("npy header must have exactly the keys descr, fortran_order, shape but has "
                    + dict.keySet() + ": " + quote(text));
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw new IOException("npy header fortran_order is not a bool: " + quote(text));
        }
        Object descr = dict.get("descr");
        NpyDType dtype = descr instanceof String s ? NpyDType.fromDescr(s).orElse(null) : null;
        if (dtype == null) {
            String shown = descr instanceof String s ? "'" + s + "'" : "a structured/non-string descr";
            throw new IOException("unsupported npy dtype descr " + shown + " (header " + quote(text)
                    + "); supported: " + NpyDType.supportedDescrs() + " (little-endian only)");
        }
        if (fortran) {
            throw new IOException("unsupported npy array with fortran_order=True (header " + quote(text)
                    + "); only C-ordered arrays are supported: save np.ascontiguousarray(a) instead");
        }
        return new NpyHeader(dtype, toShape(dict.get("shape"), text));
    }

    private static int[] toShape(Object value, String text) throws IOException {
        if (!(value instanceof Tuple(List<Object> items))) {
            throw new IOException("npy header shape is not a tuple: " + quote(text));
        }
        int[] shape = new int[items.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(items.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                throw new IOException("npy header shape must hold ints in [0, " + Integer.MAX_VALUE
                        + "]: " + quote(text));
            }
            shape[i] = d.intValue();
        }
        return shape;
    }

    /** The dictionary text NumPy would write, without the alignment padding and newline. */
    String format() {
        String dict = "{'descr': '" + dtype.descr() + "', 'fortran_order': False, 'shape': "
                + NpyArray.shapeString(shape) + ", }";
        int growth = shape.length == 0 ? 0 : GROWTH_AXIS_MAX_DIGITS - Integer.toString(shape[0]).length();
        return dict + " ".repeat(growth);
    }

    private static String quote(String text) {
        String t = text.strip();
        return "\"" + (t.length() > 200 ? t.substring(0, 200) + "..." : t) + "\"";
    }

    /** A Python tuple, distinguished from a list because numpy requires shape to be a tuple. */
    private record Tuple(List<Object> items) {}

    /** Recursive-descent parser for the Python literal subset found in npy headers. */
    private static final class LiteralParser {
        private final String s;
        private int pos;

        LiteralParser(String s) {
            this.s = s;
        }

        Object parseAll() throws IOException {
            Object v = value(0);
            skipSpace();
            if (pos != s.length()) {
                throw error("unexpected trailing text");
            }
            return v;
        }

        private Object value(int depth) throws IOException {
            if (depth > 32) {
                throw error("nesting too deep");
            }
            skipSpace();
            if (pos >= s.length()) {
                throw error("unexpected end of header");
            }
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> dict(depth);
                case '(' -> sequence(')', depth);
                case '[' -> sequence(']', depth);
                case '\'', '"' -> string();
                default -> c == '-' || Character.isDigit(c) ? integer() : keyword();
            };
        }

        private Map<String, Object> dict(int depth) throws IOException {
            Map<String, Object> map = new LinkedHashMap<>();
            pos++; // '{'
            while (true) {
                skipSpace();
                if (peek('}')) {
                    return map;
                }
                if (!(value(depth + 1) instanceof String key)) {
                    throw error("dictionary key is not a string");
                }
                skipSpace();
                expect(':');
                if (map.put(key, value(depth + 1)) != null) {
                    throw error("duplicate key '" + key + "'");
                }
                skipSpace();
                if (!peek(',')) {
                    skipSpace();
                    expect('}');
                    return map;
                }
            }
        }

        /** A tuple or list; {@code (x)} without a comma is just x, as in Python. */
        private Object sequence(char close, int depth) throws IOException {
            List<Object> items = new ArrayList<>();
            boolean comma = false;
            pos++; // '(' or '['
            while (true) {
                skipSpace();
                if (peek(close)) {
                    break;
                }
                items.add(value(depth + 1));
                skipSpace();
                if (peek(',')) {
                    comma = true;
                } else {
                    expect(close);
                    break;
                }
            }
            if (close == ']') {
                return items;
            }
            return items.size() == 1 && !comma ? items.get(0) : new Tuple(items);
        }

        private String string() throws IOException {
            char quote = s.charAt(pos++);
            StringBuilder sb = new StringBuilder();
            while (pos < s.length()) {
                char c = s.charAt(pos++);
                if (c == quote) {
                    return sb.toString();
                }
                if (c == '\\' && pos < s.length()) {
                    c = s.charAt(pos++);
                }
                sb.append(c);
            }
            throw error("unterminated string");
        }

        private Long integer() throws IOException {
            int start = pos;
            if (s.charAt(pos) == '-') {
                pos++;
            }
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                pos++;
            }
            String digits = s.substring(start, pos);
            if (pos < s.length() && (s.charAt(pos) == 'L' || s.charAt(pos) == 'l')) {
                pos++; // Python 2 long suffix, found in old headers
            }
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                pos = start;
                throw error("invalid integer '" + digits + "'");
            }
        }

        private Object keyword() throws IOException {
            for (String word : List.of("True", "False", "None")) {
                if (s.startsWith(word, pos)) {
                    pos += word.length();
                    return word.equals("None") ? NONE : Boolean.valueOf(word.equals("True"));
                }
            }
            throw error("unexpected character '" + s.charAt(pos) + "'");
        }

        private boolean peek(char c) {
            if (pos < s.length() && s.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        private void expect(char c) throws IOException {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private IOException error(String what) {
            return new IOException("malformed npy header at offset " + pos + ": " + what + " in " + quote(s));
        }

        private static final Object NONE = new Object() {
            @Override
            public String toString() {
                return "None";
            }
        };
    }
}
