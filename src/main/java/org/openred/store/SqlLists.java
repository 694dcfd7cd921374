package org.openred.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** An SQL template's IN list: each value bound as a parameter of its own, never spliced into the text. */
public final class SqlLists {
  private SqlLists() {
  }

  /** Binds {@code values} as {@code prefix0, prefix1, ...} in {@code params}; answers "#{prefix0}, #{prefix1}, ..." for the IN (...). */
  public static String bind(Map<String, Object> params, String prefix, Collection<String> values) {
    List<String> names = new ArrayList<>();
    for (String value : values) {
      String name = prefix + names.size();
      params.put(name, value);
      names.add("#{" + name + "}");
    }
    return String.join(", ", names);
  }
}
