package io.quantwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line wires its subcommands and reports bad options by name. */
class QuantwatchCommandTest {

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = QuantwatchCommand.commandLine();
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

    @Test
    void aBadRecipeEndsWithItsMessageNotAStackTrace() {
        String[] r = run("evaluate", "--candidates", "int8 sym; int9", "--prompts", "does-not-exist.jsonl");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2])
                .startsWith("quantwatch: unknown mode 'int9'")
                .contains("int8, int4, nf4, fp8_e4m3")
                .doesNotContain("\tat ");
    }

    @Test
    void aBadConfigurationStopsRunAtStartNamingTheField() {
        String[] r = run("run", "--set", "sampling.rate=2");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2])
                .startsWith("quantwatch: sampling.rate: must be in (0, 1]")
                .doesNotContain("\tat ");
    }

    @Test
    void theExampleDeploymentConfigurationIsValid() {
        Path root = Path.of(System.getProperty("quantwatch.root", "."));
        String[] r = run(
                "run",
                "--config",
                root.resolve("deploy/quantwatch.yaml").toString(),
                "--set",
                "reference.model=" + root.resolve("models/quantwatch-demo-f16.gguf"),
                "--print-config");
        assertThat(r[2]).isEmpty();
        assertThat(r[0]).isEqualTo("0");
    }

    @Test
    void printConfigMasksSecretsInClearAndShowsReferences() {
        Path root = Path.of(System.getProperty("quantwatch.root", "."));
        String[] r = run(
                "run",
                "--set",
                "reference.model=" + root.resolve("models/quantwatch-demo-f16.gguf"),
                "--set",
                "kafka.properties.sasl\\.jaas\\.config='org.apache.kafka.common.security.scram.ScramLoginModule"
                        + " required username=\"qw\" password=\"hunter2-in-clear\";'",
                "--set",
                "kafka.properties.ssl\\.key\\.password=also-in-clear",
                "--set",
                "kafka.properties.ssl\\.truststore\\.password='${file:/run/secrets/truststore-password}'",
                "--print-config");
        assertThat(r[0]).isEqualTo("0");
        assertThat(r[1])
                .doesNotContain("hunter2-in-clear")
                .doesNotContain("also-in-clear")
                .contains("username=\\\"qw\\\" password=\\\"******\\\"")
                .contains("ssl.key.password: \"******\"")
                .contains("${file:/run/secrets/truststore-password}");
    }

    @Test
    void aBadOverrideOfASecretIsReportedWithoutTheSecret() {
        String[] r = run("run", "--set", "kafka.properties.ssl\\.key\\.password=[unclosed-secret-value");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("ssl\\.key\\.password").doesNotContain("unclosed-secret-value");
    }
}
