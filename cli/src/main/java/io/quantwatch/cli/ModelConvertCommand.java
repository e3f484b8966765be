package io.quantwatch.cli;

import io.quantwatch.engine.gguf.GgmlType;
import io.quantwatch.engine.model.Llama2cToGguf;
import io.quantwatch.engine.model.LlamaConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code quantwatch model convert}: a llama2.c checkpoint and its tokenizer.bin as a GGUF reference. */
@Command(
        name = "convert",
        mixinStandardHelpOptions = true,
        description = "Write a llama2.c checkpoint (e.g. TinyStories stories15M.bin) and its tokenizer.bin as GGUF.")
public final class ModelConvertCommand implements Callable<Integer> {

    @Option(names = "--llama2c", required = true, description = "The llama2.c checkpoint (run.c format).")
    Path checkpoint;

    @Option(names = "--tokenizer", required = true, description = "Its tokenizer.bin.")
    Path tokenizer;

    @Option(names = "--out", required = true, description = "GGUF file to write.")
    Path out;

    @Option(
            names = "--type",
            defaultValue = "F16",
            description = "Matrix type: F16 or F32 (default: ${DEFAULT-VALUE}); norms stay F32.")
    GgmlType type;

    @Override
    public Integer call() throws Exception {
        LlamaConfig c = Llama2cToGguf.convert(checkpoint, tokenizer, out, type);
        System.out.printf(
                "wrote %s (%,d bytes): dim %d, %d layers, %d/%d heads, vocab %d, context %d, %s matrices%n",
                out,
                Files.size(out),
                c.dim(),
                c.layers(),
                c.heads(),
                c.kvHeads(),
                c.vocabSize(),
                c.contextLength(),
                type);
        return 0;
    }
}
