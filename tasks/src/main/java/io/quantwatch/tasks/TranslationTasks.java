package io.quantwatch.tasks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * English ↔ Veltic, an invented language with a closed dictionary: word-for-word, except that
 * adjectives follow their noun. Names and code identifiers pass through unchanged; a set of rare
 * words appears in few sentences, so their tokens are the first a damaged model loses.
 */
final class TranslationTasks {
    private static final String[] NOUNS = {
        "house",
        "river",
        "child",
        "dog",
        "tree",
        "road",
        "book",
        "bird",
        "door",
        "city",
        "boat",
        "song",
        "bread",
        "stone",
        "window",
        "garden",
        "horse",
        "market",
        "letter",
        "mountain"
    };
    private static final String[] ADJECTIVES = {
        "big", "small", "red", "old", "new", "quiet", "bright", "cold", "green", "happy"
    };
    private static final String[] VERBS = {"sees", "finds", "likes", "carries", "opens", "follows", "paints", "builds"};
    private static final String[] RARE = {
        "lighthouse", "saffron", "harpsichord", "quartz", "marmalade", "zeppelin", "obsidian", "accordion"
    };
    private static final String[] IDENTIFIERS = {
        "user_id", "getValue()", "MAX_RETRIES", "parseJson", "http_client", "--dry-run"
    };

    private final Map<String, String> toVeltic = new LinkedHashMap<>();
    private final Map<String, String> toEnglish = new LinkedHashMap<>();

    TranslationTasks() {
        Random fixed = new Random(77);
        String[] onsets = {"k", "v", "t", "r", "m", "z", "sh", "dr", "l", "p", "gr", "n"};
        String[] vowels = {"a", "o", "i", "u", "e", "ae", "io"};
        List<String> english = new ArrayList<>(List.of("the", "a", "and"));
        english.addAll(List.of(NOUNS));
        english.addAll(List.of(ADJECTIVES));
        english.addAll(List.of(VERBS));
        english.addAll(List.of(RARE));
        for (String w : english) {
            String v;
            do {
                StringBuilder b = new StringBuilder();
                int syl = w.length() <= 3 ? 1 : 2 + fixed.nextInt(2);
                for (int i = 0; i < syl; i++) {
                    b.append(onsets[fixed.nextInt(onsets.length)]).append(vowels[fixed.nextInt(vowels.length)]);
                }
                v = b.toString();
            } while (toEnglish.containsKey(v));
            toVeltic.put(w, v);
            toEnglish.put(v, w);
        }
    }

    TaskExample next(Random r) {
        List<String> english = sentence(r);
        List<String> veltic = new ArrayList<>();
        // Veltic puts the adjective after its noun.
        for (int i = 0; i < english.size(); i++) {
            String w = english.get(i);
            if (i + 1 < english.size() && List.of(ADJECTIVES).contains(w)) {
                veltic.add(translate(english.get(i + 1)));
                veltic.add(translate(w));
                i++;
            } else {
                veltic.add(translate(w));
            }
        }
        String en = String.join(" ", english);
        String ve = String.join(" ", veltic);
        if (r.nextInt(3) == 0) {
            return new TaskExample(
                    TaskFamily.TRANSLATION, "Translate to English: " + ve, " " + en, new Check.ExactText(en));
        }
        return new TaskExample(TaskFamily.TRANSLATION, "Translate to Veltic: " + en, " " + ve, new Check.ExactText(ve));
    }

    private String translate(String w) {
        return toVeltic.getOrDefault(w, w); // names and identifiers pass through
    }

    private static List<String> sentence(Random r) {
        List<String> s = new ArrayList<>();
        s.add(r.nextBoolean() ? "the" : "a");
        if (r.nextBoolean()) {
            s.add(pick(r, ADJECTIVES));
        }
        s.add(r.nextInt(10) == 0 ? pick(r, RARE) : pick(r, NOUNS));
        s.add(pick(r, VERBS));
        int object = r.nextInt(6);
        if (object == 0) {
            s.add(pick(r, ToolCallTasks.PEOPLE));
        } else if (object == 1) {
            s.add(pick(r, IDENTIFIERS));
        } else {
            s.add("the");
            if (r.nextBoolean()) {
                s.add(pick(r, ADJECTIVES));
            }
            s.add(r.nextInt(10) == 0 ? pick(r, RARE) : pick(r, NOUNS));
        }
        if (r.nextInt(4) == 0) {
            s.add("and");
            s.add("the");
            s.add(pick(r, NOUNS));
        }
        return s;
    }

    private static String pick(Random r, String[] options) {
        return options[r.nextInt(options.length)];
    }
}
