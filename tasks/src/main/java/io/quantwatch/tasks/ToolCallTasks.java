package io.quantwatch.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Natural-language requests for 30 tools, answered by exactly one JSON object
 * {@code {"tool": name, "arguments": {...}}} with nested objects, arrays, integers, decimals,
 * booleans and strings that need escapes.
 */
final class ToolCallTasks {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A generated argument: its JSON value and the phrases that stand for it in the request. */
    private record Value(JsonNode json, Map<String, String> phrases) {
        static Value of(JsonNode json, String phrase) {
            return new Value(json, Map.of("", phrase));
        }
    }

    private record Arg(String name, Function<Random, Value> generator) {}

    private record Tool(String name, List<String> templates, List<Arg> args) {}

    static final String[] CITIES = {
        "Paris",
        "Berlin",
        "Tokyo",
        "Lima",
        "Oslo",
        "Cairo",
        "Zürich",
        "São Paulo",
        "New York",
        "Cape Town",
        "Seoul",
        "Madrid",
        "Toronto",
        "Nairobi",
        "Hanoi",
        "Dublin",
        "Quito",
        "Perth",
        "Kraków",
        "Reykjavík"
    };
    static final String[] PEOPLE = {
        "Anna", "Ben", "Chloé", "Dmitri", "Emeka", "Fatima", "Giulia", "Hiro", "Ines", "Jonas", "Kofi", "Lena", "Mateo",
        "Noor", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq"
    };
    static final String[] WORDS = {
        "budget", "launch", "draft", "review", "sync", "roadmap", "invoice", "backup", "report", "offsite", "demo",
        "hiring", "audit", "release", "retro", "kickoff"
    };
    static final String[] FOODS = {
        "cheese",
        "mushrooms",
        "olives",
        "basil",
        "onions",
        "ham",
        "peppers",
        "pineapple",
        "tomatoes",
        "garlic",
        "spinach",
        "rice",
        "beans",
        "lemon",
        "tofu",
        "eggs"
    };

