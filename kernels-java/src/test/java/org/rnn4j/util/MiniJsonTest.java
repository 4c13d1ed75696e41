package org.rnn4j.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MiniJsonTest {
    @Test
    void parsesAllValueKinds() {
        Object v = MiniJson.parse(" {\"b\": [1, -2.5, 3e2, true, false, null, \"s\"], \"a\": {}, \"c\": []}\n");
        Map<?, ?> m = assertInstanceOf(LinkedHashMap.class, v);
        assertEquals(List.of("b", "a", "c"), List.copyOf(m.keySet()), "document order kept");
        List<?> b = (List<?>) m.get("b");
        assertEquals(1L, b.get(0));
        assertEquals(-2.5, b.get(1));
        assertEquals(300.0, b.get(2));
        assertEquals(true, b.get(3));
        assertEquals(false, b.get(4));
        assertNull(b.get(5));
        assertEquals("s", b.get(6));
        assertEquals(Map.of(), m.get("a"));
        assertEquals(List.of(), m.get("c"));
    }

    @Test
    void numbersAreLongWhenIntegralElseDouble() {
        assertEquals(Long.MAX_VALUE, MiniJson.parse("9223372036854775807"));
        assertEquals(-0L, MiniJson.parse("-0"));
        assertEquals(9.223372036854775808E18, MiniJson.parse("9223372036854775808"));
        assertEquals(1.0, MiniJson.parse("1.0"));
        assertEquals(-1e-300, MiniJson.parse("-1E-300"));
        assertEquals(0.5, MiniJson.parse("5e-1"));
        assertEquals(20.0, MiniJson.parse("2E+1"));
    }

    @Test
    void decodesStringEscapes() {
        assertEquals("q\" b\\ s/ \b\f\n\r\t é 😀",
                MiniJson.parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9 \\ud83d\\ude00\""));
        assertEquals("héllo", MiniJson.parse("\"héllo\""));
    }

    @Test
    void parseObjectTypesTheTopLevel() {
        assertEquals(Map.of("x", 1L), MiniJson.parseObject("{\"x\": 1}"));
        MiniJson.ParseException e = assertThrows(MiniJson.ParseException.class, () -> MiniJson.parseObject(" [1]"));
        assertTrue(e.getMessage().contains("expected a JSON object"), e.getMessage());
        assertEquals(1, e.offset());
    }

    @Test
    void errorsReportOffsetLineAndColumn() {
        MiniJson.ParseException e = assertThrows(MiniJson.ParseException.class,
                () -> MiniJson.parse("{\n  \"a\": 1,\n  \"b\" 2\n}"));
        assertEquals(3, e.line());
        assertEquals(7, e.column());
        assertEquals(18, e.offset());
        assertEquals("JSON error at offset 18 (line 3, column 7): expected ':' after object key but found '2'",
                e.getMessage());
    }

    @Test
    void rejectsNonStandardJson() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("", "unexpected end of input");
        cases.put("{\"a\": 1,}", "expected a string object key");
        cases.put("[1, 2,]", "unexpected character ']'");
        cases.put("{'a': 1}", "expected a string object key");
        cases.put("[NaN]", "unexpected character 'N'");
        cases.put("[Infinity]", "unexpected character 'I'");
        cases.put("01", "leading zeros");
        cases.put("1.", "after the decimal point");
        cases.put(".5", "unexpected character '.'");
        cases.put("1e", "in the exponent");
        cases.put("-", "expected a digit");
        cases.put("1e400", "outside the double range");
        cases.put("tru", "expected 'true'");
        cases.put("\"a\tb\"", "raw control character U+0009");
        cases.put("\"\\x\"", "invalid escape \\x");
        cases.put("\"\\u12G4\"", "invalid hex digit 'G'");
        cases.put("\"abc", "unterminated string");
        cases.put("{\"a\": 1, \"a\": 2}", "duplicate object key \"a\"");
        cases.put("[1] [2]", "unexpected content after the JSON value");
        cases.put("// c\n1", "unexpected character '/'");
        cases.put("[1 2]", "expected ',' or ']' in array");
        cases.put("{\"a\": 1 \"b\": 2}", "expected ',' or '}' in object");
        cases.forEach((json, expected) -> {
            MiniJson.ParseException e = assertThrows(MiniJson.ParseException.class, () -> MiniJson.parse(json), json);
            assertTrue(e.getMessage().contains(expected), json + " -> " + e.getMessage());
        });
    }

    @Test
    void deepNestingFailsCleanly() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        MiniJson.ParseException e = assertThrows(MiniJson.ParseException.class, () -> MiniJson.parse(deep));
        assertTrue(e.getMessage().contains("nesting deeper than"), e.getMessage());
        char[] ok = new char[400];
        Arrays.fill(ok, 0, 200, '[');
        Arrays.fill(ok, 200, 400, ']');
        assertInstanceOf(List.class, MiniJson.parse(new String(ok)));
    }
}
