package io.quantwatch.tasks;

import java.util.Random;

/** Long templated story continuations (roughly 200–400 tokens), where repetition drift shows. */
final class StoryTasks {
    private static final String[] PLACES = {
        "a quiet harbor town",
        "the edge of a pine forest",
        "an old mountain village",
        "a busy river port",
        "a small island",
        "the outskirts of a desert city"
    };
    private static final String[] JOBS = {
        "baker", "clockmaker", "sailor", "gardener", "librarian", "blacksmith", "painter"
    };
    private static final String[] OBJECTS = {
        "a brass key", "a torn map", "a silver bell", "a sealed letter", "a wooden box", "a broken compass"
    };
    private static final String[] EVENTS = {
        "One morning %s found %s hidden under the floor.", "At noon a stranger asked %s about %s.",
        "That evening %s studied %s by candlelight.", "During the storm %s kept %s safe and dry.",
        "Before dawn %s carried %s to the market square.", "Later %s showed %s to an old friend."
    };
    private static final String[] MIDDLES = {
        "The streets were empty and the wind smelled of salt.", "Nobody in town remembered where it came from.",
        "A cat watched from the window and said nothing.", "The bells of the tower rang twice and then stopped.",
        "Rain drummed on the roof for hours.", "A cart rolled past, loaded with apples and rope.",
        "The river rose a little higher than usual.", "Smoke curled from every chimney on the hill."
    };
    private static final String[] ENDINGS = {
        "In the end %s understood that %s had been a gift all along.",
        "Years later %s still kept %s on the shelf above the door.",
        "And so %s gave %s back to the sea and went home smiling."
    };

    /**
     * The story is a function of its opening (name, job, place), so a model can learn to continue it
     * exactly and any later divergence is drift rather than chance.
     */
    TaskExample next(Random r) {
        String name = ToolCallTasks.PEOPLE[r.nextInt(ToolCallTasks.PEOPLE.length)];
        int job = r.nextInt(JOBS.length);
        int place = r.nextInt(PLACES.length);
        String object = OBJECTS[(job + place) % OBJECTS.length];
        String opening = "Once there was a " + JOBS[job] + " named " + name + " who lived in " + PLACES[place] + ".";
        StringBuilder story = new StringBuilder();
        for (int p = 0; p < EVENTS.length; p++) {
            story.append(' ').append(String.format(EVENTS[(p + job) % EVENTS.length], name, object));
            story.append(' ').append(MIDDLES[(p + place) % MIDDLES.length]);
            story.append(' ').append(MIDDLES[(p + job + 3) % MIDDLES.length]);
        }
        story.append(' ').append(String.format(ENDINGS[place % ENDINGS.length], name, object));
        return new TaskExample(
                TaskFamily.LONG_CONTINUATION,
                "Continue the story: " + opening,
                story.toString(),
                new Check.Continuation(80));
    }
}
