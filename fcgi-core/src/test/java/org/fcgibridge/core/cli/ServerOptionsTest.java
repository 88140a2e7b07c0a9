package org.fcgibridge.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.fcgibridge.core.server.ServerParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** fcgi-core.jar's server options: each one a field of {@link ServerParams}, with its defaults. */
class ServerOptionsTest {
    private static ServerParams params(String... args) throws CommandLine.UsageException {
        return new ServerOptions(new CommandLine(args, 0, ServerOptions.WITH_VALUE, ServerOptions.FLAGS)).params;
    }

    @Test
    void noOptionIsServerParamsDefaults() throws Exception {
        ServerParams parsed = params();
        assertEquals(ServerParams.defaults().withWebServerAddrs(parsed.webServerAddrs()), parsed);
    }

    @Test
    void everyLimitHasItsOption() throws Exception {
        ServerParams parsed = params("--max-conns", "2", "--max-reqs", "3", "--mpxs-conns",
                "--max-requests-per-connection", "4", "--max-params-bytes", "5000", "--params-budget-bytes", "6000",
                "--max-body-bytes", "7", "--spool-budget-bytes", "8", "--input-buffer-bytes", "9",
                "--output-record-bytes", "10", "--idle-timeout", "11", "--params-timeout", "12",
                "--request-timeout", "13", "--terminate-grace", "14", "--grace", "15", "--threads", "platform");
        ServerParams expected = ServerParams.defaults().withMaxConns(2).withMaxReqs(3).withMpxsConns(true)
                .withMaxRequestsPerConnection(4).withParamsLimits(5000, 6000).withMaxBodyBytes(7)
                .withSpoolBudgetBytes(8).withInputBufferBytes(9).withOutputRecordBytes(10)
                .withIdleTimeout(Duration.ofSeconds(11)).withParamsTimeout(Duration.ofSeconds(12))
                .withRequestTimeout(Duration.ofSeconds(13)).withTerminateGrace(Duration.ofSeconds(14))
                .withGracePeriod(Duration.ofSeconds(15)).withThreads(ServerParams.ThreadKind.PLATFORM)
                .withWebServerAddrs(parsed.webServerAddrs());
        assertEquals(expected, parsed);
        Set<String> named = new HashSet<>(ServerOptions.WITH_VALUE);
        named.addAll(ServerOptions.FLAGS);
        assertEquals(ServerParams.class.getRecordComponents().length + 3, named.size(),
                "one option per field, and --listen, --socket-mode, --help: " + named);
    }

    @Test
    void aParamsMaximumAboveTheDefaultBudgetRaisesTheBudget() throws Exception {
        long heapQuarter = ServerParams.defaults().paramsBudgetBytes();
        int above = (int) Math.min(Integer.MAX_VALUE, heapQuarter + 1);
        assertEquals(above, params("--max-params-bytes", Integer.toString(above)).paramsBudgetBytes());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--max-conns|0|--max-conns must be positive: 0",
        "--max-requests-per-connection|-1|--max-requests-per-connection must be positive: -1",
        "--output-record-bytes|65536|--output-record-bytes must be 1..65535: 65536",
        "--params-budget-bytes|1000|--params-budget-bytes must be at least --max-params-bytes (262144): 1000",
        "--spool-budget-bytes|-1|--spool-budget-bytes must be a number of bytes, 0 or more: -1",
        "--params-timeout|-1|--params-timeout must be zero or more seconds: -1",
        "--terminate-grace|soon|--terminate-grace is not a number of seconds: soon",
    })
    void aBadValueIsAUsageErrorNamingTheOption(String option, String value, String message) {
        assertEquals(message, assertThrows(CommandLine.UsageException.class, () -> params(option, value))
                .getMessage());
    }
}
