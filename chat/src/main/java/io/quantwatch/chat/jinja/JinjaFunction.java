package io.quantwatch.chat.jinja;

import java.util.List;
import java.util.Map;

/** A callable template value: a global ({@code namespace}, {@code raise_exception}), a method, or a macro. */
@FunctionalInterface
interface JinjaFunction {
    Object call(List<Object> args, Map<String, Object> kwargs);
}
