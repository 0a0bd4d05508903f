package io.streamavg.bridge;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.apache.kafka.common.config.ConfigException;

/**
 * The ingest port's TLS settings, read and checked at start: each file is parsed here, so that a
 * missing or unusable one stops the bridge naming its option, rather than failing every handshake
 * later. The JDK's TLS provider does the rest (no native library, no BouncyCastle).
 */
final class ServerTls {

    private static final Pattern PEM_BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC");

    private ServerTls() {
    }

    /**
     * The server context for {@code config}'s {@code --tls-*} options, or null for plain TCP.
     *
     * @throws ConfigException naming the option whose file is missing, unreadable or unusable
     */
    static SslContext of(final BridgeConfig config) {
        final String cert = config.tlsCert();
        final String key = config.tlsKey();
        if (cert.isEmpty() && key.isEmpty()) {
            if (!config.tlsClientCa().isEmpty()) {
                throw new ConfigException(BridgeConfig.TLS_CLIENT_CA, config.tlsClientCa(),
                        "checks client certificates of a TLS port: give --" + BridgeConfig.TLS_CERT + " and --" + BridgeConfig.TLS_KEY + " too");
            }
            return null;
        }
        if (cert.isEmpty() || key.isEmpty()) {
            final String missing = cert.isEmpty() ? BridgeConfig.TLS_CERT : BridgeConfig.TLS_KEY;
            final String given = cert.isEmpty() ? BridgeConfig.TLS_KEY : BridgeConfig.TLS_CERT;
            throw new ConfigException(missing, "", "is needed with --" + given + ": TLS takes a certificate and its private key");
        }
        final List<X509Certificate> chain = certificates(BridgeConfig.TLS_CERT, cert);
        final PrivateKey privateKey = privateKey(key);
        if (!matches(privateKey, chain.get(0).getPublicKey())) {
            throw new ConfigException(BridgeConfig.TLS_KEY, key, "is not the private key of the first certificate in --"
                    + BridgeConfig.TLS_CERT + " " + cert);
        }
        final SslContextBuilder builder = SslContextBuilder.forServer(privateKey, chain.toArray(X509Certificate[]::new));
        if (!config.tlsClientCa().isEmpty()) {
            builder.trustManager(certificates(BridgeConfig.TLS_CLIENT_CA, config.tlsClientCa()).toArray(X509Certificate[]::new))
                    .clientAuth(ClientAuth.REQUIRE);
        }
        try {
            return builder.build();
        } catch (SSLException | RuntimeException e) {
            throw new ConfigException(BridgeConfig.TLS_CERT, cert, "cannot be served with --" + BridgeConfig.TLS_KEY + " " + key + ": " + e);
        }
    }

    private static List<X509Certificate> certificates(final String option, final String file) {
        final List<byte[]> blocks = blocks(option, file, "CERTIFICATE");
        if (blocks.isEmpty()) {
            throw new ConfigException(option, file, "holds no PEM certificate ('-----BEGIN CERTIFICATE-----')");
        }
        try {
            final CertificateFactory factory = CertificateFactory.getInstance("X.509");
            final List<X509Certificate> certificates = new ArrayList<>();
            for (final byte[] der : blocks) {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            }
            return certificates;
        } catch (CertificateException e) {
            throw new ConfigException(option, file, "holds a certificate that cannot be read: " + e.getMessage());
        }
    }

    private static PrivateKey privateKey(final String file) {
        final String option = BridgeConfig.TLS_KEY;
        final List<byte[]> blocks = blocks(option, file, "PRIVATE KEY");
        if (blocks.size() != 1) {
            final String text = read(option, file);
            final String hint = text.contains("-----BEGIN RSA PRIVATE KEY-----") || text.contains("-----BEGIN EC PRIVATE KEY-----")
                    ? "holds a PKCS#1 or SEC1 key; convert it to PKCS#8 with 'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8'"
                    : text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")
                    ? "holds an encrypted key; decrypt it to unencrypted PKCS#8 with 'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8'"
                    : "must hold exactly one PEM private key ('-----BEGIN PRIVATE KEY-----', PKCS#8), found " + blocks.size();
            throw new ConfigException(option, file, hint);
        }
        for (final String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(blocks.get(0)));
            } catch (GeneralSecurityException e) {
                // the next algorithm, then the error below
            }
        }
        throw new ConfigException(option, file, "holds a private key that is neither RSA nor EC, or that cannot be read");
    }

    /** Whether the certificate's public key verifies what the private key signs: a swapped file is caught at start. */
    private static boolean matches(final PrivateKey privateKey, final PublicKey publicKey) {
        if (!privateKey.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        final byte[] probe = "streamavg".getBytes(StandardCharsets.US_ASCII);
        final String algorithm = privateKey.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        try {
            final Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(probe);
            final byte[] signature = signer.sign();
            final Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The DER bytes of the file's PEM blocks of {@code type}. */
    private static List<byte[]> blocks(final String option, final String file, final String type) {
        final Matcher matcher = PEM_BLOCK.matcher(read(option, file));
        final List<byte[]> blocks = new ArrayList<>();
        while (matcher.find()) {
            if (matcher.group(1).equals(type)) {
                try {
                    blocks.add(Base64.getMimeDecoder().decode(matcher.group(2)));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(option, file, "holds a PEM block that is not base64: " + e.getMessage());
                }
            }
        }
        return blocks;
    }

    private static String read(final String option, final String file) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(option, file, "cannot be read: " + e);
        }
    }
}
