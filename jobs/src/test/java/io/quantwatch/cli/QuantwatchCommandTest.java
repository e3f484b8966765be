package io.quantwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line wires its subcommands and reports bad options by name. */
class QuantwatchCommandTest {

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new QuantwatchCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void helpListsTheBenchCommand() {
        String[] r = run("bench", "--help");
        assertThat(r[0]).isEqualTo("0");
        assertThat(r[1]).contains("engine");
    }

    @Test
    void badOptionValueNamesTheOption() {
        String[] r = run("bench", "engine", "--threads", "two");
        assertThat(r[0]).isNotEqualTo("0");
        assertThat(r[2]).contains("--threads").contains("two");
    }
}