    private final List<Tool> tools = List.of(
            tool(
                    "get_weather",
                    List.of(
                            "What will the weather be in {city} for the next {days} days, in {units} units?",
                            "Weather forecast for {city}, {days} days, {units} please."),
                    arg("city", r -> text(pick(r, CITIES))),
                    arg("days", r -> integer(r, 1, 14)),
                    arg("units", r -> text(r.nextBoolean() ? "metric" : "imperial"))),
            tool(
                    "book_table",
                    List.of(
                            "Book a table for {party_size} at {restaurant} on {date} at {time}.",
                            "Reserve {restaurant} for {party_size} people, {date} {time}."),
                    arg(
                            "restaurant",
                            r -> text(pick(r, PEOPLE) + "'s "
                                    + pick(r, new String[] {"Bistro", "Diner", "Grill", "Kitchen"}))),
                    arg("party_size", r -> integer(r, 1, 12)),
                    arg("date", ToolCallTasks::date),
                    arg("time", ToolCallTasks::time)),
            tool(
                    "send_email",
                    List.of(
                            "Send an email to {to} with subject '{subject}' saying '{body}'.",
                            "Email {to}: subject '{subject}', message '{body}'."),
                    arg("to", r -> text(pick(r, PEOPLE).toLowerCase() + "@example.com")),
                    arg("subject", r -> text(quotedPhrase(r))),
                    arg("body", r -> text(escapedSentence(r)))),
            tool(
                    "create_event",
                    List.of(
                            "Create an event '{title}' on {start.date} at {start.time} with {attendees}.",
                            "Put '{title}' in the calendar for {start.date} {start.time}, invite {attendees}."),
                    arg("title", r -> text(cap(pick(r, WORDS)) + " " + pick(r, WORDS))),
                    arg(
                            "start",
                            r -> object(
                                    r, List.of(arg("date", ToolCallTasks::date), arg("time", ToolCallTasks::time)))),
                    arg("attendees", r -> list(r, 1, 3, rr -> text(pick(rr, PEOPLE))))),
            tool(
                    "convert_currency",
                    List.of("Convert {amount} {from} to {to}.", "How much is {amount} {from} in {to}?"),
                    arg("amount", r -> decimal(r, 1, 5000)),
                    arg("from", r -> text(pick(r, new String[] {"USD", "EUR", "JPY", "GBP", "CHF"}))),
                    arg("to", r -> text(pick(r, new String[] {"BRL", "INR", "CAD", "SEK", "KRW"})))),
            tool(
                    "set_alarm",
                    List.of(
                            "Set an alarm for {time} labelled '{label}', {repeat}.",
                            "Wake me at {time} ('{label}'), {repeat}."),
                    arg("time", ToolCallTasks::time),
                    arg("label", r -> text(pick(r, WORDS))),
                    arg("repeat", r -> bool(r, "every day", "just once"))),
            tool(
                    "search_flights",
                    List.of(
                            "Find flights from {origin} to {destination} on {date} for {passengers} passengers, {nonstop}.",
                            "Flights {origin} to {destination}, {date}, {passengers} people, {nonstop}."),
                    arg("origin", r -> text(pick(r, CITIES))),
                    arg("destination", r -> text(pick(r, CITIES))),
                    arg("date", ToolCallTasks::date),
                    arg("passengers", r -> integer(r, 1, 6)),
                    arg("nonstop", r -> bool(r, "nonstop only", "stops are fine"))),
            tool(
                    "add_todo",
                    List.of(
                            "Add a todo '{task}' with priority {priority} tagged {tags}.",
                            "Todo: '{task}', priority {priority}, tags {tags}."),
                    arg(
                            "task",
                            r -> text(cap(pick(r, new String[] {"call", "email", "pay", "fix", "plan"})) + " "
                                    + pick(r, WORDS))),
                    arg("priority", r -> integer(r, 1, 5)),
                    arg("tags", r -> list(r, 1, 3, rr -> text(pick(rr, WORDS))))),
            tool(
                    "play_music",
                    List.of(
                            "Play {artist} at volume {volume}, {shuffle}.",
                            "Put on some {artist}, volume {volume}, {shuffle}."),
                    arg("artist", r -> text(pick(r, PEOPLE) + " and the " + cap(pick(r, WORDS)) + "s")),
                    arg("volume", r -> integer(r, 0, 100)),
                    arg("shuffle", r -> bool(r, "shuffled", "in order"))),
            tool(
                    "translate_text",
                    List.of(
                            "Translate '{text}' into {target_language}.",
                            "How do you say '{text}' in {target_language}?"),
                    arg("text", r -> text(escapedSentence(r))),
                    arg(
                            "target_language",
                            r -> text(pick(r, new String[] {"French", "German", "Japanese", "Swahili"})))),
            tool(
                    "get_stock_price",
                    List.of("What is the price of {ticker} stock?", "Quote {ticker} for me."),
                    arg("ticker", r -> text(pick(r, new String[] {"ACME", "GLOBX", "INIT", "UMBR", "WAYN", "STRK"})))),
            tool(
                    "order_pizza",
                    List.of(
                            "Order {quantity} {size} pizzas with {toppings}.",
                            "I want {quantity} {size} pizza(s): {toppings}."),
                    arg("size", r -> text(pick(r, new String[] {"small", "medium", "large"}))),
                    arg("toppings", r -> list(r, 1, 4, rr -> text(pick(rr, FOODS)))),
                    arg("quantity", r -> integer(r, 1, 5))),
            tool(
                    "set_thermostat",
                    List.of(
                            "Set the {room} thermostat to {temperature} degrees.",
                            "Make the {room} {temperature} degrees."),
                    arg("temperature", r -> decimal(r, 15, 28)),
                    arg("room", r -> text(pick(r, new String[] {"kitchen", "bedroom", "office", "hall"})))),
            tool(
                    "calculate_tip",
                    List.of("What is a {percent} percent tip on {bill}?", "Tip {percent}% on a bill of {bill}."),
                    arg("bill", r -> decimal(r, 5, 400)),
                    arg("percent", r -> integer(r, 5, 30))),
            tool(
                    "find_recipe",
                    List.of(
                            "Find a recipe with {ingredients} in under {max_minutes} minutes, {vegetarian}.",
                            "Recipe using {ingredients}, at most {max_minutes} minutes, {vegetarian}."),
                    arg("ingredients", r -> list(r, 1, 4, rr -> text(pick(rr, FOODS)))),
                    arg("max_minutes", r -> integer(r, 10, 120)),
                    arg("vegetarian", r -> bool(r, "vegetarian", "meat is fine"))),
            tool(
                    "create_invoice",
                    List.of("Invoice {customer} in {currency} for {items}.", "Bill {customer} ({currency}): {items}."),
                    arg("customer", r -> text(pick(r, PEOPLE) + " " + cap(pick(r, WORDS)) + " Ltd")),
                    arg("items", r -> list(r, 1, 3, ToolCallTasks::lineItem)),
                    arg("currency", r -> text(pick(r, new String[] {"EUR", "USD", "GBP"})))),
            tool(
                    "schedule_meeting",
                    List.of(
                            "Schedule a {duration_minutes} minute meeting about {topic} with {participants}.",
                            "Meet {participants} for {duration_minutes} minutes on {topic}."),
                    arg("participants", r -> list(r, 1, 4, rr -> text(pick(rr, PEOPLE)))),
                    arg("duration_minutes", r -> integer(r, 15, 120)),
                    arg("topic", r -> text(pick(r, WORDS)))),
            tool(
                    "track_package",
                    List.of("Where is my package {tracking_number}?", "Track parcel {tracking_number}."),
                    arg("tracking_number", r -> text("PKG" + (100000 + r.nextInt(900000))))),
            tool(
                    "rent_car",
                    List.of(
                            "Rent a {category} car in {city} from {pickup_date} for {days} days.",
                            "Car rental: {city}, {pickup_date}, {days} days, {category}."),
                    arg("city", r -> text(pick(r, CITIES))),
                    arg("pickup_date", ToolCallTasks::date),
                    arg("days", r -> integer(r, 1, 21)),
                    arg("category", r -> text(pick(r, new String[] {"economy", "compact", "van", "electric"})))),
            tool(
                    "get_directions",
                    List.of("How do I get from {from} to {to} by {mode}?", "Directions {from} to {to}, {mode}."),
                    arg("from", r -> text(pick(r, CITIES))),
                    arg("to", r -> text(pick(r, CITIES))),
                    arg("mode", r -> text(pick(r, new String[] {"car", "train", "bike", "foot"})))),
            tool(
                    "lookup_word",
                    List.of("Look up the word '{word}' in the {language} dictionary.", "Define '{word}' ({language})."),
                    arg("word", r -> text(pick(r, WORDS))),
                    arg("language", r -> text(pick(r, new String[] {"English", "Spanish", "Veltic"})))),
            tool(
                    "reserve_hotel",
                    List.of(
                            "Reserve a hotel in {city} from {check_in} for {nights} nights, {guests} guests, {breakfast}.",
                            "Hotel: {city}, check-in {check_in}, {nights} nights, {guests} guests, {breakfast}."),
                    arg("city", r -> text(pick(r, CITIES))),
                    arg("check_in", ToolCallTasks::date),
                    arg("nights", r -> integer(r, 1, 14)),
                    arg("guests", r -> integer(r, 1, 4)),
                    arg("breakfast", r -> bool(r, "with breakfast", "no breakfast"))),
            tool(
                    "transfer_money",
                    List.of(
                            "Transfer {amount} from {from_account} to {to_account} with note '{note}'.",
                            "Send {amount} from account {from_account} to {to_account}, note '{note}'."),
                    arg("from_account", r -> text("ACC-" + (1000 + r.nextInt(9000)))),
                    arg("to_account", r -> text("ACC-" + (1000 + r.nextInt(9000)))),
                    arg("amount", r -> decimal(r, 1, 9000)),
                    arg("note", r -> text(quotedPhrase(r)))),
            tool(
                    "post_message",
                    List.of("Post '{text}' to #{channel}, {pin}.", "Write '{text}' in #{channel} and {pin}."),
                    arg("channel", r -> text(pick(r, WORDS))),
                    arg("text", r -> text(escapedSentence(r))),
                    arg("pin", r -> bool(r, "pin it", "do not pin it"))),
            tool(
                    "run_query",
                    List.of(
                            "Query {table} where {filters.field} is {filters.value}, limit {limit}.",
                            "Select from {table} with {filters.field} = {filters.value}, at most {limit} rows."),
                    arg("table", r -> text(pick(r, new String[] {"orders", "users", "events", "invoices"}))),
                    arg(
                            "filters",
                            r -> object(
                                    r,
                                    List.of(
                                            arg(
                                                    "field",
                                                    rr -> text(pick(rr, new String[] {"status", "country", "plan"}))),
                                            arg(
                                                    "value",
                                                    rr -> text(
                                                            pick(rr, new String[] {"open", "closed", "gold", "FR", "JP"
                                                            })))))),
                    arg("limit", r -> integer(r, 1, 500))),
            tool(
                    "resize_image",
                    List.of(
                            "Resize {path} to {width} by {height}, {keep_aspect}.",
                            "Make {path} {width}x{height}, {keep_aspect}."),
                    arg("path", r -> text("C:\\images\\" + pick(r, WORDS) + ".png")),
                    arg("width", r -> integer(r, 16, 4096)),
                    arg("height", r -> integer(r, 16, 4096)),
                    arg("keep_aspect", r -> bool(r, "keep the aspect ratio", "stretch it"))),
            tool(
                    "get_news",
                    List.of("Show me {count} news stories about {topic}.", "Top {count} headlines on {topic}."),
                    arg("topic", r -> text(pick(r, WORDS))),
                    arg("count", r -> integer(r, 1, 20))),
            tool(
                    "set_reminder",
                    List.of("Remind me to {text} in {minutes} minutes.", "In {minutes} minutes, remind me: {text}."),
                    arg(
                            "text",
                            r -> text(pick(r, new String[] {"call", "email", "pay", "water"}) + " " + pick(r, PEOPLE))),
                    arg("minutes", r -> integer(r, 1, 240))),
            tool(
                    "compute_route_distance",
                    List.of("How long is the route through {points}?", "Distance along the points {points}."),
                    arg("points", r -> list(r, 2, 3, ToolCallTasks::point))),
            tool(
                    "update_profile",
                    List.of(
                            "Update user {user_id}: email {fields.email}, display name '{fields.display_name}'.",
                            "For user {user_id} set the email to {fields.email} and the name to '{fields.display_name}'."),
                    arg("user_id", r -> integer(r, 1, 99999)),
                    arg(
                            "fields",
                            r -> object(
                                    r,
                                    List.of(
                                            arg(
                                                    "email",
                                                    rr -> text(pick(rr, PEOPLE).toLowerCase() + "@mail.test")),
                                            arg(
                                                    "display_name",
                                                    rr -> text(pick(rr, PEOPLE) + " " + pick(rr, PEOPLE))))))));

