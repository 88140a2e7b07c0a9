package org.fcgibridge.servlet.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.fcgibridge.core.http.ReasonPhrases;
import org.fcgibridge.servlet.http.BridgeResponse;

/**
 * The error page the container writes when the application has none for an error: small HTML in ISO-8859-1 (as
 * Jetty's), never cached, with the request URI, status and message escaped, and no detail of a failure.
 */
public final class DefaultErrorPage {
    private DefaultErrorPage() {
    }

    /**
     * Writes the page for {@code status} into a response that is not committed: the status, the message the
     * application gave to sendError (else the reason phrase) and the URL, escaped. Nothing else reaches the client:
     * an exception's message, class and stack, and the servlet's name, are for the log only.
     *
     * @param url the request URL with its query, as the client asked for it
     * @throws IOException if the web server went away
     */
    public static void write(BridgeResponse response, String url, int status, String message) throws IOException {
        String uri = url;
        if (response.isErrorSent()) {
            response.prepareErrorPage();
            response.setStatus(status);
        }
        String reason = ReasonPhrases.of(status);
        String text = message == null || message.isEmpty() ? reason : message;
        response.setContentType("text/html;charset=iso-8859-1");
        response.setHeader("Cache-Control", "must-revalidate,no-cache,no-store");
        String page = "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html;charset=ISO-8859-1\"/>\n"
                + "<title>Error " + status + " " + escape(text) + "</title>\n</head>\n<body>\n"
                + "<h2>HTTP ERROR " + status + " " + escape(text) + "</h2>\n<table>\n"
                + "<tr><th>URI:</th><td>" + escape(uri) + "</td></tr>\n"
                + "<tr><th>STATUS:</th><td>" + status + "</td></tr>\n"
                + "<tr><th>MESSAGE:</th><td>" + escape(text) + "</td></tr>\n"
                + "</table>\n\n</body>\n</html>\n";
        response.getOutputStream().write(page.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** HTML-escapes text; characters outside ISO-8859-1 become numeric references. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<': out.append("&lt;"); break;
                case '>': out.append("&gt;"); break;
                case '&': out.append("&amp;"); break;
                case '"': out.append("&quot;"); break;
                case '\'': out.append("&#39;"); break;
                default:
                    if (c > 0xFF) {
                        out.append("&#").append((int) c).append(';');
                    } else {
                        out.append(c);
                    }
            }
        }
        return out.toString();
    }
}
