package io.quantwatch.detectors.review;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PiiRedactorTest {
    private final PiiRedactor redactor = new PiiRedactor(200);

    @Test
    void masksContactDetailsAndIdentifiers() {
        String out = redactor.redact(
                "Mail jane.doe+x@example.co.uk or call +44 20 7946 0958 from 10.0.12.7, card 4111-1111-1111-1111");
        assertThat(out)
                .doesNotContain("jane", "example", "7946", "10.0.12.7", "4111")
                .contains("[EMAIL]", "[NUMBER]", "[IP]");
    }

    @Test
    void keepsJsonShapeAndSmallNumbers() {
        String out = redactor.redact(
                "{\"tool\": \"add_todo\", \"priority\": 1, \"owner\": \"ops@corp.io\", \"id\": 123456789}");
        assertThat(out)
                .isEqualTo("{\"tool\": \"add_todo\", \"priority\": 1, \"owner\": \"[EMAIL]\", \"id\": [NUMBER]}");
    }

    @Test
    void masksCredentialsInUrls() {
        assertThat(redactor.redact("postgres://admin:s3cret@db:5432/x"))
                .isEqualTo("postgres://[CREDENTIALS]@db:5432/x");
    }

    @Test
    void cutsLongTextsAndSaysHowMuchWasCut() {
        String out = new PiiRedactor(16).cut("a".repeat(40));
        assertThat(out).startsWith("a".repeat(16)).endsWith("[24 more chars]");
        assertThat(redactor.redact(null)).isEmpty();
    }
}
