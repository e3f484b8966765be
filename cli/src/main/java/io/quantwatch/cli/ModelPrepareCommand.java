package io.quantwatch.cli;

import io.quantwatch.engine.tokenizer.ByteLevelBpeTrainer;
import io.quantwatch.engine.tokenizer.Tokenizer;
import io.quantwatch.tasks.TaskExample;
import io.quantwatch.tasks.TaskFamily;
import io.quantwatch.tasks.TaskGenerator;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quantwatch model prepare}: generates the seeded training corpus from the task families,
 * learns the byte-level BPE tokenizer on it, and writes the token streams the Python trainer reads
 * (uint16 little-endian; each example is BOS, prompt, completion, EOS).
 */
@Command(
        name = "prepare",
        mixinStandardHelpOptions = true,
        description = "Generate the corpus, learn the tokenizer and write train.bin / val.bin for the trainer.")
public final class ModelPrepareCommand implements Callable<Integer> {

    @Option(names = "--out", defaultValue = "models/build", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--examples",
            defaultValue = "120000",
            description = "Training examples (default: ${DEFAULT-VALUE}).")
    int examples;

    @Option(
            names = "--vocab",
            defaultValue = "2048",
            description = "Tokenizer vocabulary size, 1000..4000 (default: ${DEFAULT-VALUE}).")
    int vocab;

    @Option(names = "--seed", defaultValue = "1", description = "Corpus seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException {
        if (vocab < 1000 || vocab > 4000 || vocab > 65535) {
            throw new IllegalArgumentException("--vocab must be between 1000 and 4000, got " + vocab);
        }
        Files.createDirectories(out);
        TaskGenerator train = new TaskGenerator(seed);
        List<TaskExample> trainSet = new ArrayList<>(examples);
        for (int i = 0; i < examples; i++) {
            trainSet.add(train.next());
        }
        TaskGenerator validation = new TaskGenerator(seed + 500_000);
        List<TaskExample> valSet = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            valSet.add(validation.next());
        }
        List<String> sample = new ArrayList<>();
        for (int i = 0; i < Math.min(30_000, trainSet.size()); i++) {
            sample.add(trainSet.get(i).prompt());
            sample.add(trainSet.get(i).completion());
        }
        long t0 = System.nanoTime();
        ByteLevelBpeTrainer.Result bpe = ByteLevelBpeTrainer.train(sample, vocab, List.of("<s>", "</s>"));
        DemoTokenizerFile tokenizerFile = new DemoTokenizerFile(bpe.tokens(), bpe.merges(), 0, 1);
        tokenizerFile.write(out.resolve("tokenizer.json"));
        Tokenizer tokenizer = tokenizerFile.tokenizer();
        System.out.printf(
                "tokenizer: %d tokens, %d merges, learned in %.1f s%n",
                bpe.tokens().size(), bpe.merges().size(), (System.nanoTime() - t0) / 1e9);
        Map<TaskFamily, long[]> stats = new EnumMap<>(TaskFamily.class);
        long trainTokens = writeTokens(trainSet, tokenizer, out.resolve("train.bin"), stats);
        long valTokens = writeTokens(valSet, tokenizer, out.resolve("val.bin"), new EnumMap<>(TaskFamily.class));
        System.out.printf(
                "train.bin: %d examples, %d tokens; val.bin: %d examples, %d tokens%n",
                trainSet.size(), trainTokens, valSet.size(), valTokens);
        stats.forEach((f, s) -> System.out.printf(
                "  %-18s %6d examples, mean %.0f tokens%n", f.wireName(), s[0], (double) s[1] / s[0]));
        return 0;
    }

    private static long writeTokens(
            List<TaskExample> set, Tokenizer tokenizer, Path file, Map<TaskFamily, long[]> stats) throws IOException {
        long total = 0;
        int bos = tokenizer.vocabulary().bos();
        int eos = tokenizer.vocabulary().eos();
        try (OutputStream os = Files.newOutputStream(file);
                DataOutputStream data = new DataOutputStream(new BufferedOutputStream(os, 1 << 20))) {
            for (TaskExample t : set) {
                int[] prompt = tokenizer.encode(t.prompt(), false);
                int[] completion = tokenizer.encode(t.completion(), false);
                int n = 2 + prompt.length + completion.length;
                writeToken(data, bos);
                for (int id : prompt) {
                    writeToken(data, id);
                }
                for (int id : completion) {
                    writeToken(data, id);
                }
                writeToken(data, eos);
                total += n;
                long[] s = stats.computeIfAbsent(t.family(), k -> new long[2]);
                s[0]++;
                s[1] += n;
            }
        }
        return total;
    }

    private static void writeToken(DataOutputStream data, int id) throws IOException {
        data.writeShort(Short.reverseBytes((short) id));
    }
}
