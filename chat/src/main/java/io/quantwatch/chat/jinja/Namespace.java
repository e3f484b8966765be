package io.quantwatch.chat.jinja;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code namespace(…)}: a mutable bag of attributes, so a loop body can set what the template reads after the loop. */
final class Namespace {
    final Map<String, Object> attributes = new LinkedHashMap<>();
}
