package io.streamavg.bridge;

/**
 * What the bridge has done since it started, read from its meters. Once every send has been
 * answered, {@code received == published + sendFailures}: an over-long line counts in
 * {@code tooLong} (one that is not UTF-8 in {@code invalidUtf8}) and then as published or failed like any other, its record going to the
 * dead-letter topic instead.
 *
 * @param received           lines framed, whatever became of them
 * @param published          records acknowledged by Kafka, on raw-lines or (rejected lines) raw-lines-dlq
 * @param sendFailures       records Kafka did not acknowledge: the line is lost, and was logged
 * @param tooLong            lines over --max-line-bytes, sent to raw-lines-dlq
 * @param invalidUtf8        lines that are not UTF-8, sent to raw-lines-dlq
 * @param connectionsRefused clients refused because --max-connections were open
 * @param idleClosed         connections closed after --idle-timeout
 * @param openConnections    clients connected now
 */
public record BridgeCounters(long received, long published, long sendFailures, long tooLong, long invalidUtf8,
                             long connectionsRefused, long idleClosed, int openConnections) {
}
