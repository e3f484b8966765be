package io.quantwatch.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority and certificates signed by it, made by the JDK's {@code keytool} at test time (PKCS12, one
 * password): the broker's (valid for 127.0.0.1 and localhost), a client's for mutual TLS, and a second, unrelated CA
 * whose truststore a client can be given to see an untrusted broker refused.
 */
public record TestCertificates(
        Path dir,
        String password,
        Path caTruststore,
        Path brokerKeystore,
        Path clientKeystore,
        Path otherCaTruststore,
        String clientPrincipal) {

    /** Makes everything under {@code dir} (about 3 s: keytool is a JVM per step). */
    public static TestCertificates create(Path dir) {
        try {
            java.nio.file.Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        String pw = "changeit-" + Long.toHexString(System.nanoTime());
        Path truststore = authority(dir, "ca", "CN=QuantWatch Test CA", pw);
        Path ca = dir.resolve("ca.p12");
        Path caCert = dir.resolve("ca.crt");
        Path broker = signed(dir, "broker", "CN=localhost", "SAN=ip:127.0.0.1,dns:localhost", ca, caCert, pw);
        Path client = signed(dir, "client", "CN=quantwatch-client", null, ca, caCert, pw);
        Path otherTruststore = authority(dir, "other-ca", "CN=Some Other CA", pw);
        return new TestCertificates(dir, pw, truststore, broker, client, otherTruststore, "User:CN=quantwatch-client");
    }

    /** A certificate authority {@code name}.p12, its certificate {@code name}.crt, and a truststore holding it. */
    private static Path authority(Path dir, String name, String dname, String pw) {
        Path keystore = dir.resolve(name + ".p12");
        Path cert = dir.resolve(name + ".crt");
        Path truststore = dir.resolve(name + "-truststore.p12");
        keyPair(dir, "ca", dname, keystore, pw, true);
        keytool(
                dir,
                "-exportcert",
                "-rfc",
                "-alias",
                "ca",
                "-keystore",
                keystore.toString(),
                "-storepass",
                pw,
                "-file",
                cert.toString());
        trustCa(dir, cert, truststore, pw);
        return truststore;
    }

    /** A key pair for {@code name}, its certificate signed by the CA, stored with the CA's certificate as its chain. */
    private static Path signed(Path dir, String name, String dname, String san, Path ca, Path caCert, String pw) {
        Path keystore = dir.resolve(name + ".p12");
        Path csr = dir.resolve(name + ".csr");
        Path crt = dir.resolve(name + ".crt");
        keyPair(dir, name, dname, keystore, pw, false);
        keytool(
                dir,
                "-certreq",
                "-alias",
                name,
                "-keystore",
                keystore.toString(),
                "-storepass",
                pw,
                "-file",
                csr.toString());
        List<String> gencert = new ArrayList<>(List.of(
                "-gencert",
                "-alias",
                "ca",
                "-keystore",
                ca.toString(),
                "-storepass",
                pw,
                "-infile",
                csr.toString(),
                "-outfile",
                crt.toString(),
                "-rfc",
                "-validity",
                "2"));
        if (san != null) {
            gencert.addAll(List.of("-ext", san));
        }
        keytool(dir, gencert.toArray(String[]::new));
        trustCa(dir, caCert, keystore, pw);
        keytool(
                dir,
                "-importcert",
                "-alias",
                name,
                "-file",
                crt.toString(),
                "-keystore",
                keystore.toString(),
                "-storepass",
                pw);
        return keystore;
    }

    /** Adds the CA certificate {@code cert} to {@code keystore} (created when absent) as the trusted entry "ca". */
    private static void trustCa(Path dir, Path cert, Path keystore, String pw) {
        keytool(
                dir,
                "-importcert",
                "-noprompt",
                "-alias",
                "ca",
                "-file",
                cert.toString(),
                "-keystore",
                keystore.toString(),
                "-storepass",
                pw,
                "-storetype",
                "PKCS12");
    }

    /** A 2048-bit RSA key pair valid for two days under {@code alias}; a certificate authority's may sign others. */
    private static void keyPair(Path dir, String alias, String dname, Path keystore, String pw, boolean authority) {
        List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", alias, "-dname", dname));
        if (authority) {
            args.addAll(List.of("-ext", "bc:c"));
        }
        args.addAll(List.of(
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "2",
                "-keystore",
                keystore.toString(),
                "-storepass",
                pw,
                "-storetype",
                "PKCS12"));
        keytool(dir, args.toArray(String[]::new));
    }

    private static void keytool(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run keytool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }

    /** Client properties for mutual TLS with this CA (the client's certificate, the CA as trust). */
    public java.util.Map<String, String> mutualTlsClient() {
        return java.util.Map.of(
                "security.protocol",
                "SSL",
                "ssl.truststore.location",
                caTruststore.toString(),
                "ssl.truststore.password",
                password,
                "ssl.truststore.type",
                "PKCS12",
                "ssl.keystore.location",
                clientKeystore.toString(),
                "ssl.keystore.password",
                password,
                "ssl.key.password",
                password,
                "ssl.keystore.type",
                "PKCS12");
    }
}
