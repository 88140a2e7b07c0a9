package org.fcgibridge.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fcgibridge.core.protocol.Params;
import org.fcgibridge.core.runner.FcgiExchange;
import org.fcgibridge.core.runner.PrefixRouter;
import org.fcgibridge.core.runner.RunnerFactory;
import org.junit.jupiter.api.Test;

/** The one definition of the request path, and the router that uses it as the servlet container does. */
class RequestPathTest {
    @Test
    void theClientsRequestUriWinsOverTheWebServersRewrittenDocumentUri() throws Exception {
        // nginx after try_files $uri /index.php: DOCUMENT_URI is the rewrite, REQUEST_URI what the client asked
        Params params = Params.of(Map.of("REQUEST_URI", "/shop/caf%C3%A9/./x?q=1", "DOCUMENT_URI", "/index.php",
                "SCRIPT_NAME", "/index.php"));
        assertEquals("/shop/caf%C3%A9/./x", RequestPath.raw(params));
        assertEquals("/shop/caf\u00e9/x", RequestPath.of(params));
    }

    @Test
    void withoutRequestUriTheDecodedDocumentUriThenScriptNameAndPathInfoAreEncodedAgain() throws Exception {
        assertEquals("/a%20b/c", RequestPath.raw(Params.of(Map.of("DOCUMENT_URI", "/a b/c", "SCRIPT_NAME", "/x"))));
        Params cgiFcgi = Params.of(Map.of("SCRIPT_NAME", "app/run", "PATH_INFO", "/a?b"));
        assertEquals("/app/run/a%3Fb", RequestPath.raw(cgiFcgi));
        assertEquals("/app/run/a?b", RequestPath.of(cgiFcgi));
    }

    @Test
    void theAbsoluteFormAndAFragmentLeaveThePath() {
        assertEquals("/p", RequestPath.raw(Params.of(Map.of("REQUEST_URI", "http://example.com/p?x#f"))));
        assertEquals("/", RequestPath.raw(Params.of(Map.of("REQUEST_URI", "http://example.com"))));
        assertEquals("/p", RequestPath.raw(Params.of(Map.of("REQUEST_URI", "/p#f"))));
        assertEquals("/", RequestPath.raw(Params.of(Map.of("REQUEST_URI", "*"))), "OPTIONS *");
    }

    @Test
    void noPathOrAMalformedOneIsRefused() {
        assertNull(RequestPath.raw(Params.empty()));
        assertThrows(MalformedPathException.class, () -> RequestPath.of(Params.empty()));
        for (String bad : List.of("/a%2Fb", "/a/%2e%2e/b", "/../x", "/a%00", "/%C3", "/a;b/%")) {
            assertThrows(MalformedPathException.class,
                    () -> RequestPath.of(Params.of(Map.of("REQUEST_URI", bad))), bad);
        }
    }

    @Test
    void aPrefixRouterRoutesByThePathTheContainerMaps() throws Exception {
        // the client asked for /cgi-bin/env.pl: CGI, whatever the web server rewrote DOCUMENT_URI to
        assertEquals("cgi", route(Map.of("REQUEST_URI", "/cgi-bin/env.pl?x", "DOCUMENT_URI", "/index.html")));
        // the client asked for the application; a rewrite into /cgi-bin does not hand it to a script
        assertEquals("app", route(Map.of("REQUEST_URI", "/shop", "DOCUMENT_URI", "/cgi-bin/env.pl")));
        // canonical: encoded, parameterised and dotted forms of the prefix are the prefix, and a climb out is not
        assertEquals("cgi", route(Map.of("REQUEST_URI", "/cgi%2Dbin/env.pl")));
        assertEquals("cgi", route(Map.of("REQUEST_URI", "/x/../cgi-bin/env.pl")));
        assertEquals("app", route(Map.of("REQUEST_URI", "/cgi-bin/../WEB-INF/web.xml")));
        assertEquals("app", route(Map.of("REQUEST_URI", "/cgi-bin%2Fenv.pl")), "malformed: the container's 400");
        assertEquals("app", route(Map.of("REQUEST_METHOD", "GET")), "no path: the container's 400");
        assertEquals("cgi", route(Map.of("DOCUMENT_URI", "/cgi-bin/a b")));
    }

    private static String route(Map<String, String> params) throws Exception {
        List<String> chosen = new ArrayList<>();
        RunnerFactory cgi = exchange -> {
            chosen.add("cgi");
            return null;
        };
        RunnerFactory app = exchange -> {
            chosen.add("app");
            return null;
        };
        Params p = Params.of(params);
        FcgiExchange exchange = (FcgiExchange) Proxy.newProxyInstance(FcgiExchange.class.getClassLoader(),
                new Class<?>[] {FcgiExchange.class}, (proxy, method, args) -> {
                    if (method.getName().equals("params")) {
                        return p;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        new PrefixRouter("/cgi-bin/", cgi, app).create(exchange);
        return String.join(",", chosen);
    }
}
