package org.openred.crypto;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openred.web.StrictJson;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JcsTest {

  @Test
  @DisplayName("RFC 8785 section 3.2.2 example: whitespace, escapes and number forms")
  void rfc8785MainExample() {
    String input = """
        {
          "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
          "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
          "literals": [null, true, false]
        }""";
    JsonObject parsed = StrictJson.parseObject(Buffer.buffer(input));
    assertEquals("{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
        + "\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}", Jcs.canonicalString(parsed));
  }

  @Test
  @DisplayName("RFC 8785 section 3.2.3 example: keys sorted by UTF-16 code units")
  void rfc8785Sorting() {
    String input = """
        {
          "\\u20ac": "Euro Sign",
          "\\r": "Carriage Return",
          "\\ufb33": "Hebrew Letter Dalet With Dagesh",
          "1": "One",
          "\\ud83d\\ude00": "Emoji: Grinning Face",
          "\\u0080": "Control",
          "\\u00f6": "Latin Small Letter O With Diaeresis"
        }""";
    String canonical = Jcs.canonicalString(StrictJson.parseObject(Buffer.buffer(input)));
    String values = canonical.replaceAll("\"[^\"]*\":\"([^\"]*)\"", "$1");
    assertEquals("{Carriage Return,One,Control,Latin Small Letter O With Diaeresis,Euro Sign,Emoji: Grinning Face,"
        + "Hebrew Letter Dalet With Dagesh}", values);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @DisplayName("RFC 8785 appendix B number serialisation")
  @CsvSource({
      "0000000000000000, 0",
      "8000000000000000, 0",
      "0000000000000001, 5e-324",
      "8000000000000001, -5e-324",
      "7fefffffffffffff, 1.7976931348623157e+308",
      "ffefffffffffffff, -1.7976931348623157e+308",
      "4340000000000000, 9007199254740992",
      "c340000000000000, -9007199254740992",
      "4430000000000000, 295147905179352830000",
      "44b52d02c7e14af5, 9.999999999999997e+22",
      "44b52d02c7e14af6, 1e+23",
      "44b52d02c7e14af7, 1.0000000000000001e+23",
      "444b1ae4d6e2ef4e, 999999999999999700000",
      "444b1ae4d6e2ef4f, 999999999999999900000",
      "444b1ae4d6e2ef50, 1e+21",
      "3eb0c6f7a0b5ed8c, 9.999999999999997e-7",
      "3eb0c6f7a0b5ed8d, 0.000001",
      "41b3de4355555553, 333333333.3333332",
      "41b3de4355555554, 333333333.33333325",
      "41b3de4355555555, 333333333.3333333",
      "41b3de4355555556, 333333333.3333334",
      "41b3de4355555557, 333333333.33333343",
      "becbf647612f3696, -0.0000033333333333333333",
      "43143ff3c1cb0959, 1424953923781206.2"
  })
  void rfc8785Numbers(String bits, String expected) {
    assertEquals(expected, Jcs.formatNumber(Double.longBitsToDouble(Long.parseUnsignedLong(bits, 16))));
  }

  @Test
  @DisplayName("NaN, Infinity and lone surrogates have no canonical form")
  void refusals() {
    assertThrows(IllegalArgumentException.class, () -> Jcs.canonicalize(Map.of("n", Double.NaN)));
    assertThrows(IllegalArgumentException.class, () -> Jcs.canonicalize(Map.of("n", Double.POSITIVE_INFINITY)));
    assertThrows(IllegalArgumentException.class, () -> Jcs.canonicalize(Map.of("s", "\ud800")));
    assertThrows(IllegalArgumentException.class, () -> Jcs.canonicalize(Map.of("s", "a\udc00b")));
  }

  @Test
  @DisplayName("Integers and nested structures canonicalise as their JavaScript equivalents")
  void integersAndNesting() {
    JsonObject json = new JsonObject().put("b", 1L).put("a", new JsonObject().put("z", -0.0).put("y", 1700000000));
    assertEquals("{\"a\":{\"y\":1700000000,\"z\":0},\"b\":1}", Jcs.canonicalString(json));
  }
}
