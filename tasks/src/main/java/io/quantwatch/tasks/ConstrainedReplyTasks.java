package io.quantwatch.tasks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Replies under a format constraint: exactly N sentences, only the value, a list of exactly N items, yes or no. */
final class ConstrainedReplyTasks {
    private static final String[][] TOPICS = {
        {
            "bees",
            "Bees live in large colonies.",
            "A queen lays the eggs.",
            "Workers collect nectar from flowers.",
            "Honey is stored in wax cells.",
            "Bees dance to share directions."
        },
        {
            "the moon",
            "The moon orbits the earth.",
            "It has no air to breathe.",
            "Its surface is covered in dust.",
            "The same side always faces us.",
            "Tides follow its pull."
        },
        {
            "rain",
            "Rain falls from clouds.",
            "Clouds form when vapor cools.",
            "Drops grow until they are heavy.",
            "Rain fills rivers and lakes.",
            "Some rain freezes into hail."
        },
        {
            "trains",
            "Trains run on steel rails.",
            "Many trains are electric.",
            "A locomotive pulls the cars.",
            "Fast trains link large cities.",
            "Stations are where trains stop."
        },
        {
            "volcanoes",
            "Volcanoes release molten rock.",
            "Lava cools into new stone.",
            "Ash can travel very far.",
            "Some volcanoes sleep for centuries.",
            "Islands can rise from eruptions."
        },
        {
            "libraries",
            "Libraries lend books for free.",
            "Books are sorted by subject.",
            "Librarians help people find answers.",
            "Quiet rooms are made for reading.",
            "Many libraries also lend music."
        }
    };
    private static final String[][] CATEGORIES = {
        {"fruits", "apple", "pear", "plum", "mango", "cherry", "grape", "lemon"},
        {"colors", "red", "blue", "green", "yellow", "purple", "orange", "white"},
        {"tools", "hammer", "saw", "wrench", "drill", "chisel", "pliers", "file"},
        {"animals", "otter", "heron", "badger", "lynx", "gecko", "bison", "crab"}
    };
    private static final String[] NUMBER_WORDS = {"zero", "one", "two", "three", "four", "five"};

    private final List<String[]> facts = new ArrayList<>();

    ConstrainedReplyTasks() {
        // A closed, invented fact table the model memorizes: 40 places with a capital, a founder and a year.
        Random fixed = new Random(1234);
        String[] syllables = {
            "vel", "mor", "tan", "kri", "osa", "lun", "dar", "ish", "pel", "quo", "rin", "sal", "tor", "ubi", "zen"
        };
        for (int i = 0; i < 40; i++) {
            String place = cap(word(fixed, syllables, 2 + fixed.nextInt(2)));
            facts.add(new String[] {place, "capital", cap(word(fixed, syllables, 2))});
            facts.add(
                    new String[] {place, "founder", ToolCallTasks.PEOPLE[fixed.nextInt(ToolCallTasks.PEOPLE.length)]});
            facts.add(new String[] {place, "founding year", Integer.toString(1200 + fixed.nextInt(700))});
        }
    }

    private static String word(Random r, String[] syllables, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(syllables[r.nextInt(syllables.length)]);
        }
        return b.toString();
    }

    private static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    TaskExample next(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> sentences(r);
            case 1 -> valueOnly(r);
            case 2 -> list(r);
            default -> yesNo(r);
        };
    }

    private TaskExample sentences(Random r) {
        String[] topic = TOPICS[r.nextInt(TOPICS.length)];
        int n = 1 + r.nextInt(4);
        List<String> pool = new ArrayList<>(List.of(topic).subList(1, topic.length));
        Collections.shuffle(pool, r);
        String instruction = r.nextBoolean()
                ? "Answer in exactly " + NUMBER_WORDS[n] + " sentence" + (n == 1 ? "" : "s") + ": tell me about "
                        + topic[0] + "."
                : "In " + n + " sentence" + (n == 1 ? "" : "s") + ", describe " + topic[0] + ".";
        return new TaskExample(
                TaskFamily.CONSTRAINED_REPLY,
                instruction,
                " " + String.join(" ", pool.subList(0, n)),
                new Check.SentenceCount(n));
    }

    private TaskExample valueOnly(Random r) {
        String[] f = facts.get(r.nextInt(facts.size()));
        String instruction = r.nextBoolean()
                ? "Reply with only the value: what is the " + f[1] + " of " + f[0] + "?"
                : "What is the " + f[1] + " of " + f[0] + "? Answer with the value only.";
        return new TaskExample(TaskFamily.CONSTRAINED_REPLY, instruction, " " + f[2], new Check.ValueOnly(f[2]));
    }

    private TaskExample list(Random r) {
        String[] cat = CATEGORIES[r.nextInt(CATEGORIES.length)];
        int n = 2 + r.nextInt(4);
        List<String> pool = new ArrayList<>(List.of(cat).subList(1, cat.length));
        Collections.shuffle(pool, r);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            out.append(i == 0 ? " " : "\n").append(i + 1).append(". ").append(pool.get(i));
        }
        String instruction = "List exactly " + NUMBER_WORDS[n] + " " + cat[0] + ", one per line, numbered.";
        return new TaskExample(TaskFamily.CONSTRAINED_REPLY, instruction, out.toString(), new Check.ItemCount(n));
    }

    private TaskExample yesNo(Random r) {
        int a = 10 + r.nextInt(90);
        int b = 10 + r.nextInt(90);
        if (a == b) {
            b = a + 1;
        }
        String answer = a > b ? "yes" : "no";
        return new TaskExample(
                TaskFamily.CONSTRAINED_REPLY,
                "Answer yes or no only: is " + a + " greater than " + b + "?",
                " " + answer,
                new Check.ValueOnly(answer));
    }
}
