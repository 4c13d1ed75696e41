package org.rnn4j.util;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A small, strict RFC 8259 JSON parser, so that fixture indexes such as {@code cases.json} can be
 * read without adding a JSON dependency to a kernel library.
 *
 * <p>Values map to plain Java types: object → {@code Map<String, Object>} (a {@link LinkedHashMap},
 * document order), array → {@code List<Object>}, string → {@link String}, number → {@link Long}
 * when written as an integer that fits a long, otherwise {@link Double}; {@code true}/{@code false}
 * → {@link Boolean}; {@code null} → {@code null}.
 *
 * <p>Strict means no extensions are tolerated (comments, trailing commas, single quotes, NaN,
 * leading zeros, duplicate keys, raw control characters in strings, trailing content): a fixture
 * file that a lenient parser would misread should fail here, with the offset, line and column.
 */
public final class MiniJson {
    /** Bound on nesting so that hostile input fails cleanly instead of overflowing the stack. */
    private static final int MAX_DEPTH = 512;

    private final String s;
    private int pos;

    private MiniJson(String s) {
        this.s = s;
    }

    /** Thrown for malformed JSON; the message and accessors locate the problem. */
    public static final class ParseException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        private final int offset;
        private final int line;
        private final int column;

        ParseException(String message, int offset, int line, int column) {
            super("JSON error at offset " + offset + " (line " + line + ", column " + column + "): " + message);
            this.offset = offset;
            this.line = line;
            this.column = column;
        }

        /** Zero-based character offset of the problem. */
        public int offset() {
            return offset;
        }

        /** One-based line of the problem. */
        public int line() {
            return line;
        }

        /** One-based column of the problem. */
        public int column() {
            return column;
        }
    }

    /**
     * Parses one complete JSON document.
     *
     * @throws ParseException if {@code json} is not exactly one valid JSON value (surrounding whitespace allowed)
     */
    public static Object parse(String json) {
        MiniJson p = new MiniJson(Objects.requireNonNull(json, "json"));
        p.skipSpace();
        Object value = p.value(0);
        p.skipSpace();
        if (p.pos != json.length()) {
            throw p.error("unexpected content after the JSON value");
        }
        return value;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH + " levels");
        }
        if (pos >= s.length()) {
            throw error("unexpected end of input, expected a value");
        }
        char c = s.charAt(pos);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected character " + describe(c) + ", expected a value");
            }
        };
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> map = new LinkedHashMap<>();
        pos++; // '{'
        skipSpace();
        if (consume('}')) {
            return map;
        }
        while (true) {
            skipSpace();
            if (pos >= s.length() || s.charAt(pos) != '"') {
                throw error("expected a string object key");
            }
            int keyStart = pos;
            String key = string();
            skipSpace();
            expect(':', "after object key");
            skipSpace();
            Object v = value(depth + 1);
            if (map.containsKey(key)) {
                pos = keyStart;
                throw error("duplicate object key \"" + key + "\"");
            }
            map.put(key, v);
            skipSpace();
            if (consume('}')) {
                return map;
            }
            expect(',', "or '}' in object");
        }
    }

    private List<Object> array(int depth) {
        List<Object> list = new ArrayList<>();
        pos++; // '['
        skipSpace();
        if (consume(']')) {
            return list;
        }
        while (true) {
            skipSpace();
            list.add(value(depth + 1));
            skipSpace();
            if (consume(']')) {
                return list;
            }
            expect(',', "or ']' in array");
        }
    }

    private String string() {
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= s.length()) {
                throw error("unterminated string");
            }
            char c = s.charAt(pos);
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c < 0x20) {
                throw error("raw control character " + describe(c) + " in string (must be escaped)");
            }
            if (c != '\\') {
                sb.append(c);
                pos++;
                continue;
            }
            if (pos + 1 >= s.length()) {
                throw error("unterminated escape sequence");
            }
            char e = s.charAt(pos + 1);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    sb.append(hex4(pos + 2));
                    pos += 4;
                }
                default -> throw error("invalid escape \\" + e);
            }
            pos += 2;
        }
    }

    private char hex4(int at) {
        if (at + 4 > s.length()) {
            throw error("truncated \\u escape");
        }
        int v = 0;
        for (int i = at; i < at + 4; i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0) {
                pos = i;
                throw error("invalid hex digit " + describe(s.charAt(i)) + " in \\u escape");
            }
            v = v * 16 + d;
        }
        return (char) v;
    }

    private Object number() {
        int start = pos;
        consume('-');
        if (consume('0')) {
            if (pos < s.length() && isDigit(s.charAt(pos))) {
                throw error("leading zeros are not allowed in numbers");
            }
        } else if (!digits()) {
            throw error("expected a digit");
        }
        boolean integral = true;
        if (consume('.')) {
            integral = false;
            if (!digits()) {
                throw error("expected a digit after the decimal point");
            }
        }
        if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
            integral = false;
            pos++;
            if (!consume('+')) {
                consume('-');
            }
            if (!digits()) {
                throw error("expected a digit in the exponent");
            }
        }
        String text = s.substring(start, pos);
        if (integral) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException tooBig) {
                // falls through: integers beyond the long range become doubles
            }
        }
        double d = Double.parseDouble(text);
        if (Double.isInfinite(d)) {
            pos = start;
            throw error("number " + text + " is outside the double range");
        }
        return d;
    }

    private boolean digits() {
        int start = pos;
        while (pos < s.length() && isDigit(s.charAt(pos))) {
            pos++;
        }
        return pos > start;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private Object literal(String word, Object value) {
        if (!s.startsWith(word, pos)) {
            throw error("invalid literal, expected '" + word + "'");
        }
        pos += word.length();
        return value;
    }

    private boolean consume(char c) {
        if (pos < s.length() && s.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(char c, String context) {
        if (!consume(c)) {
            String found = pos < s.length() ? describe(s.charAt(pos)) : "end of input";
            throw error("expected '" + c + "' " + context + " but found " + found);
        }
    }

    private void skipSpace() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private static String describe(char c) {
        return c < 0x20 || c == 0x7f ? String.format("U+%04X", (int) c) : "'" + c + "'";
    }

    private ParseException error(String message) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < pos && i < s.length(); i++) {
            if (s.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new ParseException(message, pos, line, pos - lineStart + 1);
    }

    /**
     * Parses a document whose top level must be an object, sparing callers the cast.
     *
     * @throws ParseException if {@code json} is invalid or its top-level value is not an object
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String json) {
        Object v = parse(json);
        if (!(v instanceof Map<?, ?>)) {
            MiniJson p = new MiniJson(json);
            p.skipSpace();
            throw p.error("expected a JSON object at top level");
        }
        return (Map<String, Object>) v;
    }

    /**
     * {@code text} as a JSON string literal, quotes included: the parser's counterpart for the tool's small JSON
     * writers ({@code "}, {@code \\} and control characters escaped).
     */
    public static String quote(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
