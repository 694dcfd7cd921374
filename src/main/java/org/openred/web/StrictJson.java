package org.openred.web;

import org.openred.kernel.Problem;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses request bodies more strictly than JSON allows, because what we accept may be signed and
 * canonicalised (RFC 8785) later: duplicate keys, lone surrogates, non-finite numbers, trailing
 * content and deep nesting are refused with a {@link Problem} (400 {@code malformed-json}).
 */
public final class StrictJson {
  public static final int MAX_DEPTH = 64;

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).maxNumberLength(64).build())
      .build();

  private StrictJson() {
  }

  public static JsonObject parseObject(Buffer body) {
    Object value = parse(body);
    if (!(value instanceof JsonObject object)) {
      throw malformed("the body must be a JSON object");
    }
    return object;
  }

  public static Object parse(Buffer body) {
    if (body == null || body.length() == 0) {
      throw malformed("the body is empty");
    }
    try (JsonParser parser = FACTORY.createParser(body.getBytes())) {
      JsonToken first = parser.nextToken();
      Object value = read(parser, first);
      if (parser.nextToken() != null) {
        throw malformed("trailing content after the JSON value");
      }
      return value;
    } catch (StreamConstraintsException e) {
      throw malformed("nested deeper than " + MAX_DEPTH + " levels or a number too long");
    } catch (JsonParseException e) {
      throw malformed(e.getOriginalMessage());
    } catch (IOException e) {
      throw malformed("unreadable JSON");
    }
  }

  private static Object read(JsonParser parser, JsonToken token) throws IOException {
    if (token == null) {
      throw malformed("the body ended early");
    }
    switch (token) {
      case START_OBJECT: {
        Map<String, Object> map = new LinkedHashMap<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
          String name = checkText(parser.currentName());
          map.put(name, read(parser, parser.nextToken()));
        }
        return new JsonObject(map);
      }
      case START_ARRAY: {
        List<Object> list = new ArrayList<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
          list.add(read(parser, t));
        }
        return new JsonArray(list);
      }
      case VALUE_STRING:
        return checkText(parser.getText());
      case VALUE_NUMBER_INT:
        return switch (parser.getNumberType()) {
          case INT -> parser.getIntValue();
          case LONG -> parser.getLongValue();
          default -> throw malformed("integer out of range: " + abbreviate(parser.getText()));
        };
      case VALUE_NUMBER_FLOAT: {
        double value = parser.getDoubleValue();
        if (Double.isInfinite(value) || Double.isNaN(value)) {
          throw malformed("number out of range: " + abbreviate(parser.getText()));
        }
        return value;
      }
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw malformed("unexpected " + token);
    }
  }

  private static String checkText(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
          continue;
        }
        throw malformed("a string holds a lone surrogate");
      }
      if (Character.isLowSurrogate(c)) {
        throw malformed("a string holds a lone surrogate");
      }
    }
    return text;
  }

  private static String abbreviate(String text) {
    return text.length() <= 24 ? text : text.substring(0, 24) + "...";
  }

  private static Problem malformed(String detail) {
    return new Problem(400, "malformed-json", detail);
  }
}
