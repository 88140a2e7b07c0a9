package org.fcgibridge.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ListenAddressTest {

    @Test
    void textForms() {
        assertEquals("127.0.0.1:9000", ListenAddress.parse("127.0.0.1:9000").toString());
        assertEquals(9000, ((InetSocketAddress) ListenAddress.parse("[::1]:9000").socketAddress()).getPort());
        assertTrue(((InetSocketAddress) ListenAddress.parse(":9001").socketAddress()).getAddress().isAnyLocalAddress());
        assertEquals(9002, ((InetSocketAddress) ListenAddress.parse("9002").socketAddress()).getPort());
        assertEquals(ListenAddress.Kind.UNIX, ListenAddress.parse("unix:/run/app.sock").kind());
        assertEquals(Path.of("/run/app.sock"), ListenAddress.parse("unix:/run/app.sock").path());
        assertEquals(ListenAddress.Kind.INHERITED, ListenAddress.parse("fd:0").kind());
        assertEquals(ListenAddress.parse("unix:/a"), ListenAddress.unix(Path.of("/a")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "unix:", "host:port", "1.2.3.4:70000", "::1:9000", "[::1]9000", "-1"})
    void badFormsAreRefused(String text) {
        assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse(text));
    }

    @Test
    void webServerAddresses() throws Exception {
        WebServerAddresses list = WebServerAddresses.parse(" 127.0.0.1 , ::1,10.0.0.2");
        assertTrue(list.allows(InetAddress.getByName("127.0.0.1")));
        assertTrue(list.allows(InetAddress.getByName("::1")));
        assertTrue(list.allows(InetAddress.getByName("::ffff:10.0.0.2")), "IPv4-mapped IPv6 is the same peer");
        assertFalse(list.allows(InetAddress.getByName("10.0.0.3")));
        assertTrue(WebServerAddresses.parse("").allowsAny());
        assertTrue(WebServerAddresses.parse(null).allows(InetAddress.getByName("8.8.8.8")));
        assertThrows(IllegalArgumentException.class, () -> WebServerAddresses.parse("web.example.com"));
    }
}
