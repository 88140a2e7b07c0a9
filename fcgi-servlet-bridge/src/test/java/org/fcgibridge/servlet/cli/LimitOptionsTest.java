package org.fcgibridge.servlet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.fcgibridge.core.server.ServerParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The launcher's options for {@link ServerParams}: fcgi-core.jar's names, ServerParams' defaults, one value. */
class LimitOptionsTest {
    private static ServerParams params(String... args) {
        List<String> all = new ArrayList<>(List.of("--war", "app.war"));
        all.addAll(List.of(args));
        Launcher launcher = new Launcher(System.out, System.err);
        new CommandLine(launcher).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(all.toArray(String[]::new));
        return launcher.limits.params();
    }

    @Test
    void noOptionIsServerParamsDefaults() {
        ServerParams parsed = params();
        assertEquals(ServerParams.defaults().withWebServerAddrs(parsed.webServerAddrs()), parsed);
    }

    @Test
    void everyFieldOfServerParamsHasItsOption() {
        ServerParams parsed = params("--max-conns", "2", "--max-reqs", "3", "--mpxs-conns",
                "--max-requests-per-connection", "4", "--max-params-bytes", "5000", "--params-budget-bytes", "6000",
                "--max-body-bytes", "7", "--spool-budget-bytes", "8", "--input-buffer-bytes", "9",
                "--output-record-bytes", "10", "--idle-timeout", "11", "--params-timeout", "12",
                "--request-timeout", "13", "--terminate-grace", "14", "--grace", "15", "--threads", "platform",
                "--web-server-addrs", "127.0.0.1");
        ServerParams expected = ServerParams.defaults().withMaxConns(2).withMaxReqs(3).withMpxsConns(true)
                .withMaxRequestsPerConnection(4).withParamsLimits(5000, 6000).withMaxBodyBytes(7)
                .withSpoolBudgetBytes(8).withInputBufferBytes(9).withOutputRecordBytes(10)
                .withIdleTimeout(Duration.ofSeconds(11)).withParamsTimeout(Duration.ofSeconds(12))
                .withRequestTimeout(Duration.ofSeconds(13)).withTerminateGrace(Duration.ofSeconds(14))
                .withGracePeriod(Duration.ofSeconds(15)).withThreads(ServerParams.ThreadKind.PLATFORM)
                .withWebServerAddrs(parsed.webServerAddrs());
        assertEquals(expected, parsed);
        assertEquals("127.0.0.1", parsed.webServerAddrs().toString());
        assertEquals(ServerParams.class.getRecordComponents().length,
                new CommandLine(new LimitOptions()).getCommandSpec().options().size(), "an option per field");
    }

    @Test
    void aParamsMaximumAboveTheDefaultBudgetRaisesTheBudget() {
        long heapQuarter = ServerParams.defaults().paramsBudgetBytes();
        int above = (int) Math.min(Integer.MAX_VALUE, heapQuarter + 1);
        assertEquals(above, params("--max-params-bytes", Integer.toString(above)).paramsBudgetBytes());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--max-conns|0|fcgi-bridge: --max-conns must be positive: 0",
        "--max-requests-per-connection|-1|fcgi-bridge: --max-requests-per-connection must be positive: -1",
        "--output-record-bytes|65536|fcgi-bridge: --output-record-bytes must be 1..65535: 65536",
        "--params-budget-bytes|1000|fcgi-bridge: --params-budget-bytes must be at least --max-params-bytes (262144): "
                + "1000",
        "--spool-budget-bytes|-1|fcgi-bridge: --spool-budget-bytes must be 0 or more: -1",
        "--params-timeout|-1|fcgi-bridge: --params-timeout must be 0 or more: -1",
        "--terminate-grace|soon|fcgi-bridge: Invalid value for option '--terminate-grace': 'soon' is not a long "
                + "(see --help)",
    })
    void aBadValueIsOneLineNamingTheOptionAndExitStatus2(String option, String value, String line) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Launcher.run(new String[] {"--war", "no-such.war", "--listen", "127.0.0.1:0", option, value},
                new PrintStream(OutputStream.nullOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        assertEquals(line + "\n", err.toString(StandardCharsets.UTF_8));
    }
}
