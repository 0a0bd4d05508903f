package io.streamavg.bridge;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate made at test time by the JDK's keytool (the JDK has no API to make
 * one, and the tests take no BouncyCastle), written as the PEM files the bridge reads, and the
 * TLS context of a client that trusts it or presents it.
 *
 * @param keyStore the PKCS#12 key store keytool wrote: the key and its certificate
 * @param certPem  the certificate, PEM
 * @param keyPem   the private key, unencrypted PKCS#8 PEM
 */
record TestCertificates(Path keyStore, Path certPem, Path keyPem) {

    private static final char[] PASSWORD = "changeit".toCharArray();

    /** @param algorithm RSA or EC */
    static TestCertificates create(final Path dir, final String name, final String algorithm) throws Exception {
        Files.createDirectories(dir);
        final Path keyStore = dir.resolve(name + ".p12");
        final List<String> command = new java.util.ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair", "-alias", name,
                "-keyalg", algorithm, "-dname", "CN=" + name, "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-keystore", keyStore.toString(), "-storetype", "PKCS12",
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)));
        command.addAll(algorithm.equals("EC") ? List.of("-groupname", "secp256r1") : List.of("-keysize", "2048"));
        final Path log = dir.resolve(name + ".keytool.log");
        final Process keytool = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!keytool.waitFor(120, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            keytool.destroyForcibly();
            throw new IllegalStateException("keytool failed: " + Files.readString(log));
        }
        final KeyStore store = load(keyStore);
        final Path certPem = dir.resolve(name + ".crt.pem");
        final Path keyPem = dir.resolve(name + ".key.pem");
        Files.writeString(certPem, pem("CERTIFICATE", store.getCertificate(name).getEncoded()), StandardCharsets.US_ASCII);
        Files.writeString(keyPem, pem("PRIVATE KEY", store.getKey(name, PASSWORD).getEncoded()), StandardCharsets.US_ASCII);
        return new TestCertificates(keyStore, certPem, keyPem);
    }

    /** A client context trusting {@code server}'s certificate, presenting {@code clientCertificate}'s when not null. */
    static SSLContext client(final TestCertificates server, final TestCertificates clientCertificate) throws Exception {
        final KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("server", server.certificate());
        final TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        final SSLContext context = SSLContext.getInstance("TLS");
        if (clientCertificate == null) {
            context.init(null, trust.getTrustManagers(), null);
        } else {
            final KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(load(clientCertificate.keyStore()), PASSWORD);
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        }
        return context;
    }

    Certificate certificate() throws GeneralSecurityException, IOException {
        final KeyStore store = load(keyStore);
        return store.getCertificate(store.aliases().nextElement());
    }

    private static KeyStore load(final Path file) throws GeneralSecurityException, IOException {
        final KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD);
        }
        return store;
    }

    private static String pem(final String type, final byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