    int toolCount() {
        return tools.size();
    }

    List<String> toolNames() {
        return tools.stream().map(Tool::name).toList();
    }

    TaskExample next(Random r) {
        Tool tool = tools.get(r.nextInt(tools.size()));
        ObjectNode arguments = NODES.objectNode();
        Map<String, String> phrases = new LinkedHashMap<>();
        for (Arg a : tool.args()) {
            Value v = a.generator().apply(r);
            arguments.set(a.name(), v.json());
            v.phrases().forEach((k, p) -> phrases.put(k.isEmpty() ? a.name() : a.name() + "." + k, p));
        }
        String instruction = tool.templates().get(r.nextInt(tool.templates().size()));
        for (Map.Entry<String, String> e : phrases.entrySet()) {
            instruction = instruction.replace("{" + e.getKey() + "}", e.getValue());
        }
        ObjectNode call = NODES.objectNode();
        call.put("tool", tool.name());
        call.set("arguments", arguments);
        try {
            return new TaskExample(
                    TaskFamily.TOOL_CALL,
                    instruction,
                    " " + JSON.writeValueAsString(call),
                    new Check.ToolCall(tool.name(), arguments));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Tool tool(String name, List<String> templates, Arg... args) {
        return new Tool(name, templates, List.of(args));
    }

    private static Arg arg(String name, Function<Random, Value> generator) {
        return new Arg(name, generator);
    }

    static String pick(Random r, String[] options) {
        return options[r.nextInt(options.length)];
    }

    private static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static Value text(String s) {
        return Value.of(NODES.textNode(s), s);
    }

    private static Value integer(Random r, int lo, int hi) {
        int v = lo + r.nextInt(hi - lo + 1);
        return Value.of(NODES.numberNode(v), Integer.toString(v));
    }

    private static Value decimal(Random r, int lo, int hi) {
        BigDecimal v = BigDecimal.valueOf(lo * 100L + r.nextInt((hi - lo) * 100), 2);
        return Value.of(NODES.numberNode(v), v.toPlainString());
    }

    private static Value bool(Random r, String whenTrue, String whenFalse) {
        boolean b = r.nextBoolean();
        return Value.of(NODES.booleanNode(b), b ? whenTrue : whenFalse);
    }

    private static Value date(Random r) {
        String d = String.format("2025-%02d-%02d", 1 + r.nextInt(12), 1 + r.nextInt(28));
        return text(d);
    }

    private static Value time(Random r) {
        return text(String.format("%02d:%02d", r.nextInt(24), 15 * r.nextInt(4)));
    }

    private static String quotedPhrase(Random r) {
        return cap(pick(r, WORDS)) + " \"" + pick(r, WORDS) + "\" v" + (1 + r.nextInt(9));
    }

    private static String escapedSentence(Random r) {
        String[] forms = {
            "See \"%s\" in C:\\docs\\%s.txt",
            "The %s is ready, the %s is not",
            "Tab\tseparated %s and %s",
            "Say \"hi\" to the %s team about the %s"
        };
        return String.format(pick(r, forms), pick(r, WORDS), pick(r, WORDS));
    }

    private static Value list(Random r, int min, int max, Function<Random, Value> item) {
        int n = min + r.nextInt(max - min + 1);
        ArrayNode array = NODES.arrayNode();
        List<String> phrases = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Value v = item.apply(r);
            array.add(v.json());
            phrases.add(v.phrases().get(""));
        }
        String phrase = phrases.size() == 1
                ? phrases.get(0)
                : String.join(", ", phrases.subList(0, phrases.size() - 1)) + " and " + phrases.get(phrases.size() - 1);
        return Value.of(array, phrase);
    }

    private static Value object(Random r, List<Arg> fields) {
        ObjectNode o = NODES.objectNode();
        Map<String, String> phrases = new LinkedHashMap<>();
        for (Arg f : fields) {
            Value v = f.generator().apply(r);
            o.set(f.name(), v.json());
            phrases.put(f.name(), v.phrases().get(""));
        }
        return new Value(o, phrases);
    }

    private static Value lineItem(Random r) {
        ObjectNode o = NODES.objectNode();
        String name = pick(r, FOODS);
        int qty = 1 + r.nextInt(9);
        BigDecimal price = BigDecimal.valueOf(100 + r.nextInt(9900), 2);
        o.put("name", name);
        o.put("qty", qty);
        o.put("price", price);
        return Value.of(o, qty + " " + name + " at " + price.toPlainString());
    }

    private static Value point(Random r) {
        ArrayNode p = NODES.arrayNode();
        BigDecimal lat = BigDecimal.valueOf(r.nextInt(18000) - 9000, 2);
        BigDecimal lon = BigDecimal.valueOf(r.nextInt(36000) - 18000, 2);
        p.add(lat);
        p.add(lon);
        return Value.of(p, "(" + lat.toPlainString() + ", " + lon.toPlainString() + ")");
    }
}
